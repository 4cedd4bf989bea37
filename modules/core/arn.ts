import { Token } from "cdktf";

const ARN = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/;

export interface ParsedArn {
  readonly region: string;
  readonly account: string;
  /** Everything after the account: `my-queue`, `table/profiles`, `function:fn`. */
  readonly resource: string;
}

/**
 * Validates an ARN of the given service at synth time and parses it; tokens pass (returns undefined).
 * Throws a message naming the importer and the fix.
 */
export function parseArn(importer: string, arn: string, service: string): ParsedArn | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const m = ARN.exec(arn);
  if (!m || m[1] !== service) {
    throw new Error(
      `${importer}: "${arn}" is not an ${service} ARN. Fix: pass an ARN of the form arn:aws:${service}:<region>:<account>:<resource>.`,
    );
  }
  return { region: m[2], account: m[3], resource: m[4] };
}

/**
 * The resource's name: `name` when the caller gave it, else the last segment of the ARN's resource part
 * (`table/profiles` → `profiles`). A token ARN needs `name` (the error says how to pass it); a resolved ARN whose last
 * segment differs from `name` is refused.
 */
export function nameFromArn(importer: string, arn: string, service: string, name: string | undefined): string {
  const parsed = parseArn(importer, arn, service);
  const parts = parsed?.resource.split(/[:/]/);
  const derived = parts?.[parts.length - 1];
  if (name !== undefined) {
    if (derived !== undefined && !Token.isUnresolved(name) && name !== derived) {
      throw new Error(`${importer}: name "${name}" does not match the ARN's name "${derived}". Fix: drop name (it is read from the ARN), or pass the ARN of "${name}".`);
    }
    return name;
  }
  if (derived === undefined) {
    throw new Error(`${importer}: the ARN is a token, so the name cannot be read from it. Fix: pass it in the import options, e.g. ${importer.replace(/\)$/, "")}, <arn>, { name: "<name>" }).`);
  }
  return derived;
}
