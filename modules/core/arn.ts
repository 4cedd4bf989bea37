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

/** The last segment of an ARN's resource part (`table/profiles` → `profiles`); requires a resolved ARN. */
export function lastArnSegment(importer: string, arn: string, service: string): string {
  const parsed = parseArn(importer, arn, service);
  if (!parsed) {
    throw new Error(`${importer}: the ARN is a token, so the name cannot be derived. Fix: pass the name explicitly.`);
  }
  const parts = parsed.resource.split(/[:/]/);
  return parts[parts.length - 1];
}
