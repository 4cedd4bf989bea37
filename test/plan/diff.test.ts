import { attributeDiffs, diffPlan, equivalent, formatPath, isConfigured, kindOf, SENSITIVE, structuralPlan, subtractResidual, UNKNOWN } from "../../plan/diff";
import type { PlanJson } from "../../lib/terraform-json";
import { API_KEY, MIXED_PLAN, NEW_SECRET, NOOP_PLAN, SECRET } from "./fixtures/plans";

describe("kindOf", () => {
  it("maps terraform action lists to one kind: both delete/create orders are replacements", () => {
    expect(kindOf(["create"])).toBe("create");
    expect(kindOf(["update"])).toBe("update");
    expect(kindOf(["delete", "create"])).toBe("replace");
    expect(kindOf(["create", "delete"])).toBe("replace");
    expect(kindOf(["delete"])).toBe("delete");
    expect(kindOf(["no-op"])).toBe("no-op");
    expect(kindOf(["read"])).toBe("read");
  });
});

describe("diffPlan", () => {
  const diff = diffPlan(MIXED_PLAN);
  const byAddress = (a: string) => diff.resources.find((r) => r.address === a)!;

  it("counts add/change/replace/destroy and leaves out no-ops and data source reads", () => {
    expect(diff.counts).toEqual({ add: 2, change: 4, replace: 1, destroy: 1 });
    expect(diff.resources.map((r) => r.address)).not.toContain("aws_cloudwatch_log_group.api");
    expect(diff.resources.map((r) => r.address)).not.toContain("data.aws_iam_policy_document.assume");
  });

  it("reports a replacement with terraform's replace paths and flags the attribute that forces it", () => {
    const table = byAddress("aws_dynamodb_table.orders");
    expect(table).toMatchObject({ kind: "replace", actions: ["delete", "create"], replacePaths: ["hash_key"], actionReason: "replace_because_cannot_update", stateful: true });
    expect(table.attributes).toContainEqual({ path: "hash_key", before: "pk", after: "id", sensitive: false, unknown: false, forcesReplacement: true });
    expect(table.attributes).toContainEqual(expect.objectContaining({ path: "attribute[0].name", before: "pk", after: "id", forcesReplacement: false }));
  });

  it("hides unconfigured attributes that become known after apply (id, arn of a replacement) but counts them", () => {
    const table = byAddress("aws_dynamodb_table.orders");
    expect(table.attributes.map((a) => a.path)).not.toEqual(expect.arrayContaining(["arn"]));
    expect(table.computedAfterApply).toBe(2);
  });

  it("lists in-place updates attribute by attribute; null and {} count as equal", () => {
    const queue = byAddress("aws_sqs_queue.jobs");
    expect(queue.kind).toBe("update");
    expect(queue.attributes).toEqual([{ path: "visibility_timeout_seconds", before: 30, after: 60, sensitive: false, unknown: false, forcesReplacement: false }]);
  });

  it("masks sensitive values on both sides (before_sensitive/after_sensitive) but still reports that they changed", () => {
    const secret = byAddress("aws_secretsmanager_secret_version.token");
    expect(secret.attributes).toEqual([{ path: "secret_string", before: SENSITIVE, after: SENSITIVE, sensitive: true, unknown: false, forcesReplacement: false }]);
    const fn = byAddress("aws_lambda_function.api");
    expect(fn.attributes).toContainEqual(expect.objectContaining({ path: "environment[0].variables.API_KEY", before: SENSITIVE, after: SENSITIVE, sensitive: true }));
    expect(fn.attributes).toContainEqual(expect.objectContaining({ path: "environment[0].variables.LOG_LEVEL", before: "INFO", after: "DEBUG", sensitive: false }));
    const json = JSON.stringify(diff);
    for (const secretValue of [SECRET, NEW_SECRET, API_KEY]) expect(json).not.toContain(secretValue);
  });

  it("masks sensitive outputs and skips unchanged ones", () => {
    expect(diff.outputs).toEqual([{ name: "token", kind: "update", before: SENSITIVE, after: SENSITIVE }]);
  });

  it("counts, but does not list, an unconfigured attribute that becomes known after apply (last_modified)", () => {
    const fn = byAddress("aws_lambda_function.api");
    expect(fn.attributes.map((a) => a.path)).not.toContain("last_modified");
    expect(fn.computedAfterApply).toBe(1);
  });

  it("a plan of no-ops and reads has no changes", () => {
    const d = diffPlan(NOOP_PLAN);
    expect(d).toEqual({ counts: { add: 0, change: 0, replace: 0, destroy: 0 }, resources: [], outputs: [] });
  });
});

