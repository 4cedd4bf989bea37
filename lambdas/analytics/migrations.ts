/**
 * Applying the analytics migrations (lambdas/analytics/migrations/NNNN_<name>.sql) through the Data API.
 *
 * - Pending migrations apply in name order, each in one transaction together with its schema_migrations row, so a
 *   migration is either applied and recorded, or neither.
 * - Running again changes nothing: applied migrations are skipped (checked again inside the transaction, under an
 *   advisory lock, so two concurrent runs cannot apply the same migration twice).
 * - An applied migration whose file changed (other checksum) is an error: nothing more is applied, because the
 *   database no longer matches what the files say.
 */
import { createHash } from "node:crypto";
import type { DataApi, Transaction } from "../shared/data-api";
import type { MigrationSource } from "./migrations/index";

/** Arbitrary 64-bit key of the advisory lock that serialises migration runs. */
const MIGRATION_LOCK_KEY = 7_305_214_991;
const NAME_PATTERN = /^\d{4}_[a-z0-9_]+\.sql$/;

export interface Migration extends MigrationSource {
  /** SHA-256 hex of the file's text. */
  readonly checksum: string;
  /** The file's statements, in order (the Data API runs one statement per call). */
  readonly statements: readonly string[];
}

export interface MigrationResult {
  readonly applied: string[];
  readonly skipped: string[];
}

export class MigrationChecksumError extends Error {
  public constructor(name: string, recorded: string, current: string) {
    super(
      `Migration ${name} was applied with checksum ${recorded}, but the file now has checksum ${current}. ` +
        `Fix: restore the file as it was applied, and put the change in a new migration file.`,
    );
    this.name = "MigrationChecksumError";
  }
}

export function checksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/**
 * Splits SQL text into statements on top-level semicolons; semicolons inside quotes ('', ""), dollar quotes
 * ($$...$$, $tag$...$tag$) and comments (--, nested /* *\/) do not split. Comment-only pieces are dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const n = sql.length;
  const push = (end: number): void => {
    if (hasCode) out.push(sql.slice(start, end).trim());
    start = end + 1;
    hasCode = false;
  };
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const eol = sql.indexOf("\n", i);
      i = eol === -1 ? n : eol + 1;
      continue;
    }
    if (c === "/" && next === "*") {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === "/" && sql[i + 1] === "*") {
          depth += 1;
          i += 2;
        } else if (sql[i] === "*" && sql[i + 1] === "/") {
          depth -= 1;
          i += 2;
        } else i += 1;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      hasCode = true;
      i += 1;
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c)
            i += 2; // doubled quote
          else break;
        } else i += 1;
      }
      i += 1;
      continue;
    }
    if (c === "$") {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag !== null) {
        hasCode = true;
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
        continue;
      }
    }
    if (c === ";") {
      push(i);
      i += 1;
      continue;
    }
    if (!/\s/.test(c)) hasCode = true;
    i += 1;
  }
  push(n);
  return out;
}

/** Checks names and order, computes checksums and statements. */
export function prepareMigrations(sources: readonly MigrationSource[]): Migration[] {
  const seen = new Set<string>();
  let previous = "";
  return sources.map((source) => {
    if (!NAME_PATTERN.test(source.name)) throw new Error(`Migration file name ${source.name} must look like 0001_name.sql`);
    if (seen.has(source.name)) throw new Error(`Migration ${source.name} is listed twice`);
    if (source.name <= previous) throw new Error(`Migration ${source.name} is listed after ${previous}: list migrations in name order`);
    seen.add(source.name);
    previous = source.name;
    const statements = splitStatements(source.sql);
    if (statements.length === 0) throw new Error(`Migration ${source.name} holds no SQL statement`);
    return { ...source, checksum: checksum(source.sql), statements };
  });
}

/** Applied migrations (name → checksum); empty before the first migration created schema_migrations. */
async function appliedMigrations(db: Pick<Transaction, "execute">): Promise<Map<string, string>> {
  const exists = await db.execute("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present");
  if (exists.rows[0]?.present !== true) return new Map();
  const { rows } = await db.execute("SELECT name, checksum FROM schema_migrations ORDER BY name");
  return new Map(rows.map((r) => [String(r.name), String(r.checksum)]));
}

function verify(migrations: readonly Migration[], applied: ReadonlyMap<string, string>): void {
  for (const m of migrations) {
    const recorded = applied.get(m.name);
    if (recorded !== undefined && recorded !== m.checksum) throw new MigrationChecksumError(m.name, recorded, m.checksum);
  }
}

/** Applies the pending migrations in order. See the file comment for the guarantees. */
export async function migrate(db: DataApi, sources: readonly MigrationSource[], log?: { info(message: string, ...extra: unknown[]): void }): Promise<MigrationResult> {
  const migrations = prepareMigrations(sources);
  const before = await appliedMigrations(db);
  verify(migrations, before);
  const result: MigrationResult = { applied: [], skipped: [] };
  for (const m of migrations) {
    if (before.has(m.name)) {
      result.skipped.push(m.name);
      continue;
    }
    // A retried transaction runs this function again from the start: the re-check keeps it idempotent.
    const outcome = await db.transaction(async (tx) => {
      await tx.execute("SELECT pg_advisory_xact_lock(:key)", { key: MIGRATION_LOCK_KEY });
      const now = await appliedMigrations(tx);
      const recorded = now.get(m.name);
      if (recorded !== undefined) {
        if (recorded !== m.checksum) throw new MigrationChecksumError(m.name, recorded, m.checksum);
        return "skipped" as const;
      }
      for (const statement of m.statements) await tx.execute(statement);
      await tx.execute("INSERT INTO schema_migrations (name, checksum) VALUES (:name, :checksum)", { name: m.name, checksum: m.checksum });
      return "applied" as const;
    });
    result[outcome].push(m.name);
    log?.info(outcome === "applied" ? "Migration applied" : "Migration already applied by a concurrent run", { migration: m.name });
  }
  return result;
}
