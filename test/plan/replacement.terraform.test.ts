// Proof of offline replacement detection with the real terraform CLI and AWS provider (from the filesystem mirror,
// lib/terraform-cli.ts): the base fixture is planned from empty state, a state is built from that plan, and the
// head is planned against it with -refresh=false, so terraform itself classifies each change.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Limiter } from "../../plan/exec";
import { buildStackReport, EXIT, renderMarkdown, assembleReport } from "../../plan/report";
import { planStack, StackPlanResult } from "../../plan/stack-plan";
import { TerraformCli } from "../../plan/terraform";
import { BASE_VARIANT, synthFixture } from "./fixtures/replacement-app";

let changed: StackPlanResult;
let unchanged: StackPlanResult;
let guarded: StackPlanResult;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "plan-replacement-"));
  const tf = new TerraformCli({ limiter: new Limiter(2) });
  const changeBase = synthFixture(join(root, "change-base"), BASE_VARIANT);
  const changeHead = synthFixture(join(root, "change-head"), { hashKey: "id", clusterIdentifier: "fixture-analytics-v2", visibilityTimeoutSeconds: 60, grantDelete: true });
  const noopBase = synthFixture(join(root, "noop-base"), BASE_VARIANT);
  const noopHead = synthFixture(join(root, "noop-head"), BASE_VARIANT);
  const guardedBase = synthFixture(join(root, "guarded-base"), { ...BASE_VARIANT, preventDestroy: true });
  const guardedHead = synthFixture(join(root, "guarded-head"), { ...BASE_VARIANT, preventDestroy: true, hashKey: "id" });
  [changed, unchanged, guarded] = await Promise.all([
    planStack(tf, { id: "fixture", baseline: "base-ref", baseDir: changeBase, headDir: changeHead }),
    // A real head plan in its own folder (not the shortcut that reuses the base plan for an identical config).
    planStack(tf, { id: "fixture", baseline: "base-ref", baseDir: noopBase, headDir: noopHead }, { reuseIdenticalConfig: false }),
    planStack(tf, { id: "fixture", baseline: "base-ref", baseDir: guardedBase, headDir: guardedHead }),
  ]);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const change = (address: string) => changed.plan!.resource_changes!.find((rc) => rc.address === address)!;

