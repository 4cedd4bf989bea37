import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from "../core/iam";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AwsStack } from "../stack";
import { roleStatements, synthStack } from "../../test/support/synth";
import { plannedValues, validateAndPlanStack } from "../../test/support/terraform";
import { Naming } from "../core/naming";
import { Key } from "../kms-key";
import { LambdaFunction } from "../lambda-function";
import { policyReport, applyPolicy } from "../policy";
import { Table } from "../table";
import { Definition, Retry, StateMachine, StateMachineProps, States, Tasks } from "./index";
import { LOG_DELIVERY_ACTIONS, READ_EXECUTION_ACTIONS, XRAY_ACTIONS } from "./perms";
import { DYNAMODB_TRANSIENT_ERRORS, LAMBDA_TRANSIENT_ERRORS, TaskResource } from "./tasks";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";
const POOL_ARN = `arn:aws:cognito-idp:eu-west-1:${ACCOUNT}:userpool/eu-west-1_abc123`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

type Out = ReturnType<typeof synthStack>;

function withAccount(s: TerraformStack): void {
  Naming.configure(s, { app: "test", env: "dev", account: ACCOUNT });
}

/** The resource of a type whose logical id starts with `<prefix>_`, and a reference to one of its attributes. */
function own(out: Out, type: string, prefix: string): { config: any; ref: (attr: string) => string } {
  const keys = Object.keys(out.resources(type)).filter((k) => k.startsWith(`${prefix}_`));
  if (keys.length !== 1) throw new Error(`expected one ${type} ${prefix}_*, found ${keys.join(", ") || "none"}`);
  return { config: out.resources(type)[keys[0]], ref: (attr) => `\${${type}.${keys[0]}.${attr}}` };
}

function fnRef(out: Out, id: string, attr = "arn"): string {
  const key = Object.keys(out.resources("aws_lambda_function")).find((k) => k.startsWith(`${id}_`))!;
  return `\${aws_lambda_function.${key}.${attr}}`;
}

/** A one-task definition: invoke `fn` with transient retries and a catch to Failed. */
function invokeDefinition(fn: LambdaFunction): Definition {
  const task = Tasks.invoke(fn);
  return {
    startAt: "Work",
    states: {
      Work: States.task(task, { retry: [Retry.transient(task)], catch: [{ errors: ["States.ALL"], next: "Failed" }] }),
      Failed: States.fail({ error: "WorkFailed" }),
    },
  };
}

function machine(s: TerraformStack, extra: Partial<StateMachineProps> = {}, id = "DeleteUser"): StateMachine {
  const fn = new LambdaFunction(s, `${id}Fn`, { name: `${id.toLowerCase()}-fn`, entry: ENTRY });
  return new StateMachine(s, id, { name: "delete-user", definition: invokeDefinition(fn), ...extra });
}