describe("attributeDiffs", () => {
  it("shows a configured attribute that becomes unknown as known after apply", () => {
    const out = attributeDiffs(
      {
        actions: ["update"],
        before: { role: "arn:old", last_modified: "x" },
        after: {},
        after_unknown: { role: true, last_modified: true },
        before_sensitive: {},
        after_sensitive: {},
      },
      { role: { references: ["aws_iam_role.r.arn", "aws_iam_role.r"] } },
    );
    expect(out).toEqual([
      { path: "last_modified", before: "x", after: UNKNOWN, sensitive: false, unknown: true, forcesReplacement: false, computed: true },
      { path: "role", before: "arn:old", after: UNKNOWN, sensitive: false, unknown: true, forcesReplacement: false },
    ]);
  });

  it("compares a shifted list as a set: which elements were removed and which added, not index by index", () => {
    const attr = (name: string) => ({ name, type: "S" });
    const out = attributeDiffs({
      actions: ["update"],
      before: { attribute: [attr("pk"), attr("sk")] },
      after: { attribute: [attr("sk"), attr("userId")] },
      after_unknown: {},
      before_sensitive: {},
      after_sensitive: {},
    });
    expect(out).toEqual([{ path: "attribute", before: [attr("pk")], after: [attr("userId")], sensitive: false, unknown: false, forcesReplacement: false, set: true }]);
  });

  it("reports a whole list when its length changes, masked if any element is sensitive", () => {
    const out = attributeDiffs({
      actions: ["update"],
      before: { l: ["a"] },
      after: { l: ["a", "b"] },
      after_unknown: {},
      before_sensitive: { l: [false] },
      after_sensitive: { l: [false, true] },
    });
    expect(out).toEqual([{ path: "l", before: SENSITIVE, after: SENSITIVE, sensitive: true, unknown: false, forcesReplacement: false }]);
  });
});

describe("helpers", () => {
  it("formatPath writes attribute paths the way terraform users read them", () => {
    expect(formatPath(["a", 0, "b"])).toBe("a[0].b");
    expect(formatPath(["tags", "aws:cloudformation"])).toBe('tags["aws:cloudformation"]');
  });

  it("equivalent treats null, absent, [] and {} alike and compares objects by content", () => {
    expect(equivalent(null, [])).toBe(true);
    expect(equivalent(undefined, {})).toBe(true);
    expect(equivalent({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(equivalent([1], [2])).toBe(false);
  });

  it("isConfigured follows block expressions (lists of objects) down to a leaf", () => {
    const e = { name: { constant_value: "x" }, server_side_encryption: [{ enabled: { constant_value: true } }] };
    expect(isConfigured(e, ["name"])).toBe(true);
    expect(isConfigured(e, ["server_side_encryption", 0, "enabled"])).toBe(true);
    expect(isConfigured(e, ["server_side_encryption", 0, "kms_key_arn"])).toBe(false);
    expect(isConfigured(e, ["arn"])).toBe(false);
  });
});

describe("subtractResidual", () => {
  it("drops head changes identical to the base's own residual changes and keeps the others", () => {
    const residual: PlanJson = { format_version: "1.2", resource_changes: [MIXED_PLAN.resource_changes![1]] };
    const { plan, ignored } = subtractResidual(MIXED_PLAN, residual);
    expect(ignored).toEqual(["aws_sqs_queue.jobs"]);
    expect(diffPlan(plan).counts).toEqual({ add: 2, change: 3, replace: 1, destroy: 1 });
  });
});

describe("structuralPlan", () => {
  it("compares two plans from empty state: new, removed and changed resources (changed ones as update)", () => {
    const mk = (rcs: Array<[string, any]>): PlanJson => ({
      format_version: "1.2",
      resource_changes: rcs.map(([address, after]) => ({
        address,
        mode: "managed",
        type: address.split(".")[0],
        name: address.split(".")[1],
        provider_name: "aws",
        change: { actions: ["create"], before: null, after, after_unknown: { id: true } },
      })),
    });
    const base = mk([
      ["aws_sqs_queue.a", { name: "a" }],
      ["aws_sqs_queue.b", { name: "b" }],
      ["aws_sqs_queue.c", { name: "c" }],
    ]);
    const head = mk([
      ["aws_sqs_queue.a", { name: "a" }],
      ["aws_sqs_queue.b", { name: "b2" }],
      ["aws_sqs_queue.d", { name: "d" }],
    ]);
    const d = diffPlan(structuralPlan(base, head), { uncertain: "update or replace not determined" });
    expect(d.counts).toEqual({ add: 1, change: 1, replace: 0, destroy: 1 });
    expect(d.resources.find((r) => r.address === "aws_sqs_queue.b")).toMatchObject({ kind: "update", uncertain: "update or replace not determined" });
  });
});