describe("offline replacement detection against a state built from the base plan", () => {
  it("the synthetic base state is consistent: the base configuration plans no change against it (first try)", () => {
    for (const r of [changed, unchanged]) {
      expect(r.error).toBeUndefined();
      expect(r.classification).toBe("terraform");
      expect(r.iterations).toBe(1);
      expect(r.residual).toEqual([]);
    }
  });

  it("DynamoDB hash key change: terraform plans delete+create with replace_paths [hash_key]", () => {
    const rc = change("aws_dynamodb_table.orders");
    expect(rc.change.actions).toEqual(["delete", "create"]);
    expect(rc.action_reason).toBe("replace_because_cannot_update");
    expect(rc.change.replace_paths).toEqual([["hash_key"]]);
    expect(rc.change.before.hash_key).toBe("pk");
    expect(rc.change.after.hash_key).toBe("id");
  });

  it("Aurora cluster identifier change: terraform plans delete+create with replace_paths [cluster_identifier]", () => {
    const rc = change("aws_rds_cluster.analytics");
    expect(rc.change.actions).toEqual(["delete", "create"]);
    expect(rc.change.replace_paths).toEqual([["cluster_identifier"]]);
  });

  it("SQS visibility timeout change: an in-place update, nothing forces replacement", () => {
    const rc = change("aws_sqs_queue.jobs");
    expect(rc.change.actions).toEqual(["update"]);
    expect(rc.change.replace_paths ?? []).toEqual([]);
    expect([rc.change.before.visibility_timeout_seconds, rc.change.after.visibility_timeout_seconds]).toEqual([30, 60]);
  });

  it("resources that did not change are no-ops (the role keeps its fake ARN and id)", () => {
    expect(change("aws_iam_role.worker").change.actions).toEqual(["no-op"]);
  });

  it("the report: counts, the stateful section for both replacements, the IAM widening, exit 2 (3 with --fail-on-stateful-destroy)", () => {
    const s = buildStackReport({
      stack: "fixture",
      env: "test",
      baseline: "base-ref",
      classification: changed.classification,
      plan: changed.plan,
      resolved: changed.resolved,
      policy: { available: false, reason: "policy report not available" },
    });
    expect(s.counts).toEqual({ add: 0, change: 2, replace: 2, destroy: 0 });
    expect(s.stateful.map((r) => [r.address, r.kind, r.replacePaths])).toEqual([
      ["aws_dynamodb_table.orders", "replace", ["hash_key"]],
      ["aws_rds_cluster.analytics", "replace", ["cluster_identifier"]],
    ]);
    const policy = s.iam.find((d) => d.address === "aws_iam_role_policy.worker-policy")!;
    expect(policy.placeholders).toBe(true);
    expect(policy.changes.map((c) => c.sid).sort()).toEqual(["Secret", "Table"]);
    expect(policy.changes.find((c) => c.sid === "Table")).toMatchObject({ kind: "widened", added: expect.objectContaining({ actions: ["dynamodb:DeleteItem"], resources: [] }) });
    // The replaced cluster gets a new managed secret: the statement now names the new one (a placeholder ARN).
    const secret = policy.changes.find((c) => c.sid === "Secret")!;
    expect(secret.added.resources).toEqual([expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:fixture-analytics-v2-/)]);
    expect(secret.removed.resources).toEqual([expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:fixture-analytics-[a-z0-9]{6}$/)]);
    expect(s.exitCode).toBe(EXIT.changes);
    const report = assembleReport({ mode: "offline", head: { dirty: false }, envs: [{ env: "test", stacks: [s] }], failOnStatefulDestroy: true, notes: [] });
    expect(report.exitCode).toBe(EXIT.statefulDestroy);
    const md = renderMarkdown(report);
    expect(md).toContain("`aws_dynamodb_table.orders` **replace** (forced by `hash_key`)");
    expect(md).toContain("`aws_rds_cluster.analytics` **replace** (forced by `cluster_identifier`)");
  });

  it("no-op: the same configuration planned against the state has 0 changes and exits 0", () => {
    expect(unchanged.configIdentical).toBe(true);
    const actions = new Set(unchanged.plan!.resource_changes!.flatMap((rc) => rc.change.actions));
    expect([...actions]).toEqual(["no-op"]);
    const s = buildStackReport({
      stack: "fixture",
      env: "test",
      baseline: "base-ref",
      classification: unchanged.classification,
      plan: unchanged.plan,
      policy: { available: false, reason: "n/a" },
    });
    expect(s.counts).toEqual({ add: 0, change: 0, replace: 0, destroy: 0 });
    expect(s.outputs).toEqual([]);
    expect(s.exitCode).toBe(EXIT.noChanges);
  });

  it("prevent_destroy: terraform's refusal is the error (exit 1), and the plan with the guard lifted shows what it blocks", () => {
    expect(guarded.error).toMatch(/Instance cannot be destroyed[\s\S]*prevent_destroy/);
    expect(guarded.notes.join("\n")).toContain("lifecycle.prevent_destroy protects `aws_dynamodb_table.orders`");
    const table = guarded.plan!.resource_changes!.find((rc) => rc.address === "aws_dynamodb_table.orders")!;
    expect(table.change.actions).toEqual(["delete", "create"]);
    expect(table.change.replace_paths).toEqual([["hash_key"]]);
    const s = buildStackReport({
      stack: "fixture",
      env: "test",
      baseline: "base-ref",
      classification: guarded.classification,
      plan: guarded.plan,
      error: guarded.error,
      notes: guarded.notes,
      policy: { available: false, reason: "n/a" },
    });
    expect(s.exitCode).toBe(EXIT.error);
    expect(s.stateful.map((r) => [r.address, r.kind])).toEqual([["aws_dynamodb_table.orders", "replace"]]);
  });
});
