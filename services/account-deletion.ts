import { Construct } from "constructs";
import type { HttpApi, HttpJwtAuthorizer } from "../modules/http-api";
import type { LambdaFunction } from "../modules/lambda-function";
import type { AuroraServerless } from "../modules/aurora-serverless";
import { Definition, Retrier, Retry, StateMachine, StateMachineLogLevel, States, Tasks, TaskResource } from "../modules/state-machine";
import type { Table } from "../modules/table";
import type { UserPool } from "../modules/user-pool";
import { DELETE_USER_STATE_MACHINE_ARN_ENV, DELETION_ATTRIBUTE, DELETION_AUDIT_SORT_KEY_PREFIX } from "../lambdas/deletion/schema";
import { FILES_BUCKET_NAME_ENV, FILES_TABLE_NAME_ENV, UPLOADS_PREFIX } from "../lambdas/files/schema";
import { PARTITION_KEY, PROFILES_TABLE_NAME_ENV, PROFILE_SORT_KEY, SORT_KEY, USER_PARTITION_PREFIX } from "../lambdas/profile/schema";
import type { FilesService } from "./files";
import type { FunctionFactory, HandlerEntry } from "./functions";

export interface AccountDeletionProps {
  /** `GET /profiles/me/deletion` is added to it, served by `profileApi`. */
  readonly api: HttpApi;
  readonly authorizer: HttpJwtAuthorizer;
  /** profile-api: starts the workflow on `DELETE /profiles/me` and reports it. */
  readonly profileApi: LambdaFunction;
  readonly profiles: Table;
  readonly files: FilesService;
  readonly analyticsDb: AuroraServerless;
  readonly userPool: UserPool;
  readonly handlers: { readonly deleteFiles: HandlerEntry; readonly anonymiseAnalytics: HandlerEntry; readonly deleteProfile: HandlerEntry };
  readonly functions: FunctionFactory;
  readonly logging: { readonly level: StateMachineLogLevel; readonly includeExecutionData: boolean };
  readonly logRetentionDays: number;
  readonly preventLogGroupDestroy: boolean;
  /**
   * Seconds between deleting the Cognito user and anonymising the analytics rows a second time (SweepAnalytics): events
   * accepted before the deletion that were still on the activity stream when AnonymiseAnalytics ran are stored by then.
   */
  readonly inFlightWaitSeconds: number;
}

/** A whole execution gives up after an hour (TIMED_OUT, alarmed): 10,000 files take a few minutes. */
const EXECUTION_TIMEOUT_SECONDS = 3600;
/** DeleteFiles runs up to this long per invocation, then answers `done: false` and is invoked again. */
const DELETE_FILES_TIMEOUT_SECONDS = 120;
/** Waits out a paused Aurora cluster's resume with the Data API client's backoff. */
const ANONYMISE_TIMEOUT_SECONDS = 60;

/** The task functions' error for input the state machine never sends: retrying cannot help. */
const INVALID_INPUT = "InvalidTaskInput";

/** Retries of a Lambda task: never bad input; the Lambda service's transient errors; then any error a few times more. */
function lambdaRetries(task: TaskResource, extra: readonly Retrier[] = []): Retrier[] {
  return [
    { errors: [INVALID_INPUT], maxAttempts: 0 },
    Retry.transient(task),
    ...extra,
    // Anything else (a timeout, an SDK error the function did not retry): a few attempts, spaced out, then Catch.
    { errors: ["States.ALL"], intervalSeconds: 5, maxAttempts: 3, backoffRate: 2, maxDelaySeconds: 60, jitter: "FULL" },
  ];
}

const failed = { errors: ["States.ALL"], next: "Failed", resultPath: "$.error" } as const;
/**
 * A DynamoDB or Cognito call that timed out (States.Timeout: no answer within the task's TimeoutSeconds) is tried again:
 * each of these steps is idempotent (MarkProfile only sets a missing mark, AdminDeleteUser of a deleted user is caught,
 * WriteAudit puts the same item). Measured on the local platform under the campaign's load: without it, one slow call
 * ended the whole deletion in Failed.
 */
const timedOut: Retrier = { errors: ["States.Timeout"], intervalSeconds: 5, maxAttempts: 3, backoffRate: 2, maxDelaySeconds: 60, jitter: "FULL" };
const userKey = { [PARTITION_KEY]: { "S.$": `States.Format('${USER_PARTITION_PREFIX}{}', $.userId)` } };

