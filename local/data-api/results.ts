/**
 * Result sets as the Data API returns them for Aurora PostgreSQL. node-postgres hands over every value as the text
 * PostgreSQL sent (no type parsing; the session runs with TimeZone=UTC and DateStyle=ISO), and each value becomes the
 * Field member the Data API uses for its type:
 *
 * | PostgreSQL type                         | Field                                                           |
 * | --------------------------------------- | --------------------------------------------------------------- |
 * | NULL                                    | `isNull: true`                                                  |
 * | bool                                    | `booleanValue`                                                  |
 * | int2, int4, int8, oid                   | `longValue` (`stringValue` with `longReturnType: "STRING"`)       |
 * | float4, float8                          | `doubleValue`                                                   |
 * | numeric                                 | `stringValue` (`doubleValue`/`longValue` with `DOUBLE_OR_LONG`)   |
 * | bytea                                   | `blobValue`                                                     |
 * | timestamptz                             | `stringValue`, in UTC without offset: `YYYY-MM-DD HH:MM:SS[.ffffff]` |
 * | timestamp, date, time, json, jsonb, uuid, text, enums, everything else | `stringValue` (PostgreSQL's text) |
 * | one-dimensional arrays                  | `arrayValue` (`booleanValues`, `longValues`, `doubleValues`, `stringValues`) |
 * | multidimensional arrays                 | `UnsupportedResultException`, as AWS answers                    |
 */
import type { FieldDef } from "pg";
import { DataApiError } from "./errors";
import type { WireArrayValue, WireColumnMetadata, WireField, WireResultSetOptions } from "./wire";

export const OID = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  money: 790,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

/** What the catalog says about a type (pg_type). */
export interface TypeInfo {
  readonly oid: number;
  readonly name: string;
  /** Element type of an array type; 0 otherwise. */
  readonly elementOid: number;
  readonly isArray: boolean;
}

/** What the catalog says about a table column (pg_attribute, pg_class, pg_attrdef). */
export interface ColumnInfo {
  readonly tableName: string;
  readonly notNull: boolean;
  readonly autoIncrement: boolean;
}

type Kind = "bool" | "long" | "double" | "decimal" | "blob" | "timestamptz" | "string";

function kindOf(oid: number): Kind {
  switch (oid) {
    case OID.bool:
      return "bool";
    case OID.int2:
    case OID.int4:
    case OID.int8:
    case OID.oid:
      return "long";
    case OID.float4:
    case OID.float8:
      return "double";
    case OID.numeric:
      return "decimal";
    case OID.bytea:
      return "blob";
    case OID.timestamptz:
      return "timestamptz";
    default:
      return "string";
  }
}

/** Parses PostgreSQL's array text (`{1,NULL,"a b"}`, `[0:1]={...}`, nested `{{1,2},{3,4}}`). */
export function parseArrayText(text: string): ArrayItem[] {
  let i = text.startsWith("[") ? text.indexOf("=") + 1 : 0;
  const parseLevel = (): ArrayItem[] => {
    if (text[i] !== "{") throw new Error(`malformed array literal: ${text}`);
    i += 1;
    const items: ArrayItem[] = [];
    if (text[i] === "}") {
      i += 1;
      return items;
    }
    for (;;) {
      if (text[i] === "{") {
        items.push(parseLevel());
      } else if (text[i] === '"') {
        i += 1;
        let value = "";
        while (i < text.length && text[i] !== '"') {
          if (text[i] === "\\") i += 1;
          value += text[i];
          i += 1;
        }
        i += 1;
        items.push(value);
      } else {
        let j = i;
        while (j < text.length && text[j] !== "," && text[j] !== "}") j += 1;
        const raw = text.slice(i, j).trim();
        items.push(raw === "NULL" ? null : raw);
        i = j;
      }
      if (text[i] === ",") {
        i += 1;
        continue;
      }
      if (text[i] === "}") {
        i += 1;
        return items;
      }
      throw new Error(`malformed array literal: ${text}`);
    }
  };
  return parseLevel();
}
export type ArrayItem = string | null | ArrayItem[];

