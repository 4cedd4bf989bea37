/** The deployed shape of an API Gateway v2 HTTP API, as the local emulation serves it. */

/** The API's CORS configuration (`cors_configuration` of `aws_apigatewayv2_api`). */
export interface HttpApiCorsConfig {
  /** Exact origins, `"*"`, or a scheme wildcard such as `"https://*"`. */
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
  allowCredentials?: boolean;
}

/** A JWT authorizer (`aws_apigatewayv2_authorizer` with `authorizer_type = "JWT"`). */
export interface JwtAuthorizerConfig {
  id: string;
  name: string;
  /** Compared exactly with the token's `iss`. */
  issuer: string;
  /** The token's `aud`, or its `client_id` when it has no `aud`, must be one of these. */
  audience: string[];
  /** Where the token is read, e.g. `"$request.header.Authorization"`. */
  identitySource: string;
}

/** A route and its Lambda proxy integration. */
export interface HttpRouteConfig {
  /** `"GET /profiles/me"`, `"ANY /files/{proxy+}"`, `"POST /items/{id}"` or `"$default"`. */
  routeKey: string;
  /** The Lambda proxy integration's target; a route without one answers 500, as AWS does. */
  functionArn?: string;
  /** Only 2.0 is emulated; a 1.0 route answers 500 and says so in the log. */
  payloadFormatVersion: "1.0" | "2.0";
  /** The integration timeout (API Gateway caps it at 30 000 ms); exceeded → 503. */
  timeoutMs: number;
  authorizationType: "NONE" | "JWT";
  authorizerId?: string;
  /** The token must carry at least one of these in `scope` (or `scp`), else 403. */
  authorizationScopes?: string[];
}

/** One HTTP API on one stage. */
export interface HttpApiConfig {
  apiId: string;
  name: string;
  /** `"$default"` (served at the root) or a named stage (served under `/<stage>`). */
  stage: string;
  cors?: HttpApiCorsConfig;
  routes: HttpRouteConfig[];
  authorizers: JwtAuthorizerConfig[];
}
