/**
 * Aurora creates the cluster's initial database (`database_name`) when the cluster is created; moto models the
 * cluster but holds no data, so the local platform creates each database the stack declares in the PostgreSQL that
 * serves the local Data API, before Terraform applies (the migrations run during the apply).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";

/** `database_name` of every aws_rds_cluster in a synthesized stack folder. */
export function declaredDatabases(stackDir: string): string[] {
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { resource?: Record<string, Record<string, { database_name?: string }>> };
  return Object.values(json.resource?.aws_rds_cluster ?? {})
    .map((c) => c.database_name)
    .filter((n): n is string => typeof n === "string" && n !== "");
}

export async function ensureDatabases(postgresUrl: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const name of names) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`aws_rds_cluster database_name "${name}" is not a PostgreSQL identifier`);
      const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
}
