/**
 * SQL text handling: the Data API's named parameters (`:name`) become PostgreSQL positional parameters (`$n`),
 * and each parameter's Field becomes a value plus the SQL type the Data API binds it as.
 */
import { DataApiError, missingMember } from "./errors";
import type { WireField, WireSqlParameter } from "./wire";

const NAME_START = /[A-Za-z_\u0080-\uffff]/;
const NAME_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

export interface RewrittenSql {
  /** SQL with each supplied `:name` replaced by `placeholder(name, n)` (n = 1-based position of the name). */
  readonly text: string;
  /** Parameter names in positional order: `$1` is `order[0]`. */
  readonly order: readonly string[];
}

/**
 * Replaces `:name` with positional placeholders for the names in `names` only. Leaves untouched: string
 * literals ('...', E'...' with backslash escapes, $tag$...$tag$), quoted identifiers, -- and nested /* *\/
 * comments, `::` casts, and `:x` whose name was not supplied (e.g. an array slice `a[1:n]` with no `n` parameter).
 * The same name used twice gets the same position.
 */
export function rewriteNamedParameters(sql: string, names: ReadonlySet<string>, placeholder: (name: string, position: number) => string): RewrittenSql {
  const order: string[] = [];
  const positions = new Map<string, number>();
  let out = "";
  let i = 0;
  const n = sql.length;
  const copyUntil = (end: number): void => {
    out += sql.slice(i, end);
    i = end;
  };
  while (i < n) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === "'") {
      const prev = i > 0 ? sql[i - 1] : "";
      const escapeString = (prev === "E" || prev === "e") && (i < 2 || !NAME_PART.test(sql[i - 2] ?? ""));
      let j = i + 1;
      while (j < n) {
        if (escapeString && sql[j] === "\\") {
          j += 2;
          continue;
        }
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            j += 2;
            continue;
          }
          break;
        }
        j += 1;
      }
      copyUntil(Math.min(j + 1, n));
    } else if (ch === '"') {
      let j = i + 1;
      while (j < n) {
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') {
            j += 2;
            continue;
          }
          break;
        }
        j += 1;
      }
      copyUntil(Math.min(j + 1, n));
    } else if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      copyUntil(end === -1 ? n : end + 1);
    } else if (ch === "/" && next === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] === "/" && sql[j + 1] === "*") {
          depth += 1;
          j += 2;
        } else if (sql[j] === "*" && sql[j + 1] === "/") {
          depth -= 1;
          j += 2;
        } else {
          j += 1;
        }
      }
      copyUntil(j);
    } else if (ch === "$" && (i === 0 || !NAME_PART.test(sql[i - 1] ?? ""))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 130));
      if (tag === null) {
        copyUntil(i + 1);
      } else {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        copyUntil(close === -1 ? n : close + tag[0].length);
      }
    } else if (ch === ":" && next === ":") {
      copyUntil(i + 2);
    } else if (ch === ":" && next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      while (j < n && NAME_PART.test(sql[j] ?? "") && sql[j] !== "$") j += 1;
      const name = sql.slice(i + 1, j);
      if (names.has(name)) {
        let position = positions.get(name);
        if (position === undefined) {
          order.push(name);
          position = order.length;
          positions.set(name, position);
        }
        out += placeholder(name, position);
        i = j;
      } else {
        copyUntil(j);
      }
    } else {
      copyUntil(i + 1);
    }
  }
  return { text: out, order };
}

export type TypeHint = "JSON" | "TIMESTAMP" | "DATE" | "TIME" | "DECIMAL" | "UUID";
const TYPE_HINTS: readonly TypeHint[] = ["JSON", "TIME", "TIMESTAMP", "DATE", "UUID", "DECIMAL"];

/** A parameter ready for node-postgres: the value, and the SQL type the Data API binds it as. */
export interface BoundParameter {
  readonly value: string | Buffer | null;
  /** SQL type the placeholder is cast to (`$1::varchar`); undefined for NULL, which PostgreSQL types from context. */
  readonly sqlType: string | undefined;
}

const DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;
const TIME_FORMAT = /^\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;
const TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;

const HINT_TYPES: Record<TypeHint, string> = {
  JSON: "json",
  TIMESTAMP: "timestamp",
  DATE: "date",
  TIME: "time",
  DECIMAL: "numeric",
  UUID: "uuid",
};

