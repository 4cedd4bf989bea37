import { PropsValidator } from "../core/validation";
import { LAKE_COLUMN_TYPES } from "./columns";
import type { DataLakeProps } from "./index";

/** Athena engine versions a workgroup can select. */
export const ATHENA_ENGINE_VERSIONS = ["AUTO", "Athena engine version 3"] as const;
/**
 * Smallest per-query scan cutoff: 10 MiB. Athena's API documents ≥ 10,000,000 bytes, but the Terraform provider
 * (hashicorp/aws 5.100.0) refuses anything below 10,485,760 at plan time (measured), so this is the bound.
 */
export const MIN_BYTES_SCANNED_CUTOFF = 10_485_760;
/** Prefix of Firehose's error output; the lake prefix may not overlap it. */
export const ERROR_PREFIX_ROOT = "errors/";

const LOGICAL_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const PREFIX = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*\/$/;
const GLUE_NAME = /^[a-z_][a-z0-9_]{0,127}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

export function validateDataLakeProps(path: string, props: DataLakeProps): void {
  const v = new PropsValidator("DataLake", path);
  v.string("name", props.name, { pattern: LOGICAL_NAME, describe: "1–40 characters of [a-z0-9-], starting with a letter" });
  v.string("prefix", props.prefix, {
    pattern: PREFIX,
    max: 200,
    describe: "path segments of [a-z0-9_-] ending in '/', e.g. \"activity/\"",
    fix: "pass the key prefix Firehose writes under, ending with '/' and without a leading '/'",
  });
  if (props.prefix !== undefined) {
    v.check(!props.prefix.startsWith(ERROR_PREFIX_ROOT), {
      prop: "prefix",
      received: props.prefix,
      allowed: `a prefix outside "${ERROR_PREFIX_ROOT}" (Firehose's error output)`,
      fix: 'pick another prefix, e.g. "activity/"',
    });
  }
  v.string("tableName", props.tableName, { pattern: GLUE_NAME, describe: "1–128 characters of [a-z0-9_], not starting with a digit" });
  v.check(props.columns.length > 0, {
    prop: "columns",
    received: props.columns.length,
    allowed: "at least one column",
    fix: "derive the columns from the record schema (lakeColumnsFromZod)",
  });
  const seen = new Set<string>();
  props.columns.forEach((c, i) => {
    v.string(`columns[${i}].name`, c.name, { pattern: GLUE_NAME, describe: "1–128 characters of [a-z0-9_] (Glue stores lower case)" });
    v.oneOf(`columns[${i}].type`, c.type, LAKE_COLUMN_TYPES);
    v.check(c.name !== "dt", { prop: `columns[${i}].name`, received: c.name, allowed: 'not "dt" (the partition key)', fix: "rename the field" });
    v.check(!seen.has(c.name), {
      prop: `columns[${i}].name`,
      received: c.name,
      allowed: "a name not used by another column",
      fix: "fields that differ only in case collide in Glue: rename one",
    });
    seen.add(c.name);
  });
  v.check(isCalendarDate(props.partitionStartDate), {
    prop: "partitionStartDate",
    received: props.partitionStartDate,
    allowed: "a calendar date YYYY-MM-DD (the first day partition projection enumerates)",
    fix: 'pass the day the lake started receiving data, e.g. "2024-01-01"',
  });
  v.integer("bufferingIntervalSeconds", props.bufferingIntervalSeconds, 0, 900, "set bufferingIntervalSeconds between 0 and 900 (Firehose's limits)");
  v.integer("bufferingSizeMb", props.bufferingSizeMb, 1, 128, "set bufferingSizeMb between 1 and 128 (Firehose's limits)");
  v.integer("resultsExpirationDays", props.resultsExpirationDays, 1, 36500);
  v.integer("logRetentionDays", props.logRetentionDays, 1, 3653);
  if (props.bytesScannedCutoffPerQuery !== undefined && !PropsValidator.isUnresolved(props.bytesScannedCutoffPerQuery)) {
    v.check(Number.isInteger(props.bytesScannedCutoffPerQuery) && props.bytesScannedCutoffPerQuery >= MIN_BYTES_SCANNED_CUTOFF, {
      prop: "bytesScannedCutoffPerQuery",
      received: props.bytesScannedCutoffPerQuery,
      allowed: `an integer ≥ ${MIN_BYTES_SCANNED_CUTOFF} (10 MiB, the Terraform provider's minimum)`,
      fix: "set a cutoff of at least 10 MiB (10485760), e.g. 1073741824 (1 GiB)",
    });
  }
  v.oneOf("engineVersion", props.engineVersion, ATHENA_ENGINE_VERSIONS);
  v.string("region", props.region, { pattern: REGION, describe: 'an AWS region such as "eu-west-1"' });
  v.string("accountId", props.accountId, { pattern: /^\d{12}$/, describe: "a 12-digit AWS account id" });
  for (const [name, q] of Object.entries(props.namedQueries ?? {})) {
    v.string(`namedQueries.${name}`, name, { pattern: /^[a-z][a-z0-9-]{0,127}$/, describe: "a name of 1–128 characters of [a-z0-9-]" });
    v.string(`namedQueries.${name}.sql`, q.sql, { min: 1, max: 262144, describe: "1–262144 characters of SQL" });
    v.string(`namedQueries.${name}.description`, q.description, { max: 1024, describe: "at most 1024 characters" });
  }
  v.throwIfInvalid();
}
