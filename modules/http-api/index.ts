import { createHash } from "node:crypto";
import { Annotations, Fn } from "cdktf";
import { Construct } from "constructs";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { uniqueChildId } from "../core/ids";
import { IFunction, IHttpApi } from "../core/interfaces";
import { physicalName } from "../core/naming";
import { dnsSuffixOf } from "../core/provider";
import { PropsValidator } from "../core/validation";
import { LogGroup } from "../log-group";
import { validateHttpApiProps, validateJwtAuthorizer, validateRoute } from "./validate-props";
import { DEFAULT_LOG_RETENTION_DAYS } from "../log-group/defaults";

export { isValidRouteKey, ROUTE_METHODS } from "./validate-props";

/** The one stage: served at the API's root URL, deployed on every change. */
const STAGE_NAME = "$default";

/** The service principal API Gateway invokes Lambda integrations as. */
export const API_GATEWAY_PRINCIPAL = "apigateway.amazonaws.com";

/**
 * Fields of each access log line (one JSON object per request). `$context` variables of HTTP APIs:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  integrationErrorMessage: "$context.integrationErrorMessage",
  authorizerError: "$context.authorizer.error",
  latency: "$context.responseLatency",
};

/**
 * CORS, answered by API Gateway itself (preflight OPTIONS requests never reach the functions, unless an `ANY` or
 * `$default` route with an authorizer catches them: then add a public `OPTIONS` route or use method routes).
 */
export interface HttpApiCors {
  /** Allowed origins, scheme://host[:port] without path; `*` only without allowCredentials. Required, at least one. */
  readonly allowOrigins: readonly string[];
  /** Allowed methods (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or *). @default ["GET", "POST", "PUT", "PATCH", "DELETE"] */
  readonly allowMethods?: readonly string[];
  /** Request headers the browser may send. @default ["authorization", "content-type", "if-match"] */
  readonly allowHeaders?: readonly string[];
  /** Response headers the browser may read. @default ["etag"] (optimistic concurrency with If-Match) */
  readonly exposeHeaders?: readonly string[];
  /** Seconds the browser caches a preflight result, 0–86400 (browsers cap it lower: Chrome 7200). @default 3600 */
  readonly maxAgeSeconds?: number;
  /** Allow cookies/credentials in cross-origin requests; never together with origin `*`. @default false */
  readonly allowCredentials?: boolean;
}

/** A JWT authorizer: API Gateway validates the token's signature (issuer's JWKS), `iss`, `aud`/`client_id`, `exp`. */
export interface JwtAuthorizerOptions {
  /** Issuer URL, https (for Cognito: `userPool.issuerUrl`). Required. */
  readonly issuer: string;
  /** Accepted audiences, 1–50 (for Cognito: app client ids; access tokens are matched on `client_id`). Required. */
  readonly audience: readonly string[];
  /** Where the token is read. @default "$request.header.Authorization" */
  readonly identitySource?: string;
  /** Logical name, 1–100 chars of [a-zA-Z0-9_.-]; the physical name is `<app>-<env>-<name>`. @default the construct id */
  readonly name?: string;
}

export interface HttpApiProps {
  /** Logical name, 1–100 chars of [a-zA-Z0-9_.-]; the physical name is `<app>-<env>-<name>` (≤ 128). */
  readonly name: string;
  /** Description (≤ 1024 chars). @default none */
  readonly description?: string;
  /** Access log retention in days (a value CloudWatch accepts). @default 30 */
  readonly logRetentionDays?: number;
  /** Keep the access-log group when Terraform would destroy it (`prevent_destroy`; turn on in production). @default false */
  readonly preventLogGroupDestroy?: boolean;
  /**
   * Stage-wide default route throttling (token bucket; requests over it get 429): bucket size, 1–5000 (the default
   * account quota per region). @default 100
   */
  readonly throttlingBurstLimit?: number;
  /** Stage-wide steady-state requests per second, > 0 and ≤ 10000 (the default account quota per region). @default 50 */
  readonly throttlingRateLimit?: number;
  /** CORS configuration, answered by API Gateway. @default none (no CORS headers: same-origin callers only, e.g. behind CloudFront) */
  readonly cors?: HttpApiCors;
  /**
   * Turn off the default `https://<id>.execute-api.<region>.amazonaws.com` endpoint (when clients must come through
   * a custom domain or CloudFront). @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
  /**
   * A JWT authorizer applied to every route that names none; a route is public only with `authorization: "NONE"`.
   * @default none: every route must pass an authorizer or `authorization: "NONE"`
   */
  readonly defaultAuthorizer?: JwtAuthorizerOptions;
  /** Per-route CloudWatch metrics (each route adds custom metrics, billed). @default false (API-wide metrics only) */
  readonly detailedMetrics?: boolean;
}