describe("StateMachine defaults", () => {
  it("is a STANDARD machine named <app>-<env>-<name>, logging ERROR without execution data to its own log group, traced", () => {
    const out = synthStack((s) => {
      withAccount(s);
      const sm = machine(s);
      new TerraformOutput(s, "arn", { value: sm.arn });
      new TerraformOutput(s, "name", { value: sm.name });
      new TerraformOutput(s, "log", { value: sm.logGroup.name });
      new TerraformOutput(s, "role", { value: sm.roleArn });
    });
    const r = out.only("aws_sfn_state_machine");
    const logGroup = own(out, "aws_cloudwatch_log_group", "DeleteUser_LogGroup");
    const logArn = logGroup.ref("arn");
    expect(r).toMatchObject({
      name: "test-dev-delete-user",
      type: "STANDARD",
      role_arn: own(out, "aws_iam_role", "DeleteUser_Role").ref("arn"),
      logging_configuration: { log_destination: `${logArn}:*`, include_execution_data: false, level: "ERROR" },
      tracing_configuration: { enabled: true },
    });
    expect(logGroup.config).toMatchObject({ name: "/aws/vendedlogs/states/test-dev-delete-user", retention_in_days: 30 });
    expect(logGroup.config.lifecycle).toBeUndefined();
    expect(logGroup.config.kms_key_id).toBeUndefined();
    expect(r.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_iam_role_policy\.DeleteUser_Policy_/),
        expect.stringMatching(/^aws_iam_role_policy\.DeleteUser_LogDeliveryPolicy_/),
        expect.stringMatching(/^aws_cloudwatch_log_group\./),
      ]),
    );
    expect(out.json.output).toEqual({
      arn: { value: out.ref("aws_sfn_state_machine", "arn") },
      name: { value: out.ref("aws_sfn_state_machine", "name") },
      log: { value: logGroup.ref("name") },
      role: { value: own(out, "aws_iam_role", "DeleteUser_Role").ref("arn") },
    });
  });

  it("has a role assumable only by states.amazonaws.com for this state machine ARN and account", () => {
    const out = synthStack((s) => {
      withAccount(s);
      machine(s);
    });
    const role = own(out, "aws_iam_role", "DeleteUser_Role").config;
    expect(role.name).toBe("test-dev-delete-user-sfn");
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "states.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": ACCOUNT },
            ArnLike: { "aws:SourceArn": `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:test-dev-delete-user` },
          },
        },
      ],
    });
  });

  it('role policy: only the tasks\' grants and X-Ray; vended log delivery on "*" in its own policy, no policy finding and no suppression (its actions have no resource scope)', () => {
    let stack!: TerraformStack;
    const out = synthStack((s) => {
      withAccount(s);
      stack = s;
      machine(s);
      applyPolicy(s, { environment: "dev", production: false, enforcement: "warn" });
    });
    const doc = out.policies().find((p) => p.address.startsWith("aws_iam_role_policy.DeleteUser_Policy"))!.document;
    expect(doc.Statement).toEqual([
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fnRef(out, "DeleteUserFn") },
      { Sid: "XRayWrite", Effect: "Allow", Action: [...XRAY_ACTIONS], Resource: "*" },
    ]);
    const delivery = out.policies().find((p) => p.address.startsWith("aws_iam_role_policy.DeleteUser_LogDeliveryPolicy"))!.document;
    expect(delivery.Statement).toEqual([{ Sid: "VendedLogDelivery", Effect: "Allow", Action: [...LOG_DELIVERY_ACTIONS], Resource: "*" }]);
    expect(LOG_DELIVERY_ACTIONS).toEqual([
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]);
    const report = policyReport(stack);
    expect(report.findings.filter((f) => f.address.includes("DeleteUser"))).toEqual([]);
    expect(report.suppressions).toEqual([]);
    for (const action of LOG_DELIVERY_ACTIONS) expect(ACTIONS_WITHOUT_RESOURCE_SCOPE.has(action)).toBe(true);
  });

  it("takes every option: log level, execution data, retention, prevent_destroy, a log key, tracing off (no X-Ray grant), accountId and region", () => {
    const out = synthStack((s) => {
      const key = new Key(s, "LogKey", { name: "logs", accountId: ACCOUNT, allowServices: ["logs.eu-west-1.amazonaws.com"] });
      machine(s, {
        logging: { level: "ALL", includeExecutionData: true },
        logRetentionDays: 14,
        preventLogGroupDestroy: true,
        logEncryptionKey: key,
        tracing: false,
        accountId: "210987654321",
        region: "us-east-1",
      });
    });
    expect(out.only("aws_sfn_state_machine")).toMatchObject({
      logging_configuration: { include_execution_data: true, level: "ALL" },
      tracing_configuration: { enabled: false },
    });
    expect(own(out, "aws_cloudwatch_log_group", "DeleteUser_LogGroup").config).toMatchObject({
      retention_in_days: 14,
      lifecycle: { prevent_destroy: true },
      kms_key_id: out.ref("aws_kms_key", "arn"),
    });
    const doc = out.policies().find((p) => p.address.startsWith("aws_iam_role_policy.DeleteUser_Policy"))!.document;
    expect(doc.Statement.map((st: any) => st.Sid)).not.toContain("XRayWrite");
    expect(JSON.parse(own(out, "aws_iam_role", "DeleteUser_Role").config.assume_role_policy).Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "210987654321" },
      ArnLike: { "aws:SourceArn": "arn:aws:states:us-east-1:210987654321:stateMachine:test-dev-delete-user" },
    });
  });

  it("throws without an account, naming accountId as the fix", () => {
    expect(() => synthStack((s) => machine(s))).toThrow(/StateMachine "test\/DeleteUser": the role's trust policy[\s\S]*the account is unknown\. Fix: pass accountId/);
  });

  it("refuses bad props in one error naming each prop and the fix", () => {
    expect(() =>
      synthStack((s) => {
        withAccount(s);
        machine(s, { name: "bad name!", logging: { level: "DEBUG" as any }, logRetentionDays: 10, accountId: "1", region: "Europe" });
      }),
    ).toThrow(
      /StateMachine "test\/DeleteUser": invalid props \(5 problems\):[\s\S]*name: received "bad name!"[\s\S]*Fix: use a short kebab-case name[\s\S]*logging\.level: received "DEBUG"[\s\S]*logRetentionDays: received 10[\s\S]*accountId: received "1"[\s\S]*region: received "Europe"/,
    );
  });
});

