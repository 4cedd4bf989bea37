import { SENSITIVE } from "../../plan/diff";
import { readPolicyReport } from "../../plan/policy-report";
import {
  assembleReport,
  buildStackReport,
  envMarker,
  EXIT,
  MAX_MARKDOWN,
  PlanReport,
  renderJson,
  renderMarkdown,
  REPORT_MARKER,
  runExitCode,
  StackReport,
} from "../../plan/report";
import type { PolicyReport } from "../../plan/policy-report";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_KEY, MIXED_PLAN, NEW_SECRET, NOOP_PLAN, SECRET, TABLE_ARN } from "./fixtures/plans";

const POLICY: PolicyReport = {
  available: true,
  enforcement: "warn",
  findings: [
    {
      ruleId: "S3_TLS_ONLY",
      severity: "error",
      address: "aws_s3_bucket.uploads",
      message: "bucket policy does not deny plain HTTP",
      fix: "add a Deny on aws:SecureTransport=false",
    },
  ],
  suppressions: [{ ruleId: "LAMBDA_IN_VPC", address: "aws_lambda_function.api", reason: "Data API, no VPC needed" }],
};

const stack = (over: Partial<Parameters<typeof buildStackReport>[0]> = {}): StackReport =>
  buildStackReport({ stack: "platform-dev", env: "dev", baseline: "base-ref", classification: "terraform", plan: MIXED_PLAN, policy: POLICY, ...over });

const report = (stacks: StackReport[], failOnStatefulDestroy = false): PlanReport =>
  assembleReport({
    mode: "offline",
    base: { ref: "origin/main", commit: "0123456789abcdef0123456789abcdef01234567" },
    head: { commit: "fedcba9876543210fedcba9876543210fedcba98", dirty: false },
    envs: [{ env: "dev", region: "eu-west-1", stacks }],
    failOnStatefulDestroy,
    notes: [],
  });

describe("exit codes", () => {
  it("follow terraform plan -detailed-exitcode: 0 no changes, 2 changes, 1 error", () => {
    expect(stack({ plan: NOOP_PLAN }).exitCode).toBe(EXIT.noChanges);
    expect(stack().exitCode).toBe(EXIT.changes);
    expect(stack({ plan: undefined, error: "boom" }).exitCode).toBe(EXIT.error);
  });

  it("the run: any error wins, then stateful destroys with the flag (3), then changes (2), else 0", () => {
    const noop = stack({ plan: NOOP_PLAN });
    const changes = stack();
    const failed = stack({ plan: undefined, error: "boom" });
    expect(runExitCode([noop, noop], false)).toBe(0);
    expect(runExitCode([noop, changes], false)).toBe(2);
    expect(runExitCode([noop, changes], true)).toBe(3);
    expect(runExitCode([changes, failed], true)).toBe(1);
    expect(report([noop]).exitCode).toBe(0);
    expect(report([changes], true).exitCode).toBe(3);
  });
});

describe("stack report", () => {
  it("lists destroyed or replaced stateful resources (a table replaced, a bucket destroyed), not updated ones", () => {
    expect(stack().stateful.map((r) => [r.address, r.kind])).toEqual([
      ["aws_dynamodb_table.orders", "replace"],
      ["aws_s3_bucket.uploads", "delete"],
    ]);
  });

  it("without replacement detection (structural), a changed stateful resource counts as a possible replacement", () => {
    const plan = { ...NOOP_PLAN, resource_changes: [{ ...MIXED_PLAN.resource_changes![0], change: { ...MIXED_PLAN.resource_changes![0].change, actions: ["update" as const] } }] };
    expect(stack({ plan, classification: "structural" }).stateful).toEqual([expect.objectContaining({ kind: "update", uncertain: expect.any(String) })]);
  });
});