export interface HttpRouteOptions {
  /** JWT authorizer (from `addJwtAuthorizer` of the same API). @default the API's defaultAuthorizer */
  readonly authorizer?: HttpJwtAuthorizer;
  /** OAuth scopes of which the access token must hold at least one. @default none (any valid token) */
  readonly authorizationScopes?: readonly string[];
  /** `"NONE"` makes the route public on purpose; without it a route needs an authorizer. @default authorized */
  readonly authorization?: "NONE";
}

/** A route added with `addRoute`. */
export interface HttpRoute {
  readonly routeKey: string;
  readonly resource: Apigatewayv2Route;
  readonly integration: Apigatewayv2Integration;
  /** The invoke permission scoped to this route's source ARN. */
  readonly permission: LambdaPermission;
  /** The source ARN the permission allows (`<executionArn>/*\/<METHOD>/<path>`). */
  readonly sourceArn: string;
}

export type { IHttpApi } from "../core/interfaces";

/** Attributes of an existing HTTP API, for `HttpApi.fromAttributes` (each may be a token). */
export interface HttpApiAttributes {
  /** The API id (`apigatewayv2_api.id`), e.g. `a1b2c3d4e5`. */
  readonly apiId: string;
  /** The API's region, e.g. `eu-west-1`. */
  readonly region: string;
  /** The 12-digit account that owns the API (its execution ARN names it). */
  readonly accountId: string;
  /** The stage monitored and routed to. @default "$default" */
  readonly stageName?: string;
  /** The AWS partition. @default "aws" */
  readonly partition?: string;
}

class ImportedHttpApi extends Construct implements IHttpApi {
  public readonly apiId: string;
  public readonly stageName: string;
  public readonly executionArn: string;
  public readonly apiEndpoint: string;
  public readonly endpointHost: string;

  constructor(scope: Construct, id: string, attrs: HttpApiAttributes) {
    super(scope, id);
    const partition = attrs.partition ?? "aws";
    new PropsValidator(`HttpApi.fromAttributes(scope, "${id}")`, this.node.path)
      .string("apiId", attrs.apiId, { pattern: /^[a-z0-9]{10}$/, describe: "an API id: 10 characters of [a-z0-9]" })
      .string("region", attrs.region, { pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, describe: 'an AWS region such as "eu-west-1"' })
      .string("accountId", attrs.accountId, { pattern: /^\d{12}$/, describe: "a 12-digit AWS account id" })
      .string("partition", partition, { pattern: /^aws(-[a-z]+)*$/, describe: 'an AWS partition such as "aws" or "aws-cn"' })
      .throwIfInvalid();
    this.apiId = attrs.apiId;
    this.stageName = attrs.stageName ?? STAGE_NAME;
    this.executionArn = `arn:${partition}:execute-api:${attrs.region}:${attrs.accountId}:${attrs.apiId}`;
    this.endpointHost = `${attrs.apiId}.execute-api.${attrs.region}.${dnsSuffixOf(partition)}`;
    this.apiEndpoint = `https://${this.endpointHost}`;
  }
}

/** A JWT authorizer of one HTTP API; pass it to `addRoute` (or use the API's defaultAuthorizer). */
export class HttpJwtAuthorizer extends Construct {
  public readonly authorizerId: string;
  public readonly resource: Apigatewayv2Authorizer;

  constructor(
    scope: Construct,
    id: string,
    /** The API this authorizer belongs to; routes of other APIs cannot use it. */
    public readonly api: HttpApi,
    options: JwtAuthorizerOptions,
  ) {
    super(scope, id);
    this.resource = new Apigatewayv2Authorizer(this, "Resource", {
      apiId: api.apiId,
      name: physicalName(this, options.name ?? id, { maxLength: 128 }),
      authorizerType: "JWT",
      identitySources: [options.identitySource ?? "$request.header.Authorization"],
      jwtConfiguration: { issuer: options.issuer, audience: [...options.audience] },
    });
    this.authorizerId = this.resource.id;
  }
}

/**
 * An API Gateway HTTP API with a `$default` stage (auto deploy), JSON access logs to a log group with retention,
 * stage throttling, optional CORS and JWT authorizers. Routes are authorized unless marked `authorization: "NONE"`;
 * each route gets a Lambda proxy integration (payload 2.0, one per function) and an invoke permission scoped to that
 * route's method and path.
 */
