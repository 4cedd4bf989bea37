/**
 * One PostgreSQL server per jest run, shared by every worker through DATABASE_URL (workers inherit the global
 * setup's environment). Global setup starts it (local/postgres: initdb in a temporary directory, `postgres` on a
 * free port, as the unprivileged `postgres`/`nobody` user when jest runs as root) unless DATABASE_URL already names
 * a server, which is then reused as is. Each test file works in a database of its own (`createTestDatabase`).
 */
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { PostgresServer, startPostgres, waitForPostgres } from "../../local/postgres";

/** Environment variable through which the server reaches the test workers. */
export const DATABASE_URL_ENV = "DATABASE_URL";

/** Key on globalThis under which global setup leaves the started server for global teardown (same process). */
export const POSTGRES_HANDLE = Symbol.for("platform.test.postgres");

/** jest global setup: start PostgreSQL (or check the one in DATABASE_URL) and export DATABASE_URL. */
export async function setUpPostgres(): Promise<void> {
  const existing = process.env[DATABASE_URL_ENV];
  if (existing !== undefined && existing !== "") {
    try {
      await waitForPostgres(existing, 10_000);
    } catch (err) {
      throw new Error(
        `${DATABASE_URL_ENV}=${redact(existing)} is set but does not answer: ${err instanceof Error ? err.message : String(err)}. ` +
          `Fix: start that PostgreSQL server, or unset ${DATABASE_URL_ENV} to let the tests start their own.`,
        { cause: err },
      );
    }
    return;
  }
  const server = await startPostgres();
  process.env[DATABASE_URL_ENV] = server.url;
  (globalThis as Record<symbol, unknown>)[POSTGRES_HANDLE] = server;
}

/** jest global teardown: stop the server global setup started (never one it only reused). */
export async function tearDownPostgres(): Promise<void> {
  const registry = globalThis as Record<symbol, unknown>;
  const server = registry[POSTGRES_HANDLE] as PostgresServer | undefined;
  if (server === undefined) return;
  delete registry[POSTGRES_HANDLE];
  await server.stop();
  if (process.env[DATABASE_URL_ENV] === server.url) delete process.env[DATABASE_URL_ENV];
}

/** The server jest's global setup started or reused. */
export function databaseUrl(): string {
  const url = process.env[DATABASE_URL_ENV];
  if (url === undefined || url === "") {
    throw new Error(`${DATABASE_URL_ENV} is not set. Run the tests through jest: its global setup (test/global-setup.ts) starts PostgreSQL.`);
  }
  return url;
}

export interface TestDatabase {
  /** Database name, unique to this test file and run. */
  readonly name: string;
  /** Connection string of the server with this database. */
  readonly url: string;
  /** Drops the database (closing its connections). */
  drop(): Promise<void>;
}

/** `url` with its database replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Creates a database of its own for one test file: `<prefix>_<random>` (lowercase). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, "_")}_${randomUUID().replace(/-/g, "").slice(0, 10)}`;
  await admin(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(databaseUrl(), name),
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
