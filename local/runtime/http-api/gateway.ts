import type { InvokeFunction, RuntimeLog } from "../types";
import { applyCors, isPreflight, preflightResponse } from "./cors";
import { pathWithinStage, type Deployment } from "./deployment";
import { buildEventV2 } from "./event";
import { GATEWAY_ERRORS, type GatewayResponse } from "./gateway-response";
import type { IncomingRequest } from "./incoming-request";
import type { JwtAuthorizer, JwtAuthorizerContext } from "./jwt-authorizer";
import { runLambdaIntegration } from "./lambda-integration";
import { selectRoute } from "./route-table";

/** What the gateway needs besides the deployment it serves. */
export interface GatewayServices {
  readonly invoke: InvokeFunction;
  readonly jwtAuthorizer: JwtAuthorizer;
  readonly log: RuntimeLog;
  readonly accountId: string;
  readonly now: () => number;
  /** The port the server listens on. */
  readonly port: () => number;
}

/** A handled request: the response and the route it selected (for the access log). */
export interface HandledRequest {
  readonly response: GatewayResponse;
  readonly routeKey?: string;
  /** The API answered a CORS preflight itself. */
  readonly preflight?: boolean;
}

/**
 * One request through the gateway, in API Gateway's order: payload limit, stage, CORS preflight,
 * route selection, authorizer, integration; then the CORS and request id headers every answer carries.
 */
export async function handleRequest(deployment: Deployment, services: GatewayServices, request: IncomingRequest, requestId: string): Promise<HandledRequest> {
  const { cors } = deployment.config;
  const handled = await dispatch(deployment, services, request, requestId);
  const response = cors === undefined || handled.preflight === true ? handled.response : applyCors(cors, request, handled.response);
  return { ...handled, response: { ...response, headers: { ...response.headers, "apigw-requestid": requestId } } };
}

async function dispatch(deployment: Deployment, services: GatewayServices, request: IncomingRequest, requestId: string): Promise<HandledRequest> {
  const { config } = deployment;
  if (request.body === undefined) return { response: GATEWAY_ERRORS.requestEntityTooLarge() };
  const path = pathWithinStage(request.rawPath, config.stage);
  if (path === undefined) return { response: GATEWAY_ERRORS.notFound() };
  if (config.cors !== undefined && isPreflight(request)) return { response: preflightResponse(config.cors, request), preflight: true };

  const match = selectRoute(deployment.routes, request.method, path);
  if (match === undefined) return { response: GATEWAY_ERRORS.notFound() };
  const { route } = match;
  const routeKey = route.routeKey;

  let authorizer: JwtAuthorizerContext | undefined;
  if (route.authorizationType === "JWT") {
    const authorizerConfig = route.authorizerId === undefined ? undefined : deployment.authorizers.get(route.authorizerId);
    if (authorizerConfig === undefined) {
      services.log.error(`http-api: ${routeKey}: unknown authorizer "${String(route.authorizerId)}"`);
      return { response: GATEWAY_ERRORS.internalServerError(), routeKey };
    }
    const result = await services.jwtAuthorizer.authorize(authorizerConfig, route, request);
    if (!result.allowed) return { response: result.response, routeKey };
    authorizer = result.context;
  }

  if (route.functionArn === undefined) {
    services.log.warn(`http-api: ${routeKey}: the route has no integration`);
    return { response: GATEWAY_ERRORS.internalServerError(), routeKey };
  }
  if (route.payloadFormatVersion !== "2.0") {
    services.log.warn(`http-api: ${routeKey}: payload format ${route.payloadFormatVersion} is not emulated locally (only 2.0 is)`);
    return { response: GATEWAY_ERRORS.internalServerError(), routeKey };
  }

  const event = buildEventV2(request, {
    routeKey,
    pathParameters: match.pathParameters,
    authorizer,
    accountId: services.accountId,
    apiId: config.apiId,
    stage: config.stage,
    requestId,
    timeEpoch: services.now(),
    port: services.port(),
  });
  const response = await runLambdaIntegration(services.invoke, { functionArn: route.functionArn, event, timeoutMs: route.timeoutMs, routeKey }, services.log);
  return { response, routeKey };
}
