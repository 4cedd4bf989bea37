// examples/: each small app is compiled (its own TypeScript, strict) and synthesized in plain Node against the packed
// and installed package (installed-package.ts, shared with consumer.test.ts), then validated and planned offline;
// each test checks what that example is for.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { plannedValues, StackPlan, validateAndPlan } from "../support/terraform";
import { installedPackage, node, ROOT } from "./installed-package";

const EXAMPLES = {
  "http-api-table": "notes-dev",
  "queue-consumer": "orders-dev",
  "stream-processor": "clicks-dev",
  "data-api-consumer": "reports-dev",
  "static-site": "docs-dev",
} as const;
type Example = keyof typeof EXAMPLES;

interface Synthesized {
  readonly json: any;
  readonly plan: StackPlan;
  readonly stderr: string;
  /** The stack's annotations in cdktf's manifest.json (warnings and errors of Annotations.of(...)). */
  readonly annotations: Array<{ level: string; message: string }>;
}

let work: string;
const results = new Map<Example, Promise<Synthesized>>();

/** Bounded concurrency: at most two synth + terraform pipelines at a time (the machines have two cores). */
function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    if (active >= max) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
const limit = limiter(2);
/** Each example's test awaits its synth + init + validate + plan, which may queue behind the others on a busy machine. */
const EXAMPLE_TIMEOUT_MS = 360_000;

async function synthAndPlan(example: Example): Promise<Synthesized> {
  const outdir = join(work, "out", example);
  mkdirSync(outdir, { recursive: true });
  const r = await node(work, [join(work, "examples", example, "main.js")], { PLATFORM_OFFLINE: "1", CDKTF_OUTDIR: outdir, PLATFORM_BUNDLE_CACHE_DIR: join(work, "bundles") });
  if (r.code !== 0) throw new Error(`examples/${example} did not synthesize (exit ${r.code}):\n${r.stderr}`);
  const stackDir = join(outdir, "stacks", EXAMPLES[example]);
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  return { json, plan: await validateAndPlan(stackDir), stderr: r.stderr, annotations: manifest.stacks[EXAMPLES[example]].annotations };
}

beforeAll(async () => {
  const installed = await installedPackage();
  work = mkdtempSync(join(installed.dir, "examples-"));
  cpSync(join(ROOT, "examples"), join(work, "examples"), { recursive: true });
  // compiled like a consumer's project: strict, node16 resolution (package exports), in place (main.js beside main.ts)
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, skipLibCheck: true, types: ["node"] },
      files: Object.keys(EXAMPLES).map((e) => `examples/${e}/main.ts`),
    }),
  );
  const tsc = await node(work, [join(installed.dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]);
  if (tsc.code !== 0) throw new Error(`examples do not type-check against the package:\n${tsc.stdout}${tsc.stderr}`);
  for (const example of Object.keys(EXAMPLES) as Example[]) {
    const p = limit(() => synthAndPlan(example));
    p.catch(() => undefined); // reported by the example's own test
    results.set(example, p);
  }
}, 420_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const resources = (s: Synthesized, type: string): any[] => Object.values(s.json.resource?.[type] ?? {});