describe("StateMachine definition", () => {
  it("renders the typed states to ASL in the definition, tokens resolved to Terraform references", () => {
    const out = synthStack((s) => {
      withAccount(s);
      const fn = new LambdaFunction(s, "Files", { name: "files", entry: ENTRY });
      const table = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, sortKey: { name: "sk", type: "S" } });
      const mark = Tasks.dynamoDb("updateItem", table, {
        Key: { pk: { "S.$": "States.Format('USER#{}', $.userId)" }, sk: { S: "PROFILE" } },
        UpdateExpression: "SET #d = :d",
        ExpressionAttributeNames: { "#d": "deletion" },
        ExpressionAttributeValues: { ":d": { M: { executionName: { "S.$": "$$.Execution.Name" } } } },
      });
      const files = Tasks.invoke(fn, { payload: { "userId.$": "$.userId" } });
      const cognito = Tasks.awsSdk("cognitoidentityprovider", "adminDeleteUser", {
        parameters: { UserPoolId: "eu-west-1_abc123", "Username.$": "$.userId" },
        resources: [POOL_ARN],
      });
      new StateMachine(s, "DeleteUser", {
        name: "delete-user",
        definition: {
          comment: "Deletes a user",
          startAt: "MarkProfile",
          timeoutSeconds: 3600,
          states: {
            MarkProfile: States.task(mark, {
              resultPath: null,
              retry: [{ errors: ["DynamoDB.ThrottlingException"], intervalSeconds: 1, maxAttempts: 5, backoffRate: 2, maxDelaySeconds: 30, jitter: "FULL" }, Retry.transient(mark)],
              catch: [
                { errors: ["DynamoDB.ConditionalCheckFailedException"], next: "DeleteFiles", resultPath: "$.markError" },
                { errors: ["States.ALL"], next: "Failed", resultPath: "$.error" },
              ],
              next: "DeleteFiles",
            }),
            DeleteFiles: States.task(files, {
              resultPath: "$.files",
              resultSelector: { "done.$": "$.done" },
              retry: [Retry.transient(files, { maxAttempts: 3 })],
              catch: [{ errors: ["States.ALL"], next: "Failed", resultPath: "$.error" }],
              next: "FilesDone",
            }),
            FilesDone: States.choice({
              choices: [
                { variable: "$.files.done", booleanEquals: true, next: "DeleteCognitoUser" },
                { and: [{ variable: "$.files.count", isPresent: true }, { not: { variable: "$.files.count", numericGreaterThan: 100 } }], next: "Pause" },
              ],
              default: "DeleteFiles",
            }),
            Pause: States.wait({ seconds: 5, next: "DeleteFiles" }),
            DeleteCognitoUser: States.task(cognito, {
              resultPath: null,
              retry: [{ errors: ["States.ALL"], backoffRate: 2, maxAttempts: 3 }],
              catch: [{ errors: ["States.ALL"], next: "Failed" }],
              next: "Summarise",
            }),
            Summarise: States.pass({ parameters: { "user.$": "$.userId" }, resultPath: "$.summary", next: "Done" }),
            Failed: States.fail({ error: "DeleteUserFailed", causePath: "$.error.Cause" }),
            Done: States.succeed(),
          },
        },
      });
    });
    const tableName = out.ref("aws_dynamodb_table", "name");
    const asl = JSON.parse(out.only("aws_sfn_state_machine").definition);
    expect(asl.Comment).toBe("Deletes a user");
    expect(asl.StartAt).toBe("MarkProfile");
    expect(asl.TimeoutSeconds).toBe(3600);
    expect(asl.States.MarkProfile).toEqual({
      Type: "Task",
      Resource: "arn:aws:states:::dynamodb:updateItem",
      Parameters: {
        Key: { pk: { "S.$": "States.Format('USER#{}', $.userId)" }, sk: { S: "PROFILE" } },
        UpdateExpression: "SET #d = :d",
        ExpressionAttributeNames: { "#d": "deletion" },
        ExpressionAttributeValues: { ":d": { M: { executionName: { "S.$": "$$.Execution.Name" } } } },
        TableName: tableName,
      },
      ResultPath: null,
      Retry: [
        { ErrorEquals: ["DynamoDB.ThrottlingException"], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: "FULL" },
        { ErrorEquals: [...DYNAMODB_TRANSIENT_ERRORS], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: "FULL" },
      ],
      Catch: [
        { ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"], Next: "DeleteFiles", ResultPath: "$.markError" },
        { ErrorEquals: ["States.ALL"], Next: "Failed", ResultPath: "$.error" },
      ],
      TimeoutSeconds: 60,
      Next: "DeleteFiles",
    });
    expect(asl.States.DeleteFiles).toMatchObject({
      Type: "Task",
      Resource: fnRef(out, "Files"),
      Parameters: { "userId.$": "$.userId" },
      ResultSelector: { "done.$": "$.done" },
      ResultPath: "$.files",
      Retry: [{ ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS], MaxAttempts: 3 }],
      Next: "FilesDone",
    });
    expect(asl.States.FilesDone).toEqual({
      Type: "Choice",
      Choices: [
        { Variable: "$.files.done", BooleanEquals: true, Next: "DeleteCognitoUser" },
        { And: [{ Variable: "$.files.count", IsPresent: true }, { Not: { Variable: "$.files.count", NumericGreaterThan: 100 } }], Next: "Pause" },
      ],
      Default: "DeleteFiles",
    });
    expect(asl.States.Pause).toEqual({ Type: "Wait", Seconds: 5, Next: "DeleteFiles" });
    expect(asl.States.DeleteCognitoUser).toMatchObject({
      Resource: "arn:aws:states:::aws-sdk:cognitoidentityprovider:adminDeleteUser",
      Parameters: { UserPoolId: "eu-west-1_abc123", "Username.$": "$.userId" },
      ResultPath: null,
    });
    expect(asl.States.Summarise).toEqual({ Type: "Pass", Parameters: { "user.$": "$.userId" }, ResultPath: "$.summary", Next: "Done" });
    expect(asl.States.Failed).toEqual({ Type: "Fail", Error: "DeleteUserFailed", CausePath: "$.error.Cause" });
    expect(asl.States.Done).toEqual({ Type: "Succeed" });
  });

  it("toAsl returns the same ASL as the definition, with End on states without next", () => {
    synthStack((s) => {
      withAccount(s);
      const sm = machine(s);
      expect(sm.toAsl()).toEqual({
        StartAt: "Work",
        States: {
          Work: {
            Type: "Task",
            Resource: (s.node.findChild("DeleteUserFn") as LambdaFunction).arn,
            Retry: [expect.objectContaining({ ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS] })],
            Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed" }],
            TimeoutSeconds: 70,
            End: true,
          },
          Failed: { Type: "Fail", Error: "WorkFailed" },
        },
      });
    });
  });

  it("writes every Task's TimeoutSeconds: the function's timeout + 60 s, 60 s for DynamoDB and SDK calls, 960 s for an imported function of unknown timeout; a state's own value wins", () => {
    synthStack((s) => {
      withAccount(s);
      const fn = new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY, timeoutSeconds: 45 });
      const imported = LambdaFunction.fromArn(s, "Imported", "arn:aws:lambda:eu-west-1:123456789012:function:other");
      const table = new Table(s, "T", { name: "t", partitionKey: { name: "pk", type: "S" } });
      const call = Tasks.dynamoDb("getItem", table, { Key: { pk: { S: "x" } } });
      const sdk = Tasks.awsSdk("cognitoidentityprovider", "adminDeleteUser", {
        parameters: { UserPoolId: "p", Username: "u" },
        resources: ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_x"],
      });
      const own = Tasks.invoke(fn);
      const task = (t: TaskResource, next?: string, timeoutSeconds?: number) =>
        States.task(t, { retry: [Retry.transient(t)], catch: [{ errors: ["States.ALL"], next: "Failed" }], timeoutSeconds, ...(next ? { next } : {}) });
      const sm = new StateMachine(s, "Timeouts", {
        name: "timeouts",
        definition: {
          startAt: "A",
          states: {
            A: task(Tasks.invoke(fn), "B"),
            B: task(Tasks.invoke(imported), "C"),
            C: task(call, "D"),
            D: task(sdk, "E"),
            E: task(own, undefined, 5),
            Failed: States.fail(),
          },
        },
      });
      const states = sm.toAsl().States as Record<string, { TimeoutSeconds?: number }>;
      expect(Object.fromEntries(Object.entries(states).map(([k, v]) => [k, v.TimeoutSeconds]))).toEqual({ A: 105, B: 960, C: 60, D: 60, E: 5, Failed: undefined });
    });
  });
});

