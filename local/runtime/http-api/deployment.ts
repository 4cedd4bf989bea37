import type { HttpApiConfig, JwtAuthorizerConfig } from "./config";
import { compileRouteTable, type RouteTable } from "./route-table";

/** A configuration made ready to serve: route keys parsed, authorizers indexed. Swapped whole on update. */
export interface Deployment {
  readonly config: HttpApiConfig;
  readonly routes: RouteTable;
  readonly authorizers: ReadonlyMap<string, JwtAuthorizerConfig>;
}

/** Prepares a configuration; throws when a route key is malformed or a JWT route names no known authorizer. */
export function compileDeployment(config: HttpApiConfig): Deployment {
  if (config.stage === "" || config.stage.includes("/")) throw new Error(`stage "${config.stage}" is not a valid stage name`);
  const authorizers = new Map(config.authorizers.map((authorizer) => [authorizer.id, authorizer]));
  for (const route of config.routes) {
    if (route.authorizationType === "JWT" && (route.authorizerId === undefined || !authorizers.has(route.authorizerId))) {
      throw new Error(`route "${route.routeKey}" uses JWT authorization with unknown authorizer "${String(route.authorizerId)}"`);
    }
  }
  return { config, routes: compileRouteTable(config.routes), authorizers };
}

/** The route path of a request: its raw path without the stage prefix, or undefined when outside the stage. */
export function pathWithinStage(rawPath: string, stage: string): string | undefined {
  if (stage === "$default") return rawPath;
  const prefix = `/${stage}`;
  if (rawPath === prefix) return "/";
  return rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : undefined;
}
