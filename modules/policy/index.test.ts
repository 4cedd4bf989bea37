import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, AnnotationMetadataEntryType, Aspects, IAspect, TerraformStack, Testing } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction as LambdaFunctionResource } from "@cdktf/provider-aws/lib/lambda-function";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Naming } from "../core/naming";
import { LambdaFunction } from "../lambda-function";
import { Table } from "../table";
import {
  applyPolicy,
  MIN_SUPPRESSION_REASON_LENGTH,
  POLICY_REPORT_FILE,
  PolicyAsCode,
  PolicyOptions,
  PolicyReport,
  policyReport,
  policyReportPath,
  PolicyViolationError,
  suppressPolicy,
} from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;

interface Built {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly outdir: string;
  readonly policy: PolicyAsCode;
  /** The report synth wrote. */
  report(): PolicyReport;
  /** Annotations of a level on the stack's constructs, after synth (from manifest.json). */
  annotations(level: AnnotationMetadataEntryType): string[];
  stackFileWritten(): boolean;
}

function build(construct: (stack: TerraformStack) => void, options: Partial<PolicyOptions> = {}): Built {
  const app = Testing.app();
  const stack = new TerraformStack(app, "svc-test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  Naming.configure(stack, { app: "test", env: "test" });
  construct(stack);
  const policy = applyPolicy(stack, { environment: "test", production: false, enforcement: "error", ...options });
  const outdir = app.outdir;
  return {
    app,
    stack,
    outdir,
    policy,
    report: () => JSON.parse(readFileSync(policyReportPath(outdir, "svc-test"), "utf8")),
    annotations: (level) => {
      const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
      return manifest.stacks["svc-test"].annotations.filter((a: any) => a.level === level).map((a: any) => a.message);
    },
    stackFileWritten: () => existsSync(join(outdir, "stacks", "svc-test", "cdk.tf.json")),
  };
}

/** Two error findings (an unencrypted, un-blocked bucket; a log group kept forever) and one warning (no tracing). */
function violations(stack: TerraformStack): void {
  new S3Bucket(stack, "Open", { bucket: "open-bucket" });
  new CloudwatchLogGroup(stack, "Forever", { name: "/test/forever" });
  new CloudwatchLogGroup(stack, "FnLogs", { name: "/aws/lambda/test-fn", retentionInDays: 7 });
  new LambdaFunctionResource(stack, "Untraced", {
    functionName: "test-fn",
    role: "arn:aws:iam::123456789012:role/r",
    runtime: "nodejs22.x",
    handler: "index.handler",
    filename: "f.zip",
  });
}

function synthError(b: Built): PolicyViolationError {
  try {
    b.app.synth();
  } catch (err) {
    if (err instanceof PolicyViolationError) return err;
    throw err;
  }
  throw new Error("synth did not fail");
}

describe('enforcement "error"', () => {
  it("fails synth with one error listing every error violation: rule id, address, message and fix", () => {
    const b = build(violations);
    const err = synthError(b);
    const lines = err.message.split("\n").filter((l) => l.startsWith("  - "));
    expect(lines.map((l) => l.split(" ")[3] + " " + l.split(" ")[4])).toEqual([
      "PLT-LOG-001 aws_cloudwatch_log_group.Forever:",
      "PLT-S3-001 aws_s3_bucket.Open:",
      "PLT-S3-002 aws_s3_bucket.Open:",
      "PLT-S3-003 aws_s3_bucket.Open:",
    ]);
    expect(err.message).toContain('Policy check failed for stack "svc-test" (enforcement "error"): 4 violation(s).');
    expect(err.message).toContain('Log group "/test/forever" keeps events forever (retention_in_days unset). Fix: Use the LogGroup module');
    expect(err.errors.every((f) => f.severity === "error")).toBe(true);
  });

  it("writes the report (with the warnings too) before failing, and no cdk.tf.json", () => {
    const b = build(violations);
    const err = synthError(b);
    expect(err.reportPath).toBe(policyReportPath(b.outdir, "svc-test"));
    const report = b.report();
    expect(report.findings.map((f) => `${f.severity} ${f.ruleId}`)).toEqual([
      "error PLT-LOG-001",
      "error PLT-S3-001",
      "error PLT-S3-002",
      "error PLT-S3-003",
      "warning PLT-LAMBDA-001",
    ]);
    expect(b.stackFileWritten()).toBe(false);
  });

  it("never fails on warning-severity findings: they become Annotations warnings and synth goes on", () => {
    const b = build((s) => {
      new CloudwatchLogGroup(s, "FnLogs", { name: "/aws/lambda/test-fn", retentionInDays: 7 });
      new LambdaFunctionResource(s, "Untraced", {
        functionName: "test-fn",
        role: "arn:aws:iam::123456789012:role/r",
        runtime: "nodejs22.x",
        handler: "index.handler",
        filename: "f.zip",
      });
    });
    expect(() => b.app.synth()).not.toThrow();
    expect(b.stackFileWritten()).toBe(true);
    expect(b.report().findings.map((f) => f.ruleId)).toEqual(["PLT-LAMBDA-001"]);
    expect(b.annotations(AnnotationMetadataEntryType.WARN)).toEqual([
      expect.stringMatching(/^\[PLT-LAMBDA-001\] policy warning: aws_lambda_function\.Untraced: Function "test-fn" has tracing mode unset \(PassThrough\)\. Fix: /),
    ]);
  });
});

describe('enforcement "warn"', () => {
  it("reports every finding as an Annotations warning on its resource and synth goes on", () => {
    const b = build(violations, { enforcement: "warn", environment: "dev" });
    expect(() => b.app.synth()).not.toThrow();
    expect(b.stackFileWritten()).toBe(true);
    const warnings = b.annotations(AnnotationMetadataEntryType.WARN);
    expect(warnings).toHaveLength(5);
    expect(warnings).toContainEqual(expect.stringMatching(/^\[PLT-S3-001\] policy error, not enforced \(enforcement "warn" in dev\): aws_s3_bucket\.Open: /));
    const manifest = JSON.parse(readFileSync(join(b.outdir, "manifest.json"), "utf8"));
    const s3 = manifest.stacks["svc-test"].annotations.find((a: any) => a.message.startsWith("[PLT-S3-001]"));
    expect(s3.constructPath).toBe("svc-test/Open");
    expect(b.report()).toMatchObject({ stack: "svc-test", enforcement: "warn" });
    expect(b.report().findings).toHaveLength(5);
  });
});

describe("suppressPolicy", () => {
  it("suppresses a rule on a construct and everything below it, and lists it in the report with the reason", () => {
    const b = build((s) => {
      const legacy = new Construct(s, "Legacy");
      new CloudwatchLogGroup(legacy, "Forever", { name: "/legacy/forever" });
      new CloudwatchLogGroup(s, "Other", { name: "/other/forever" });
      suppressPolicy(legacy, "PLT-LOG-001", "Legacy audit log: retention is managed by the compliance team's own process");
    });
    const err = synthError(b);
    // The sibling outside the suppressed scope still fails.
    expect(err.errors.map((f) => f.address)).toEqual(["aws_cloudwatch_log_group.Other"]);
    const report = b.report();
    expect(report.suppressions).toEqual([
      {
        ruleId: "PLT-LOG-001",
        address: expect.stringMatching(/^aws_cloudwatch_log_group\.Legacy_Forever_/),
        reason: "Legacy audit log: retention is managed by the compliance team's own process",
      },
    ]);
    expect(report.findings.map((f) => f.address)).toEqual(["aws_cloudwatch_log_group.Other"]);
  });

  it('lets a stack whose every error is suppressed synthesize under enforcement "error"', () => {
    const b = build((s) => {
      const group = new CloudwatchLogGroup(s, "Forever", { name: "/test/forever" });
      suppressPolicy(group, "PLT-LOG-001", "Kept forever by regulation (record-keeping rule 17a-4)");
    });
    expect(() => b.app.synth()).not.toThrow();
    expect(b.report()).toEqual({
      stack: "svc-test",
      enforcement: "error",
      findings: [],
      suppressions: [{ ruleId: "PLT-LOG-001", address: "aws_cloudwatch_log_group.Forever", reason: "Kept forever by regulation (record-keeping rule 17a-4)" }],
    });
  });

  it("only suppresses the named rule", () => {
    const b = build((s) => {
      const bucket = new S3Bucket(s, "Open", { bucket: "open-bucket" });
      suppressPolicy(bucket, "PLT-S3-002", "Encryption is set by the account's default bucket encryption");
    });
    expect(synthError(b).errors.map((f) => f.ruleId)).toEqual(["PLT-S3-001", "PLT-S3-003"]);
  });

  it.each([
    ["no reason", undefined],
    ["an empty reason", ""],
    ["a blank reason", "          "],
    ["a reason shorter than 10 characters", "legacy"],
  ])("refuses %s", (_what, reason) => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => suppressPolicy(stack, "PLT-LOG-001", reason as unknown as string)).toThrow(
      `suppressPolicy "s": invalid props (1 problem):\n  - reason: received ${reason === undefined ? "undefined" : JSON.stringify(reason)}; allowed: a reason of at least ${MIN_SUPPRESSION_REASON_LENGTH} characters.`,
    );
  });

  it("refuses an unknown rule id, naming the known ones", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => suppressPolicy(stack, "PLT-S3-999", "This reason is long enough")).toThrow(
      /- ruleId: received "PLT-S3-999"; allowed: a rule id of docs\/policy-rules.md: PLT-S3-001, PLT-S3-002, /,
    );
  });

  it("notes a suppression that matches no finding (info annotation), without failing", () => {
    const b = build((s) => {
      const group = new CloudwatchLogGroup(s, "Kept", { name: "/test/kept", retentionInDays: 30 });
      suppressPolicy(group, "PLT-LOG-001", "Was kept forever before the retention migration");
    });
    b.app.synth();
    expect(b.report().suppressions).toEqual([]);
    expect(b.annotations(AnnotationMetadataEntryType.INFO)).toEqual([expect.stringContaining("[PLT-LOG-001] suppression matched no finding in svc-test")]);
  });
});

