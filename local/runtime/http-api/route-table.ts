import type { HttpRouteConfig } from "./config";
import { decodePercent } from "./url-decoding";

/**
 * Route selection as API Gateway HTTP APIs do it: the most specific path wins (compared segment by
 * segment from the left: a literal beats a `{param}`, which beats a greedy `{param+}`), then an exact
 * method beats `ANY`; `$default` catches what nothing else matched.
 */

type Segment = { readonly kind: "literal"; readonly text: string } | { readonly kind: "param"; readonly name: string } | { readonly kind: "greedy"; readonly name: string };

/** Ranks of segment kinds, higher is more specific. */
const SPECIFICITY = { literal: 2, param: 1, greedy: 0 } as const;

interface CompiledRoute {
  readonly route: HttpRouteConfig;
  /** Upper-case method, or "ANY". */
  readonly method: string;
  readonly segments: readonly Segment[];
}

/** The routes of one API, parsed once per deployment. */
export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
  readonly defaultRoute?: HttpRouteConfig;
}

/** The route a request selected and the values of its path parameters (decoded). */
export interface RouteMatch {
  readonly route: HttpRouteConfig;
  readonly pathParameters?: Record<string, string>;
}

const ROUTE_KEY = /^([A-Z]+) (\/.*)$/;
const PARAM = /^\{([A-Za-z0-9._:-]+)(\+?)\}$/;

function parseSegment(text: string, isLast: boolean, routeKey: string): Segment {
  const param = PARAM.exec(text);
  if (param === null) {
    if (text.includes("{") || text.includes("}")) throw new Error(`route key "${routeKey}": malformed path variable "${text}"`);
    return { kind: "literal", text };
  }
  const [, name, plus] = param;
  if (plus === "") return { kind: "param", name };
  if (!isLast) throw new Error(`route key "${routeKey}": a greedy path variable must be the last segment`);
  return { kind: "greedy", name };
}

function compileRoute(route: HttpRouteConfig): CompiledRoute {
  const parsed = ROUTE_KEY.exec(route.routeKey);
  if (parsed === null) throw new Error(`route key "${route.routeKey}" is neither "$default" nor "METHOD /path"`);
  const [, method, path] = parsed;
  const texts = path === "/" ? [] : path.slice(1).split("/");
  if (texts.some((text) => text === "")) throw new Error(`route key "${route.routeKey}": empty path segment`);
  const segments = texts.map((text, i) => parseSegment(text, i === texts.length - 1, route.routeKey));
  return { route, method, segments };
}

/** Parses every route key; throws on a malformed one (AWS refuses those at deployment). */
export function compileRouteTable(routes: readonly HttpRouteConfig[]): RouteTable {
  const defaults = routes.filter((route) => route.routeKey === "$default");
  if (defaults.length > 1) throw new Error("more than one $default route");
  return {
    routes: routes.filter((route) => route.routeKey !== "$default").map(compileRoute),
    defaultRoute: defaults[0],
  };
}

/** The path split into segments: "/" → [], "/a/b" → ["a", "b"], "/a/" → ["a", ""]. */
function splitPath(path: string): string[] {
  return path === "/" ? [] : path.slice(1).split("/");
}

function matchSegments(segments: readonly Segment[], request: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === "greedy") {
      const rest = request.slice(i);
      if (rest.length === 0 || rest[0] === "") return undefined;
      params[segment.name] = rest.map(decodePercent).join("/");
      return params;
    }
    const text = request[i];
    if (text === undefined) return undefined;
    if (segment.kind === "literal" && decodePercent(text) !== segment.text) return undefined;
    if (segment.kind === "param") {
      if (text === "") return undefined;
      params[segment.name] = decodePercent(text);
    }
  }
  return segments.length === request.length ? params : undefined;
}

/** Negative when `a` is the more specific route. */
function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const rankA = a.segments[i] === undefined ? -1 : SPECIFICITY[a.segments[i].kind];
    const rankB = b.segments[i] === undefined ? -1 : SPECIFICITY[b.segments[i].kind];
    if (rankA !== rankB) return rankB - rankA;
  }
  return (a.method === "ANY" ? 1 : 0) - (b.method === "ANY" ? 1 : 0);
}

/** Selects the route for a request path (stage prefix already removed), or undefined: 404. */
export function selectRoute(table: RouteTable, method: string, path: string): RouteMatch | undefined {
  const request = splitPath(path);
  let best: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
  for (const compiled of table.routes) {
    if (compiled.method !== method && compiled.method !== "ANY") continue;
    const params = matchSegments(compiled.segments, request);
    if (params === undefined) continue;
    if (best === undefined || compareSpecificity(compiled, best.compiled) < 0) best = { compiled, params };
  }
  if (best !== undefined) {
    const hasParams = Object.keys(best.params).length > 0;
    return { route: best.compiled.route, pathParameters: hasParams ? best.params : undefined };
  }
  return table.defaultRoute === undefined ? undefined : { route: table.defaultRoute };
}
