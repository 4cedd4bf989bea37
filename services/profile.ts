import { Construct } from "constructs";
import type { HttpApi, HttpJwtAuthorizer } from "../modules/http-api";
import type { LambdaFunction } from "../modules/lambda-function";
import { Queue } from "../modules/queue";
import { DEAD_LETTER_RETENTION_SECONDS } from "../modules/queue/defaults";
import { Table } from "../modules/table";
import { Topic } from "../modules/topic";
import { COGNITO_TRIGGER_TIMEOUT_SECONDS } from "../modules/user-pool";
import { PROFILES_TABLE_NAME_ENV, PROFILES_TABLE_SCHEMA, USER_DATA_CHANGE_TOPIC_ARN_ENV } from "../lambdas/profile/schema";
import type { FunctionFactory, HandlerEntry } from "./functions";

export interface ProfileServiceProps {
  /** Entries of the three handlers (bundled by the caller's single esbuild run). */
  readonly handlers: { readonly profileApi: HandlerEntry; readonly profileBootstrap: HandlerEntry; readonly profileEvents: HandlerEntry };
  /** Builds each function (the caller's defaults: memory, timeout, log retention...). */
  readonly functions: FunctionFactory;
  readonly guards: { readonly deletionProtection: boolean; readonly pointInTimeRecovery: boolean; readonly preventDestroy: boolean };
}

/**
 * The profile service of DESIGN.md: profile-api (`GET|PUT|DELETE /profiles/me`) writes the profiles table only; the
 * table's stream is the only way a change leaves (no dual writes): profile-events publishes it to the user-data-change
 * topic, batches that exhaust their retries land in a failure queue. profile-bootstrap (Cognito post-confirmation)
 * creates the initial profile.
 *
 * Its resources are built in `scope` under fixed ids (`Profiles`, `UserDataChange`, `ProfileEventsFailures`, and the
 * factory's `ProfileApi`, `ProfileBootstrap`, `ProfileEvents`), so a stack that composes it keeps the resource addresses
 * it always had; give it a scope of its own to build a second one.
 */
export class ProfileService {
  /** DynamoDB "profiles"; its stream carries every change. */
  public readonly table: Table;
  /** SNS "user-data-change": profile changes, published from the table's stream. */
  public readonly changes: Topic;
  /** profile-api (reads and writes the table). */
  public readonly api: LambdaFunction;
  /** profile-bootstrap: the user pool's post-confirmation trigger (`UserPool.addPostConfirmationTrigger`). */
  public readonly bootstrap: LambdaFunction;
  /** profile-events: table stream → topic. */
  public readonly events: LambdaFunction;
  /** Stream batches profile-events could not publish (metadata to re-drive from the stream). */
  public readonly eventsFailures: Queue;

  constructor(scope: Construct, props: ProfileServiceProps) {
    const guards = props.guards;
    this.table = new Table(scope, "Profiles", {
      name: "profiles",
      partitionKey: PROFILES_TABLE_SCHEMA.partitionKey,
      sortKey: PROFILES_TABLE_SCHEMA.sortKey,
      stream: PROFILES_TABLE_SCHEMA.streamViewType,
      pointInTimeRecovery: guards.pointInTimeRecovery,
      deletionProtection: guards.deletionProtection,
      preventDestroy: guards.preventDestroy,
    });
    this.changes = new Topic(scope, "UserDataChange", { name: "user-data-change" });

    this.api = props.functions("ProfileApi", {
      name: "profile-api",
      ...props.handlers.profileApi,
      description: "Profile HTTP API: GET/PUT/DELETE /profiles/me, GET /profiles/me/deletion",
    });
    this.table.connect(this.api, "readWrite", PROFILES_TABLE_NAME_ENV);

    this.bootstrap = props.functions("ProfileBootstrap", {
      name: "profile-bootstrap",
      ...props.handlers.profileBootstrap,
      description: "Cognito post-confirmation: creates the initial profile",
      // Cognito gives a trigger 5 s, then fails the sign-up call and retries: a longer timeout would only hide that.
      timeoutSeconds: COGNITO_TRIGGER_TIMEOUT_SECONDS,
    });
    this.table.connect(this.bootstrap, "write", PROFILES_TABLE_NAME_ENV);

    this.events = props.functions("ProfileEvents", {
      name: "profile-events",
      ...props.handlers.profileEvents,
      description: "Publishes profile changes from the table stream to SNS",
    });
    this.changes.connect(this.events, USER_DATA_CHANGE_TOPIC_ARN_ENV);
    // Stream batches that exhaust their retries land here (metadata to re-drive from the stream), never lost silently.
    this.eventsFailures = new Queue(scope, "ProfileEventsFailures", { name: "profile-events-failures", deadLetterQueue: false, retentionSeconds: DEAD_LETTER_RETENTION_SECONDS });
    this.events.addDynamoDbStreamEventSource(this.table, {
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      maxRetryAttempts: 10,
      maxRecordAgeSeconds: 86400,
      onFailure: this.eventsFailures,
    });
  }

  /** `GET|PUT|DELETE /profiles/me` → profile-api, behind `authorizer`. */
  public addRoutes(api: HttpApi, authorizer: HttpJwtAuthorizer): void {
    for (const method of ["GET", "PUT", "DELETE"]) api.addRoute(`${method} /profiles/me`, this.api, { authorizer });
  }
}
