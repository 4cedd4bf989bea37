/**
 * Local emulation of API Gateway v2 HTTP APIs: Lambda proxy integrations with payload format 2.0,
 * JWT authorizers and CORS, served over node:http.
 */
export type { HttpApiConfig, HttpApiCorsConfig, HttpRouteConfig, JwtAuthorizerConfig } from "./config";
export type { HttpApiEventV2 } from "./event";
export { startHttpApi, type HttpApiServerOptions, type LocalHttpApi } from "./server";