/**
 * Account deletion (DESIGN.md): `DELETE /profiles/me` starts the delete-user workflow, a Step Functions state machine
 * whose every step is idempotent, so a retried step or a re-run execution finishes the job:
 *
 * MarkProfile (DynamoDB: the profile takes no more writes) → InitFiles → DeleteFiles ⟲ FilesDone (every upload version
 * and file item, a bounded amount per invocation) → AnonymiseAnalytics (Data API) → DeleteProfile (the stream publishes
 * profile.deleted) → DeleteCognitoUser (AWS SDK integration) → WaitForInFlightEvents → SweepAnalytics (the same
 * anonymisation again, for events that were still on the activity stream) → WriteAudit (DynamoDB) → Done.
 *
 * A step that keeps failing ends the execution in `Failed` (DeleteUserFailed), which the workflow alarm reports.
 */
export class AccountDeletion extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly deleteFiles: LambdaFunction;
  public readonly anonymiseAnalytics: LambdaFunction;
  public readonly deleteProfile: LambdaFunction;

  constructor(scope: Construct, id: string, props: AccountDeletionProps) {
    super(scope, id);
    const uploads = `${UPLOADS_PREFIX}*`;

    this.deleteFiles = props.functions("DeleteUserFiles", {
      name: "delete-user-files",
      ...props.handlers.deleteFiles,
      description: "delete-user workflow: deletes a user's uploads (every version) and file items, a page at a time",
      timeoutSeconds: DELETE_FILES_TIMEOUT_SECONDS,
    });
    props.files.bucket.connect(this.deleteFiles, "delete", FILES_BUCKET_NAME_ENV, uploads);
    props.files.table.connect(this.deleteFiles, "readWrite", FILES_TABLE_NAME_ENV);

    this.anonymiseAnalytics = props.functions("AnonymiseAnalytics", {
      name: "anonymise-analytics",
      ...props.handlers.anonymiseAnalytics,
      description: "delete-user workflow: re-keys a user's activity rows to a pseudonym and clears their users row",
      timeoutSeconds: ANONYMISE_TIMEOUT_SECONDS,
    });
    props.analyticsDb.connect(this.anonymiseAnalytics);

    this.deleteProfile = props.functions("DeleteUserProfile", {
      name: "delete-user-profile",
      ...props.handlers.deleteProfile,
      description: "delete-user workflow: deletes the profile and records the account deletion on its version floor",
    });
    props.profiles.connect(this.deleteProfile, "readWrite", PROFILES_TABLE_NAME_ENV);

    const mark = Tasks.dynamoDb("updateItem", props.profiles, {
      Key: { ...userKey, [SORT_KEY]: { S: PROFILE_SORT_KEY } },
      UpdateExpression: "SET #deletion = if_not_exists(#deletion, :deletion)",
      ConditionExpression: "attribute_exists(#pk)",
      ExpressionAttributeNames: { "#deletion": DELETION_ATTRIBUTE, "#pk": PARTITION_KEY },
      ExpressionAttributeValues: { ":deletion": { M: { executionName: { "S.$": "$$.Execution.Name" }, startedAt: { "S.$": "$$.Execution.StartTime" } } } },
    });
    const deleteFiles = Tasks.invoke(this.deleteFiles, { payload: { "userId.$": "$.userId", "totals.$": "$.files.totals" } });
    const anonymise = Tasks.invoke(this.anonymiseAnalytics, { payload: { "userId.$": "$.userId", "pseudonym.$": "$.pseudonym" } });
    const sweep = Tasks.invoke(this.anonymiseAnalytics, { payload: { "userId.$": "$.userId", "pseudonym.$": "$.pseudonym" } });
    const deleteProfile = Tasks.invoke(this.deleteProfile, { payload: { "userId.$": "$.userId", "executionName.$": "$$.Execution.Name" } });
    const deleteCognitoUser = Tasks.awsSdk("cognitoidentityprovider", "adminDeleteUser", {
      // The pool's usernames are the users' `sub` (e-mail is a username attribute), the id the workflow carries.
      parameters: { UserPoolId: props.userPool.userPoolId, "Username.$": "$.userId" },
      resources: [props.userPool.arn],
    });
    const audit = Tasks.dynamoDb("putItem", props.profiles, {
      Item: {
        ...userKey,
        [SORT_KEY]: { "S.$": `States.Format('${DELETION_AUDIT_SORT_KEY_PREFIX}{}', $$.Execution.Name)` },
        executionName: { "S.$": "$$.Execution.Name" },
        requestedAtVersion: { "N.$": "States.Format('{}', $.profileVersion)" },
        startedAt: { "S.$": "$$.Execution.StartTime" },
        // When DeleteProfile ran (its output), not $$.State.EnteredTime: the local ASL interpreter has no State context.
        deletedAt: { "S.$": "$.profile.deletedAt" },
        removed: {
          M: {
            objectVersions: { "N.$": "States.Format('{}', $.files.totals.objectVersions)" },
            fileItems: { "N.$": "States.Format('{}', $.files.totals.fileItems)" },
            activityRows: { "N.$": "States.Format('{}', $.analytics.activityRows)" },
            // Events that reached the analytics store after AnonymiseAnalytics (in flight on the stream at the time).
            activityRowsInFlight: { "N.$": "States.Format('{}', $.sweep.activityRows)" },
            analyticsUserRows: { "N.$": "States.Format('{}', $.analytics.userRows)" },
            profile: { "BOOL.$": "$.profile.profileDeleted" },
          },
        },
      },
    });

    const definition: Definition = {
      comment: "Deletes a user's account: files, analytics rows (anonymised), profile, Cognito user; then an audit record",
      startAt: "MarkProfile",
      timeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
      states: {
        MarkProfile: States.task(mark, {
          comment: "The profile takes no more writes (409). Already gone (a re-run): go on.",
          resultPath: null,
          retry: [Retry.transient(mark), timedOut],
          catch: [{ errors: ["DynamoDB.ConditionalCheckFailedException"], next: "InitFiles", resultPath: null }, failed],
          next: "InitFiles",
        }),
        InitFiles: States.pass({ result: { done: false, totals: { objectVersions: 0, fileItems: 0, invocations: 0 } }, resultPath: "$.files", next: "DeleteFiles" }),
        DeleteFiles: States.task(deleteFiles, {
          resultPath: "$.files",
          // PartialDeleteError: S3 or DynamoDB refused part of a batch (throttling): retried with backoff.
          retry: lambdaRetries(deleteFiles, [{ errors: ["PartialDeleteError"], intervalSeconds: 2, maxAttempts: 6, backoffRate: 2, maxDelaySeconds: 60, jitter: "FULL" }]),
          catch: [failed],
          next: "FilesDone",
        }),
        FilesDone: States.choice({ choices: [{ variable: "$.files.done", booleanEquals: true, next: "AnonymiseAnalytics" }], default: "DeleteFiles" }),
        AnonymiseAnalytics: States.task(anonymise, { resultPath: "$.analytics", retry: lambdaRetries(anonymise), catch: [failed], next: "DeleteProfile" }),
        DeleteProfile: States.task(deleteProfile, { resultPath: "$.profile", retry: lambdaRetries(deleteProfile), catch: [failed], next: "DeleteCognitoUser" }),
        DeleteCognitoUser: States.task(deleteCognitoUser, {
          comment: "Already deleted (a re-run): go on.",
          resultPath: null,
          retry: [Retry.transient(deleteCognitoUser), timedOut],
          catch: [{ errors: ["CognitoIdentityProvider.UserNotFoundException"], next: "WaitForInFlightEvents", resultPath: null }, failed],
          next: "WaitForInFlightEvents",
        }),
        WaitForInFlightEvents: States.wait({
          comment: "Activity accepted before the deletion may still be on the stream (batching window, retries).",
          seconds: props.inFlightWaitSeconds,
          next: "SweepAnalytics",
        }),
        SweepAnalytics: States.task(sweep, { resultPath: "$.sweep", retry: lambdaRetries(sweep), catch: [failed], next: "WriteAudit" }),
        WriteAudit: States.task(audit, { resultPath: null, retry: [Retry.transient(audit), timedOut], catch: [failed], next: "Done" }),
        Done: States.succeed(),
        Failed: States.fail({ error: "DeleteUserFailed", causePath: "$.error.Cause" }),
      },
    };

    this.stateMachine = new StateMachine(this, "DeleteUser", {
      name: "delete-user",
      definition,
      logging: props.logging,
      logRetentionDays: props.logRetentionDays,
      preventLogGroupDestroy: props.preventLogGroupDestroy,
      tracing: true,
    });
    this.stateMachine.connect(props.profileApi, DELETE_USER_STATE_MACHINE_ARN_ENV);
    props.api.addRoute("GET /profiles/me/deletion", props.profileApi, { authorizer: props.authorizer });
  }
}