describe("StateMachine definition validation", () => {
  /** Builds a machine whose definition `build` makes from an invoke task of a fresh function. */
  const build = (make: (task: TaskResource) => Definition) => () =>
    synthStack((s) => {
      withAccount(s);
      const fn = new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY });
      new StateMachine(s, "Sm", { name: "sm", definition: make(Tasks.invoke(fn)) });
    });
  const ok = (t: TaskResource) => ({ retry: [Retry.transient(t)], catch: [{ errors: ["States.ALL"], next: "Failed" }] });

  it("refuses a state that cannot be reached from startAt, naming it and the fix", () => {
    expect(build((t) => ({ startAt: "A", states: { A: States.task(t, ok(t)), Orphan: States.pass(), Failed: States.fail() } }))).toThrow(
      /StateMachine "test\/Sm": invalid props \(1 problem\):\n {2}- definition\.states\.Orphan: received "unreachable"; allowed: a state reachable from startAt "A"\. Fix: point a next, default or catch at "Orphan", or remove it\./,
    );
  });

  it("refuses next, catch, default and startAt targets that do not exist", () => {
    expect(
      build((t) => ({
        startAt: "Nope",
        states: {
          A: States.task(t, { retry: [Retry.transient(t)], catch: [{ errors: ["States.ALL"], next: "Gone" }], next: "Missing" }),
          C: States.choice({ choices: [{ variable: "$.x", booleanEquals: true, next: "A" }], default: "Nowhere" }),
        },
      })),
    ).toThrow(
      /invalid props \(4 problems\)[\s\S]*definition\.startAt: received "Nope"[\s\S]*definition\.states\.A\.next: received "Missing"[\s\S]*Fix: add a state "Missing" or point next at an existing state[\s\S]*definition\.states\.A\.catch\[0\]\.next: received "Gone"[\s\S]*definition\.states\.C\.default: received "Nowhere"/,
    );
  });

  it("refuses a Task without Retry, with a retrier that does not back off or never retries, and without Catch", () => {
    expect(build((t) => ({ startAt: "A", states: { A: States.task(t, { catch: [{ errors: ["States.ALL"], next: "F" }] }), F: States.fail() } }))).toThrow(
      new RegExp(
        `definition\\.states\\.A\\.retry: received \\[\\]; allowed: a retrier for the transient error Lambda\\.ClientExecutionTimeoutException[\\s\\S]*Fix: add Retry\\.transient\\(\\.\\.\\.\\) for Tasks\\.invoke\\(test/Fn\\)`,
      ),
    );
    expect(
      build((t) => ({
        startAt: "A",
        states: { A: States.task(t, { retry: [{ errors: ["States.ALL"], backoffRate: 1 }], catch: [{ errors: ["States.ALL"], next: "F" }] }), F: States.fail() },
      })),
    ).toThrow(
      /invalid props \(5 problems\)[\s\S]*definition\.states\.A\.retry: received \{"errors":\["States\.ALL"\],"backoffRate":1\}; allowed: the first retrier matching Lambda\.ClientExecutionTimeoutException backs off \(backoffRate > 1\)[\s\S]*Fix: set backoffRate to 2/,
    );
    // The first matching retrier counts: a later one with backoff does not cure an earlier States.TaskFailed with maxAttempts 0.
    expect(
      build((t) => ({
        startAt: "A",
        states: {
          A: States.task(t, { retry: [{ errors: ["States.TaskFailed"], maxAttempts: 0 }, Retry.transient(t)], catch: [{ errors: ["States.ALL"], next: "F" }] }),
          F: States.fail(),
        },
      })),
    ).toThrow(/retries \(maxAttempts ≥ 1\)/);
    expect(build((t) => ({ startAt: "A", states: { A: States.task(t, { retry: [Retry.transient(t)] }) } }))).toThrow(
      /definition\.states\.A\.catch: received undefined; allowed: at least one catcher\. Fix: catch the errors left after the retries/,
    );
  });

  it("accepts transient errors covered by States.ALL or States.TaskFailed (default backoff 2), or listed with backoff", () => {
    expect(
      build((t) => ({ startAt: "A", states: { A: States.task(t, { retry: [{ errors: ["States.ALL"] }], catch: [{ errors: ["States.ALL"], next: "F" }] }), F: States.fail() } })),
    ).not.toThrow();
    expect(
      build((t) => ({
        startAt: "A",
        states: { A: States.task(t, { retry: [{ errors: ["States.TaskFailed"], backoffRate: 1.5 }], catch: [{ errors: ["States.ALL"], next: "F" }] }), F: States.fail() },
      })),
    ).not.toThrow();
  });

  it("surfaces asl-validator errors the module's own checks do not cover (a Wait with both seconds and secondsPath)", () => {
    expect(
      build((t) => ({ startAt: "A", states: { A: States.task(t, { ...ok(t), next: "W" }), W: States.wait({ seconds: 1, secondsPath: "$.s" }), Failed: States.fail() } })),
    ).toThrow(
      /definition: received "WAIT_DURATION"; allowed: valid Amazon States Language \(asl-validator: State "W" MUST contain exactly one of "Seconds", "SecondsPath"[\s\S]*Fix: correct the state the message names/,
    );
  });

  it("refuses a Task whose resource was not made by a Tasks factory (it would come without a grant)", () => {
    expect(
      build(() => {
        const fake = { resource: "arn:aws:lambda:eu-west-1:123456789012:function:other", transientErrors: [], description: "fake", problems: [], grant: () => undefined };
        return { startAt: "A", states: { A: States.task(fake, { catch: [{ errors: ["States.ALL"], next: "F" }] }), F: States.fail() } };
      }),
    ).toThrow(
      /definition\.states\.A\.task: received "arn:aws:lambda:eu-west-1:123456789012:function:other"; allowed: a task resource made by Tasks\.invoke, Tasks\.dynamoDb or Tasks\.awsSdk/,
    );
  });
});

