/**
 * The delete-user workflow's contract, shared by profile-api (which starts and reports it), its task functions, the
 * stack that builds the state machine, and the tests. Pure: importing this file pulls in no AWS SDK code.
 *
 * Workflow (services/account-deletion.ts): MarkProfile → DeleteFiles (loop until done) → AnonymiseAnalytics →
 * DeleteProfile → DeleteCognitoUser → WriteAudit. Every step is idempotent, so a retried step or a re-run execution
 * finishes the job.
 */
import { createHash } from "node:crypto";

/** profile-api: the state machine it starts (DELETE /profiles/me) and reports on (GET /profiles/me/deletion). */
export const DELETE_USER_STATE_MACHINE_ARN_ENV = "DELETE_USER_STATE_MACHINE_ARN";

/** The profile item's attribute that marks a deletion in progress: `{ executionName, startedAt }`. Writes then get 409. */
export const DELETION_ATTRIBUTE = "deletion";
/** The version floor's attribute that says the account was deleted: the profile can never be created again. */
export const ACCOUNT_DELETED_ATTRIBUTE = "accountDeleted";
/** Sort key prefix of the audit item the workflow writes in the user's partition of the profiles table. */
export const DELETION_AUDIT_SORT_KEY_PREFIX = "DELETION_AUDIT#";

/** Step Functions execution names: 1–80 characters of `[A-Za-z0-9_-]`. */
const EXECUTION_NAME_SAFE = /^[A-Za-z0-9_-]{1,60}$/;

/**
 * The execution that deletes this user's account at this profile version: the same user and version always give the
 * same name, so a repeated DELETE cannot start a second execution (Step Functions refuses a second execution of a name).
 * A user id that is not name-safe (Cognito `sub`s are UUIDs, so only in tests) is replaced by its SHA-256.
 */
export function deletionExecutionName(userId: string, profileVersion: number): string {
  if (!Number.isInteger(profileVersion) || profileVersion < 1) {
    throw new Error(`deletionExecutionName: profile version must be a positive integer, received ${profileVersion}`);
  }
  const id = EXECUTION_NAME_SAFE.test(userId) ? userId : createHash("sha256").update(userId, "utf8").digest("hex").slice(0, 40);
  return `delete-${id}-v${profileVersion}`;
}

/** The ARN of an execution of a state machine: `arn:…:states:region:account:execution:<machine>:<name>`. */
export function executionArn(stateMachineArn: string, executionName: string): string {
  const marker = ":stateMachine:";
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new Error(`executionArn: ${stateMachineArn} is not a state machine ARN`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${executionName}`;
}

/** What profile-api starts the workflow with. */
export interface DeleteUserInput {
  readonly userId: string;
  /** The profile version the deletion was requested at (part of the execution name). */
  readonly profileVersion: number;
  /**
   * The id the user's analytics rows are re-keyed to: random, chosen once per execution and never stored with the user
   * id, so the rows cannot be linked back to the person.
   */
  readonly pseudonym: string;
}

/** Running totals of DeleteFiles, carried from one invocation to the next by the state machine. */
export interface FilesTotals {
  readonly objectVersions: number;
  readonly fileItems: number;
  readonly invocations: number;
}

export const NO_FILES_DELETED: FilesTotals = { objectVersions: 0, fileItems: 0, invocations: 0 };

/** DeleteFiles' input: the user, and the totals so far (absent on the first invocation). */
export interface DeleteFilesInput {
  readonly userId: string;
  readonly totals?: FilesTotals;
}

/** DeleteFiles' result: `done` once the user has no object version and no file item left. */
export interface DeleteFilesOutput {
  readonly done: boolean;
  readonly totals: FilesTotals;
}

export interface AnonymiseAnalyticsInput {
  readonly userId: string;
  readonly pseudonym: string;
}

export interface AnonymiseAnalyticsOutput {
  /** Activity rows re-keyed to the pseudonym (with their props cleared). */
  readonly activityRows: number;
  /** Users rows whose personal fields were cleared (0 or 1). */
  readonly userRows: number;
}

export interface DeleteProfileInput {
  readonly userId: string;
  readonly executionName: string;
}

export interface DeleteProfileOutput {
  /** false when the profile was already gone (a re-run). */
  readonly profileDeleted: boolean;
  /** The version deleted, or null when the profile was already gone. */
  readonly deletedVersion: number | null;
  /** When this step ran, ISO 8601 (the audit record's `deletedAt`). */
  readonly deletedAt: string;
}

/** Pseudonyms start with this, so an analyst sees at once that a row belongs to a deleted account. */
export const PSEUDONYM_PREFIX = "deleted-";
