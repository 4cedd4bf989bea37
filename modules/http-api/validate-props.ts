import { PropsValidator } from "../core/validation";
import { LOG_RETENTION_DAYS } from "../log-group";
import type { HttpApiProps, HttpRouteOptions, JwtAuthorizerOptions } from "./index";

/** Methods a route key may start with (ANY matches every method). */
export const ROUTE_METHODS = ["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
/** Methods allowed in a CORS configuration. */
export const CORS_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"] as const;

/** One path segment: a literal, a `{param}`, or (last segment only) a greedy `{proxy+}`. */
const LITERAL = /^[A-Za-z0-9._~:@!$&'()*,;=-]+$/;
const PARAM = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const GREEDY = /^\{[A-Za-z_][A-Za-z0-9_]*\+\}$/;
/** A CORS origin: `*`, or scheme://host[:port] (a leading `*.` wildcard subdomain is allowed), without path or trailing slash. */
const ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$/;
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NAME = /^[a-zA-Z0-9_.-]+$/;

/** True when the string is a route key API Gateway accepts: `$default` or `METHOD /path`. */
export function isValidRouteKey(routeKey: string): boolean {
  if (routeKey === "$default") return true;
  const m = /^([A-Z]+) (\/.*)$/.exec(routeKey);
  if (!m || !(ROUTE_METHODS as readonly string[]).includes(m[1])) return false;
  const path = m[2];
  if (path === "/") return true;
  const segments = path.slice(1).split("/");
  return segments.every((seg, i) => LITERAL.test(seg) || PARAM.test(seg) || (GREEDY.test(seg) && i === segments.length - 1));
}

export function validateHttpApiProps(path: string, props: HttpApiProps): void {
  const v = new PropsValidator("HttpApi", path);
  v.string("name", props.name, { min: 1, max: 100, pattern: NAME, describe: "1–100 characters of [a-zA-Z0-9_.-]", fix: 'use a short kebab-case name such as "api"' });
  v.string("description", props.description, { max: 1024, describe: "at most 1024 characters" });
  v.oneOf("logRetentionDays", props.logRetentionDays, LOG_RETENTION_DAYS as readonly number[], "pick a retention CloudWatch Logs supports, e.g. 30");
  v.integer("throttlingBurstLimit", props.throttlingBurstLimit, 1, 5000, "set throttlingBurstLimit between 1 and 5000 (the account-level default burst quota)");
  const rate = props.throttlingRateLimit;
  if (rate !== undefined) {
    v.check(typeof rate === "number" && Number.isFinite(rate) && rate > 0 && rate <= 10000, {
      prop: "throttlingRateLimit",
      received: rate,
      allowed: "a number of requests per second above 0 and at most 10000 (the account-level default quota)",
      fix: "set throttlingRateLimit between 1 and 10000",
    });
  }
  const cors = props.cors;
  if (cors) {
    const origins = cors.allowOrigins ?? [];
    v.check(Array.isArray(origins) && origins.length > 0, {
      prop: "cors.allowOrigins",
      received: cors.allowOrigins,
      allowed: "a non-empty list of origins",
      fix: 'list the SPA\'s origins, e.g. ["https://app.example.com"], or leave cors unset',
    });
    origins.forEach((o, i) => {
      v.check(o === "*" || ORIGIN.test(o), {
        prop: `cors.allowOrigins[${i}]`,
        received: o,
        allowed: '"*" or an origin scheme://host[:port] without path or trailing slash',
        fix: 'remove the path and trailing slash, e.g. "https://app.example.com"',
      });
    });
    v.check(!(origins.includes("*") && (cors.allowCredentials ?? false)), {
      prop: "cors.allowCredentials",
      received: true,
      allowed: 'false when allowOrigins contains "*" (browsers reject credentials with a wildcard origin)',
      fix: 'list the exact origins instead of "*", or set allowCredentials to false',
    });
    (cors.allowMethods ?? []).forEach((m, i) => v.oneOf(`cors.allowMethods[${i}]`, m, CORS_METHODS));
    for (const field of ["allowHeaders", "exposeHeaders"] as const) {
      (cors[field] ?? []).forEach((h, i) => {
        v.check(h === "*" || HEADER.test(h), { prop: `cors.${field}[${i}]`, received: h, allowed: '"*" or an HTTP header name', fix: 'use a header name such as "content-type"' });
      });
    }
    v.integer("cors.maxAgeSeconds", cors.maxAgeSeconds, 0, 86400, "set maxAgeSeconds between 0 and 86400 (one day)");
  }
  if (props.defaultAuthorizer) collectJwtAuthorizerProblems(v, "defaultAuthorizer.", props.defaultAuthorizer);
  v.throwIfInvalid();
}

export function validateJwtAuthorizer(path: string, id: string, o: JwtAuthorizerOptions): void {
  const v = new PropsValidator(`HttpApi.addJwtAuthorizer("${id}")`, path);
  collectJwtAuthorizerProblems(v, "", o);
  v.throwIfInvalid();
}

function collectJwtAuthorizerProblems(v: PropsValidator, prefix: string, o: JwtAuthorizerOptions): void {
  v.string(`${prefix}issuer`, o.issuer, {
    pattern: /^https:\/\/[^\s/]+(\/\S*)?$/,
    describe: "an https:// URL (the token's iss claim)",
    fix: "pass the issuer URL, e.g. userPool.issuerUrl (https://cognito-idp.<region>.amazonaws.com/<pool id>)",
  });
  if (!PropsValidator.isUnresolved(o.audience)) {
    const audience = o.audience ?? [];
    v.check(audience.length >= 1 && audience.length <= 50, {
      prop: `${prefix}audience`,
      received: o.audience,
      allowed: "1 to 50 audiences (for Cognito: app client ids)",
      fix: "pass the client ids whose tokens the API accepts, e.g. [client.clientId]",
    });
  }
  v.string(`${prefix}identitySource`, o.identitySource, {
    pattern: /^\$request\.(header|querystring)\.[A-Za-z0-9_.-]+$/,
    describe: "a selection expression such as $request.header.Authorization",
    fix: 'use "$request.header.Authorization" (the default)',
  });
  v.string(`${prefix}name`, o.name, { min: 1, max: 100, pattern: NAME, describe: "1–100 characters of [a-zA-Z0-9_.-]" });
}

export function validateRoute(path: string, routeKey: string, o: HttpRouteOptions, ctx: { hasDefaultAuthorizer: boolean; duplicate: boolean }): void {
  const v = new PropsValidator(`HttpApi.addRoute("${routeKey}")`, path);
  v.check(isValidRouteKey(routeKey), {
    prop: "routeKey",
    received: routeKey,
    allowed: `"$default" or "METHOD /path" with METHOD one of ${ROUTE_METHODS.join(", ")} and path segments that are literals, {param} or a final {proxy+}, no trailing slash`,
    fix: 'write it like "GET /profiles/me", "PUT /profiles/{id}" or "ANY /{proxy+}"',
  });
  v.check(!ctx.duplicate, {
    prop: "routeKey",
    received: routeKey,
    allowed: "a route key not yet added to this API",
    fix: "add each route once; one function may serve several routes",
  });
  v.oneOf("authorization", o.authorization, ["NONE"] as const, 'pass authorization: "NONE" for a public route, or omit it');
  const isPublic = o.authorization === "NONE";
  v.check(!(isPublic && o.authorizer !== undefined), {
    prop: "authorization",
    received: o.authorization,
    allowed: "omitted when an authorizer is passed",
    fix: 'drop authorization: "NONE" or drop the authorizer',
  });
  v.check(!(isPublic && (o.authorizationScopes ?? []).length > 0), {
    prop: "authorizationScopes",
    received: o.authorizationScopes,
    allowed: "no scopes on a public route (scopes are checked by a JWT authorizer)",
    fix: "remove authorizationScopes or make the route authorized",
  });
  v.check(isPublic || o.authorizer !== undefined || ctx.hasDefaultAuthorizer, {
    prop: "authorizer",
    received: undefined,
    allowed: 'an authorizer (route option or the HttpApi\'s defaultAuthorizer), or authorization: "NONE" for a deliberately public route',
    fix: `pass { authorizer: api.addJwtAuthorizer(...) } to addRoute("${routeKey}"), set defaultAuthorizer on the HttpApi, or pass { authorization: "NONE" } to make "${routeKey}" public on purpose`,
  });
  (o.authorizationScopes ?? []).forEach((s, i) => {
    v.string(`authorizationScopes[${i}]`, s, { min: 1, max: 256, pattern: /^\S+$/, describe: 'a scope name without whitespace, e.g. "profile/read"' });
  });
  v.throwIfInvalid();
}