export class HttpApi extends Construct implements IHttpApi {
  /**
   * Imports an API created elsewhere by id, region and account (tokens are fine), for monitoring and CDN origins.
   * Routes cannot be added to it.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: HttpApiAttributes): IHttpApi {
    return new ImportedHttpApi(scope, id, attrs);
  }

  public readonly apiId: string;
  /** Base URL, `https://<id>.execute-api.<region>.amazonaws.com` (the `$default` stage is served at the root). */
  public readonly apiEndpoint: string;
  /** `<id>.execute-api.<region>.amazonaws.com`: apiEndpoint without its scheme (a CloudFront origin's domain name). */
  public readonly endpointHost: string;
  /** `arn:aws:execute-api:<region>:<account>:<api id>`, prefix of every route's source ARN. */
  public readonly executionArn: string;
  /** Always `$default` (a plain string, usable as the `Stage` metric dimension). */
  public readonly stageName: string;
  public readonly logGroup: LogGroup;
  public readonly defaultAuthorizer?: HttpJwtAuthorizer;
  public readonly resource: Apigatewayv2Api;
  public readonly stage: Apigatewayv2Stage;
  private readonly corsEnabled: boolean;
  private readonly routeMap = new Map<string, HttpRoute>();
  private readonly integrations = new Map<IFunction, Apigatewayv2Integration>();

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    validateHttpApiProps(this.node.path, props);
    const apiName = physicalName(this, props.name, { maxLength: 128, extraChars: "_." });
    const cors = props.cors;
    this.corsEnabled = cors !== undefined;
    for (const origin of cors?.allowOrigins ?? []) {
      if (/^http:\/\//.test(origin) && !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin)) {
        Annotations.of(this).addWarning(
          `HttpApi "${this.node.path}": CORS origin "${origin}" is plain http; tokens sent from it travel unencrypted. Fix: serve the SPA over https and list the https origin.`,
        );
      }
    }

    this.resource = new Apigatewayv2Api(this, "Resource", {
      name: apiName,
      description: props.description,
      protocolType: "HTTP",
      disableExecuteApiEndpoint: props.disableExecuteApiEndpoint ?? false,
      corsConfiguration: cors
        ? {
            allowOrigins: [...cors.allowOrigins],
            allowMethods: [...(cors.allowMethods ?? ["GET", "POST", "PUT", "PATCH", "DELETE"])],
            allowHeaders: [...(cors.allowHeaders ?? ["authorization", "content-type", "if-match"])],
            exposeHeaders: [...(cors.exposeHeaders ?? ["etag"])],
            maxAge: cors.maxAgeSeconds ?? 3600,
            allowCredentials: cors.allowCredentials ?? false,
          }
        : undefined,
    });
    this.apiId = this.resource.id;
    this.apiEndpoint = this.resource.apiEndpoint;
    this.endpointHost = Fn.replace(this.resource.apiEndpoint, "https://", "");
    this.executionArn = this.resource.executionArn;

    this.logGroup = new LogGroup(this, "AccessLogs", {
      logGroupName: `/aws/apigateway/${apiName}/access`,
      retentionDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      preventDestroy: props.preventLogGroupDestroy ?? false,
    });

    this.stage = new Apigatewayv2Stage(this, "DefaultStage", {
      apiId: this.apiId,
      name: STAGE_NAME,
      autoDeploy: true,
      accessLogSettings: { destinationArn: this.logGroup.arn, format: JSON.stringify(ACCESS_LOG_FIELDS) },
      defaultRouteSettings: {
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        detailedMetricsEnabled: props.detailedMetrics ?? false,
      },
    });
    this.stageName = STAGE_NAME;

