import { diffStatements, iamDiffs, isWidening, normalize, statementsOf } from "../../plan/iam-diff";
import type { PlanJson } from "../../lib/terraform-json";
import { MIXED_PLAN, TABLE_ARN } from "./fixtures/plans";

const s = (statement: Record<string, unknown>) => normalize(statement);

describe("statementsOf / normalize", () => {
  it("normalizes strings and lists, principals by kind and conditions one value per entry", () => {
    const [st] = statementsOf(
      JSON.stringify({
        Statement: {
          Sid: "X",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: ["b", "a"],
          Principal: { Service: ["sns.amazonaws.com"], AWS: "*" },
          Condition: { ArnEquals: { "aws:SourceArn": ["t1", "t2"] } },
        },
      }),
    );
    expect(st).toEqual({
      sid: "X",
      effect: "Allow",
      actions: ["sqs:SendMessage"],
      notActions: [],
      resources: ["a", "b"],
      notResources: [],
      principals: ["*", "Service:sns.amazonaws.com"],
      notPrincipals: [],
      conditions: ["ArnEquals aws:SourceArn=t1", "ArnEquals aws:SourceArn=t2"],
    });
  });

  it("reads no statements from an empty or null document", () => {
    expect(statementsOf(null)).toEqual([]);
    expect(statementsOf("")).toEqual([]);
  });
});

describe("diffStatements", () => {
  it("pairs statements by Sid and reports only the new actions and resources of a widened statement", () => {
    const [c] = diffStatements(
      [s({ Sid: "T", Action: ["dynamodb:GetItem"], Resource: "t" })],
      [s({ Sid: "T", Action: ["dynamodb:GetItem", "dynamodb:DeleteItem"], Resource: ["t", "t/index/*"] })],
    );
    expect(c).toMatchObject({ kind: "widened", sid: "T", effect: "Allow" });
    expect(c.added.actions).toEqual(["dynamodb:DeleteItem"]);
    expect(c.added.resources).toEqual(["t/index/*"]);
    expect(c.removed.actions).toEqual([]);
    expect(isWidening(c)).toBe(true);
  });

  it("pairs statements without Sid by overlap: one more action is a widened statement, not an add and a remove", () => {
    const changes = diffStatements([s({ Action: "s3:GetObject", Resource: "b/*" })], [s({ Action: ["s3:GetObject", "s3:PutObject"], Resource: "b/*" })]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: "widened", added: expect.objectContaining({ actions: ["s3:PutObject"] }) });
  });

  it("a new statement is added and flags wildcard grants", () => {
    const [c] = diffStatements([], [s({ Action: "s3:*", Resource: "*" })]);
    expect(c.kind).toBe("added");
    expect(c.wildcards).toEqual(["s3:*", "*"]);
    expect(isWidening(c)).toBe(true);
  });

  it("removing a condition from an Allow widens it; adding a principal widens it", () => {
    const before = s({ Sid: "P", Action: "sqs:SendMessage", Resource: "q", Principal: { Service: "sns.amazonaws.com" }, Condition: { ArnEquals: { "aws:SourceArn": "topic" } } });
    const after = s({ Sid: "P", Action: "sqs:SendMessage", Resource: "q", Principal: { Service: "sns.amazonaws.com", AWS: "arn:aws:iam::999999999999:root" } });
    const [c] = diffStatements([before], [after]);
    expect(c.kind).toBe("widened");
    expect(c.removed.conditions).toEqual(["ArnEquals aws:SourceArn=topic"]);
    expect(c.added.principals).toEqual(["AWS:arn:aws:iam::999999999999:root"]);
  });

  it("fewer actions narrow an Allow; a removed Deny widens, an added Deny narrows", () => {
    const [narrowed] = diffStatements([s({ Sid: "A", Action: ["a:X", "a:Y"], Resource: "r" })], [s({ Sid: "A", Action: "a:X", Resource: "r" })]);
    expect(narrowed.kind).toBe("narrowed");
    expect(isWidening(narrowed)).toBe(false);
    const [removedDeny] = diffStatements([s({ Sid: "TLS", Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } })], []);
    expect(removedDeny).toMatchObject({ kind: "removed", effect: "Deny" });
    expect(isWidening(removedDeny)).toBe(true);
    const [addedDeny] = diffStatements([], [s({ Effect: "Deny", Action: "s3:*", Resource: "*" })]);
    expect(isWidening(addedDeny)).toBe(false);
  });

  it("IAM action names compare case-insensitively: a re-cased action is no change", () => {
    expect(diffStatements([s({ Action: "dynamodb:getitem", Resource: "t" })], [s({ Action: "dynamodb:GetItem", Resource: "t" })])).toEqual([]);
  });
});

