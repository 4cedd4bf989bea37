import { ExecutionError, StateMachine as LocalSfn } from "aws-local-stepfunctions";
import { scope } from "../../test/support/synth";
import { LambdaFunction } from "../lambda-function";
import { Table } from "../table";
import { Definition, renderDefinition, Retry, States, Tasks, validateDefinition } from "./index";

// aws-local-stepfunctions 3 calls Promise.withResolvers (Node ≥ 22); these machines run Node 20.
import "../../local/runtime/step-functions/promise-with-resolvers";

const ACCOUNT = "123456789012";
const FN_ARN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:test-dev-delete-user-files`;
const POOL_ARN = `arn:aws:cognito-idp:eu-west-1:${ACCOUNT}:userpool/eu-west-1_abc123`;

/** An error as a task reports it: Retry and Catch match its `name`. */
function taskError(name: string, message = `injected ${name}`): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** The Context Object of an execution (the interpreter's default has no Execution.Name). */
function context(name: string, input: Record<string, unknown>): any {
  return { Execution: { Id: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:test-dev-delete-user:${name}`, Name: name, Input: input, StartTime: new Date().toISOString() } };
}

/** The delete-user shape with literal ARNs (imported function and table), so the rendered ASL has no token. */
function deleteUserDefinition(): Definition {
  const s = scope();
  const table = Table.fromArn(s, "Profiles", `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/test-dev-profiles`);
  const fn = LambdaFunction.fromArn(s, "DeleteFiles", FN_ARN);
  const mark = Tasks.dynamoDb("updateItem", table, {
    Key: { pk: { "S.$": "States.Format('USER#{}', $.userId)" }, sk: { S: "PROFILE" } },
    UpdateExpression: "SET #d = :d",
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeNames: { "#d": "deletion" },
    ExpressionAttributeValues: { ":d": { M: { executionName: { "S.$": "$$.Execution.Name" } } } },
  });
  const files = Tasks.invoke(fn, { payload: { "userId.$": "$.userId" } });
  const cognito = Tasks.awsSdk("cognitoidentityprovider", "adminDeleteUser", { parameters: { UserPoolId: "eu-west-1_abc123", "Username.$": "$.userId" }, resources: [POOL_ARN] });
  return {
    comment: "delete-user",
    startAt: "MarkProfile",
    timeoutSeconds: 3600,
    states: {
      MarkProfile: States.task(mark, {
        resultPath: null,
        retry: [Retry.transient(mark)],
        catch: [
          { errors: ["DynamoDB.ConditionalCheckFailedException"], next: "DeleteFiles", resultPath: "$.markError" },
          { errors: ["States.ALL"], next: "Failed", resultPath: "$.error" },
        ],
        next: "DeleteFiles",
      }),
      DeleteFiles: States.task(files, {
        resultPath: "$.files",
        retry: [Retry.transient(files)],
        catch: [{ errors: ["States.ALL"], next: "Failed", resultPath: "$.error" }],
        next: "FilesDone",
      }),
      FilesDone: States.choice({ choices: [{ variable: "$.files.done", booleanEquals: true, next: "DeleteCognitoUser" }], default: "DeleteFiles" }),
      DeleteCognitoUser: States.task(cognito, {
        resultPath: null,
        retry: [Retry.transient(cognito)],
        catch: [{ errors: ["States.ALL"], next: "Failed", resultPath: "$.error" }],
        next: "Done",
      }),
      Failed: States.fail({ error: "DeleteUserFailed", causePath: "$.error.Cause" }),
      Done: States.succeed(),
    },
  };
}

describe("rendered ASL on aws-local-stepfunctions", () => {
  const noWait = { DeleteFiles: 0, MarkProfile: 0, DeleteCognitoUser: 0 };

  it("runs: Catch on a conditional-check failure, Retry of Lambda.ServiceException, the Choice loop, then Succeed", async () => {
    const definition = deleteUserDefinition();
    // The same definition passes the module's synth-time checks (targets, reachability, retries, catches, asl-validator).
    expect(() => validateDefinition("test/DeleteUser", definition)).not.toThrow();
    const asl = renderDefinition(definition);
    const calls: Record<string, unknown[]> = { MarkProfile: [], DeleteFiles: [], DeleteCognitoUser: [] };
    let fileCalls = 0;
    const run = new LocalSfn(asl as any).run(
      { userId: "u1" },
      {
        context: context("exec-1", { userId: "u1" }),
        overrides: {
          retryIntervalOverrides: noWait,
          taskResourceLocalHandlers: {
            MarkProfile: async (input) => {
              calls.MarkProfile.push(input);
              throw taskError("DynamoDB.ConditionalCheckFailedException", "The conditional request failed");
            },
            DeleteFiles: async (input) => {
              calls.DeleteFiles.push(input);
              fileCalls += 1;
              if (fileCalls === 1) throw taskError("Lambda.ServiceException");
              return { done: fileCalls >= 3 };
            },
            DeleteCognitoUser: async (input) => {
              calls.DeleteCognitoUser.push(input);
              return {};
            },
          },
        },
      },
    );
    const result = (await run.result) as any;
    expect(calls.MarkProfile).toEqual([
      {
        Key: { pk: { S: "USER#u1" }, sk: { S: "PROFILE" } },
        UpdateExpression: "SET #d = :d",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#d": "deletion" },
        ExpressionAttributeValues: { ":d": { M: { executionName: { S: "exec-1" } } } },
        TableName: "test-dev-profiles",
      },
    ]);
    // 1 failed attempt retried (Lambda.ServiceException), then 2 calls through the Choice loop.
    expect(calls.DeleteFiles).toEqual([{ userId: "u1" }, { userId: "u1" }, { userId: "u1" }]);
    expect(calls.DeleteCognitoUser).toEqual([{ UserPoolId: "eu-west-1_abc123", Username: "u1" }]);
    expect(result.userId).toBe("u1");
    expect(result.files).toEqual({ done: true });
    expect(result.markError.Error).toBe("DynamoDB.ConditionalCheckFailedException");
  });

  it("fails through the Catch into the Fail state with the task's cause when a non-transient error is thrown", async () => {
    const asl = renderDefinition(deleteUserDefinition());
    let cognitoCalls = 0;
    const run = new LocalSfn(asl as any).run(
      { userId: "u2" },
      {
        context: context("exec-2", { userId: "u2" }),
        overrides: {
          retryIntervalOverrides: noWait,
          taskResourceLocalHandlers: {
            MarkProfile: async () => ({}),
            DeleteFiles: async () => ({ done: true }),
            DeleteCognitoUser: async () => {
              cognitoCalls += 1;
              throw taskError("CognitoIdentityProvider.UserNotFoundException", "User does not exist.");
            },
          },
        },
      },
    );
    const failure = await run.result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ExecutionError);
    // The Fail state's CausePath ($.error.Cause) carries the task's message; its Error is DeleteUserFailed.
    expect((failure as Error).message).toBe("Execution has failed with the following error: User does not exist.");
    expect(((failure as Error).cause as Error).name).toBe("DeleteUserFailed");
    // Not a transient error: the Catch takes it on the first attempt, no retry.
    expect(cognitoCalls).toBe(1);
  });
});
