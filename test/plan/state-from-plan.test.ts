import { fakeArn, fakeId } from "../../plan/fake-values";
import { configAt, resolveValue } from "../../plan/config-references";
import { plannedAttributes, refineState, stateFromPlan } from "../../plan/state-from-plan";
import type { PlanJson, ResourceSchemas } from "../../lib/terraform-json";

const AWS = "registry.terraform.io/hashicorp/aws";
const str = (extra: object = {}) => ({ type: "string", ...extra });

const SCHEMAS: ResourceSchemas = {
  [AWS]: {
    aws_dynamodb_table: {
      version: 1,
      block: {
        attributes: {
          arn: str({ computed: true }),
          id: str({ optional: true, computed: true }),
          name: str({ required: true }),
          hash_key: str({ optional: true }),
          stream_arn: str({ computed: true }),
          read_capacity: { type: "number", optional: true, computed: true },
          tags_all: { type: ["map", "string"], optional: true, computed: true },
        },
        block_types: {
          attribute: { nesting_mode: "set", block: { attributes: { name: str({ required: true }), type: str({ required: true }) } } },
          point_in_time_recovery: {
            nesting_mode: "list",
            block: { attributes: { enabled: { type: "bool", required: true }, recovery_period_in_days: { type: "number", computed: true } } },
          },
        },
      },
    },
    aws_sqs_queue: {
      version: 0,
      block: {
        attributes: { id: str({ computed: true }), arn: str({ computed: true }), url: str({ computed: true }), name: str(), policy: str({ optional: true, computed: true }) },
      },
    },
    aws_iam_role: { version: 0, block: { attributes: { id: str({ computed: true }), arn: str({ computed: true }), name: str(), create_date: str({ computed: true }) } } },
    aws_iam_role_policy: { version: 0, block: { attributes: { id: str({ computed: true }), name: str(), role: str(), policy: str() } } },
    aws_rds_cluster: {
      version: 1,
      block: {
        attributes: {
          id: str({ optional: true, computed: true }),
          arn: str({ computed: true }),
          cluster_identifier: str({ optional: true, computed: true }),
          master_user_secret: { type: ["list", ["object", { kms_key_id: "string", secret_arn: "string", secret_status: "string" }]], computed: true },
          availability_zones: { type: ["set", "string"], optional: true, computed: true },
        },
      },
    },
    aws_cognito_user_pool_client: { version: 0, block: { attributes: { id: str({ computed: true }), name: str(), client_secret: str({ computed: true, sensitive: true }) } } },
  },
};

const rc = (type: string, name: string, after: object, after_unknown: object, after_sensitive: object = {}) => ({
  address: `${type}.${name}`,
  mode: "managed" as const,
  type,
  name,
  provider_name: AWS,
  change: { actions: ["create" as const], before: null, after, after_unknown, before_sensitive: false, after_sensitive },
});

const PLAN: PlanJson = {
  format_version: "1.2",
  terraform_version: "1.11.4",
  resource_changes: [
    rc(
      "aws_dynamodb_table",
      "t",
      { name: "orders", hash_key: "pk", attribute: [{ name: "pk", type: "S" }], point_in_time_recovery: [{ enabled: true }] },
      { arn: true, id: true, stream_arn: true, read_capacity: true, tags_all: true, attribute: [{}], point_in_time_recovery: [{ recovery_period_in_days: true }] },
    ),
    rc("aws_sqs_queue", "q", { name: "jobs" }, { id: true, arn: true, url: true, policy: true }),
    rc("aws_iam_role", "r", { name: "worker" }, { id: true, arn: true, create_date: true }),
    rc("aws_iam_role_policy", "p", { name: "least-privilege" }, { id: true, role: true, policy: true }),
    rc("aws_cognito_user_pool_client", "c", { name: "spa" }, { id: true, client_secret: true }, { client_secret: true }),
    rc("aws_rds_cluster", "db", { cluster_identifier: "analytics" }, { id: true, arn: true, master_user_secret: true, availability_zones: true }),
  ],
  output_changes: {
    table_arn: { actions: ["create"], before: null, after: null, after_unknown: true, before_sensitive: false, after_sensitive: false },
  },
  planned_values: { outputs: { table_arn: { sensitive: false } } },
  configuration: {
    provider_config: { aws: { name: "aws", full_name: AWS, expressions: { region: { constant_value: "eu-west-1" } } } as any },
    root_module: {
      resources: ["aws_dynamodb_table.t", "aws_sqs_queue.q", "aws_iam_role.r", "aws_iam_role_policy.p", "aws_cognito_user_pool_client.c", "aws_rds_cluster.db"].map((address) => ({
        address,
        mode: "managed" as const,
        type: address.split(".")[0],
        name: address.split(".")[1],
        provider_config_key: "aws",
        schema_version: 0,
      })),
    },
  },
};

