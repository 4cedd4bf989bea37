import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { join } from "node:path";
import { Construct } from "constructs";
import { Naming } from "../core/naming";
import { PermissionsBoundary } from "../core/permissions-boundary";
import { Table } from "../table";
import { asArray, rolePolicyDocument, synthStack } from "../../test/support/synth";
import { LambdaFunction } from "./index";
import { bundle, bundleStats } from "./bundle";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;

describe("LambdaFunction", () => {
  it("defaults to nodejs22.x on arm64, 256 MB, 10 s, X-Ray active, JSON logs into its own log group", () => {
    const out = synthStack((s) => new LambdaFunction(s, "Api", { name: "profile-api", entry: ENTRY }));
    const fn = out.only("aws_lambda_function");
    expect(fn.function_name).toBe("test-dev-profile-api");
    expect(fn.runtime).toBe("nodejs22.x");
    expect(fn.architectures).toEqual(["arm64"]);
    expect(fn.handler).toBe("index.handler");
    expect(fn.memory_size).toBe(256);
    expect(fn.timeout).toBe(10);
    expect(fn.tracing_config).toEqual({ mode: "Active" });
    expect(fn.logging_config).toMatchObject({ log_format: "JSON", application_log_level: "INFO", log_group: out.ref("aws_cloudwatch_log_group", "name") });
    expect(fn.environment.variables).toEqual({ POWERTOOLS_SERVICE_NAME: "profile-api" });
    expect(fn.reserved_concurrent_executions).toBeUndefined();
    const lg = out.only("aws_cloudwatch_log_group");
    expect(lg.name).toBe("/aws/lambda/test-dev-profile-api");
    expect(lg.retention_in_days).toBe(30);
    // the log group exists before the function can log into it
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${Object.keys(out.resources("aws_cloudwatch_log_group"))[0]}`);
  });

  it("scopes log permissions to its own log group and grants only X-Ray writes on *", () => {
    const out = synthStack((s) => new LambdaFunction(s, "Api", { name: "api", entry: ENTRY }));
    const doc = rolePolicyDocument(out, "Api");
    const logs = doc.Statement.find((s: any) => s.Sid === "WriteOwnLogs");
    expect(logs.Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(logs.Resource).toBe(`${out.ref("aws_cloudwatch_log_group", "arn")}:*`);
    const star = doc.Statement.filter((s: any) => asArray(s.Resource).includes("*"));
    expect(star.flatMap((s: any) => asArray(s.Action))).toEqual(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
    const role = out.only("aws_iam_role");
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "lambda.amazonaws.com" });
  });

  it("with tracing off grants no X-Ray permission and passes traces through", () => {
    const out = synthStack((s) => new LambdaFunction(s, "Api", { name: "api", entry: ENTRY, tracing: false }));
    expect(out.only("aws_lambda_function").tracing_config).toEqual({ mode: "PassThrough" });
    expect(JSON.stringify(rolePolicyDocument(out, "Api"))).not.toContain("xray");
  });

  it("bundles each entry once per process even when several stacks use it, into a content-addressed folder", () => {
    const stats = (): number => bundleStats().builds + bundleStats().reused;
    const before = stats();
    const app = Testing.app();
    for (const env of ["dev", "staging", "prod"]) {
      const stack = new TerraformStack(app, env);
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      Naming.configure(stack, { app: "test", env });
      new LambdaFunction(stack, "Fn", { name: "shared-entry", entry: `${__dirname}/../../test/fixtures/handler-b.ts` });
    }
    app.synth();
    expect(stats() - before).toBe(1);
    const b = bundle(`${__dirname}/../../test/fixtures/handler-b.ts`);
    expect(b.directory.endsWith(b.hash)).toBe(true);
    expect(b.size).toBeGreaterThan(0);
    expect(b.size).toBeLessThan(2000);
  });

  it("sets reserved concurrency, memory, timeout, log level and an async failure destination with bounded retries", () => {
    const out = synthStack((s) => {
      const dest = {
        arn: "arn:aws:sqs:eu-west-1:123456789012:failures",
        node: { id: "F", path: "F" },
        grantSendFailure: (g: any) => g.addToPrincipalPolicy({ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:failures"] }),
      } as any;
      new LambdaFunction(s, "Worker", {
        name: "worker",
        entry: ENTRY,
        reservedConcurrency: 5,
        memorySize: 1024,
        timeoutSeconds: 30,
        logLevel: "DEBUG",
        asyncInvoke: { onFailure: dest, maxRetryAttempts: 1, maxEventAgeSeconds: 600 },
      });
    });
    const fn = out.only("aws_lambda_function");
    expect(fn.reserved_concurrent_executions).toBe(5);
    expect(fn.memory_size).toBe(1024);
    expect(fn.timeout).toBe(30);
    expect(fn.logging_config.application_log_level).toBe("DEBUG");
    const cfg = out.only("aws_lambda_function_event_invoke_config");
    expect(cfg).toMatchObject({
      maximum_retry_attempts: 1,
      maximum_event_age_in_seconds: 600,
      destination_config: { on_failure: { destination: "arn:aws:sqs:eu-west-1:123456789012:failures" } },
    });
    expect(JSON.stringify(rolePolicyDocument(out, "Worker"))).toContain("sqs:SendMessage");
  });

  it("reports every invalid prop at once with the fix", () => {
    expect(() =>
      synthStack(
        (s) => new LambdaFunction(s, "Bad", { name: "Bad_Name", entry: ENTRY, memorySize: 64, timeoutSeconds: 901, logRetentionDays: 42, environment: { AWS_REGION: "x" } }),
      ),
    ).toThrow(
      /LambdaFunction "test\/Bad": invalid props \(5 problems\):[\s\S]*name: received "Bad_Name"[\s\S]*memorySize: received 64; allowed: an integer from 128 to 10240[\s\S]*timeoutSeconds: received 901[\s\S]*logRetentionDays: received 42[\s\S]*environment.AWS_REGION/,
    );
  });

  it("fails with the entry path and a fix when the entry does not exist", () => {
    expect(() => synthStack((s) => new LambdaFunction(s, "Missing", { name: "missing", entry: "nope/handler.ts" }))).toThrow(
      /entry "nope\/handler.ts" does not exist[\s\S]*Fix: pass the path/,
    );
  });

  it("refuses wildcard actions and scoped actions on *", () => {
    expect(() =>
      synthStack((s) =>
        new LambdaFunction(s, "F", { name: "f", entry: ENTRY }).addToPrincipalPolicy({ actions: ["dynamodb:*"], resources: ["arn:aws:dynamodb:eu-west-1:1:table/t"] }),
      ),
    ).toThrow(/"dynamodb:\*" is a wildcard/);
    expect(() => synthStack((s) => new LambdaFunction(s, "F", { name: "f", entry: ENTRY }).addToPrincipalPolicy({ actions: ["dynamodb:GetItem"], resources: ["*"] }))).toThrow(
      /dynamodb:GetItem on resource "\*"/,
    );
  });

  it("wires a DynamoDB stream with bisect, bounded retries and age, partial batch responses, after its permissions exist", () => {
    const out = synthStack((s) => {
      const t = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_AND_OLD_IMAGES" });
      new LambdaFunction(s, "Events", { name: "events", entry: ENTRY }).addDynamoDbStreamEventSource(t, { batchSize: 25 });
    });
    const esm = out.only("aws_lambda_event_source_mapping");
    expect(esm).toMatchObject({
      event_source_arn: out.ref("aws_dynamodb_table", "stream_arn"),
      starting_position: "TRIM_HORIZON",
      batch_size: 25,
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 3,
      maximum_record_age_in_seconds: 3600,
      function_response_types: ["ReportBatchItemFailures"],
    });
    expect(esm.depends_on[0]).toMatch(/^aws_iam_role_policy\./);
  });

  it("warns when a stream source has no on-failure destination", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "warn");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const t = new Table(stack, "T", { name: "t", partitionKey: { name: "pk", type: "S" }, stream: "NEW_IMAGE" });
    const fn = new LambdaFunction(stack, "C", { name: "c", entry: ENTRY });
    fn.addDynamoDbStreamEventSource(t);
    const warnings = fn.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings.join("\n")).toMatch(/no onFailure destination[\s\S]*Fix: pass onFailure/);
  });

  it("rejects stream options outside Lambda's limits", () => {
    expect(() =>
      synthStack((s) => {
        const t = new Table(s, "T", { name: "t", partitionKey: { name: "pk", type: "S" }, stream: "NEW_IMAGE" });
        new LambdaFunction(s, "C", { name: "c", entry: ENTRY }).addDynamoDbStreamEventSource(t, { maxRecordAgeSeconds: 30, batchSize: 20000 });
      }),
    ).toThrow(/batchSize: received 20000[\s\S]*maxRecordAgeSeconds: received 30; allowed: -1 \(infinite\) or an integer from 60 to 604800/);
  });

  it("refuses to overwrite an environment variable with a different value", () => {
    expect(() =>
      synthStack((s) => {
        const fn = new LambdaFunction(s, "F", { name: "f", entry: ENTRY, environment: { TABLE: "a" } });
        fn.addEnvironment("TABLE", "b");
      }),
    ).toThrow(/TABLE is already set to a different value/);
  });

  it("fromArn imports a function for invoke grants and refuses role changes", () => {
    synthStack((s) => {
      const fn = LambdaFunction.fromArn(s, "Ext", "arn:aws:lambda:eu-west-1:123456789012:function:other");
      expect(fn.name).toBe("other");
      expect(fn.invokeArn).toBe("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:other/invocations");
      expect(() => fn.addToPrincipalPolicy({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] })).toThrow(/cannot add permissions to an imported function's role/);
    });
  });
});

describe("LambdaFunction permissions boundary (PermissionsBoundary.of)", () => {
  const synthRoles = (setup: (stack: any) => void): any[] => {
    const stack = new TerraformStack(Testing.app(), "s");
    Naming.configure(stack, { app: "app", env: "dev" });
    setup(stack);
    return Object.values(JSON.parse(Testing.synth(stack)).resource.aws_iam_role);
  };
  const entry = join(__dirname, "..", "..", "lambdas", "profile", "profile-bootstrap.ts");
  const ARN = "arn:aws:iam::111111111111:policy/app-dev-boundary";

  it("gives the execution role the boundary set on the stack, without a prop", () => {
    const roles = synthRoles((stack) => {
      PermissionsBoundary.of(stack).apply(ARN);
      new LambdaFunction(stack, "Fn", { name: "fn", entry });
    });
    expect(roles.map((r) => r.permissions_boundary)).toEqual([ARN]);
  });

  it("gives a role created after apply() the boundary too (applied at synth)", () => {
    const roles = synthRoles((stack) => {
      new LambdaFunction(stack, "Fn", { name: "fn", entry });
      PermissionsBoundary.of(stack).apply(ARN);
    });
    expect(roles.map((r) => r.permissions_boundary)).toEqual([ARN]);
  });

  it("sets no boundary when none is set on the stack", () => {
    const roles = synthRoles((stack) => new LambdaFunction(stack, "Fn", { name: "fn", entry }));
    expect(roles.map((r) => r.permissions_boundary)).toEqual([undefined]);
  });

  it("clear() on a child scope removes the inherited boundary there only", () => {
    const roles = synthRoles((stack) => {
      PermissionsBoundary.of(stack).apply(ARN);
      const team = new Construct(stack, "Team");
      PermissionsBoundary.of(team).clear();
      new LambdaFunction(team, "Free", { name: "free", entry });
      new LambdaFunction(stack, "Bound", { name: "bound", entry });
    });
    expect(roles.map((r) => r.permissions_boundary ?? null).sort()).toEqual([ARN, null].sort());
  });

  it("refuses something that is not a managed policy ARN, naming the fix", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => PermissionsBoundary.of(stack).apply("app-dev-boundary")).toThrow(/not a managed policy ARN.*Fix: pass arn:<partition>:iam::<account>:policy\/<name>/);
  });
});