describe("the report", () => {
  it("is written to <outdir>/stacks/<stack id>/policy-report.json with stack, enforcement, findings and suppressions", () => {
    const b = build(violations, { enforcement: "warn" });
    b.app.synth();
    const path = join(b.outdir, "stacks", "svc-test", POLICY_REPORT_FILE);
    expect(existsSync(path)).toBe(true);
    const report = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(report)).toEqual(["stack", "enforcement", "findings", "suppressions"]);
    for (const f of report.findings) expect(Object.keys(f)).toEqual(["ruleId", "severity", "address", "message", "fix"]);
    expect(report.findings[0]).toEqual({
      ruleId: "PLT-LOG-001",
      severity: "error",
      address: "aws_cloudwatch_log_group.Forever",
      message: 'Log group "/test/forever" keeps events forever (retention_in_days unset).',
      fix: expect.stringContaining("retention_in_days"),
    });
  });

  it("is the same in-process (policyReport) as on disk", () => {
    const b = build(violations, { enforcement: "warn" });
    const before = policyReport(b.stack);
    b.app.synth();
    expect(b.report()).toEqual(before);
    expect(policyReport(b.stack)).toEqual(before);
    expect(b.policy.lastReport).toEqual(before);
  });

  it("is empty for a stack of modules with their defaults", () => {
    const b = build((s) => {
      const table = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" } });
      const fn = new LambdaFunction(s, "Api", { name: "api", entry: ENTRY });
      table.connect(fn, "readWrite");
    });
    b.app.synth();
    expect(b.report()).toEqual({ stack: "svc-test", enforcement: "error", findings: [], suppressions: [] });
  });
});

