// The drafts the state builder works on (one per resource instance), the options it takes, and paths into values.
import type { ChangeJson, ResourceChangeJson, ResourceSchemas } from "../lib/terraform-json";

export type Path = ReadonlyArray<string | number>;

export interface StateFromPlanOptions {
  /** Resource schemas (versions and types), from `terraform providers schema -json`. */
  readonly schemas: ResourceSchemas;
  /** The configuration the plan came from (cdk.tf.json, parsed): resolves simple references between resources. */
  readonly config?: any;
  /** Account of fake ARNs. @default 123456789012 */
  readonly account?: string;
  /** Region of fake ARNs when the provider configuration has no constant region. @default us-east-1 */
  readonly defaultRegion?: string;
}

export interface Pending {
  readonly key: string;
  readonly path: Path;
  readonly template: unknown;
  readonly type: any;
}

export interface InstanceDraft {
  readonly key: string;
  readonly rc: ResourceChangeJson;
  attributes: Record<string, any>;
}

export function mapValues<T, U>(obj: Record<string, T>, fn: (v: T, k: string) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fn(v, k);
  return out;
}

export function getAt(value: any, path: Path): any {
  let cur = value;
  for (const step of path) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = cur[step as any];
  }
  return cur;
}

export function setAt<T extends Record<string, any>>(root: T, path: Path, value: any): T {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(root) ? [...root] : { ...root };
  const [head, ...rest] = path;
  copy[head as any] = rest.length === 0 ? value : setAt(copy[head as any] ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
  return copy;
}

/** A change with only no-op semantics (used by callers that compare plans). */
export function isNoop(change: ChangeJson): boolean {
  return change.actions.every((a) => a === "no-op" || a === "read");
}