const CONFIG = {
  resource: {
    aws_iam_role_policy: {
      p: {
        "//": { metadata: { path: "fixture/p" } },
        name: "least-privilege",
        role: "${aws_iam_role.r.id}",
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: ["${aws_dynamodb_table.t.arn}", "${aws_dynamodb_table.t.arn}/index/*"] }] }),
      },
    },
  },
  output: { table_arn: { value: "${aws_dynamodb_table.t.arn}" }, upper: { value: "${upper(aws_dynamodb_table.t.name)}" } },
};

const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";

describe("stateFromPlan", () => {
  const state = stateFromPlan(PLAN, { schemas: SCHEMAS, config: CONFIG });
  const attrs = (type: string) => state.resources.find((r) => r.type === type)!.instances[0].attributes;

  it("writes a version 4 state: resources sorted, provider address, schema version from the provider schema", () => {
    expect(state).toMatchObject({ version: 4, terraform_version: "1.11.4", serial: 1, check_results: null });
    expect(state.resources.map((r) => r.type)).toEqual([
      "aws_cognito_user_pool_client",
      "aws_dynamodb_table",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_rds_cluster",
      "aws_sqs_queue",
    ]);
    const table = state.resources.find((r) => r.type === "aws_dynamodb_table")!;
    expect(table).toMatchObject({ mode: "managed", name: "t", provider: `provider["${AWS}"]` });
    expect(table.instances[0].schema_version).toBe(1);
  });

  it("fills AWS-assigned values with fakes shaped like the real ones, in the provider's region and a documentation account", () => {
    expect(attrs("aws_dynamodb_table")).toMatchObject({
      arn: TABLE_ARN,
      id: "orders",
      stream_arn: expect.stringMatching(/^arn:aws:dynamodb:eu-west-1:123456789012:table\/orders\/stream\//),
      read_capacity: null,
      tags_all: {},
    });
    expect(attrs("aws_sqs_queue")).toMatchObject({
      id: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
      url: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
      arn: "arn:aws:sqs:eu-west-1:123456789012:jobs",
    });
    expect(attrs("aws_iam_role")).toMatchObject({ arn: "arn:aws:iam::123456789012:role/worker", id: "worker" });
  });

  it("leaves computed values without a naming convention null (an enum value made up could fail a provider check)", () => {
    expect(attrs("aws_sqs_queue").policy).toBeNull();
    expect(attrs("aws_iam_role").create_date).toBeNull();
    expect(attrs("aws_dynamodb_table").point_in_time_recovery).toEqual([{ enabled: true, recovery_period_in_days: null }]);
  });

  it("gives a computed-only list of objects one element of fakes (configurations index master_user_secret[0])", () => {
    const db = attrs("aws_rds_cluster");
    expect(db.master_user_secret).toEqual([
      {
        kms_key_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        secret_arn: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:analytics-/),
        secret_status: null,
      },
    ]);
    expect(db.availability_zones).toEqual([]);
    expect(db.arn).toBe("arn:aws:rds:eu-west-1:123456789012:cluster:analytics");
  });

  it("resolves plain references of the configuration against the fakes (role id, ARNs inside a policy document)", () => {
    const p = attrs("aws_iam_role_policy");
    expect(p.role).toBe("worker");
    expect(JSON.parse(p.policy).Statement[0].Resource).toEqual([TABLE_ARN, `${TABLE_ARN}/index/*`]);
  });

  it("resolves outputs that are plain references and leaves function calls out", () => {
    expect(state.outputs).toEqual({ table_arn: { value: TABLE_ARN, type: "string" } });
  });

  it("records sensitive attributes as v4 paths, so a plan against the state sees no sensitivity change", () => {
    expect(state.resources.find((r) => r.type === "aws_cognito_user_pool_client")!.instances[0].sensitive_attributes).toEqual([[{ type: "get_attr", value: "client_secret" }]]);
  });

  it("is deterministic: the same plan gives the same state, lineage included", () => {
    expect(JSON.stringify(stateFromPlan(PLAN, { schemas: SCHEMAS, config: CONFIG }))).toBe(JSON.stringify(state));
  });

  it("plannedAttributes gives the same resolved values by address (policy documents known only after apply)", () => {
    expect(JSON.parse(plannedAttributes(PLAN, { schemas: SCHEMAS, config: CONFIG }).get("aws_iam_role_policy.p")!.policy).Statement[0].Resource[0]).toBe(TABLE_ARN);
  });
});

