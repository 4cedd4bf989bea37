// Another team's app consumes the published package. The package is `npm pack`ed from this checkout and installed from
// the registry into a fresh folder with its own node_modules and a different cdktf (installed-package.ts); the app runs
// in plain Node (no TypeScript loader, no NODE_PATH), and its stack is validated and planned offline by terraform.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { plannedValues, validateAndPlan } from "../support/terraform";
import { CONSUMER_VERSIONS, InstalledPackage, installedPackage, node, ROOT } from "./installed-package";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const BLOCKS = readdirSync(join(ROOT, "modules"), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(ROOT, "modules", e.name, "index.ts")))
  .map((e) => e.name)
  .sort();
/** Blocks that bundle functions at synth (esbuild), directly or through LambdaFunction. */
const BUNDLING_BLOCKS = ["lambda-function", "monitoring", "state-machine"];

let installed: InstalledPackage;
const workDirs: string[] = [];
/** A scratch folder inside the consumer app (so Node resolves the app's node_modules), removed after the tests. */
const scratch = (prefix: string): string => {
  const dir = mkdtempSync(join(installed.dir, prefix));
  workDirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  installed = await installedPackage();
}, 420_000);

describe("the package manifest", () => {
  it("exports the barrel and one subpath per block (every modules/<block>/index.ts), each with its type declarations", () => {
    const expected: Record<string, unknown> = { "./modules": { types: "./dist/modules/index.d.ts", default: "./dist/modules/index.js" } };
    for (const b of BLOCKS) expected[`./modules/${b}`] = { types: `./dist/modules/${b}/index.d.ts`, default: `./dist/modules/${b}/index.js` };
    expected["./package.json"] = "./package.json";
    expect(pkg.exports).toEqual(expected);
    // moduleResolution "node" (node10) ignores "exports": typesVersions maps the same subpaths to their declarations
    expect(pkg.typesVersions).toEqual({ "*": { modules: ["dist/modules/index.d.ts"], "modules/*": ["dist/modules/*/index.d.ts"] } });
  });

  it("takes cdktf, constructs and the AWS provider as peers (pinned exactly for this repo's own install)", () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(["@cdktf/provider-aws", "cdktf", "constructs"]);
    for (const peer of Object.keys(pkg.peerDependencies)) {
      expect(pkg.dependencies[peer]).toBeUndefined();
      expect(pkg.devDependencies[peer]).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it("depends at runtime only on what the modules use at synth: esbuild, fflate (bundles), asl-validator (state machines)", () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["asl-validator", "esbuild", "fflate"]);
    // the Lambda runtime libraries are bundled into this repo's own handlers only
    for (const name of Object.keys(pkg.devDependencies)) expect(pkg.dependencies[name]).toBeUndefined();
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(["@aws-lambda-powertools/logger", "@aws-sdk/client-dynamodb", "@smithy/node-http-handler", "zod"]));
  });
});

describe("the packed tarball", () => {
  it("holds dist (JavaScript, declarations, the CloudFront Function sources), package.json and README, and no tests", () => {
    const paths = installed.files.map((f) => f.path);
    expect(paths.every((p) => p.startsWith("dist/") || ["package.json", "README.md"].includes(p))).toBe(true);
    expect(paths.filter((p) => /\.test\.(js|d\.ts)$/.test(p))).toEqual([]);
    for (const b of BLOCKS) expect(paths).toEqual(expect.arrayContaining([`dist/modules/${b}/index.js`, `dist/modules/${b}/index.d.ts`]));
    expect(paths).toEqual(expect.arrayContaining(["dist/modules/cdn/functions/spa-fallback.js"]));
    // no stale output of files that no longer exist (the build starts from an empty dist/)
    expect(paths.filter((p) => p.startsWith("dist/") && !p.startsWith("dist/modules/"))).toEqual([]);
  });
});