describe("Task grants", () => {
  it("Tasks.invoke: lambda:InvokeFunction on the function ARN only", () => {
    const out = synthStack((s) => {
      withAccount(s);
      machine(s);
    });
    expect(roleStatements(out, "DeleteUser")).toEqual([{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fnRef(out, "DeleteUserFn") }]);
  });

  it("Tasks.dynamoDb: dynamodb:<Action> on the table ARN; with the table's key kms:Decrypt (getItem) or Encrypt/Decrypt/GenerateDataKey (writes)", () => {
    const out = synthStack((s) => {
      withAccount(s);
      const key = new Key(s, "Key", { name: "tables", accountId: ACCOUNT });
      const table = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, encryptionKey: key });
      const plain = Table.fromArn(s, "Plain", `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/plain`);
      const get = Tasks.dynamoDb("getItem", table, { Key: { pk: { "S.$": "$.id" } } });
      const del = Tasks.dynamoDb("deleteItem", plain, { Key: { pk: { "S.$": "$.id" } } });
      const opts = (t: TaskResource, next?: string) => ({ retry: [Retry.transient(t)], catch: [{ errors: ["States.ALL"], next: "F" }], next });
      new StateMachine(s, "DeleteUser", {
        name: "sm",
        definition: { startAt: "Get", states: { Get: States.task(get, opts(get, "Del")), Del: States.task(del, opts(del)), F: States.fail() } },
      });
    });
    const keyArn = out.ref("aws_kms_key", "arn");
    expect(roleStatements(out, "DeleteUser")).toEqual([
      { Effect: "Allow", Action: "dynamodb:GetItem", Resource: out.ref("aws_dynamodb_table", "arn") },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn },
      { Effect: "Allow", Action: "dynamodb:DeleteItem", Resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/plain` },
    ]);
    const asl = JSON.parse(out.only("aws_sfn_state_machine").definition);
    expect(asl.States.Del.Parameters.TableName).toBe("plain");

    const writes = synthStack((s) => {
      withAccount(s);
      const table = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, encryptionKey: Key.fromArn(s, "K", KEY_ARN) });
      const put = Tasks.dynamoDb("putItem", table, { Item: { pk: { S: "x" } } });
      new StateMachine(s, "DeleteUser", {
        name: "sm",
        definition: { startAt: "Put", states: { Put: States.task(put, { retry: [Retry.transient(put)], catch: [{ errors: ["States.ALL"], next: "F" }] }), F: States.fail() } },
      });
    });
    expect(roleStatements(writes, "DeleteUser")).toEqual([
      { Effect: "Allow", Action: "dynamodb:PutItem", Resource: writes.ref("aws_dynamodb_table", "arn") },
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: KEY_ARN },
    ]);
  });

  const sdkMachine = (make: () => TaskResource) =>
    synthStack((s) => {
      withAccount(s);
      const t = make();
      new StateMachine(s, "DeleteUser", {
        name: "sm",
        definition: { startAt: "Call", states: { Call: States.task(t, { retry: [Retry.transient(t)], catch: [{ errors: ["States.ALL"], next: "F" }] }), F: States.fail() } },
      });
    });

  it("Tasks.awsSdk derives the IAM action from the service's prefix and the action (cognito-idp:AdminDeleteUser) and grants it on exactly the resources", () => {
    const out = sdkMachine(() => Tasks.awsSdk("cognitoidentityprovider", "adminDeleteUser", { parameters: { UserPoolId: "p", "Username.$": "$.u" }, resources: [POOL_ARN] }));
    expect(roleStatements(out, "DeleteUser")).toEqual([{ Effect: "Allow", Action: "cognito-idp:AdminDeleteUser", Resource: POOL_ARN }]);
    const s3 = sdkMachine(() => Tasks.awsSdk("s3", "deleteObject", { resources: ["arn:aws:s3:::b/uploads/*"] }));
    expect(roleStatements(s3, "DeleteUser")).toEqual([{ Effect: "Allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/uploads/*" }]);
    const sfn = sdkMachine(() => Tasks.awsSdk("sfn", "startExecution", { resources: [`arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:x`] }));
    expect(roleStatements(sfn, "DeleteUser")[0].Action).toBe("states:StartExecution");
  });

  it("Tasks.awsSdk carries <Service>.ThrottlingException / TooManyRequestsException / InternalErrorException as transient errors", () => {
    expect(Tasks.awsSdk("cognitoidentityprovider", "adminDeleteUser", { resources: [POOL_ARN] }).transientErrors).toEqual([
      "CognitoIdentityProvider.ThrottlingException",
      "CognitoIdentityProvider.TooManyRequestsException",
      "CognitoIdentityProvider.InternalErrorException",
    ]);
    expect(Retry.transient(Tasks.awsSdk("s3", "getObject", { resources: ["arn:aws:s3:::b/*"] })).errors).toEqual([
      "S3.ThrottlingException",
      "S3.TooManyRequestsException",
      "S3.InternalErrorException",
    ]);
  });

  it('Tasks.awsSdk: an unknown service needs iamAction (and then grants it); "*" is refused unless allowWildcard', () => {
    expect(() => sdkMachine(() => Tasks.awsSdk("mediaconvert", "getJob", { resources: [`arn:aws:mediaconvert:eu-west-1:${ACCOUNT}:jobs/1`] }))).toThrow(
      /StateMachine "test\/DeleteUser": invalid props[\s\S]*definition\.states\.Call\.Tasks\.awsSdk\("mediaconvert", "getJob"\)\.iamAction: received undefined; allowed: set when the service is not one of [^\n]*Fix: pass iamAction \(e\.g\. "<iam prefix>:GetJob"\)/,
    );
    const custom = sdkMachine(() => Tasks.awsSdk("mediaconvert", "getJob", { resources: [`arn:aws:mediaconvert:eu-west-1:${ACCOUNT}:jobs/1`], iamAction: "mediaconvert:GetJob" }));
    expect(roleStatements(custom, "DeleteUser")).toEqual([{ Effect: "Allow", Action: "mediaconvert:GetJob", Resource: `arn:aws:mediaconvert:eu-west-1:${ACCOUNT}:jobs/1` }]);
    expect(() => sdkMachine(() => Tasks.awsSdk("s3", "listBuckets", { resources: ["*"] }))).toThrow(
      /\.resources: received \["\*"\]; allowed: ARNs, not "\*" \(unless allowWildcard: true\)/,
    );
    expect(() => sdkMachine(() => Tasks.awsSdk("s3", "listBuckets", { resources: [] }))).toThrow(/\.resources: received \[\]; allowed: at least one ARN/);
    const wild = sdkMachine(() => Tasks.awsSdk("s3", "listBuckets", { resources: ["*"], allowWildcard: true }));
    expect(roleStatements(wild, "DeleteUser")).toEqual([{ Effect: "Allow", Action: "s3:ListBuckets", Resource: "*" }]);
  });
});

describe("StateMachine grants and connect", () => {
  it("grantStartExecution on the ARN, grantRead on this machine's executions, connect sets <ID>_STATE_MACHINE_ARN", () => {
    const out = synthStack((s) => {
      withAccount(s);
      const sm = machine(s);
      const api = new LambdaFunction(s, "Api", { name: "api", entry: ENTRY });
      sm.connect(api);
      const starter = new LambdaFunction(s, "Starter", { name: "starter", entry: ENTRY });
      sm.grantStartExecution(starter);
      const custom = new LambdaFunction(s, "Custom", { name: "custom", entry: ENTRY });
      sm.connect(custom, "DELETE_USER_STATE_MACHINE");
    });
    const arn = out.ref("aws_sfn_state_machine", "arn");
    const executions = `arn:aws:states:eu-west-1:${ACCOUNT}:execution:test-dev-delete-user:*`;
    expect(roleStatements(out, "Api")).toEqual([
      { Effect: "Allow", Action: "states:StartExecution", Resource: arn },
      { Effect: "Allow", Action: [...READ_EXECUTION_ACTIONS], Resource: executions },
    ]);
    expect(READ_EXECUTION_ACTIONS).toEqual(["states:DescribeExecution", "states:GetExecutionHistory"]);
    expect(roleStatements(out, "Starter")).toEqual([{ Effect: "Allow", Action: "states:StartExecution", Resource: arn }]);
    const fns = Object.values(out.resources("aws_lambda_function")) as any[];
    expect(fns.find((f) => f.function_name === "test-dev-api").environment.variables.DELETE_USER_STATE_MACHINE_ARN).toBe(arn);
    expect(fns.find((f) => f.function_name === "test-dev-custom").environment.variables.DELETE_USER_STATE_MACHINE).toBe(arn);
    expect(fns.find((f) => f.function_name === "test-dev-starter").environment.variables.DELETE_USER_STATE_MACHINE_ARN).toBeUndefined();
  });

  it("other modules can grant the state machine's role (it is an IGrantable), least privilege enforced", () => {
    const out = synthStack((s) => {
      withAccount(s);
      const sm = machine(s);
      new Table(s, "Audit", { name: "audit", partitionKey: { name: "pk", type: "S" } }).grantWrite(sm);
      expect(() => sm.addToPrincipalPolicy({ actions: ["dynamodb:PutItem"], resources: ["*"] })).toThrow(
        /StateMachine "test\/DeleteUser": IAM actions dynamodb:PutItem on resource "\*"/,
      );
    });
    expect(roleStatements(out, "DeleteUser").map((st) => st.Resource)).toContain(out.ref("aws_dynamodb_table", "arn"));
  });
});

describe("StateMachine importers", () => {
  const ARN = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:shared-flow`;

  it("fromArn takes the name from a literal ARN and grants on it and its executions", () => {
    const out = synthStack((s) => {
      const sm = StateMachine.fromArn(s, "Shared", ARN);
      expect(sm.name).toBe("shared-flow");
      expect(sm.arn).toBe(ARN);
      sm.connect(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }));
    });
    expect(roleStatements(out, "Fn")).toEqual([
      { Effect: "Allow", Action: "states:StartExecution", Resource: ARN },
      { Effect: "Allow", Action: [...READ_EXECUTION_ACTIONS], Resource: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:shared-flow:*` },
    ]);
    expect(out.only("aws_lambda_function").environment.variables.SHARED_STATE_MACHINE_ARN).toBe(ARN);
    expect(out.resources("aws_sfn_state_machine")).toEqual({});
  });

  it("fromArn refuses a token ARN (pointing to fromAttributes), an execution ARN and another service's ARN", () => {
    expect(() => synthStack((s) => StateMachine.fromArn(s, "T", new TerraformVariable(s, "arn", { type: "string" }).stringValue))).toThrow(
      /StateMachine\.fromArn\("T"\): the ARN is a token[\s\S]*Fix: use StateMachine\.fromAttributes/,
    );
    expect(() => synthStack((s) => StateMachine.fromArn(s, "E", `arn:aws:states:eu-west-1:${ACCOUNT}:execution:x:1`))).toThrow(
      /is not a state machine ARN\. Fix: pass arn:aws:states:<region>:<account>:stateMachine:<name>/,
    );
    expect(() => synthStack((s) => StateMachine.fromArn(s, "Q", `arn:aws:sqs:eu-west-1:${ACCOUNT}:q`))).toThrow(/is not an states ARN/);
  });

  it("fromAttributes accepts a token ARN; grantRead needs name, region and accountId then", () => {
    const out = synthStack((s) => {
      const arn = new TerraformVariable(s, "sm_arn", { type: "string" }).stringValue;
      const sm = StateMachine.fromAttributes(s, "Flow", { arn, name: "flow", region: "eu-west-1", accountId: ACCOUNT });
      sm.connect(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }));
      const bare = StateMachine.fromAttributes(s, "Bare", { arn });
      const fn2 = new LambdaFunction(s, "Fn2", { name: "fn2", entry: ENTRY });
      bare.grantStartExecution(fn2);
      expect(() => bare.grantRead(fn2)).toThrow(/StateMachine\.fromAttributes\("Bare"\): grantRead needs the executions' ARN[\s\S]*Fix: pass name, region and accountId/);
      expect(() => bare.name).toThrow(/the state machine's name is unknown \(token ARN\)\. Fix: pass name/);
    });
    expect(roleStatements(out, "Fn")).toEqual([
      { Effect: "Allow", Action: "states:StartExecution", Resource: "${var.sm_arn}" },
      { Effect: "Allow", Action: [...READ_EXECUTION_ACTIONS], Resource: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:flow:*` },
    ]);
    expect(roleStatements(out, "Fn2")).toEqual([{ Effect: "Allow", Action: "states:StartExecution", Resource: "${var.sm_arn}" }]);
  });
});

