/**
 * The PostgreSQL harness (local/postgres, test/support/postgres): how it finds the server binaries, what it says
 * when they are missing, and the run's one server that global setup started (or took from DATABASE_URL).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { candidateBinDirs, findPostgresBinaries, waitForPostgres } from "../../local/postgres";
import { createTestDatabase, databaseUrl } from "../support/postgres";

describe("PostgreSQL harness", () => {
  const dir = mkdtempSync(join(tmpdir(), "fake-pg-"));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("says which Debian package to install when no initdb/postgres is found", () => {
    expect(() => findPostgresBinaries({ PATH: join(dir, "empty") }, [join(dir, "no-such-root")])).toThrow(
      /^PostgreSQL server binaries \(initdb and postgres\) were not found .* Fix: install the PostgreSQL server \(Debian\/Ubuntu: `apt-get install -y postgresql`/,
    );
  });

  it("finds Debian's /usr/lib/postgresql/<version>/bin layout, newest version first, after PG_BINDIR and PATH", () => {
    const root = join(dir, "postgresql");
    for (const version of ["13", "16", "9.6"]) {
      const bin = join(root, version, "bin");
      mkdirSync(bin, { recursive: true });
      for (const tool of ["initdb", "postgres"]) {
        writeFileSync(join(bin, tool), "#!/bin/sh\n");
        chmodSync(join(bin, tool), 0o755);
      }
    }
    const env = { PATH: join(dir, "empty"), PG_BINDIR: join(dir, "custom") };
    expect(candidateBinDirs(env, [root])).toEqual([
      join(dir, "custom"),
      join(dir, "empty"),
      join(root, "bin"),
      join(root, "16", "bin"),
      join(root, "13", "bin"),
      join(root, "9.6", "bin"),
    ]);
    expect(findPostgresBinaries(env, [root])).toEqual({ initdb: join(root, "16", "bin", "initdb"), postgres: join(root, "16", "bin", "postgres") });
  });

  it("names the URL and the last error when no server answers", async () => {
    await expect(waitForPostgres("postgresql://postgres@127.0.0.1:1/postgres", 300)).rejects.toThrow(
      /^PostgreSQL at postgresql:\/\/postgres@127\.0\.0\.1:1\/postgres did not accept connections within 300 ms \(last error: /,
    );
  });

  it("reaches the run's PostgreSQL through DATABASE_URL, and gives each test file a database of its own", async () => {
    const first = await createTestDatabase("harness");
    const second = await createTestDatabase("harness");
    try {
      expect(first.name).not.toBe(second.name);
      const client = new Client({ connectionString: first.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ db: string; superuser: string }>("SELECT current_database() AS db, current_setting('is_superuser') AS superuser");
        expect(rows).toEqual([{ db: first.name, superuser: "on" }]);
      } finally {
        await client.end();
      }
      expect(databaseUrl()).toMatch(/^postgres(ql)?:\/\//);
    } finally {
      await first.drop();
      await second.drop();
    }
  });
});