    if (props.defaultAuthorizer) {
      this.defaultAuthorizer = new HttpJwtAuthorizer(this, "DefaultAuthorizer", this, props.defaultAuthorizer);
    }
  }

  /** Routes added so far, by route key. */
  public get routes(): ReadonlyMap<string, HttpRoute> {
    return this.routeMap;
  }

  /** Adds a JWT authorizer (e.g. Cognito: issuer `userPool.issuerUrl`, audience `[client.clientId]`). */
  public addJwtAuthorizer(id: string, options: JwtAuthorizerOptions): HttpJwtAuthorizer {
    validateJwtAuthorizer(this.node.path, id, options);
    return new HttpJwtAuthorizer(this, id, this, options);
  }

  /**
   * Routes `routeKey` ("GET /profiles/me", "ANY /{proxy+}", "$default") to a function through a Lambda proxy
   * integration (payload 2.0), and allows API Gateway to invoke the function for this route only.
   * The route uses `options.authorizer`, else the API's defaultAuthorizer; without either it must say
   * `authorization: "NONE"`, or synth fails.
   */
  public addRoute(routeKey: string, fn: IFunction, options: HttpRouteOptions = {}): HttpRoute {
    validateRoute(this.node.path, routeKey, options, {
      hasDefaultAuthorizer: this.defaultAuthorizer !== undefined,
      duplicate: this.routeMap.has(routeKey),
    });
    if (options.authorizer && options.authorizer.api !== this) {
      throw new Error(
        `HttpApi "${this.node.path}": route "${routeKey}" uses authorizer "${options.authorizer.node.path}" of another API. Fix: create the authorizer with this API's addJwtAuthorizer.`,
      );
    }
    const isPublic = options.authorization === "NONE";
    const authorizer = isPublic ? undefined : (options.authorizer ?? this.defaultAuthorizer);
    const [method, path] = routeKey === "$default" ? ["ANY", undefined] : (routeKey.split(" ") as [string, string]);

    if (fn.timeoutSeconds !== undefined && fn.timeoutSeconds > 30) {
      Annotations.of(this).addWarning(
        `HttpApi "${this.node.path}": route "${routeKey}" calls "${fn.node.path}" whose timeout is ${fn.timeoutSeconds} s, but HTTP API integrations time out after 30 s (the client gets 503 while the function keeps running). Fix: lower the function's timeoutSeconds to 30 or less, or make the work asynchronous.`,
      );
    }
    if (this.corsEnabled && authorizer !== undefined && (method === "ANY" || method === "OPTIONS")) {
      Annotations.of(this).addWarning(
        `HttpApi "${this.node.path}": route "${routeKey}" is authorized and matches OPTIONS, so CORS preflight requests (which carry no token) get 401 instead of API Gateway's CORS answer. Fix: use method routes (GET, POST, ...) or add a public "OPTIONS ${path ?? "/{proxy+}"}" route.`,
      );
    }

    const integration = this.integrationFor(fn);
    const slug = routeSlug(routeKey);
    const resource = new Apigatewayv2Route(this, `Route-${slug}`, {
      apiId: this.apiId,
      routeKey,
      target: `integrations/${integration.id}`,
      authorizationType: authorizer ? "JWT" : "NONE",
      authorizerId: authorizer?.authorizerId,
      authorizationScopes: authorizer && options.authorizationScopes ? [...options.authorizationScopes] : undefined,
    });

    // $default: <executionArn>/<stage>/$default; others: <executionArn>/<stage>/<METHOD or *>/<path>. API Gateway checks
    // the permission against the requested path (`/files/01J…`), so each path parameter (`{id}`, `{proxy+}`) is a `*`.
    const arnPath = path?.replace(/\{[^}]+\}/g, "*");
    const sourceArn = arnPath === undefined ? `${this.executionArn}/*/$default` : `${this.executionArn}/*/${method === "ANY" ? "*" : method}${arnPath}`;
    const permissionId = `${this.node.id.replace(/[^A-Za-z0-9_-]/g, "_")}-${slug}`;
    const permission = fn.allowInvoke(permissionId, API_GATEWAY_PRINCIPAL, sourceArn);

    const route: HttpRoute = { routeKey, resource, integration, permission, sourceArn };
    this.routeMap.set(routeKey, route);
    return route;
  }

  /** One Lambda proxy integration per function, shared by all its routes. */
  private integrationFor(fn: IFunction): Apigatewayv2Integration {
    const existing = this.integrations.get(fn);
    if (existing) return existing;
    const integration = new Apigatewayv2Integration(this, uniqueChildId(this, `Integration-${fn.node.id}`), {
      apiId: this.apiId,
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: fn.arn,
      payloadFormatVersion: "2.0",
    });
    this.integrations.set(fn, integration);
    return integration;
  }
}

/**
 * A construct-id and statement-id safe form of a route key: "GET /profiles/{id}" → "GET-profiles-_id_".
 * Long keys keep their start and get a hash of the full key (Lambda statement ids are ≤ 100 chars).
 */
function routeSlug(routeKey: string): string {
  const slug = routeKey
    .replace(/^\$default$/, "_default")
    .replace(/ \//, "-")
    .replace(/\//g, "-")
    .replace(/[^A-Za-z0-9_-]/g, "_")
    .replace(/-$/, "");
  if (slug.length <= 60) return slug;
  const hash = createHash("sha256").update(routeKey).digest("hex").slice(0, 8);
  return `${slug.slice(0, 51)}-${hash}`;
}
