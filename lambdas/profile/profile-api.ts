/**
 * profile-api: `GET|PUT|DELETE /profiles/me` and `GET /profiles/me/deletion` behind an HTTP API (payload 2.0) with a
 * JWT authorizer. The caller is whoever the verified token says (`sub`, `email`); nothing in the path, query or body
 * can name another user. Writes go to DynamoDB only: change events leave through the table's stream.
 *
 * `DELETE /profiles/me` deletes the whole account: it starts the delete-user workflow (Step Functions) and answers
 * 202; the workflow marks the profile (writes then get 409), deletes the user's files, anonymises their analytics
 * rows, deletes the profile and the Cognito user, and writes an audit record. `GET /profiles/me/deletion` reports it.
 */
import { randomUUID } from "node:crypto";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import { createDocumentClient } from "../shared/dynamodb";
import { requireEnv } from "../shared/env";
import { HttpError, HttpResponse, errorToResponse, getHeader, jsonResponse, requestPath } from "../shared/http";
import { logger } from "../shared/logger";
import {
  Identity,
  JwtClaims,
  Profile,
  RequestProblem,
  Result,
  formatEtag,
  identityFromClaims,
  parseIfMatch,
  parseJsonBody,
  toProfileResponse,
  validateProfileInput,
} from "./domain";
import {
  AccountDeletedError,
  DeletionInProgressError,
  ProfileStore,
  VersionConflictError,
  MAX_WRITE_ATTEMPTS,
  WriteContentionError,
  clearDeletionMark,
  getAccountState,
  markDeletionRequested,
  getDeletionAudit,
  getProfile,
  saveProfile,
} from "./repository";
import { PROFILES_TABLE_NAME_ENV } from "./schema";
import { DELETE_USER_STATE_MACHINE_ARN_ENV, DeleteUserInput, PSEUDONYM_PREFIX, deletionExecutionName, executionArn } from "../deletion/schema";

const store: ProfileStore = { client: createDocumentClient(), tableName: requireEnv(PROFILES_TABLE_NAME_ENV) };
const deleteUserStateMachineArn = requireEnv(DELETE_USER_STATE_MACHINE_ARN_ENV);
/** Endpoint from `AWS_ENDPOINT_URL_SFN` / `AWS_ENDPOINT_URL` when set (local runs), the regional endpoint otherwise. */
const sfn = new SFNClient({});

export const PROFILE_PATH = "/profiles/me";
export const DELETION_PATH = "/profiles/me/deletion";
const ALLOWED_METHODS = ["GET", "PUT", "DELETE"] as const;
type ProfileMethod = (typeof ALLOWED_METHODS)[number];

export type ProfileApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export const handler = async (event: ProfileApiEvent, context: Context): Promise<HttpResponse> => {
  logger.addContext(context);
  try {
    return await route(event);
  } catch (err) {
    return errorToResponse(err, { awsRequestId: context.awsRequestId, apiRequestId: event.requestContext?.requestId }, logger);
  }
};

/**
 * The path the request addresses. API Gateway already matched a route: for a literal route key
 * ("GET /profiles/me") its path is authoritative, whatever prefix `rawPath` carries (a named stage, or the
 * base path of a custom domain's API mapping, which HTTP APIs keep in `rawPath`). Only for `$default` and
 * greedy routes (`/{proxy+}`) is the path read from `rawPath`.
 */
export function routedPath(event: Pick<ProfileApiEvent, "routeKey" | "rawPath" | "requestContext">): string {
  const match = /^[A-Z]+ (\/\S*)$/.exec(event.routeKey ?? "");
  const routePath = match?.[1];
  if (routePath !== undefined && !routePath.includes("{")) return routePath;
  return requestPath(event.rawPath, event.requestContext.stage);
}

async function route(event: ProfileApiEvent): Promise<HttpResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  const path = routedPath(event);
  if (path === DELETION_PATH) {
    if (method !== "GET") {
      throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on ${DELETION_PATH}; use GET`, { allow: "GET" });
    }
    return getMyDeletion(requireIdentity(event));
  }
  if (path !== PROFILE_PATH) {
    throw new HttpError(404, "RouteNotFound", `No route for ${method} ${path}`);
  }
  if (!isAllowedMethod(method)) {
    throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on ${PROFILE_PATH}; use ${ALLOWED_METHODS.join(", ")}`, {
      allow: ALLOWED_METHODS.join(", "),
    });
  }
  const identity = requireIdentity(event);
  switch (method) {
    case "GET":
      return getMyProfile(identity);
    case "PUT":
      return putMyProfile(event, identity);
    case "DELETE":
      return deleteMyProfile(event, identity);
  }
}

