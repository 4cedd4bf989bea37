/**
 * Where the analytics migrations live, for the stack: it bundles analytics-migrate with the `.sql` loader and
 * invokes it on deploy with `migrationsHash()` as the trigger, so a new migration re-runs it.
 * Pure Node (fs, crypto): safe to import at synth time.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Absolute path of lambdas/analytics/migrations. */
export const MIGRATIONS_DIR: string = join(__dirname, "migrations");

/** esbuild loaders analytics-migrate needs (pass as `bundling.loader`). */
export const MIGRATIONS_LOADER = { ".sql": "text" } as const;

/** Migration file names (`NNNN_<name>.sql`) in the folder, sorted. */
export function migrationFileNames(dir: string = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
}

/** SHA-256 (hex) over every migration's name and content, in order: changes whenever a migration does. */
export function migrationsHash(dir: string = MIGRATIONS_DIR): string {
  const hash = createHash("sha256");
  for (const name of migrationFileNames(dir))
    hash
      .update(name)
      .update("\0")
      .update(readFileSync(join(dir, name)))
      .update("\0");
  return hash.digest("hex");
}
