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
 * Throws a message naming the importer and the fix: an ARN of the form `form` (the service's own form, e.g.
 * `arn:aws:s3:::<bucket name>`).
 */
export function parseArn(importer: string, arn: string, service: string, form = `arn:aws:${service}:<region>:<account>:<resource>`): ParsedArn | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const m = ARN.exec(arn);
  if (!m || m[1] !== service) {
    throw new Error(`${importer}: "${arn}" is not an ${service} ARN. Fix: pass an ARN of the form ${form}.`);
  }
  return { region: m[2], account: m[3], resource: m[4] };
}

/** How `nameFromArn` reads a name from an ARN. */
export interface NameFromArnOptions {
  /** Reads the name from the ARN's resource part (and throws when it is not one). @default its last `:` or `/` segment */
  readonly resourceName?: (resource: string) => string;
  /** The import option that carries the name, named in the errors. @default "name" */
  readonly option?: string;
}

/**
 * The resource's name: `name` when the caller gave it, else the name read from the ARN's resource part by
 * `resourceName` (by default its last segment: `table/profiles` → `profiles`). A token ARN needs `name`: `importer`
 * is the importer's call as the caller writes it (`Table.fromArn(scope, "Profiles")`) and every importer that uses
 * this function takes `{ name }` in its options, which the error tells the caller to pass. A resolved ARN whose name
 * differs from `name` is refused.
 */
export function nameFromArn(importer: string, arn: string, service: string, name: string | undefined, options: NameFromArnOptions = {}): string {
  const resourceName = options.resourceName ?? ((resource: string) => resource.split(/[:/]/).pop()!);
  const option = options.option ?? "name";
  const parsed = parseArn(importer, arn, service);
  const derived = parsed ? resourceName(parsed.resource) : undefined;
  if (name !== undefined) {
    if (derived !== undefined && !Token.isUnresolved(name) && name !== derived) {
      throw new Error(
        `${importer}: ${option} "${name}" does not match the ARN's ${option} "${derived}". Fix: drop ${option} (it is read from the ARN), or pass the ARN of "${name}".`,
      );
    }
    return name;
  }
  if (derived === undefined) {
    throw new Error(
      `${importer}: the ARN is a token, so the ${option} cannot be read from it. Fix: pass it in the import options, e.g. ${importer.replace(/\)$/, "")}, <arn>, { ${option}: "<${option}>" }).`,
    );
  }
  return derived;
}
