/** Realistic Lambda events and contexts for the profile handlers, shaped as AWS delivers them. */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context, PostConfirmationTriggerEvent, SQSEvent } from "aws-lambda";
import { LOCAL_REGION } from "./dynamodb-local";

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "us-east-1";

export interface HttpRequest {
  readonly method: string;
  /** Path as the client sent it (before any stage prefix). @default "/profiles/me" */
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  /** Verified JWT claims; `null` for a request that reached the function without an authorizer context. */
  readonly claims?: Readonly<Record<string, string>> | null;
  /** @default "$default" */
  readonly stage?: string;
  /** The route API Gateway matched. @default "<method> <path>" (a literal route per method) */
  readonly routeKey?: string;
  /** Base path of a custom domain's API mapping, which HTTP APIs keep in `rawPath` (e.g. "/v1"). @default none */
  readonly basePath?: string;
}

/** The claims API Gateway's JWT authorizer passes for a Cognito ID token. */
export function cognitoClaims(userId: string, email: string): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: userId,
    email,
    email_verified: "true",
    iss: `https://cognito-idp.${TEST_REGION}.amazonaws.com/${TEST_REGION}_TestPool1`,
    aud: "test-app-client-id",
    token_use: "id",
    "cognito:username": userId,
    auth_time: String(now),
    iat: String(now),
    exp: String(now + 3600),
  };
}

/** An HTTP API (payload format 2.0) event with a JWT authorizer context. */
export function httpApiEvent(request: HttpRequest): APIGatewayProxyEventV2WithJWTAuthorizer {
  const path = request.path ?? "/profiles/me";
  const stage = request.stage ?? "$default";
  const rawPath = `${request.basePath ?? ""}${stage === "$default" ? path : `/${stage}${path}`}`;
  const routeKey = request.routeKey ?? `${request.method} ${path}`;
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-length": String(Buffer.byteLength(request.body ?? "")),
    host: "abc123.execute-api.us-east-1.amazonaws.com",
    "user-agent": "jest",
    "x-forwarded-for": "203.0.113.10",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
    ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const now = new Date();
  const requestContext = {
    accountId: TEST_ACCOUNT,
    apiId: "abc123",
    domainName: "abc123.execute-api.us-east-1.amazonaws.com",
    domainPrefix: "abc123",
    http: { method: request.method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.10", userAgent: "jest" },
    requestId: `api-${randomUUID()}`,
    routeKey,
    stage,
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
    ...(request.claims === null ? {} : { authorizer: { principalId: "", integrationLatency: 0, jwt: { claims: { ...(request.claims ?? {}) }, scopes: null } } }),
  };
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString: "",
    headers,
    requestContext: requestContext as APIGatewayProxyEventV2WithJWTAuthorizer["requestContext"],
    ...(request.body !== undefined ? { body: request.body } : {}),
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

/** A Lambda context for a function of the given name. */
export function lambdaContext(functionName: string): Context {
  const awsRequestId = randomUUID();
  const fail = (): never => {
    throw new Error("deprecated Lambda context callbacks are not used by these handlers");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2024/01/01/[$LATEST]${awsRequestId.replace(/-/g, "")}`,
    getRemainingTimeInMillis: () => 30_000,
    done: fail,
    fail,
    succeed: fail,
  };
}

export interface SignUpUser {
  readonly sub: string;
  readonly email?: string;
  readonly name?: string;
}

/** A Cognito post-confirmation trigger event. */
export function postConfirmationEvent(
  user: SignUpUser,
  triggerSource: PostConfirmationTriggerEvent["triggerSource"] = "PostConfirmation_ConfirmSignUp",
): PostConfirmationTriggerEvent {
  const userAttributes: Record<string, string> = {
    sub: user.sub,
    "cognito:user_status": "CONFIRMED",
    ...(user.email !== undefined ? { email: user.email, email_verified: "true" } : {}),
    ...(user.name !== undefined ? { name: user.name } : {}),
  };
  return {
    version: "1",
    region: TEST_REGION,
    userPoolId: `${TEST_REGION}_TestPool1`,
    userName: user.sub,
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "test-app-client-id" },
    triggerSource,
    request: { userAttributes },
    response: {},
  } as PostConfirmationTriggerEvent;
}

/** An SQS event (what Lambda's SQS event source hands a function) with the given bodies. */
export function sqsEvent(bodies: ReadonlyArray<{ messageId?: string; body: string }>): SQSEvent {
  return {
    Records: bodies.map(({ messageId, body }) => ({
      messageId: messageId ?? randomUUID(),
      receiptHandle: `rh-${randomUUID()}`,
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: String(Date.now()),
        SenderId: "AIDAEXAMPLE",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:platform-test-analytics-ingest",
      awsRegion: LOCAL_REGION,
    })),
  };
}