describe("where it runs in synth", () => {
  it("sees values set after applyPolicy, including by Aspects added later (it evaluates after every aspect)", () => {
    const b = build((s) => {
      new CloudwatchLogGroup(s, "Late", { name: "/test/late" });
    });
    const fixRetention: IAspect = {
      visit(node: IConstruct) {
        if (node instanceof CloudwatchLogGroup) node.retentionInDays = 30;
      },
    };
    Aspects.of(b.stack).add(fixRetention);
    expect(() => b.app.synth()).not.toThrow();
    expect(b.report().findings).toEqual([]);
  });

  it("sees grants added after applyPolicy (lazy policy documents are rendered as synth renders them)", () => {
    let fn!: LambdaFunction;
    const b = build(
      (s) => {
        fn = new LambdaFunction(s, "Api", { name: "api", entry: ENTRY });
      },
      { enforcement: "warn" },
    );
    fn.addToPrincipalPolicy({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/*"] });
    // A raw policy that bypasses the module's own least-privilege check.
    new IamRolePolicy(b.stack, "Raw", {
      role: fn.roleName,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }),
    });
    b.app.synth();
    expect(b.report().findings.map((f) => `${f.ruleId} ${f.address}`)).toEqual(["PLT-IAM-002 aws_iam_role_policy.Raw"]);
    const synthesized = JSON.parse(readFileSync(join(b.outdir, "stacks", "svc-test", "cdk.tf.json"), "utf8"));
    expect(Object.keys(synthesized.resource.aws_iam_role_policy)).toContain("Raw");
  });
});

describe("applyPolicy", () => {
  it("applies once per stack", () => {
    const b = build(() => undefined);
    expect(() => applyPolicy(b.stack, { environment: "test", production: false, enforcement: "warn" })).toThrow(/already applied/);
  });

  it("refuses an unknown enforcement, and leaves the stack without a policy", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => applyPolicy(stack, { environment: "dev", production: false, enforcement: "off" as "warn" })).toThrow(
      /applyPolicy "s": invalid props \(1 problem\):\n {2}- enforcement: received "off"; allowed: one of "error", "warn"/,
    );
    expect(PolicyAsCode.of(stack)).toBeUndefined();
  });

  it("policyReport needs a policy on the stack", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => policyReport(stack)).toThrow(/no policy is applied to this stack/);
  });

  it("adds no Terraform element to the stack", () => {
    const plain = Testing.synth(new TerraformStack(Testing.app(), "s"));
    const stack = new TerraformStack(Testing.app(), "s");
    applyPolicy(stack, { environment: "dev", production: false, enforcement: "warn" });
    expect(Testing.synth(stack)).toEqual(plain);
  });
});
