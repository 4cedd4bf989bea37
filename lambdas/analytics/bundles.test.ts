/**
 * The analytics functions bundle as the stack deploys them (modules/lambda-function/bundle.ts): analytics-migrate
 * carries its .sql migrations through the `{ ".sql": "text" }` loader, and every entry exports `handler`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundle, clearBundleMemo, LAZY_CREDENTIAL_PROVIDERS } from "../../modules/lambda-function/bundle";
import { MIGRATIONS_DIR, MIGRATIONS_LOADER } from "./migrations-dir";

const ENTRIES = ["analytics-migrate", "analytics-ingest", "activity-processor", "analytics-query"];

describe("analytics function bundles", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "analytics-bundles-"));
  const previousCacheDir = process.env.PLATFORM_BUNDLE_CACHE_DIR;
  beforeAll(() => {
    process.env.PLATFORM_BUNDLE_CACHE_DIR = cacheDir;
    clearBundleMemo();
  });
  afterAll(() => {
    if (previousCacheDir === undefined) delete process.env.PLATFORM_BUNDLE_CACHE_DIR;
    else process.env.PLATFORM_BUNDLE_CACHE_DIR = previousCacheDir;
    clearBundleMemo();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("analytics-migrate embeds every migration's text with the .sql text loader", () => {
    const out = bundle(join(__dirname, "analytics-migrate.ts"), { externalModules: [...LAZY_CREDENTIAL_PROVIDERS], loader: { ...MIGRATIONS_LOADER } });
    const code = readFileSync(join(out.directory, "index.js"), "utf8");
    const init = readFileSync(join(MIGRATIONS_DIR, "0001_init.sql"), "utf8");
    // every line of the file, comments included: the text travels verbatim (checksums depend on it)
    for (const line of init.split("\n").filter((l) => l.trim() !== "")) expect(code).toContain(line);
  });

  it("without the loader, bundling analytics-migrate fails at synth (no silent bundle without migrations)", () => {
    expect(() => bundle(join(__dirname, "analytics-migrate.ts"), { externalModules: [...LAZY_CREDENTIAL_PROVIDERS] })).toThrow(/No loader is configured for "\.sql" files/);
  });

  it("the loader is part of the bundle's identity (memo and cache key)", () => {
    const a = bundle(join(__dirname, "analytics-query.ts"), { externalModules: [...LAZY_CREDENTIAL_PROVIDERS] });
    const b = bundle(join(__dirname, "analytics-query.ts"), { externalModules: [...LAZY_CREDENTIAL_PROVIDERS], loader: { ".txt": "text" } });
    const c = bundle(join(__dirname, "analytics-query.ts"), { externalModules: [...LAZY_CREDENTIAL_PROVIDERS], loader: { ".txt": "text" } });
    expect(b).toBe(c);
    expect(a).not.toBe(b);
  });

  it.each(ENTRIES)("%s bundles and exports handler (no DynamoDB or SNS client inside)", (name) => {
    const out = bundle(join(__dirname, `${name}.ts`), { externalModules: [...LAZY_CREDENTIAL_PROVIDERS], loader: { ...MIGRATIONS_LOADER } });
    const code = readFileSync(join(out.directory, "index.js"), "utf8");
    expect(code).toMatch(/handler/);
    expect(code).not.toContain("DynamoDBClient");
    expect(code).not.toContain("PublishBatchCommand");
    expect(out.size).toBeLessThan(600 * 1024);
  });
});