function isAllowedMethod(method: string): method is ProfileMethod {
  return (ALLOWED_METHODS as readonly string[]).includes(method);
}

function requireIdentity(event: ProfileApiEvent): Identity {
  // The type says the authorizer is always there; an API misconfigured without one must still get a 401.
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: JwtClaims } } };
  const identity = identityFromClaims(context.authorizer?.jwt?.claims);
  if (!identity.ok) {
    throw new HttpError(401, "Unauthorized", `The access token lacks the claim(s): ${identity.error.missing.join(", ")}`, {
      "www-authenticate": "Bearer",
    });
  }
  return identity.value;
}

function valueOrBadRequest<T>(result: Result<T, RequestProblem>): T {
  if (!result.ok) throw new HttpError(400, result.error.code, result.error.message);
  return result.value;
}

function profileResponse(statusCode: number, profile: Profile, identity: Identity): HttpResponse {
  return jsonResponse(statusCode, toProfileResponse(profile, identity), { etag: formatEtag(profile.version) });
}

function preconditionFailed(err: VersionConflictError): HttpError {
  return new HttpError(412, "PreconditionFailed", `${err.message}. Fix: GET ${PROFILE_PATH} and retry with its ETag in If-Match.`);
}

/** A write refused because the account is being deleted or was deleted: 409, never retried by the client. */
function accountConflict(err: DeletionInProgressError | AccountDeletedError): HttpError {
  if (err instanceof DeletionInProgressError) {
    return new HttpError(409, "DeletionInProgress", `This account is being deleted; the profile takes no more changes. Follow it with GET ${DELETION_PATH}.`);
  }
  return new HttpError(409, "AccountDeleted", "This account was deleted; its profile cannot be created again. Sign up for a new account.");
}

/** Seconds a client waits before retrying a write that lost its races (`retry-after`). */
export const WRITE_CONFLICT_RETRY_AFTER_SECONDS = 1;

/**
 * Concurrent writes to the same profile won every attempt of this one: nothing was written, and the same request is
 * safe to send again (with its If-Match, if any). 409, retryable, never a 500.
 */
function writeConflict(): HttpError {
  return new HttpError(
    409,
    "WriteConflict",
    `Other writes to this profile won every attempt of this one; nothing was changed. Fix: retry the same request after ${WRITE_CONFLICT_RETRY_AFTER_SECONDS} s.`,
    { "retry-after": String(WRITE_CONFLICT_RETRY_AFTER_SECONDS) },
  );
}

async function getMyProfile(identity: Identity): Promise<HttpResponse> {
  const profile = await getProfile(store, identity.userId);
  if (profile === undefined) {
    throw new HttpError(404, "NotFound", `No profile exists for this user. Fix: create it with PUT ${PROFILE_PATH}.`);
  }
  return profileResponse(200, profile, identity);
}

async function putMyProfile(event: ProfileApiEvent, identity: Identity): Promise<HttpResponse> {
  const ifMatch = valueOrBadRequest(parseIfMatch(getHeader(event.headers, "if-match")));
  const body = valueOrBadRequest(parseJsonBody(event.body, event.isBase64Encoded));
  const input = valueOrBadRequest(validateProfileInput(body));
  try {
    const { profile, created } = await saveProfile(store, identity.userId, input, ifMatch, new Date().toISOString());
    return profileResponse(created ? 201 : 200, profile, identity);
  } catch (err) {
    if (err instanceof VersionConflictError) throw preconditionFailed(err);
    if (err instanceof DeletionInProgressError || err instanceof AccountDeletedError) throw accountConflict(err);
    if (err instanceof WriteContentionError) throw writeConflict();
    throw err;
  }
}

function deletionAccepted(executionName: string): HttpResponse {
  return jsonResponse(202, { executionId: executionArn(deleteUserStateMachineArn, executionName), statusUrl: DELETION_PATH }, { location: DELETION_PATH });
}