describe("installed into another team's app", () => {
  it(`resolves cdktf, constructs and the provider to the app's own copies (cdktf ${CONSUMER_VERSIONS.cdktf}), and installs no Lambda runtime library`, async () => {
    const script = `
      const from = require.resolve("@platform/serverless/modules/table");
      const at = (name) => require.resolve(name + "/package.json", { paths: [from] });
      console.log(JSON.stringify({
        from,
        cdktf: [at("cdktf"), require(at("cdktf")).version],
        constructs: [at("constructs"), require(at("constructs")).version],
        provider: [at("@cdktf/provider-aws"), require(at("@cdktf/provider-aws")).version],
      }));`;
    const r = await node(installed.dir, ["-e", script]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.from).toBe(join(installed.dir, "node_modules/@platform/serverless/dist/modules/table/index.js"));
    expect(out.cdktf).toEqual([join(installed.dir, "node_modules/cdktf/package.json"), CONSUMER_VERSIONS.cdktf]);
    expect(out.constructs).toEqual([join(installed.dir, "node_modules/constructs/package.json"), CONSUMER_VERSIONS.constructs]);
    expect(out.provider[1]).toBe(CONSUMER_VERSIONS["@cdktf/provider-aws"]);
    expect(existsSync(join(installed.dir, "node_modules/@platform/serverless/node_modules"))).toBe(false);
    for (const absent of ["@aws-sdk", "@aws-lambda-powertools", "@smithy", "zod"]) expect(existsSync(join(installed.dir, "node_modules", absent))).toBe(false);
  });

  it("loads only what a block needs: importing one block never loads esbuild, the policy module or monitoring", async () => {
    // one child; the require cache is emptied between blocks, so each block's list is its own
    const script = `
      const out = {};
      for (const b of ${JSON.stringify(BLOCKS)}) {
        for (const k of Object.keys(require.cache)) delete require.cache[k];
        require("@platform/serverless/modules/" + b);
        const keys = Object.keys(require.cache);
        out[b] = {
          esbuild: keys.some((k) => k.includes("/node_modules/esbuild/")),
          policy: keys.some((k) => k.includes("/dist/modules/policy/")),
          monitoring: keys.some((k) => k.includes("/dist/modules/monitoring/")),
          fromRepo: keys.filter((k) => !k.startsWith(${JSON.stringify(installed.dir)})),
        };
      }
      console.log(JSON.stringify(out));`;
    const r = await node(installed.dir, ["-e", script]);
    expect(r.stderr).toBe("");
    const loaded = JSON.parse(r.stdout) as Record<string, { esbuild: boolean; policy: boolean; monitoring: boolean; fromRepo: string[] }>;
    // the block other teams import most
    expect(loaded.table).toEqual({ esbuild: false, policy: false, monitoring: false, fromRepo: [] });
    for (const b of BLOCKS) {
      // only blocks that bundle functions may load esbuild (and need not, until they bundle)
      if (!BUNDLING_BLOCKS.includes(b)) expect({ block: b, esbuild: loaded[b].esbuild }).toEqual({ block: b, esbuild: false });
      expect({ block: b, policy: loaded[b].policy }).toEqual({ block: b, policy: b === "policy" });
      expect({ block: b, monitoring: loaded[b].monitoring }).toEqual({ block: b, monitoring: b === "monitoring" });
      expect(loaded[b].fromRepo).toEqual([]);
    }
  });

  it("type-checks subpath and barrel imports, and the README's example, with moduleResolution node16 (exports) and node (typesVersions)", async () => {
    const work = scratch("types-");
    writeFileSync(
      join(work, "app.ts"),
      [
        `import { Table, TableProps } from "@platform/serverless/modules/table";`,
        `import { LambdaFunction } from "@platform/serverless/modules/lambda-function";`,
        `import { Naming, Queue } from "@platform/serverless/modules";`,
        `export const props: TableProps = { name: "t", partitionKey: { name: "pk", type: "S" } };`,
        `export const classes = [Table, LambdaFunction, Naming, Queue];`,
        // the bundle cache helpers are internals: not in the public types
        `// @ts-expect-error bundleAll is not exported`,
        `import { bundleAll } from "@platform/serverless/modules/lambda-function";`,
        `export const internal = bundleAll;`,
        "",
      ].join("\n"),
    );
    // the README's example, as written
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Use the modules in your app"));
    writeFileSync(join(work, "readme.ts"), /```ts\n([\s\S]*?)```/.exec(section)![1]);
    const tsc = join(installed.dir, "node_modules/typescript/bin/tsc");
    const common = ["--noEmit", "--strict", "--skipLibCheck", "--target", "ES2022", "--types", "node", join(work, "app.ts"), join(work, "readme.ts")];
    const [node16, node10] = await Promise.all([
      node(work, [tsc, "--module", "node16", "--moduleResolution", "node16", ...common]),
      node(work, [tsc, "--module", "commonjs", "--moduleResolution", "node", ...common]),
    ]);
    expect(node16.stdout + node16.stderr).toBe("");
    expect(node10.stdout + node10.stderr).toBe("");
  }, 180_000);

  it("synthesizes an app that imports the barrel, reports bad props at synth, and validates and plans offline", async () => {
    const work = scratch("app-");
    writeFileSync(join(work, "handler.js"), "exports.handler = async () => ({ statusCode: 200 });\n");
    writeFileSync(
      join(work, "main.js"),
      `
const { App } = require("cdktf");
const { AwsStack, Table, LambdaFunction, Queue, Bucket, Cdn } = require("@platform/serverless/modules");
const app = new App({ outdir: process.argv[2] });
const stack = new AwsStack(app, "orders-dev", { app: "orders", env: "dev", region: "eu-west-1", tags: { team: "orders" }, offline: true });
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
    const result = await node(work, [join(work, "main.js"), outdir], { PLATFORM_BUNDLE_CACHE_DIR: join(work, "bundles") });
    expect(result.code).toBe(0);
    // a synth-time error names the module, the construct path and the prop
    expect(result.stderr).toMatch(/^VALIDATION:Table "orders-dev\/Bad".*name.*Fix:/m);
    const stackDir = join(outdir, "stacks", "orders-dev");
    const stack = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    expect(Object.values<any>(stack.resource.aws_dynamodb_table).map((t) => t.name)).toEqual(["orders-dev-orders"]);
    const fn = Object.values<any>(stack.resource.aws_lambda_function)[0];
    expect(fn.function_name).toBe("orders-dev-orders-api");
    expect(Object.keys(fn.environment.variables)).toContain("ORDERS_TABLE_NAME");
    expect(Object.keys(stack.resource.aws_sqs_queue)).toHaveLength(2); // jobs + its DLQ
    // the CloudFront Function source ships in the package and is deployed byte for byte
    const spa = Object.values<any>(stack.resource.aws_cloudfront_function)[0];
    expect(spa.code).toBe(readFileSync(join(ROOT, "modules", "cdn", "functions", "spa-fallback.js"), "utf8"));

    const { validate, plan } = await validateAndPlan(stackDir);
    expect(validate).toMatchObject({ valid: true, error_count: 0 });
    expect(plannedValues(plan, "aws_dynamodb_table").map((t) => t.name)).toEqual(["orders-dev-orders"]);
    expect(plannedValues(plan, "aws_lambda_function").map((f) => f.function_name)).toEqual(["orders-dev-orders-api"]);
    expect(plan.resource_changes.every((rc: any) => rc.change.actions.join() === "create")).toBe(true);
  }, 240_000);
});