describe("examples/", () => {
  it("has one folder per example, each with main.ts, its handler (or site files) and a README, importing only from the package", () => {
    const folders = readdirSync(join(ROOT, "examples"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const f of folders) {
      const files = readdirSync(join(ROOT, "examples", f));
      expect(files).toEqual(expect.arrayContaining(["main.ts", "README.md", f === "static-site" ? "site" : "handler.ts"]));
      const main = readFileSync(join(ROOT, "examples", f, "main.ts"), "utf8");
      const platformImports = [...main.matchAll(/from "([^"]+)"/g)].map((m) => m[1]).filter((s) => !["cdktf", "node:path"].includes(s));
      // subpaths everywhere, the barrel in data-api-consumer only (the bench compares the two)
      for (const s of platformImports) expect(s).toMatch(f === "data-api-consumer" ? /^@platform\/serverless\/modules$/ : /^@platform\/serverless\/modules\/[a-z-]+$/);
    }
  });

  it(
    "http-api-table: routes to one function that gets the table's name and read/write on that table only",
    async () => {
      const s = await results.get("http-api-table")!;
      expect(s.plan.validate).toMatchObject({ valid: true, error_count: 0 });
      expect(
        plannedValues(s.plan.plan, "aws_apigatewayv2_route")
          .map((r) => r.route_key)
          .sort(),
      ).toEqual(["GET /notes/{id}", "PUT /notes/{id}"]);
      expect(plannedValues(s.plan.plan, "aws_dynamodb_table").map((t) => t.name)).toEqual(["notes-dev-notes"]);
      const [fn] = plannedValues(s.plan.plan, "aws_lambda_function");
      expect(fn.environment[0].variables).toMatchObject({ NOTES_TABLE_NAME: "notes-dev-notes" });
      const statements = resources(s, "aws_iam_role_policy").flatMap((p) => JSON.parse(p.policy).Statement);
      const dynamo = statements.filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith("dynamodb:")));
      expect(dynamo.flatMap((st: any) => [st.Action].flat())).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:PutItem"]));
      for (const st of dynamo) expect([st.Resource].flat().every((r: string) => r.includes("aws_dynamodb_table."))).toBe(true);
    },
    EXAMPLE_TIMEOUT_MS,
  );

  it(
    "queue-consumer: an SQS event source with partial batch failures, and a redrive to the queue's DLQ after 5 receives",
    async () => {
      const s = await results.get("queue-consumer")!;
      expect(s.plan.validate).toMatchObject({ valid: true, error_count: 0 });
      const [esm] = resources(s, "aws_lambda_event_source_mapping");
      expect(esm).toMatchObject({ batch_size: 10, function_response_types: ["ReportBatchItemFailures"] });
      const queues = s.json.resource.aws_sqs_queue;
      const [jobsId] = Object.entries<any>(queues).find(([, q]) => q.name === "orders-dev-jobs")!;
      const [dlqId] = Object.entries<any>(queues).find(([, q]) => q.name === "orders-dev-jobs-dlq")!;
      expect(esm.event_source_arn).toBe(`\${aws_sqs_queue.${jobsId}.arn}`);
      expect(JSON.parse(queues[jobsId].redrive_policy)).toEqual({ deadLetterTargetArn: `\${aws_sqs_queue.${dlqId}.arn}`, maxReceiveCount: 5 });
      expect(
        plannedValues(s.plan.plan, "aws_sqs_queue")
          .map((q) => q.name)
          .sort(),
      ).toEqual(["orders-dev-jobs", "orders-dev-jobs-dlq"]);
    },
    EXAMPLE_TIMEOUT_MS,
  );

  it(
    "stream-processor: a Kinesis event source that bisects, retries 3 times and sends discarded batches to the failure queue",
    async () => {
      const s = await results.get("stream-processor")!;
      expect(s.plan.validate).toMatchObject({ valid: true, error_count: 0 });
      const [esm] = plannedValues(s.plan.plan, "aws_lambda_event_source_mapping");
      expect(esm).toMatchObject({ batch_size: 500, bisect_batch_on_function_error: true, maximum_retry_attempts: 3, starting_position: expect.any(String) });
      const [synthEsm] = resources(s, "aws_lambda_event_source_mapping");
      const [failuresId] = Object.entries<any>(s.json.resource.aws_sqs_queue).find(([, q]) => q.name === "clicks-dev-clicks-failures")!;
      expect(synthEsm.destination_config.on_failure.destination_arn).toBe(`\${aws_sqs_queue.${failuresId}.arn}`);
      const [stream] = plannedValues(s.plan.plan, "aws_kinesis_stream");
      expect(stream).toMatchObject({ name: "clicks-dev-clicks", encryption_type: "KMS" });
    },
    EXAMPLE_TIMEOUT_MS,
  );

  it(
    "data-api-consumer (barrel import): a pausing Aurora cluster with the Data API and a managed secret, and a bundle without the SDK",
    async () => {
      const s = await results.get("data-api-consumer")!;
      expect(s.plan.validate).toMatchObject({ valid: true, error_count: 0 });
      const [cluster] = plannedValues(s.plan.plan, "aws_rds_cluster");
      expect(cluster).toMatchObject({ engine: "aurora-postgresql", enable_http_endpoint: true, manage_master_user_password: true });
      expect(cluster.serverlessv2_scaling_configuration[0]).toMatchObject({ min_capacity: 0, max_capacity: 2 });
      expect(cluster).not.toHaveProperty("master_password", expect.any(String));
      const [fn] = resources(s, "aws_lambda_function");
      expect(Object.keys(fn.environment.variables)).toEqual(expect.arrayContaining(["REPORTS_CLUSTER_ARN", "REPORTS_SECRET_ARN", "REPORTS_DATABASE"]));
      // the SDK is external (the runtime provides it): the bundle requires it instead of carrying it
      const bundles = readdirSync(join(work, "bundles"), { withFileTypes: true }).filter((e) => e.isDirectory());
      const code = bundles
        .map((b) => {
          try {
            return readFileSync(join(work, "bundles", b.name, "index.js"), "utf8");
          } catch {
            return "";
          }
        })
        .find((c) => c.includes("client-rds-data"));
      expect(code).toMatch(/require\("@aws-sdk\/client-rds-data"\)/);
      expect(code!.length).toBeLessThan(10_000);
    },
    EXAMPLE_TIMEOUT_MS,
  );

  it(
    "static-site: a private bucket (all public access blocked) served by CloudFront through Origin Access Control",
    async () => {
      const s = await results.get("static-site")!;
      expect(s.plan.validate).toMatchObject({ valid: true, error_count: 0 });
      const [block] = plannedValues(s.plan.plan, "aws_s3_bucket_public_access_block");
      expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(plannedValues(s.plan.plan, "aws_cloudfront_origin_access_control")[0]).toMatchObject({ origin_access_control_origin_type: "s3", signing_behavior: "always" });
      const index = plannedValues(s.plan.plan, "aws_s3_object").find((o) => o.key === "index.html");
      expect(index).toMatchObject({ content_type: "text/html; charset=utf-8", cache_control: "no-cache" });
      expect(plannedValues(s.plan.plan, "aws_s3_bucket_acl")).toEqual([]);
    },
    EXAMPLE_TIMEOUT_MS,
  );

  it(
    "every example synthesizes without a warning of the module library's making",
    async () => {
      for (const example of Object.keys(EXAMPLES) as Example[]) {
        const s = await results.get(example)!;
        const warnings = s.annotations.filter((a) => !/info/i.test(a.level));
        expect({ example, annotations: warnings, stderr: s.stderr.split("\n").filter((l) => /warn/i.test(l)) }).toEqual({ example, annotations: [], stderr: [] });
      }
    },
    EXAMPLE_TIMEOUT_MS,
  );
});
