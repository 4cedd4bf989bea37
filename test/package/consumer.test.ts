// Another team's app consumes the published package: `import { Table, LambdaFunction } from "@platform/serverless/modules"`.
// Builds the package the way `npm run build` does (into a temp folder), installs it into a temp consumer app and
// runs that app in plain Node (no TypeScript loader), as a consumer would.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

describe("the published package", () => {
  it("exposes ./modules through package exports, built to JavaScript with type declarations", () => {
    expect(pkg.exports["./modules"]).toEqual({ types: "./dist/modules/index.d.ts", default: "./dist/modules/index.js" });
    expect(pkg.files).toEqual(["dist"]);
  });

  it("lets another team's app import modules by package name and synthesize them", () => {
    const work = mkdtempSync(join(tmpdir(), "consumer-"));
    // the package as npm would install it: package.json + dist/
    const installed = join(work, "app", "node_modules", "@platform", "serverless");
    mkdirSync(installed, { recursive: true });
    cpSync(join(ROOT, "package.json"), join(installed, "package.json"));
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(installed, "dist")], { cwd: ROOT, stdio: "pipe" });
    // what `npm run build` copies besides tsc's output (the CloudFront Functions the cdn module reads at synth)
    execFileSync(process.execPath, [join(ROOT, "scripts", "copy-module-assets.js"), join(installed, "dist")], { cwd: ROOT, stdio: "pipe" });
    // its dependencies (cdktf, the provider, esbuild) resolve from this checkout's node_modules
    symlinkSync(join(ROOT, "node_modules"), join(installed, "node_modules"), "dir");
    writeFileSync(join(work, "app", "handler.js"), "exports.handler = async () => ({ statusCode: 200 });\n");
    writeFileSync(
      join(work, "app", "main.js"),
      `
const { App, TerraformStack } = require("cdktf");
const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
const { Naming, Table, LambdaFunction, Queue, Bucket, Cdn } = require("@platform/serverless/modules");
const app = new App({ outdir: process.argv[2] });
const stack = new TerraformStack(app, "orders-dev");
new AwsProvider(stack, "aws", { region: "eu-west-1" });
Naming.configure(stack, { app: "orders", env: "dev" });
const orders = new Table(stack, "Orders", { name: "orders", partitionKey: { name: "pk", type: "S" } });
const fn = new LambdaFunction(stack, "Api", { name: "orders-api", entry: __dirname + "/handler.js" });
orders.connect(fn, "readWrite");
new Queue(stack, "Jobs", { name: "jobs" });
new Cdn(stack, "Web", { name: "web", siteBucket: new Bucket(stack, "Site", { name: "site" }) });
try {
  new Table(stack, "Bad", { name: "Bad Name!", partitionKey: { name: "pk", type: "S" } });
} catch (e) {
  console.error("VALIDATION:" + e.message.split("\\n").join(" | "));
}
app.synth();
`,
    );
    const outdir = join(work, "out");
    const result = spawnSync(process.execPath, [join(work, "app", "main.js"), outdir], {
      cwd: join(work, "app"),
      env: { ...process.env, NODE_PATH: join(ROOT, "node_modules"), PLATFORM_BUNDLE_CACHE_DIR: join(work, "bundles") },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(result.status).toBe(0);
    // a synth-time error names the module, the construct path and the prop
    expect(result.stderr).toMatch(/^VALIDATION:Table "orders-dev\/Bad".*name.*Fix:/m);
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", "orders-dev", "cdk.tf.json"), "utf8"));
    expect(Object.values<any>(stack.resource.aws_dynamodb_table).map((t) => t.name)).toEqual(["orders-dev-orders"]);
    const fn = Object.values<any>(stack.resource.aws_lambda_function)[0];
    expect(fn.function_name).toBe("orders-dev-orders-api");
    expect(Object.keys(fn.environment.variables)).toContain("ORDERS_TABLE_NAME");
    expect(Object.keys(stack.resource.aws_sqs_queue)).toHaveLength(2); // jobs + its DLQ
    // the CloudFront Function source ships in the package and is deployed byte for byte
    const spa = Object.values<any>(stack.resource.aws_cloudfront_function)[0];
    expect(spa.code).toBe(readFileSync(join(ROOT, "modules", "cdn", "functions", "spa-fallback.js"), "utf8"));
  }, 120_000);
});
