// References of the configuration (cdk.tf.json): `${type.name.attr}` templates resolved against the drafts' values.
import type { ResourceChangeJson } from "../lib/terraform-json";
import { getAt, setAt } from "./state-drafts";
import type { Path, Pending, InstanceDraft } from "./state-drafts";

export const SIMPLE_REF = /^(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\[\d+\]|\["[^"\]]*"\])?(?:\.[A-Za-z_][\w-]*|\[\d+\])*$/;

export function hasReference(value: unknown): boolean {
  if (typeof value === "string") return /(^|[^$])\$\{/.test(value);
  if (Array.isArray(value)) return value.some(hasReference);
  if (value && typeof value === "object") return Object.entries(value).some(([k, v]) => k !== "//" && hasReference(v));
  return false;
}

/** The configuration body (cdk.tf.json resource block) of a resource change, root module only. */
export function configOf(config: any, rc: ResourceChangeJson): any {
  if (!config || rc.module_address) return undefined;
  return config.resource?.[rc.type]?.[rc.name];
}

/** The configured value at a state path; blocks may be written as one object or as a list of objects. */
export function configAt(body: any, path: Path): any {
  let cur = body;
  for (const step of path) {
    if (cur === null || cur === undefined) return undefined;
    if (typeof step === "number") {
      if (Array.isArray(cur)) cur = cur[step];
      else if (typeof cur === "object" && step === 0) continue;
      else return undefined;
    } else {
      if (Array.isArray(cur)) cur = cur.length === 1 ? cur[0] : undefined;
      cur = cur && typeof cur === "object" ? cur[step] : undefined;
    }
  }
  return cur;
}

export function resolvePending(drafts: Map<string, InstanceDraft>, pending: Pending[]): void {
  for (let round = 0; round < 6 && pending.length > 0; round++) {
    let changed = false;
    for (const p of pending) {
      const draft = drafts.get(p.key)!;
      const resolved = resolveValue(p.template, drafts);
      if (!resolved.ok) continue;
      const value = coerce(resolved.value, p.type);
      if (value === undefined) continue;
      if (JSON.stringify(getAt(draft.attributes, p.path)) !== JSON.stringify(value)) {
        draft.attributes = setAt(draft.attributes, p.path, value);
        changed = true;
      }
    }
    if (!changed) break;
  }
}

export type Resolved = { ok: true; value: any } | { ok: false };

/** Evaluates a configuration value whose templates hold only plain references (no functions, no directives). */
export function resolveValue(value: unknown, drafts: Map<string, { attributes: Record<string, any> }>): Resolved {
  if (typeof value === "string") return resolveTemplate(value, drafts);
  if (Array.isArray(value)) {
    const out: any[] = [];
    for (const e of value) {
      const r = resolveValue(e, drafts);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return { ok: true, value: out };
  }
  if (value && typeof value === "object") {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "//") continue;
      const r = resolveValue(v, drafts);
      if (!r.ok) return r;
      out[k] = r.value;
    }
    return { ok: true, value: out };
  }
  return { ok: true, value };
}

export function resolveTemplate(text: string, drafts: Map<string, { attributes: Record<string, any> }>): Resolved {
  if (text.includes("%{")) return { ok: false };
  const parts: Array<string | { ref: string }> = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf("${", i);
    if (start < 0) {
      parts.push(text.slice(i));
      break;
    }
    if (start > 0 && text[start - 1] === "$") {
      // "$${" is a literal "${"
      parts.push(text.slice(i, start - 1) + "${");
      i = start + 2;
      continue;
    }
    const end = text.indexOf("}", start);
    if (end < 0) return { ok: false };
    parts.push(text.slice(i, start));
    const expr = text.slice(start + 2, end).trim();
    if (!SIMPLE_REF.test(expr)) return { ok: false };
    parts.push({ ref: expr });
    i = end + 1;
  }
  const refs = parts.filter((p): p is { ref: string } => typeof p !== "string");
  if (refs.length === 0) return { ok: true, value: text.replace(/\$\$\{/g, "${") };
  const values: any[] = [];
  for (const r of refs) {
    const v = lookupReference(r.ref, drafts);
    if (v === undefined || v === null) return { ok: false };
    values.push(v);
  }
  // "${ref}" alone keeps the referenced value's type; inside a template it must be a primitive.
  const meaningful = parts.filter((p) => p !== "");
  if (meaningful.length === 1 && typeof meaningful[0] !== "string") return { ok: true, value: values[0] };
  let out = "";
  let k = 0;
  for (const p of parts) {
    if (typeof p === "string") out += p;
    else {
      const v = values[k++];
      if (typeof v === "object") return { ok: false };
      out += String(v);
    }
  }
  return { ok: true, value: out };
}

export function lookupReference(ref: string, drafts: Map<string, { attributes: Record<string, any> }>): any {
  if (ref.startsWith("data.") || ref.startsWith("var.") || ref.startsWith("local.") || ref.startsWith("module.")) return undefined;
  const steps = parseSteps(ref);
  if (steps.length < 3 || typeof steps[0] !== "string" || typeof steps[1] !== "string") return undefined;
  let key = `${steps[0]}.${steps[1]}`;
  let rest = steps.slice(2);
  if (typeof rest[0] === "number" || (rest[0] as any)?.key !== undefined) {
    const idx = rest[0] as any;
    key = `${key}[${JSON.stringify(typeof idx === "number" ? idx : idx.key)}]`;
    rest = rest.slice(1);
  }
  const draft = drafts.get(key);
  if (!draft) return undefined;
  return getAt(
    draft.attributes,
    rest.map((s) => (typeof s === "object" ? (s as any).key : s)),
  );
}

export function parseSteps(ref: string): Array<string | number | { key: string }> {
  const steps: Array<string | number | { key: string }> = [];
  const re = /\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\["([^"\]]*)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(ref)) !== null) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push({ key: m[3] });
  }
  return steps;
}

export function coerce(value: any, type: any): any {
  if (type === "string") return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
  if (type === "number") return typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)) ? Number(value) : undefined;
  if (type === "bool") return typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return Array.isArray(value) ? value : undefined;
  if (Array.isArray(type) && (type[0] === "map" || type[0] === "object")) return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  return value;
}
