// Fills a planned value's unknowns from the resource schema: the configuration's references where they resolve
// (else pending), a value the state already holds, or a deterministic fake of the right type (fake-values.ts).
import type { SchemaAttribute, SchemaBlock } from "../lib/terraform-json";
import type { FakeContext } from "./fake-values";
import { fakeString } from "./fake-values";
import { mapValues, getAt } from "./state-drafts";
import type { Path } from "./state-drafts";
import { hasReference, configAt } from "./config-references";

/** "No known value" (distinct from a known null). */
export const NONE: unique symbol = Symbol("none");

/** Walks planned values against the schema, replacing unknowns (prior value, then resolvable reference, then fake). */
export class Filler {
  constructor(
    private readonly ctx: FakeContext,
    private readonly prior: any,
    private readonly config: any,
    private readonly onReference: (path: Path, template: unknown, type: any) => void,
  ) {}

  block(value: any, unknown: any, block: SchemaBlock | undefined, path: Path): Record<string, any> {
    const v = value && typeof value === "object" ? value : {};
    if (!block) return this.schemaless(v, unknown, path);
    const out: Record<string, any> = {};
    for (const [name, attr] of Object.entries(block.attributes ?? {})) {
      out[name] = this.attribute(v[name], unknown === true ? true : unknown?.[name], attr, [...path, name]);
    }
    for (const [name, nested] of Object.entries(block.block_types ?? {})) {
      const u = unknown === true ? true : unknown?.[name];
      const p = [...path, name];
      const raw = v[name];
      if (u === true) {
        out[name] = this.unknownNested(nested.nesting_mode, nested.block, p);
        continue;
      }
      switch (nested.nesting_mode) {
        case "list":
        case "set":
          out[name] = Array.isArray(raw) ? raw.map((e, i) => this.block(e, Array.isArray(u) ? u[i] : undefined, nested.block, [...p, i])) : [];
          break;
        case "map":
          out[name] = raw && typeof raw === "object" ? mapValues(raw, (e, k) => this.block(e, u?.[k], nested.block, [...p, k])) : {};
          break;
        default:
          out[name] =
            raw === null || raw === undefined ? (nested.nesting_mode === "group" ? this.block({}, undefined, nested.block, p) : null) : this.block(raw, u, nested.block, p);
      }
    }
    return out;
  }

  private attribute(value: any, unknown: any, attr: SchemaAttribute, path: Path): any {
    if (attr.nested_type) {
      if (unknown === true) {
        const known = this.unknownLeaf(undefined, path);
        if (known !== NONE) return known;
        const mode = attr.nested_type.nesting_mode;
        const computedOnly = attr.computed && !attr.optional;
        if (mode === "list" || mode === "set") return computedOnly ? [this.block({}, true, { attributes: attr.nested_type.attributes }, [...path, 0])] : [];
        return mode === "map" ? {} : computedOnly ? this.block({}, true, { attributes: attr.nested_type.attributes }, path) : null;
      }
      if (value === null || value === undefined) return null;
      const block: SchemaBlock = { attributes: attr.nested_type.attributes };
      switch (attr.nested_type.nesting_mode) {
        case "list":
        case "set":
          return (value as any[]).map((e, i) => this.block(e, Array.isArray(unknown) ? unknown[i] : undefined, block, [...path, i]));
        case "map":
          return mapValues(value, (e, k) => this.block(e, unknown?.[k], block, [...path, k]));
        default:
          return this.block(value, unknown, block, path);
      }
    }
    if (unknown === true && attr.computed && !attr.optional && isListOfObjects(attr.type)) {
      // A computed-only list of objects (aws_rds_cluster.master_user_secret) gets one element of fakes: configurations
      // index it (master_user_secret[0].secret_arn), and terraform rejects an index into an empty list.
      const known = this.unknownLeaf(attr.type, path);
      return known !== NONE ? known : [fakeOfType(attr.type[1], this.ctx, [...path, 0])];
    }
    return this.typed(value, unknown, attr.type ?? "dynamic", path);
  }

  private typed(value: any, unknown: any, type: any, path: Path): any {
    if (unknown === true) {
      const known = this.unknownLeaf(type, path);
      return known !== NONE ? known : fakeOfType(type, this.ctx, path);
    }
    if (value === null || value === undefined) return null;
    if (Array.isArray(type)) {
      const [kind, elem] = type;
      if ((kind === "list" || kind === "set") && Array.isArray(value))
        return value.map((e, i) => this.typed(e, Array.isArray(unknown) ? unknown[i] : undefined, elem, [...path, i]));
      if (kind === "map" && typeof value === "object") return mapValues(value, (e, k) => this.typed(e, unknown?.[k], elem, [...path, k]));
      if (kind === "object" && typeof value === "object") {
        const out: Record<string, any> = {};
        for (const [k, t] of Object.entries<any>(elem)) out[k] = this.typed(value[k], unknown?.[k], t, [...path, k]);
        return out;
      }
      if (kind === "tuple" && Array.isArray(value)) return (elem as any[]).map((t, i) => this.typed(value[i], unknown?.[i], t, [...path, i]));
    }
    return value;
  }

  /** An unknown value: the prior state's value at that path (null included), else NONE (a fake; a reference of the configuration is resolved later). */
  private unknownLeaf(type: any, path: Path): any {
    if (this.prior !== undefined) {
      const prior = getAt(this.prior, path);
      if (prior !== undefined) return prior;
    }
    if (this.config !== undefined) {
      const configured = configAt(this.config, path);
      if (configured !== undefined && hasReference(configured)) this.onReference(path, configured, type);
    }
    return NONE;
  }

  private unknownNested(mode: string, block: SchemaBlock, path: Path): any {
    const prior = this.prior !== undefined ? getAt(this.prior, path) : undefined;
    if (prior !== undefined) return prior;
    if (mode === "list" || mode === "set") return [];
    if (mode === "map") return {};
    if (mode === "group") return this.block({}, true, block, path);
    return null;
  }

  /** Without a schema: keep known values, fake unknown top-level strings (id, arn) and null the rest. */
  private schemaless(value: Record<string, any>, unknown: any, path: Path): Record<string, any> {
    const out: Record<string, any> = { ...value };
    if (unknown && typeof unknown === "object") {
      for (const [k, u] of Object.entries(unknown)) {
        if (u !== true) continue;
        const known = this.unknownLeaf("string", [...path, k]);
        out[k] = known !== NONE ? known : k === "id" || k.endsWith("arn") ? fakeString(this.ctx, [...path, k]) : null;
      }
    }
    return out;
  }
}

export const isListOfObjects = (type: any): boolean => Array.isArray(type) && (type[0] === "list" || type[0] === "set") && Array.isArray(type[1]) && type[1][0] === "object";

/** A fake of a cty type: strings by naming convention, 0, false, empty collections, objects of fakes. */
export function fakeOfType(type: any, ctx: FakeContext, path: Path): any {
  if (type === "string") return fakeString(ctx, path);
  if (type === "number" || type === "bool") return null;
  if (Array.isArray(type)) {
    const [kind, elem] = type;
    if (kind === "list" || kind === "set" || kind === "tuple") return [];
    if (kind === "map") return {};
    if (kind === "object") {
      const out: Record<string, any> = {};
      for (const [k, t] of Object.entries<any>(elem)) out[k] = fakeOfType(t, ctx, [...path, k]);
      return out;
    }
  }
  return null;
}