describe("StateMachine in Terraform", () => {
  it("is valid Terraform: init + validate + offline plan of a state machine with every option and every state type", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "sfn-tf", { app: "test", env: "dev", region: "eu-west-1", allowedAccountIds: [ACCOUNT], tags: {}, offline: true });
    const fn = new LambdaFunction(stack, "Files", { name: "files", entry: ENTRY });
    const table = new Table(stack, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" } });
    const key = new Key(stack, "LogKey", { name: "logs", accountId: ACCOUNT, allowServices: ["logs.eu-west-1.amazonaws.com"] });
    const mark = Tasks.dynamoDb("updateItem", table, {
      Key: { pk: { "S.$": "$.userId" } },
      UpdateExpression: "SET deleting = :t",
      ExpressionAttributeValues: { ":t": { BOOL: true } },
    });
    const files = Tasks.invoke(fn);
    const cognito = Tasks.awsSdk("cognitoidentityprovider", "adminDeleteUser", { parameters: { UserPoolId: "eu-west-1_abc123", "Username.$": "$.userId" }, resources: [POOL_ARN] });
    const catchAll = [{ errors: ["States.ALL"], next: "Failed", resultPath: "$.error" }];
    const sm = new StateMachine(stack, "DeleteUser", {
      name: "delete-user",
      definition: {
        startAt: "Mark",
        timeoutSeconds: 3600,
        states: {
          Mark: States.task(mark, { resultPath: null, retry: [Retry.transient(mark)], catch: catchAll, next: "Files" }),
          Files: States.task(files, { resultPath: "$.files", retry: [Retry.transient(files)], catch: catchAll, next: "Check" }),
          Check: States.choice({ choices: [{ variable: "$.files.done", booleanEquals: true, next: "Cognito" }], default: "Pause" }),
          Pause: States.wait({ seconds: 5, next: "Files" }),
          Cognito: States.task(cognito, { resultPath: null, retry: [Retry.transient(cognito)], catch: catchAll, next: "Summary" }),
          Summary: States.pass({ parameters: { "userId.$": "$.userId" }, next: "Done" }),
          Failed: States.fail({ error: "DeleteUserFailed", causePath: "$.error.Cause" }),
          Done: States.succeed(),
        },
      },
      logging: { level: "ALL", includeExecutionData: false },
      logRetentionDays: 14,
      preventLogGroupDestroy: false,
      logEncryptionKey: key,
      tracing: true,
    });
    sm.connect(new LambdaFunction(stack, "Api", { name: "api", entry: ENTRY }));
    const result = await validateAndPlanStack(stack);
    expect(result.validate.diagnostics).toEqual([]);
    expect(result.validate.valid).toBe(true);
    const [planned] = plannedValues(result.plan, "aws_sfn_state_machine");
    expect(planned).toMatchObject({
      name: "test-dev-delete-user",
      type: "STANDARD",
      logging_configuration: [{ include_execution_data: false, level: "ALL" }],
      tracing_configuration: [{ enabled: true }],
    });
    expect(plannedValues(result.plan, "aws_cloudwatch_log_group").map((g) => g.name)).toContain("/aws/vendedlogs/states/test-dev-delete-user");
    expect(plannedValues(result.plan, "aws_iam_role").map((r) => r.name)).toContain("test-dev-delete-user-sfn");
  });
});
