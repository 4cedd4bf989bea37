/**
 * profile-api: `GET|PUT|DELETE /profiles/me` behind an HTTP API (payload 2.0) with a JWT authorizer.
 * The caller is whoever the verified token says (`sub`, `email`); nothing in the path, query or body can
 * name another user. Writes go to DynamoDB only: change events leave through the table's stream.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import { createDocumentClient } from "../shared/dynamodb";
import { requireEnv } from "../shared/env";
import { HttpError, HttpResponse, errorToResponse, getHeader, jsonResponse, noContentResponse, requestPath } from "../shared/http";
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
import { ProfileStore, VersionConflictError, deleteProfile, getProfile, saveProfile } from "./repository";
import { PROFILES_TABLE_NAME_ENV } from "./schema";

const store: ProfileStore = { client: createDocumentClient(), tableName: requireEnv(PROFILES_TABLE_NAME_ENV) };

export const PROFILE_PATH = "/profiles/me";
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
    throw err;
  }
}

async function deleteMyProfile(event: ProfileApiEvent, identity: Identity): Promise<HttpResponse> {
  const ifMatch = valueOrBadRequest(parseIfMatch(getHeader(event.headers, "if-match")));
  try {
    await deleteProfile(store, identity.userId, ifMatch);
    return noContentResponse();
  } catch (err) {
    if (err instanceof VersionConflictError) throw preconditionFailed(err);
    throw err;
  }
}
