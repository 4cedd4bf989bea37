/**
 * Guards the import discipline of the profile functions: each is bundled on its own (esbuild, as
 * modules/lambda-function/bundle.ts does), so what a handler imports is what its cold start pays for.
 */
import { join } from "node:path";
import { buildSync } from "esbuild";

interface BundleReport {
  readonly bytes: number;
  /** Output bytes per npm package (scoped packages as `@scope/name`). */
  readonly packages: ReadonlyMap<string, number>;
}

function bundleReport(entry: string): BundleReport {
  const result = buildSync({
    entryPoints: [join(__dirname, entry)],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    mainFields: ["module", "main"],
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
  return { bytes: result.outputFiles[0].contents.byteLength, packages };
}

const isAwsSdk = (name: string): boolean => name.startsWith("@aws-sdk/") || name.startsWith("@smithy/") || name.startsWith("@aws/");

function nonSdkBytes(report: BundleReport): number {
  let total = 0;
  for (const [name, bytes] of report.packages) if (!isAwsSdk(name)) total += bytes;
  return total;
}

describe("profile function bundles", () => {
  const api = bundleReport("profile-api.ts");
  const bootstrap = bundleReport("profile-bootstrap.ts");
  const events = bundleReport("profile-events.ts");

  it("keeps the SNS client out of profile-api and profile-bootstrap (they write DynamoDB only)", () => {
    expect(api.packages.has("@aws-sdk/client-sns")).toBe(false);
    expect(bootstrap.packages.has("@aws-sdk/client-sns")).toBe(false);
  });

  it("keeps the DynamoDB clients out of profile-events (it only reads stream images)", () => {
    expect(events.packages.has("@aws-sdk/client-dynamodb")).toBe(false);
    expect(events.packages.has("@aws-sdk/lib-dynamodb")).toBe(false);
    expect(events.packages.has("@aws-sdk/client-sns")).toBe(true);
  });

  it.each([
    ["profile-api", api],
    ["profile-bootstrap", bootstrap],
    ["profile-events", events],
  ])("%s adds under 80 KB minified besides the AWS SDK (zod/mini, Powertools logger, own code)", (_name, report) => {
    expect(nonSdkBytes(report)).toBeLessThan(80 * 1024);
  });
});
