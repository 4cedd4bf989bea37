/**
 * Guards the import discipline and the size of the profile functions. Each is bundled on its own by the
 * platform's bundler (modules/lambda-function/bundle.ts, as the stack deploys it, with its default externals,
 * LAZY_CREDENTIAL_PROVIDERS), so what a handler imports is what its cold start pays for.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { bundle, LAZY_CREDENTIAL_PROVIDERS } from "../../modules/lambda-function/bundle";

/** Bundles whose only AWS client is DynamoDB must stay under this many bytes, minified. */
const DYNAMODB_ONLY_LIMIT = 300 * 1024;

interface BundleReport {
  /** Bytes of index.js as modules/lambda-function/bundle.ts writes it. */
  readonly bytes: number;
  /** Output bytes per npm package (scoped packages as `@scope/name`), from esbuild's metafile. */
  readonly packages: ReadonlyMap<string, number>;
}

function packageBreakdown(entry: string, external: readonly string[]): Map<string, number> {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    mainFields: ["module", "main"],
    external: [...external],
    legalComments: "none",
    outfile: "index.js",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = Object.values(result.metafile.outputs)[0];
  const packages = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    const name = match?.[1] ?? "(project)";
    packages.set(name, (packages.get(name) ?? 0) + input.bytesInOutput);
  }
  return packages;
}

const isAwsSdk = (name: string): boolean => name.startsWith("@aws-sdk/") || name.startsWith("@smithy/") || name.startsWith("@aws/");

function nonSdkBytes(report: BundleReport): number {
  let total = 0;
  for (const [name, bytes] of report.packages) if (!isAwsSdk(name)) total += bytes;
  return total;
}

describe("profile function bundles", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "profile-bundles-"));
  const previousCacheDir = process.env.PLATFORM_BUNDLE_CACHE_DIR;
  process.env.PLATFORM_BUNDLE_CACHE_DIR = cacheDir;
  const report = (name: string): BundleReport => {
    const entry = join(__dirname, `${name}.ts`);
    return {
      bytes: bundle(entry, { externalModules: LAZY_CREDENTIAL_PROVIDERS }).size,
      packages: packageBreakdown(entry, LAZY_CREDENTIAL_PROVIDERS),
    };
  };
  const api = report("profile-api");
  const bootstrap = report("profile-bootstrap");
  const events = report("profile-events");

  afterAll(() => {
    if (previousCacheDir === undefined) delete process.env.PLATFORM_BUNDLE_CACHE_DIR;
    else process.env.PLATFORM_BUNDLE_CACHE_DIR = previousCacheDir;
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("keeps the SNS client out of profile-api and profile-bootstrap (they write DynamoDB only)", () => {
    expect(api.packages.has("@aws-sdk/client-sns")).toBe(false);
    expect(bootstrap.packages.has("@aws-sdk/client-sns")).toBe(false);
    expect(api.packages.has("@aws-sdk/client-dynamodb")).toBe(true);
  });

  it("keeps the DynamoDB clients out of profile-events (it only reads stream images)", () => {
    expect(events.packages.has("@aws-sdk/client-dynamodb")).toBe(false);
    expect(events.packages.has("@aws-sdk/lib-dynamodb")).toBe(false);
    expect(events.packages.has("@aws-sdk/client-sns")).toBe(true);
  });

  it.each([
    ["profile-api", api],
    ["profile-bootstrap", bootstrap],
  ])("%s (DynamoDB only) is under 300 KB minified", (_name, r) => {
    expect(r.bytes).toBeLessThan(DYNAMODB_ONLY_LIMIT);
  });

  it.each([
    ["profile-api", api],
    ["profile-bootstrap", bootstrap],
    ["profile-events", events],
  ])("%s bundles none of the lazily loaded credential providers nor their STS/SSO clients", (_name, r) => {
    const bundled = [...r.packages.keys()];
    for (const name of [...LAZY_CREDENTIAL_PROVIDERS, "@aws-sdk/nested-clients", "@aws-sdk/token-providers"]) {
      expect(bundled).not.toContain(name);
    }
  });

  it.each([
    ["profile-api", api],
    ["profile-bootstrap", bootstrap],
    ["profile-events", events],
  ])("%s adds under 80 KB minified besides the AWS SDK (zod/mini, Powertools, own code)", (_name, r) => {
    expect(nonSdkBytes(r)).toBeLessThan(80 * 1024);
  });

  it("only profile-events carries the Powertools batch utility", () => {
    expect(events.packages.has("@aws-lambda-powertools/batch")).toBe(true);
    expect(api.packages.has("@aws-lambda-powertools/batch")).toBe(false);
    expect(bootstrap.packages.has("@aws-lambda-powertools/batch")).toBe(false);
  });
});
