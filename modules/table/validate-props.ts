import { PropsValidator } from "../core/validation";
import { validateKeyAlias } from "../kms-key/deprecated-arn";
import type { TableProps } from "./index";

const ATTR = /^[A-Za-z0-9_.-]{1,255}$/;

export function validateTableProps(path: string, props: TableProps): void {
  const v = new PropsValidator("Table", path);
  v.string("name", props.name, { min: 1, max: 200, pattern: /^[a-zA-Z0-9_.-]+$/, describe: "1–200 characters of [a-zA-Z0-9_.-]" });
  v.string("partitionKey.name", props.partitionKey.name, { pattern: ATTR, describe: "1–255 characters of [A-Za-z0-9_.-]" });
  v.oneOf("partitionKey.type", props.partitionKey.type, ["S", "N", "B"] as const);
  if (props.sortKey) {
    v.string("sortKey.name", props.sortKey.name, { pattern: ATTR, describe: "1–255 characters of [A-Za-z0-9_.-]" });
    v.oneOf("sortKey.type", props.sortKey.type, ["S", "N", "B"] as const);
    v.check(props.sortKey.name !== props.partitionKey.name, {
      prop: "sortKey.name",
      received: props.sortKey.name,
      allowed: "a name different from partitionKey.name",
      fix: "rename the sort key attribute",
    });
  }
  v.oneOf("stream", props.stream, ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"] as const);
  v.string("ttlAttribute", props.ttlAttribute, { pattern: ATTR, describe: "1–255 characters of [A-Za-z0-9_.-]" });
  const gsis = props.globalSecondaryIndexes ?? [];
  v.check(gsis.length <= 20, {
    prop: "globalSecondaryIndexes",
    received: gsis.length,
    allowed: "at most 20 indexes",
    fix: "remove indexes or model access patterns with overloaded keys",
  });
  const names = new Set<string>();
  const types = new Map<string, string>([[props.partitionKey.name, props.partitionKey.type]]);
  if (props.sortKey) types.set(props.sortKey.name, props.sortKey.type);
  gsis.forEach((g, i) => {
    v.string(`globalSecondaryIndexes[${i}].name`, g.name, { min: 3, max: 255, pattern: /^[a-zA-Z0-9_.-]+$/, describe: "3–255 characters of [a-zA-Z0-9_.-]" });
    v.check(!names.has(g.name), { prop: `globalSecondaryIndexes[${i}].name`, received: g.name, allowed: "a unique index name", fix: "rename the index" });
    names.add(g.name);
    for (const key of [g.partitionKey, g.sortKey]) {
      if (!key) continue;
      const known = types.get(key.name);
      v.check(known === undefined || known === key.type, {
        prop: `globalSecondaryIndexes[${i}] key ${key.name}`,
        received: key.type,
        allowed: `type ${known} (the attribute is already declared with that type)`,
        fix: "use one type per attribute name",
      });
      types.set(key.name, key.type);
    }
    const projection = g.projection ?? "ALL";
    if (typeof projection === "object") {
      v.check(projection.include.length > 0 && projection.include.length <= 100, {
        prop: `globalSecondaryIndexes[${i}].projection.include`,
        received: projection.include,
        allowed: "1 to 100 non-key attribute names",
        fix: 'list the attributes to project, or use "KEYS_ONLY"/"ALL"',
      });
    }
  });
  validateKeyAlias(v, props);
  v.throwIfInvalid();
}
