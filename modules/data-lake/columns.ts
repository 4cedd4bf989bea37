/**
 * Lake columns derived from the schema that validates the records (a zod object schema, zod or zod/mini), so the Glue
 * table and the producer cannot drift: a field added to the schema is a column of the table at the next synth.
 */

/** Glue (Hive) column types the lake uses. */
export const LAKE_COLUMN_TYPES = ["string", "bigint", "double", "boolean"] as const;
export type LakeColumnType = (typeof LAKE_COLUMN_TYPES)[number];

/** One column of the lake table. */
export interface LakeColumn {
  /** Glue column name: the field lower-cased (Glue stores names in lower case; the JSON SerDe matches keys case-insensitively). */
  readonly name: string;
  /** The JSON key in the records. */
  readonly field: string;
  readonly type: LakeColumnType;
  /** Glue column comment. */
  readonly comment: string;
}

/** The minimum of a zod v4 schema this reads (`_zod.def`), shared by zod and zod/mini. */
interface ZodLike {
  readonly _zod: { readonly def: { readonly type: string; readonly format?: string; readonly shape?: Record<string, ZodLike>; readonly innerType?: ZodLike } };
}

/**
 * How each zod type becomes a Glue type:
 * - string (any format: uuid, ISO datetime, regex-checked) → `string`. An ISO 8601 time stays text: the producer
 *   allows any offset (`+02:00`), which the SerDe's timestamp parsing does not read; queries parse it
 *   (`from_iso8601_timestamp(time)`) when they need the instant.
 * - record / object / array (free-form props) → `string` holding the value's JSON text: the OpenX JSON SerDe returns a
 *   nested value of a string column as its JSON, so every key and nested value is kept and read with
 *   `json_extract_scalar(props, '$.key')`. A `map<string,string>` would fail or drop values that are not strings
 *   (numbers, nested objects), which `props` allows.
 * - number → `double`, integer formats (`z.int()`) → `bigint`; boolean → `boolean`; enum/literal → `string`.
 * - optional / nullable → the inner type (a missing key reads as NULL).
 * Anything else throws, naming the field: a new kind of field needs a decision here, not a silent `string`.
 */
function glueType(field: string, schema: ZodLike): LakeColumnType {
  const def = schema._zod.def;
  switch (def.type) {
    case "string":
    case "enum":
    case "literal":
    case "record":
    case "object":
    case "array":
      return "string";
    case "number":
      return def.format !== undefined && /int/.test(def.format) ? "bigint" : "double";
    case "bigint":
      return "bigint";
    case "boolean":
      return "boolean";
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
      if (def.innerType === undefined) break;
      return glueType(field, def.innerType);
    default:
      break;
  }
  throw new Error(
    `DataLake columns: field "${field}" has zod type "${def.type}", which has no lake column type. ` +
      `Fix: map it in modules/data-lake/columns.ts (glueType), or change the field to a string, number, boolean, record or array.`,
  );
}

/** The lake columns of a zod object schema, in the schema's field order. */
export function lakeColumnsFromZod(schema: unknown): LakeColumn[] {
  const def = (schema as Partial<ZodLike>)?._zod?.def;
  if (def?.type !== "object" || def.shape === undefined) {
    throw new Error(`DataLake columns: expected a zod object schema (z.object({...})), received ${def?.type ?? typeof schema}.`);
  }
  return Object.entries(def.shape).map(([field, s]) => ({ name: field.toLowerCase(), field, type: glueType(field, s), comment: `JSON field "${field}"` }));
}