function setMembers(field: WireField): string[] {
  return Object.keys(field).filter((key) => (field as Record<string, unknown>)[key] !== undefined && (field as Record<string, unknown>)[key] !== null);
}

/**
 * The value and SQL type of one parameter, as the Data API binds them through JDBC: a string without type hint is
 * a `varchar` (so a uuid, jsonb or timestamp column needs its typeHint, as on AWS), longValue `bigint`,
 * doubleValue `double precision`, booleanValue `boolean`, blobValue `bytea`; typeHint DATE, TIME and TIMESTAMP
 * accept only the formats AWS documents (`YYYY-MM-DD`, `HH:MM:SS[.FFF]`, `YYYY-MM-DD HH:MM:SS[.FFF]`).
 * Array parameters are refused, as AWS refuses them.
 */
export function bindParameter(parameter: WireSqlParameter, member: string): BoundParameter {
  const value = parameter.value;
  if (value === undefined || value === null) throw missingMember(`${member}.value`);
  const hint = parameter.typeHint;
  if (hint !== undefined && hint !== null && !TYPE_HINTS.includes(hint as TypeHint)) {
    throw new DataApiError(
      "BadRequestException",
      `1 validation error detected: Value '${String(hint)}' at '${member}.typeHint' failed to satisfy constraint: Member must satisfy enum value set: [${TYPE_HINTS.join(", ")}]`,
    );
  }
  const members = setMembers(value);
  if (members.length !== 1) {
    throw new DataApiError(
      "BadRequestException",
      `Exactly one value must be set in the Field of parameter '${parameter.name ?? ""}' (got ${members.length === 0 ? "none" : members.join(", ")})`,
    );
  }
  if (value.isNull === true) return { value: null, sqlType: undefined };
  if (value.isNull === false) throw new DataApiError("BadRequestException", `isNull must be true when set (parameter '${parameter.name ?? ""}')`);
  if (typeof value.booleanValue === "boolean") return { value: value.booleanValue ? "true" : "false", sqlType: "boolean" };
  if (typeof value.longValue === "number") {
    if (!Number.isInteger(value.longValue)) throw new DataApiError("BadRequestException", `longValue of parameter '${parameter.name ?? ""}' is not an integer: ${value.longValue}`);
    return { value: BigInt(value.longValue).toString(), sqlType: "bigint" };
  }
  if (typeof value.doubleValue === "number") return { value: String(value.doubleValue), sqlType: "double precision" };
  if (typeof value.blobValue === "string") return { value: Buffer.from(value.blobValue, "base64"), sqlType: "bytea" };
  if (value.arrayValue !== undefined) throw new DataApiError("BadRequestException", "Array parameters are not supported");
  if (typeof value.stringValue === "string") {
    const text = value.stringValue;
    if (hint === undefined || hint === null) return { value: text, sqlType: "varchar" };
    const format = hint === "DATE" ? DATE_FORMAT : hint === "TIME" ? TIME_FORMAT : hint === "TIMESTAMP" ? TIMESTAMP_FORMAT : undefined;
    if (format !== undefined && !format.test(text)) throw new DataApiError("BadRequestException", `Cannot parse date or time "${text}"`);
    return { value: text, sqlType: HINT_TYPES[hint as TypeHint] };
  }
  throw new DataApiError("BadRequestException", `Unsupported value in the Field of parameter '${parameter.name ?? ""}': ${members.join(", ")}`);
}

export interface PreparedStatement {
  readonly text: string;
  readonly values: (string | Buffer | null)[];
}

/** Rewrites `sql` for one parameter set: `:name` → `$n::<type>` (`$n` for NULL), values in positional order. */
export function prepareStatement(sql: string, parameters: readonly WireSqlParameter[] | undefined, member: string): PreparedStatement {
  const bound = new Map<string, BoundParameter>();
  (parameters ?? []).forEach((parameter, index) => {
    const at = `${member}.${index + 1}.member`;
    if (parameter === null || typeof parameter !== "object") throw missingMember(at);
    if (typeof parameter.name !== "string" || parameter.name === "") throw missingMember(`${at}.name`);
    bound.set(parameter.name, bindParameter(parameter, at));
  });
  const rewritten = rewriteNamedParameters(sql, new Set(bound.keys()), (name, position) => {
    const type = bound.get(name)?.sqlType;
    return type === undefined ? `$${position}` : `$${position}::${type}`;
  });
  return { text: rewritten.text, values: rewritten.order.map((name) => bound.get(name)?.value ?? null) };
}