describe("iamDiffs of a plan", () => {
  const diffs = iamDiffs(MIXED_PLAN);

  it("compares the role policy of an update statement by statement: widened Table, added wildcard statement, Logs unchanged", () => {
    const d = diffs.find((x) => x.address === "aws_iam_role_policy.worker")!;
    expect(d).toMatchObject({ type: "aws_iam_role_policy", attribute: "policy", target: "worker", resourceChange: "update" });
    expect(d.changes.map((c) => [c.kind, c.sid])).toEqual([
      ["added", "Everything"],
      ["widened", "Table"],
    ]);
    expect(d.changes[1].added).toMatchObject({ actions: ["dynamodb:DeleteItem"], resources: [`${TABLE_ARN}/index/*`] });
  });

  it("a created key policy and a Lambda permission are added statements (resource policies)", () => {
    const key = diffs.find((x) => x.address === "aws_kms_key.alarms")!;
    expect(key.changes).toEqual([expect.objectContaining({ kind: "added", sid: "Root", wildcards: ["kms:*", "*"] })]);
    const permission = diffs.find((x) => x.address === "aws_lambda_permission.api")!;
    expect(permission.changes[0]).toMatchObject({ kind: "added", sid: "AllowApi" });
    expect(permission.changes[0].added.principals).toEqual(["Service:apigateway.amazonaws.com"]);
    expect(permission.changes[0].added.conditions).toEqual(["ArnLike AWS:SourceArn=arn:aws:execute-api:eu-west-1:123456789012:abc/*"]);
  });

  it("an unknown document says so; with resolved planned attributes it is compared, marked as placeholders", () => {
    const plan: PlanJson = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "aws_iam_role_policy.p",
          mode: "managed",
          type: "aws_iam_role_policy",
          name: "p",
          provider_name: "aws",
          change: { actions: ["create"], before: null, after: { name: "p" }, after_unknown: { policy: true, role: true }, before_sensitive: false, after_sensitive: {} },
        },
      ],
    };
    expect(iamDiffs(plan)).toEqual([expect.objectContaining({ address: "aws_iam_role_policy.p", changes: [], note: expect.stringContaining("known only after apply") })]);
    const resolved = new Map([
      ["aws_iam_role_policy.p", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:123456789012:q" }] }) }],
    ]);
    const [d] = iamDiffs(plan, { resolved });
    expect(d).toMatchObject({ placeholders: true, changes: [expect.objectContaining({ kind: "added" })] });
  });

  it("a managed policy attachment is an IAM change of its own", () => {
    const plan: PlanJson = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "aws_iam_role_policy_attachment.admin",
          mode: "managed",
          type: "aws_iam_role_policy_attachment",
          name: "admin",
          provider_name: "aws",
          change: { actions: ["create"], before: null, after: { role: "worker", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" }, after_unknown: { id: true } },
        },
      ],
    };
    const [d] = iamDiffs(plan);
    expect(d.changes[0]).toMatchObject({ kind: "added", managedPolicy: "arn:aws:iam::aws:policy/AdministratorAccess", wildcards: ["arn:aws:iam::aws:policy/AdministratorAccess"] });
  });
});