describe("markdown", () => {
  const md = renderMarkdown(report([stack(), stack({ stack: "platform-bootstrap-dev", plan: NOOP_PLAN, policy: { available: false, reason: "policy report not available" } })]));

  it("starts with the hidden marker the workflow looks for, and marks each environment", () => {
    expect(md.split("\n")[0]).toBe(REPORT_MARKER);
    expect(md).toContain(envMarker("dev"));
  });

  it("has the counts table and a loud section for the stateful destroy and replace", () => {
    expect(md).toContain("| dev | `platform-dev` | 2 | 4 | 1 | 1 |");
    expect(md).toContain("> [!CAUTION]");
    expect(md).toMatch(/`aws_dynamodb_table.orders` \*\*replace\*\* \(forced by `hash_key`\)/);
    expect(md).toMatch(/`aws_s3_bucket.uploads` \*\*destroy\*\*/);
  });

  it("lists changed attributes and marks the one that forces replacement", () => {
    expect(md).toContain('`hash_key`: `"pk"` → `"id"` **(forces replacement)**');
    expect(md).toContain("`visibility_timeout_seconds`: `30` → `60`");
  });

  it("never prints a sensitive value, only that it changed", () => {
    for (const secret of [SECRET, NEW_SECRET, API_KEY]) expect(md).not.toContain(secret);
    expect(md).toContain("`secret_string`: _(sensitive)_ → _(sensitive)_");
    const json = renderJson(report([stack()]));
    for (const secret of [SECRET, NEW_SECRET, API_KEY]) expect(json).not.toContain(secret);
    expect(json).toContain(SENSITIVE);
  });

  it("shows IAM additions and widenings as a diff, wildcards called out", () => {
    expect(md).toContain("##### IAM:");
    expect(md).toContain("```diff");
    expect(md).toContain('# aws_iam_role_policy.worker (worker) policy: statement "Table" widened');
    expect(md).toContain("+ Action: dynamodb:DeleteItem");
    expect(md).toContain("⚠️ wildcard grants:");
  });

  it("leads the IAM section with each role's effective change, before the statement diff that explains it", () => {
    expect(md).toContain("| Role grants gained/lost (statements widened) |");
    expect(md).toContain("| **+4**/−0 (4) |");
    expect(md).toContain("##### IAM effective permissions: 1 role change: +4 grants gained, −0 lost");
    expect(md.indexOf("##### IAM effective permissions")).toBeLessThan(md.indexOf("##### IAM:"));
    expect(md).toContain("**role `worker`**: +4 / −0 effective grants (2 statement changes below)");
    expect(md).toContain(`+ dynamodb:DeleteItem on ${TABLE_ARN} · from aws_iam_role_policy.worker`);
    expect(md).toContain(`+ dynamodb:DeleteItem, dynamodb:GetItem on ${TABLE_ARN}/index/* · from aws_iam_role_policy.worker`);
    expect(md).toMatch(/\+ s3:\* on \* · not exact: no action catalogue for s3/);
    expect(md).toContain("_the role itself is not in this plan: only the policies the plan attaches to it are counted, and no boundary_");
    expect(md).toContain("Wildcards expanded against the actions this plan names (no action catalogue installed)");
  });

  it("says 'no change in effective permissions' when statements change but grant nothing new", () => {
    const doc = (...Statement: object[]): string => JSON.stringify({ Version: "2012-10-17", Statement });
    const before = doc(
      { Sid: "Read", Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE_ARN },
      { Sid: "Write", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:Query"], Resource: TABLE_ARN },
    );
    const after = doc(
      { Sid: "Read", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource: TABLE_ARN },
      { Sid: "Write", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:Query"], Resource: TABLE_ARN },
    );
    const policy = MIXED_PLAN.resource_changes!.find((r) => r.address === "aws_iam_role_policy.worker")!;
    const plan = {
      ...NOOP_PLAN,
      resource_changes: [{ ...policy, change: { ...policy.change, before: { ...policy.change.before, policy: before }, after: { ...policy.change.after, policy: after } } }],
    };
    const text = renderMarkdown(report([stack({ plan })]));
    expect(text).toContain("##### IAM effective permissions: no change in effective permissions");
    expect(text).toContain("No change in effective permissions: `worker` (1 statement change below)");
    expect(text).toContain("| +0/−0 (1) |");
    expect(text).toContain('# aws_iam_role_policy.worker (worker) policy: statement "Read" widened');
    expect(renderMarkdown(report([stack({ plan })]), { detail: "minimal" })).toContain("no change in effective permissions");
  });

  it("shows policy findings and suppressions, or says the policy report is not available", () => {
    expect(md).toContain("##### Policy findings: 1, 1 suppressed (enforcement: warn)");
    expect(md).toContain("`S3_TLS_ONLY`");
    expect(md).toContain("Data API, no VPC needed");
    expect(md).toContain("policy report not available");
  });

  it("stays under GitHub's comment limit: compact, then minimal, then truncated, marker and stateful alert first", () => {
    const many = {
      ...MIXED_PLAN,
      resource_changes: [
        ...MIXED_PLAN.resource_changes!,
        ...Array.from({ length: 3000 }, (_, i) => ({ ...MIXED_PLAN.resource_changes![1], address: `aws_sqs_queue.q${i}`, name: `q${i}` })),
      ],
    };
    const big = renderMarkdown(report([stack({ plan: many })]));
    expect(big.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(big.split("\n")[0]).toBe(REPORT_MARKER);
    expect(big).toContain("> [!CAUTION]");
    expect(renderMarkdown(report([stack()]), { detail: "compact" })).toContain('`hash_key`: `"pk"` → `"id"` **(forces replacement)**');
    expect(renderMarkdown(report([stack()]), { detail: "compact" })).not.toContain("visibility_timeout_seconds");
    expect(renderMarkdown(report([stack()]), { detail: "minimal" })).not.toContain("```diff");
    const small = renderMarkdown(report([stack({ plan: many })]), { maxChars: 5000 });
    expect(small.length).toBeLessThanOrEqual(5000);
    expect((small.match(/```/g) ?? []).length % 2).toBe(0);
  });
});

describe("json", () => {
  it("carries the same data: mode, base, totals, per-stack changes, stateful list and exit code", () => {
    const data = JSON.parse(renderJson(report([stack()])));
    expect(data).toMatchObject({
      schema: "platform-plan-report/v1",
      mode: "offline",
      base: { ref: "origin/main" },
      totals: { add: 2, change: 4, replace: 1, destroy: 1 },
      statefulDestroys: 2,
      exitCode: 2,
    });
    expect(data.envs[0].stacks[0].resources.find((r: any) => r.address === "aws_dynamodb_table.orders").replacePaths).toEqual(["hash_key"]);
    expect(data.envs[0].stacks[0].policy.findings).toHaveLength(1);
  });
});

describe("readPolicyReport", () => {
  it("reads <stack dir>/policy-report.json and says 'policy report not available' without it", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-report-"));
    expect(readPolicyReport(dir)).toEqual({ available: false, reason: "policy report not available" });
    writeFileSync(
      join(dir, "policy-report.json"),
      JSON.stringify({ stack: "s", enforcement: "error", findings: [{ ruleId: "R", severity: "warning", address: "a", message: "m", fix: "f" }], suppressions: [] }),
    );
    expect(readPolicyReport(dir)).toEqual({
      available: true,
      enforcement: "error",
      findings: [{ ruleId: "R", severity: "warning", address: "a", message: "m", fix: "f" }],
      suppressions: [],
    });
    writeFileSync(join(dir, "policy-report.json"), "{not json");
    expect(readPolicyReport(dir)).toMatchObject({ available: false, reason: expect.stringContaining("policy report not available") });
  });
});
