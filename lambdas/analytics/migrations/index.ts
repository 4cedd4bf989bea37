/**
 * The migrations, in the order they apply. Each `.sql` file of this folder is listed here (a test checks it),
 * imported as text so it travels inside the analytics-migrate bundle (esbuild loader `{ ".sql": "text" }`).
 */
import m0001 from "./0001_init.sql";

export interface MigrationSource {
  /** File name, `NNNN_<name>.sql`; also the key in schema_migrations. */
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly MigrationSource[] = [{ name: "0001_init.sql", sql: m0001 }];