describe("refineState", () => {
  it("folds the known values of a plan against the state into it and keeps the state's value where the plan is unknown", () => {
    const state = stateFromPlan(PLAN, { schemas: SCHEMAS, config: {} });
    const verify: PlanJson = {
      ...PLAN,
      resource_changes: [
        {
          ...PLAN.resource_changes![3],
          change: { actions: ["update"], before: {}, after: { name: "least-privilege", role: "worker", policy: '{"Statement":[]}' }, after_unknown: { id: true } },
        },
      ],
    };
    const { state: next, changed } = refineState(state, verify, { schemas: SCHEMAS });
    expect(changed).toBe(1);
    const p = next.resources.find((r) => r.type === "aws_iam_role_policy")!.instances[0].attributes;
    expect(p).toMatchObject({ role: "worker", policy: '{"Statement":[]}', id: state.resources.find((r) => r.type === "aws_iam_role_policy")!.instances[0].attributes.id });
    expect(next.serial).toBe(2);
  });
});

describe("references and fakes", () => {
  const drafts = new Map([["aws_iam_role.r", { attributes: { arn: "arn:aws:iam::123456789012:role/w", tags: { a: "b" } } }]]);

  it("resolves templates of plain references, keeps $${ literal, refuses functions and objects inside strings", () => {
    expect(resolveValue("${aws_iam_role.r.arn}", drafts)).toEqual({ ok: true, value: "arn:aws:iam::123456789012:role/w" });
    expect(resolveValue("x-${aws_iam_role.r.arn}-$${literal}", drafts)).toEqual({ ok: true, value: "x-arn:aws:iam::123456789012:role/w-${literal}" });
    expect(resolveValue("${aws_iam_role.r.tags}", drafts)).toEqual({ ok: true, value: { a: "b" } });
    expect(resolveValue("t=${aws_iam_role.r.tags}", drafts)).toEqual({ ok: false });
    expect(resolveValue("${jsonencode(aws_iam_role.r.arn)}", drafts)).toEqual({ ok: false });
    expect(resolveValue("${aws_iam_role.missing.arn}", drafts)).toEqual({ ok: false });
  });

  it("configAt reads blocks written as one object or as a list", () => {
    expect(configAt({ b: { x: 1 } }, ["b", 0, "x"])).toBe(1);
    expect(configAt({ b: [{ x: 2 }] }, ["b", 0, "x"])).toBe(2);
  });

  it("fake ids and ARNs follow each type's format", () => {
    const ctx = (type: string, after: object) => ({ type, address: `${type}.x`, after, region: "eu-west-1", account: "123456789012" });
    expect(fakeArn(ctx("aws_lambda_function", { function_name: "fn" }))).toBe("arn:aws:lambda:eu-west-1:123456789012:function:fn");
    expect(fakeArn(ctx("aws_s3_bucket", { bucket: "b" }))).toBe("arn:aws:s3:::b");
    expect(fakeArn(ctx("aws_rds_cluster", { cluster_identifier: "c" }))).toBe("arn:aws:rds:eu-west-1:123456789012:cluster:c");
    expect(fakeId(ctx("aws_sns_topic", { name: "t" }))).toBe("arn:aws:sns:eu-west-1:123456789012:t");
    expect(fakeId(ctx("aws_cognito_user_pool", { name: "p" }))).toMatch(/^eu-west-1_[A-Z0-9]{9}$/);
    expect(fakeId(ctx("aws_kms_key", {}))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
