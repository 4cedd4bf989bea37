/**
 * What Terraform deployed, read from its state file (format v4): the HTTP APIs with their routes, integrations,
 * JWT authorizers and CORS, and the stack's outputs. The runtime serves exactly this;
 * there is no second list of functions or routes.
 */
import { existsSync, readFileSync } from "node:fs";
import type { HttpApiConfig, HttpRouteConfig, JwtAuthorizerConfig } from "./http-api";

interface StateResource {
  mode: "managed" | "data";
  type: string;
  name: string;
  instances: Array<{ attributes: Record<string, any> }>;
}

interface StateFile {
  version: number;
  serial: number;
  lineage: string;
  outputs?: Record<string, { value: unknown }>;
  resources?: StateResource[];
}

export interface Deployment {
  readonly serial: number;
  readonly httpApis: HttpApiConfig[];
  readonly outputs: Record<string, unknown>;
}

function instances(state: StateFile, type: string): Array<Record<string, any>> {
  return (state.resources ?? []).filter((r) => r.mode === "managed" && r.type === type).flatMap((r) => r.instances.map((i) => i.attributes));
}

/** Lambda proxy integration URI → function ARN (both spellings API Gateway accepts). */
export function functionArnOfIntegration(uri: string): string | undefined {
  if (uri.startsWith("arn:aws:lambda:")) return uri;
  const m = /^arn:aws:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(arn:aws:lambda:[^/]+)\/invocations$/.exec(uri);
  return m?.[1];
}

export function readDeployment(statePath: string): Deployment | undefined {
  if (!existsSync(statePath)) return undefined;
  const state = JSON.parse(readFileSync(statePath, "utf8")) as StateFile;
  return deploymentOf(state);
}

export function deploymentOf(state: StateFile): Deployment {
  const integrations = instances(state, "aws_apigatewayv2_integration");
  const authorizers = instances(state, "aws_apigatewayv2_authorizer");
  const routes = instances(state, "aws_apigatewayv2_route");
  const stages = instances(state, "aws_apigatewayv2_stage");
  const httpApis: HttpApiConfig[] = instances(state, "aws_apigatewayv2_api")
    .filter((api) => api.protocol_type === "HTTP")
    .map((api) => {
      const cors = (api.cors_configuration ?? [])[0];
      const apiAuthorizers: JwtAuthorizerConfig[] = authorizers
        .filter((a) => a.api_id === api.id && a.authorizer_type === "JWT")
        .map((a) => ({
          id: a.id,
          name: a.name,
          issuer: a.jwt_configuration?.[0]?.issuer ?? "",
          audience: a.jwt_configuration?.[0]?.audience ?? [],
          identitySource: (a.identity_sources ?? ["$request.header.Authorization"])[0],
        }));
      const apiRoutes: HttpRouteConfig[] = routes
        .filter((r) => r.api_id === api.id)
        .map((r) => {
          const integrationId = typeof r.target === "string" ? r.target.replace(/^integrations\//, "") : undefined;
          const integration = integrations.find((i) => i.id === integrationId);
          return {
            routeKey: r.route_key,
            functionArn: integration ? functionArnOfIntegration(integration.integration_uri ?? "") : undefined,
            payloadFormatVersion: integration?.payload_format_version === "1.0" ? "1.0" : "2.0",
            timeoutMs: integration?.timeout_milliseconds ?? 30000,
            authorizationType: r.authorization_type === "JWT" ? "JWT" : "NONE",
            authorizerId: r.authorizer_id || undefined,
            authorizationScopes: r.authorization_scopes?.length ? r.authorization_scopes : undefined,
          };
        });
      const stage = stages.find((s) => s.api_id === api.id);
      return {
        apiId: api.id,
        name: api.name,
        stage: stage?.name ?? "$default",
        cors: cors
          ? {
              allowOrigins: cors.allow_origins ?? [],
              allowMethods: cors.allow_methods ?? [],
              allowHeaders: cors.allow_headers ?? [],
              exposeHeaders: cors.expose_headers ?? [],
              maxAgeSeconds: cors.max_age || undefined,
              allowCredentials: cors.allow_credentials || undefined,
            }
          : undefined,
        routes: apiRoutes,
        authorizers: apiAuthorizers,
      };
    });
  const outputs = Object.fromEntries(Object.entries(state.outputs ?? {}).map(([k, v]) => [k, v.value]));
  return { serial: state.serial, httpApis, outputs };
}