/**
 * Starts the delete-user workflow for the caller's account (202 with the execution id). The execution is named after
 * the user and the profile version, so a repeated request (or one racing it) never starts a second execution: it gets
 * the same execution id. `If-Match` (optional) must match the current version.
 */
async function deleteMyProfile(event: ProfileApiEvent, identity: Identity): Promise<HttpResponse> {
  const ifMatch = valueOrBadRequest(parseIfMatch(getHeader(event.headers, "if-match")));
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const state = await getAccountState(store, identity.userId);
    const profile = state.profile;
    if (profile === undefined) {
      const earlier = state.floor?.deletion?.executionName;
      if (state.floor?.accountDeleted === true && earlier !== undefined && ifMatch.kind === "none") return deletionAccepted(earlier);
      if (ifMatch.kind !== "none") throw preconditionFailed(new VersionConflictError(ifMatch, undefined));
      throw new HttpError(404, "NotFound", `No profile exists for this user, so there is no account to delete. Fix: create it with PUT ${PROFILE_PATH}.`);
    }
    if (ifMatch.kind === "version" && ifMatch.version !== profile.version) throw preconditionFailed(new VersionConflictError(ifMatch, profile.version));
    const marked = profile.deletion?.executionName;
    if (marked !== undefined) return deletionAccepted(marked);

    // Mark the profile first (at the version read), so a write sent after the 202 gets 409; the workflow's own
    // MarkProfile step keeps this mark. A write that changed the profile meanwhile: read it again.
    const name = deletionExecutionName(identity.userId, profile.version);
    if ((await markDeletionRequested(store, identity.userId, profile.version, name, new Date().toISOString())) === "changed") continue;
    const input: DeleteUserInput = { userId: identity.userId, profileVersion: profile.version, pseudonym: `${PSEUDONYM_PREFIX}${randomUUID()}` };
    try {
      await sfn.send(new StartExecutionCommand({ stateMachineArn: deleteUserStateMachineArn, name, input: JSON.stringify(input) }));
      logger.info("Account deletion started", { executionName: name });
    } catch (err) {
      // Another request started it first (its input has another pseudonym): the same execution answers both.
      if ((err as { name?: string }).name !== "ExecutionAlreadyExists") {
        // Not started: the profile must not stay marked for an execution that does not exist.
        await clearDeletionMark(store, identity.userId, name);
        throw err;
      }
    }
    return deletionAccepted(name);
  }
  // Writes kept changing the profile between the read and the mark: the same answer as a PUT that lost its races.
  throw writeConflict();
}

/** Status names of a Step Functions execution. */
type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";

/**
 * The caller's account deletion: the execution's status and times, and once it succeeded, what the audit record says
 * was removed. 404 when no deletion was requested.
 */
async function getMyDeletion(identity: Identity): Promise<HttpResponse> {
  const state = await getAccountState(store, identity.userId);
  const name =
    state.profile?.deletion?.executionName ??
    state.floor?.deletion?.executionName ??
    // Started but not marked yet (the workflow's first step has not run): the name the DELETE derived.
    (state.profile !== undefined ? deletionExecutionName(identity.userId, state.profile.version) : undefined);
  const noDeletion = new HttpError(404, "NoDeletion", `No deletion of this account was requested. Fix: DELETE ${PROFILE_PATH} requests one.`);
  if (name === undefined) throw noDeletion;
  const arn = executionArn(deleteUserStateMachineArn, name);
  let execution;
  try {
    execution = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
  } catch (err) {
    if ((err as { name?: string }).name === "ExecutionDoesNotExist") throw noDeletion;
    throw err;
  }
  const status = (execution.status ?? "RUNNING") as ExecutionStatus;
  const audit = status === "SUCCEEDED" ? await getDeletionAudit(store, identity.userId, name) : undefined;
  return jsonResponse(200, {
    executionId: arn,
    status,
    startedAt: execution.startDate?.toISOString() ?? null,
    stoppedAt: execution.stopDate?.toISOString() ?? null,
    // The error name only: a cause may carry internal detail.
    error: execution.error ?? null,
    removed: (audit?.removed as Record<string, unknown> | undefined) ?? null,
  });
}