const TIMESTAMPTZ = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?( BC)?$/;

/** A timestamptz in UTC without offset, as the Data API returns it: `2024-01-02 03:04:05.123456`. */
export function timestamptzToUtc(text: string): string {
  const m = TIMESTAMPTZ.exec(text);
  if (m === null) return text; // infinity, -infinity
  const [, y, mo, d, h, mi, s, fraction = "", sign, oh, om = "0", os = "0", bc = ""] = m;
  const offsetSeconds = (sign === "-" ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  if (offsetSeconds === 0) return `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction}${bc}`;
  const local = new Date(0);
  local.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  local.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const utc = new Date(local.getTime() - offsetSeconds * 1000);
  const pad = (v: number, width = 2): string => String(v).padStart(width, "0");
  return `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}${fraction}${bc}`;
}

function doubleOf(text: string): number | string {
  switch (text) {
    case "NaN":
      return "NaN";
    case "Infinity":
      return "Infinity";
    case "-Infinity":
      return "-Infinity";
    default:
      return Number(text);
  }
}

function blobOf(text: string): string {
  // bytea_output = hex: \x0a0b...
  return (text.startsWith("\\x") ? Buffer.from(text.slice(2), "hex") : Buffer.from(text, "latin1")).toString("base64");
}

function decimalAsNumber(text: string): { longValue: number } | { doubleValue: number | string } {
  if (/^[+-]?\d+$/.test(text)) return { longValue: Number(text) };
  return { doubleValue: doubleOf(text) };
}

/** One value (text from PostgreSQL, or null) as a Field. */
export function toField(text: string | null, type: TypeInfo, options: WireResultSetOptions): WireField {
  if (text === null) return { isNull: true };
  if (type.isArray) return { arrayValue: toArrayValue(parseArrayText(text), kindOf(type.elementOid), options) };
  switch (kindOf(type.oid)) {
    case "bool":
      return { booleanValue: text === "t" };
    case "long":
      return options.longReturnType === "STRING" ? { stringValue: text } : { longValue: Number(text) };
    case "double":
      return { doubleValue: doubleOf(text) as number };
    case "decimal":
      return options.decimalReturnType === "DOUBLE_OR_LONG" ? (decimalAsNumber(text) as WireField) : { stringValue: text };
    case "blob":
      return { blobValue: blobOf(text) };
    case "timestamptz":
      return { stringValue: timestamptzToUtc(text) };
    default:
      return { stringValue: text };
  }
}

function toArrayValue(items: ArrayItem[], kind: Kind, options: WireResultSetOptions): WireArrayValue {
  if (items.some((item) => Array.isArray(item))) {
    throw new DataApiError("UnsupportedResultException", "The result contains a multidimensional array, which is not supported.");
  }
  const flat = items as (string | null)[];
  switch (kind) {
    case "bool":
      return { booleanValues: flat.map((v) => (v === null ? null : v === "t")) };
    case "long":
      return options.longReturnType === "STRING" ? { stringValues: flat } : { longValues: flat.map((v) => (v === null ? null : Number(v))) };
    case "double":
      return { doubleValues: flat.map((v) => (v === null ? null : (doubleOf(v) as number))) };
    case "decimal":
      return options.decimalReturnType === "DOUBLE_OR_LONG" ? { doubleValues: flat.map((v) => (v === null ? null : (doubleOf(v) as number))) } : { stringValues: flat };
    case "timestamptz":
      return { stringValues: flat.map((v) => (v === null ? null : timestamptzToUtc(v))) };
    case "blob":
      return { stringValues: flat.map((v) => (v === null ? null : blobOf(v))) };
    default:
      return { stringValues: flat };
  }
}

/** One value as the JSON the Data API writes into `formattedRecords`. */
export function toJsonValue(text: string | null, type: TypeInfo, options: WireResultSetOptions): unknown {
  if (text === null) return null;
  if (type.isArray) {
    const kind = kindOf(type.elementOid);
    const convert = (items: ArrayItem[]): unknown[] => items.map((item) => (Array.isArray(item) ? convert(item) : item === null ? null : scalarJson(item, kind, options)));
    return convert(parseArrayText(text));
  }
  return scalarJson(text, kindOf(type.oid), options);
}

function scalarJson(text: string, kind: Kind, options: WireResultSetOptions): unknown {
  switch (kind) {
    case "bool":
      return text === "t";
    case "long":
      return options.longReturnType === "STRING" ? text : Number(text);
    case "double":
      return doubleOf(text);
    case "decimal":
      return options.decimalReturnType === "DOUBLE_OR_LONG" ? doubleOf(text) : text;
    case "blob":
      return blobOf(text);
    case "timestamptz":
      return timestamptzToUtc(text);
    default:
      return text;
  }
}

// java.sql.Types, as the PostgreSQL JDBC driver reports each type.
const JDBC = {
  BIT: -7,
  BIGINT: -5,
  BINARY: -2,
  CHAR: 1,
  NUMERIC: 2,
  INTEGER: 4,
  SMALLINT: 5,
  REAL: 7,
  DOUBLE: 8,
  VARCHAR: 12,
  DATE: 91,
  TIME: 92,
  TIMESTAMP: 93,
  OTHER: 1111,
  ARRAY: 2003,
  SQLXML: 2009,
} as const;
const MAX_LENGTH = 2147483647;

function jdbcType(oid: number): number {
  switch (oid) {
    case OID.bool:
      return JDBC.BIT;
    case OID.int2:
      return JDBC.SMALLINT;
    case OID.int4:
      return JDBC.INTEGER;
    case OID.int8:
    case OID.oid:
      return JDBC.BIGINT;
    case OID.float4:
      return JDBC.REAL;
    case OID.float8:
    case OID.money:
      return JDBC.DOUBLE;
    case OID.numeric:
      return JDBC.NUMERIC;
    case OID.char:
    case OID.bpchar:
      return JDBC.CHAR;
    case OID.varchar:
    case OID.text:
    case OID.name:
      return JDBC.VARCHAR;
    case OID.bytea:
      return JDBC.BINARY;
    case OID.date:
      return JDBC.DATE;
    case OID.time:
    case OID.timetz:
      return JDBC.TIME;
    case OID.timestamp:
    case OID.timestamptz:
      return JDBC.TIMESTAMP;
    case OID.xml:
      return JDBC.SQLXML;
    default:
      return JDBC.OTHER;
  }
}

function precisionOf(oid: number, typmod: number): number {
  switch (oid) {
    case OID.int2:
      return 5;
    case OID.int4:
    case OID.oid:
      return 10;
    case OID.int8:
      return 19;
    case OID.float4:
      return 8;
    case OID.float8:
      return 17;
    case OID.numeric:
      return typmod === -1 ? 0 : ((typmod - 4) >> 16) & 0xffff;
    case OID.bool:
    case OID.char:
      return 1;
    case OID.bpchar:
    case OID.varchar:
      return typmod === -1 ? MAX_LENGTH : typmod - 4;
    case OID.date:
      return 13;
    case OID.time:
      return 8 + (typmod === -1 ? 7 : typmod > 0 ? typmod + 1 : 0);
    case OID.timetz:
      return 14 + (typmod === -1 ? 7 : typmod > 0 ? typmod + 1 : 0);
    case OID.timestamp:
      return 22 + (typmod === -1 ? 7 : typmod > 0 ? typmod + 1 : 0);
    case OID.timestamptz:
      return 28 + (typmod === -1 ? 7 : typmod > 0 ? typmod + 1 : 0);
    case OID.interval:
      return 49;
    default:
      return MAX_LENGTH;
  }
}

function scaleOf(oid: number, typmod: number): number {
  switch (oid) {
    case OID.float4:
      return 8;
    case OID.float8:
      return 17;
    case OID.numeric:
      return typmod === -1 ? 0 : (typmod - 4) & 0xffff;
    case OID.time:
    case OID.timetz:
    case OID.timestamp:
    case OID.timestamptz:
      return typmod === -1 ? 6 : typmod;
    default:
      return 0;
  }
}

const SIGNED = new Set<number>([OID.int2, OID.int4, OID.int8, OID.float4, OID.float8, OID.numeric, OID.money]);
const CASE_INSENSITIVE = new Set<number>([
  OID.bool,
  OID.int2,
  OID.int4,
  OID.int8,
  OID.oid,
  OID.float4,
  OID.float8,
  OID.numeric,
  OID.money,
  OID.date,
  OID.time,
  OID.timetz,
  OID.timestamp,
  OID.timestamptz,
  OID.interval,
]);

/** columnMetadata entry for one result column, with the values the PostgreSQL JDBC driver reports. */
export function columnMetadata(field: FieldDef, type: TypeInfo, column: ColumnInfo | undefined): WireColumnMetadata {
  let typeName = type.name;
  if (column?.autoIncrement === true && field.dataTypeID === OID.int4) typeName = "serial";
  if (column?.autoIncrement === true && field.dataTypeID === OID.int8) typeName = "bigserial";
  return {
    name: field.name,
    label: field.name,
    type: type.isArray ? JDBC.ARRAY : jdbcType(field.dataTypeID),
    typeName,
    schemaName: "",
    tableName: column?.tableName ?? "",
    isAutoIncrement: column?.autoIncrement ?? false,
    isSigned: SIGNED.has(field.dataTypeID),
    isCurrency: field.dataTypeID === OID.money,
    isCaseSensitive: !CASE_INSENSITIVE.has(type.isArray ? type.elementOid : field.dataTypeID),
    nullable: column === undefined ? 2 : column.notNull ? 0 : 1,
    precision: precisionOf(field.dataTypeID, field.dataTypeModifier),
    scale: scaleOf(field.dataTypeID, field.dataTypeModifier),
    arrayBaseColumnType: type.isArray ? jdbcType(type.elementOid) : 0,
  };
}

/** Types every database has, so most results need no catalog lookup. */
export const BUILTIN_TYPES: ReadonlyMap<number, TypeInfo> = new Map(
  (
    [
      [16, "bool"],
      [17, "bytea"],
      [18, "char"],
      [19, "name"],
      [20, "int8"],
      [21, "int2"],
      [23, "int4"],
      [25, "text"],
      [26, "oid"],
      [114, "json"],
      [142, "xml"],
      [700, "float4"],
      [701, "float8"],
      [790, "money"],
      [1042, "bpchar"],
      [1043, "varchar"],
      [1082, "date"],
      [1083, "time"],
      [1114, "timestamp"],
      [1184, "timestamptz"],
      [1186, "interval"],
      [1266, "timetz"],
      [1700, "numeric"],
      [2950, "uuid"],
      [3802, "jsonb"],
      [1000, "_bool", 16],
      [1001, "_bytea", 17],
      [1005, "_int2", 21],
      [1007, "_int4", 23],
      [1009, "_text", 25],
      [1014, "_bpchar", 1042],
      [1015, "_varchar", 1043],
      [1016, "_int8", 20],
      [1021, "_float4", 700],
      [1022, "_float8", 701],
      [1028, "_oid", 26],
      [1115, "_timestamp", 1114],
      [1182, "_date", 1082],
      [1183, "_time", 1083],
      [1185, "_timestamptz", 1184],
      [1231, "_numeric", 1700],
      [2951, "_uuid", 2950],
      [199, "_json", 114],
      [3807, "_jsonb", 3802],
    ] as [number, string, number?][]
  ).map(([oid, name, elementOid]) => [oid, { oid, name, elementOid: elementOid ?? 0, isArray: elementOid !== undefined }]),
);
