// Effective permissions of one IAM role, computed from its policy documents the way IAM decides (without the AGPL
// simulator, which tests use to cross-check this): Allow statements of its identity policies, expanded to exact
// actions, cut down to what its permissions boundary allows, minus explicit Denies. Then the difference of two such
// sets: grants gained and lost, where a grant already covered by a broader one counts as nothing new.
import { Statement, statementsOf } from "./iam-diff";

/** One effective grant: an action on a resource, under conditions. */
export interface Grant {
  /** An exact action (catalogue spelling); a pattern that could not be expanded; or an opaque "(…)" label. */
  readonly action: string;
  /** A resource ARN pattern as written; "NOT a, b" for a NotResource statement. */
  readonly resource: string;
  /** Conditions that must all hold ("Op key=value", as iam-diff.ts normalizes them), identity and boundary. */
  readonly conditions: readonly string[];
  /** Denies that take away part of the grant and could not be subtracted exactly ("Deny x on y when z"). */
  readonly limits: readonly string[];
  /** Why the grant is not exact: a wildcard or Not* element not expanded, a document not in the plan. */
  readonly inexact?: string;
  /** Policy sources that grant it (not part of its identity). */
  readonly from: readonly string[];
}

/** A policy document of a role and where it comes from; `opaque` when the document is not at hand. */
export interface PolicySource {
  readonly source: string;
  readonly document?: unknown;
  /** Why the document cannot be read (managed policy outside the plan, known only after apply). */
  readonly opaque?: string;
}

/** Actions wildcards expand against: a catalogue of every AWS action by service, or none. */
export interface ActionCatalogue {
  /** Name, version and license, for the report. */
  readonly source: string;
  /** Every action of a service (`s3:GetObject`), undefined for a service it does not know. */
  actionsOf(service: string): readonly string[] | undefined;
}

/** The actions known for the services a plan names: the catalogue's, else the exact actions the plan itself names. */
export interface ActionSpace {
  /** service (lower case) -> actions. */
  readonly actions: ReadonlyMap<string, readonly string[]>;
  /** Services whose list is complete (from the catalogue). */
  readonly catalogued: ReadonlySet<string>;
  /** Catalogue (or first-seen) spelling of an action. */
  readonly spelling: ReadonlyMap<string, string>;
}

const hasWildcard = (s: string): boolean => /[*?]/.test(s);
const serviceOf = (action: string): string | undefined => {
  const i = action.indexOf(":");
  return i > 0 && !hasWildcard(action.slice(0, i)) ? action.slice(0, i).toLowerCase() : undefined;
};

/** The action space of a set of policy documents (every side of every role of a plan, so both sides agree). */
export function actionSpace(documents: Iterable<unknown>, catalogue?: ActionCatalogue): ActionSpace {
  const named = new Map<string, Set<string>>();
  const spelling = new Map<string, string>();
  for (const doc of documents) {
    for (const s of statementsSafe(doc)) {
      for (const a of [...s.actions, ...s.notActions]) {
        const service = serviceOf(a);
        if (!service) continue;
        if (!named.has(service)) named.set(service, new Set());
        if (!hasWildcard(a)) {
          named.get(service)!.add(a);
          if (!spelling.has(a.toLowerCase())) spelling.set(a.toLowerCase(), a);
        }
      }
    }
  }
  const actions = new Map<string, readonly string[]>();
  const catalogued = new Set<string>();
  for (const [service, exact] of named) {
    const known = catalogue?.actionsOf(service);
    if (known) {
      catalogued.add(service);
      for (const a of known) spelling.set(a.toLowerCase(), a);
    }
    const all = new Map<string, string>();
    for (const a of [...(known ?? []), ...exact]) if (!all.has(a.toLowerCase())) all.set(a.toLowerCase(), spelling.get(a.toLowerCase()) ?? a);
    actions.set(service, [...all.values()]);
  }
  return { actions, catalogued, spelling };
}

function isJson(doc: unknown): boolean {
  try {
    statementsOf(doc);
    return true;
  } catch {
    return false;
  }
}

/** The statements of a document, [] when it is not one (callers report unreadable documents themselves). */
export function statementsSafe(doc: unknown): Statement[] {
  try {
    return statementsOf(doc);
  } catch {
    return [];
  }
}

// ---- patterns -----------------------------------------------------------------------------------------------------

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** Whether some string matches both patterns. */
export function globsOverlap(a: string, b: string, ignoreCase = false): boolean {
  const p = ignoreCase ? a.toLowerCase() : a;
  const q = ignoreCase ? b.toLowerCase() : b;
  const memo = new Map<number, boolean>();
  const f = (i: number, j: number): boolean => {
    const key = i * (q.length + 1) + j;
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    let r: boolean;
    if (i === p.length && j === q.length) r = true;
    else if (i < p.length && p[i] === "*") r = f(i + 1, j) || (j < q.length && f(i, j + 1));
    else if (j < q.length && q[j] === "*") r = f(i, j + 1) || (i < p.length && f(i + 1, j));
    else if (i === p.length || j === q.length) r = false;
    else r = (p[i] === q[j] || p[i] === "?" || q[j] === "?") && f(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return f(0, 0);
}

const isOpaque = (action: string): boolean => action.startsWith("(");
/** `pattern` covers every string `value` (itself a pattern) stands for: `value`'s wildcards read as literals. */
const coversAction = (pattern: string, value: string): boolean => (isOpaque(value) || isOpaque(pattern) ? pattern === value || pattern === "*" : globMatch(pattern, value, true));
const coversResource = (pattern: string, value: string): boolean => (value.startsWith("NOT ") ? pattern === "*" || pattern === value : globMatch(pattern, value));
const subset = (a: readonly string[], b: readonly string[]): boolean => a.every((x) => b.includes(x));

/** `a` grants everything `b` grants: broader action and resource, no more conditions and limits. */
export function covers(a: Grant, b: Grant): boolean {
  return coversAction(a.action, b.action) && coversResource(a.resource, b.resource) && subset(a.conditions, b.conditions) && subset(a.limits, b.limits);
}

// ---- grants of one role -------------------------------------------------------------------------------------------

interface ActionItem {
  readonly action: string;
  readonly inexact?: string;
}

/** The exact actions of a pattern; the pattern itself too (inexact) where the space cannot list all it matches. */
export function expandAction(pattern: string, space: ActionSpace): ActionItem[] {
  if (!hasWildcard(pattern)) return [{ action: space.spelling.get(pattern.toLowerCase()) ?? pattern }];
  const service = serviceOf(pattern);
  if (service) {
    const matched = (space.actions.get(service) ?? []).filter((a) => globMatch(pattern, a, true)).map((action) => ({ action }));
    if (space.catalogued.has(service)) return matched.length ? matched : [{ action: pattern, inexact: "matches no action of the catalogue" }];
    return [...matched, { action: pattern, inexact: `no action catalogue for ${service}: expanded against the actions this plan names, the wildcard kept` }];
  }
  const all = [...space.actions.values()].flat().filter((a) => globMatch(pattern, a, true));
  return [...all.map((action) => ({ action })), { action: pattern, inexact: "also every action of services this plan does not name" }];
}

function notActionItems(excluded: readonly string[], space: ActionSpace): ActionItem[] {
  const kept = [...space.actions.values()].flat().filter((a) => !excluded.some((n) => globMatch(n, a, true)));
  return [...kept.map((action) => ({ action })), { action: `(* except ${excluded.join(", ")})`, inexact: "NotAction: also every action of services this plan does not name" }];
}

function allowGrants(s: Statement, source: string, space: ActionSpace): Grant[] {
  const actions = s.notActions.length ? notActionItems(s.notActions, space) : s.actions.flatMap((a) => expandAction(a, space));
  const resources = s.notResources.length
    ? [{ resource: `NOT ${s.notResources.join(", ")}`, inexact: "NotResource: every resource but these, not expanded" }]
    : s.resources.map((resource) => ({ resource, inexact: undefined }));
  const out: Grant[] = [];
  for (const a of actions) {
    for (const r of resources) {
      const inexact = [a.inexact, r.inexact].filter(Boolean).join("; ");
      out.push({ action: a.action, resource: r.resource, conditions: s.conditions, limits: [], ...(inexact ? { inexact } : {}), from: [source] });
    }
  }
  return out;
}

type Hit = "all" | "part" | "none";

function hitOf(
  patterns: readonly string[],
  notPatterns: readonly string[],
  value: string,
  cover: (p: string, v: string) => boolean,
  overlap: (p: string, v: string) => boolean,
  exact: boolean,
): Hit {
  if (notPatterns.length) {
    if (notPatterns.some((n) => cover(n, value))) return "none";
    return exact || !notPatterns.some((n) => overlap(n, value)) ? "all" : "part";
  }
  if (patterns.some((p) => cover(p, value))) return "all";
  return patterns.some((p) => overlap(p, value)) ? "part" : "none";
}

function describeDeny(d: Statement): string {
  const actions = d.notActions.length ? `every action but ${d.notActions.join(", ")}` : d.actions.join(", ");
  const resources = d.notResources.length ? `every resource but ${d.notResources.join(", ")}` : d.resources.join(", ");
  return `Deny ${actions} on ${resources}${d.conditions.length ? ` when ${d.conditions.join(" and ")}` : ""}`;
}

/** A grant minus the Denies: gone when one denies all of it unconditionally, else limited by those that touch it. */
function applyDenies(g: Grant, denies: readonly Statement[]): Grant | undefined {
  const limits: string[] = [];
  for (const d of denies) {
    const opaque = isOpaque(g.action);
    const action = opaque
      ? d.actions.includes("*")
        ? "all"
        : "none"
      : hitOf(
          d.actions,
          d.notActions,
          g.action,
          (p, v) => globMatch(p, v, true),
          (p, v) => globsOverlap(p, v, true),
          !hasWildcard(g.action),
        );
    if (action === "none") continue;
    const notResource = g.resource.startsWith("NOT ");
    const resource = notResource
      ? d.resources.includes("*")
        ? "all"
        : "part"
      : hitOf(
          d.resources,
          d.notResources,
          g.resource,
          (p, v) => globMatch(p, v),
          (p, v) => globsOverlap(p, v),
          !hasWildcard(g.resource),
        );
    if (resource === "none") continue;
    if (action === "all" && resource === "all" && d.conditions.length === 0) return undefined;
    limits.push(describeDeny(d));
  }
  return limits.length ? { ...g, limits: [...new Set([...g.limits, ...limits])].sort() } : g;
}

/** The narrower of two patterns when one covers the other; both (marked) when they only overlap; none if disjoint. */
function intersect(a: string, b: string, ignoreCase: boolean): { value: string; inexact?: string } | undefined {
  if (a.startsWith("NOT ") || b.startsWith("NOT ") || isOpaque(a) || isOpaque(b)) return { value: a, inexact: `within the boundary's ${b}, not intersected exactly` };
  if (globMatch(b, a, ignoreCase)) return { value: a };
  if (globMatch(a, b, ignoreCase)) return { value: b };
  return globsOverlap(a, b, ignoreCase) ? { value: `${a} ∩ ${b}`, inexact: "two wildcard patterns that overlap: their intersection is not written out" } : undefined;
}

/** Identity grants cut to what the boundary allows: action and resource of each pair intersected, conditions joined. */
function withinBoundary(identity: readonly Grant[], boundary: readonly Grant[]): Grant[] {
  const byAction = indexByAction(boundary);
  const out: Grant[] = [];
  for (const g of identity) {
    if (isOpaque(g.action)) {
      out.push({ ...g, inexact: `${g.inexact ?? "opaque"}; the boundary still applies` });
      continue;
    }
    for (const b of candidates(byAction, g.action)) {
      const action = intersect(g.action, b.action, true);
      const resource = action && intersect(g.resource, b.resource, false);
      if (!action || !resource) continue;
      const inexact = [g.inexact, b.inexact && `boundary: ${b.inexact}`, action.inexact, resource.inexact].filter(Boolean).join("; ");
      out.push({
        action: action.value,
        resource: resource.value,
        conditions: [...new Set([...g.conditions, ...b.conditions])].sort(),
        limits: g.limits,
        ...(inexact ? { inexact } : {}),
        from: g.from,
      });
    }
  }
  return out;
}

interface ActionIndex {
  readonly exact: Map<string, Grant[]>;
  readonly patterns: Grant[];
}

function indexByAction(grants: readonly Grant[]): ActionIndex {
  const exact = new Map<string, Grant[]>();
  const patterns: Grant[] = [];
  for (const g of grants) {
    if (hasWildcard(g.action) || isOpaque(g.action)) patterns.push(g);
    else exact.set(g.action.toLowerCase(), [...(exact.get(g.action.toLowerCase()) ?? []), g]);
  }
  return { exact, patterns };
}

/** Grants whose action may cover or overlap `action`. */
function candidates(index: ActionIndex, action: string): Grant[] {
  if (hasWildcard(action) || isOpaque(action)) return [...[...index.exact.values()].flat(), ...index.patterns];
  return [...(index.exact.get(action.toLowerCase()) ?? []), ...index.patterns];
}

const keyOf = (g: Grant): string => JSON.stringify([g.action.toLowerCase(), g.resource, g.conditions, g.limits, g.inexact ?? ""]);

/** Drops grants another grant covers (duplicates merged, their sources joined). */
export function minimize(grants: readonly Grant[]): Grant[] {
  const unique = new Map<string, Grant>();
  for (const g of grants) {
    const seen = unique.get(keyOf(g));
    unique.set(keyOf(g), seen ? { ...seen, from: [...new Set([...seen.from, ...g.from])].sort() } : g);
  }
  const list = [...unique.values()];
  const index = indexByAction(list);
  return list.filter((g) => !candidates(index, g.action).some((o) => o !== g && covers(o, g) && !(covers(g, o) && keyOf(o) > keyOf(g))));
}

export interface RolePolicies {
  readonly identity: readonly PolicySource[];
  /** The boundary: a document, or `opaque` when the role names one that is not at hand; absent when it has none. */
  readonly boundary?: PolicySource;
}

export interface EffectiveGrants {
  readonly grants: readonly Grant[];
  /** The boundary's document was not at hand: the grants are the identity policies' alone. */
  readonly boundaryUnknown?: string;
}

/** A role's effective grants: identity Allows, within the boundary (when known), minus every explicit Deny. */
export function effectiveGrants(role: RolePolicies, space: ActionSpace): EffectiveGrants {
  const allows: Grant[] = [];
  const denies: Statement[] = [];
  const unreadable = (p: PolicySource): string | undefined => (isJson(p.document) ? undefined : `policy document of ${p.source} is not valid JSON`);
  for (const p of role.identity) {
    const opaque = p.opaque ?? unreadable(p);
    if (opaque !== undefined) {
      allows.push({ action: `(${opaque})`, resource: "(not in this plan)", conditions: [], limits: [], inexact: opaque, from: [p.source] });
      continue;
    }
    for (const s of statementsSafe(p.document)) {
      if (s.effect === "Deny") denies.push(s);
      else allows.push(...allowGrants(s, p.source, space));
    }
  }
  let grants = allows;
  let boundaryUnknown: string | undefined;
  const boundaryOpaque = role.boundary && (role.boundary.opaque ?? unreadable(role.boundary));
  if (boundaryOpaque !== undefined) boundaryUnknown = boundaryOpaque;
  else if (role.boundary) {
    const statements = statementsSafe(role.boundary.document);
    denies.push(...statements.filter((s) => s.effect === "Deny"));
    const ceiling = statements.filter((s) => s.effect === "Allow").flatMap((s) => allowGrants(s, role.boundary!.source, space));
    grants = withinBoundary(allows, ceiling);
  }
  const remaining = grants.map((g) => applyDenies(g, denies)).filter((g): g is Grant => g !== undefined);
  return { grants: minimize(remaining), ...(boundaryUnknown !== undefined ? { boundaryUnknown } : {}) };
}

/** Grants of `after` that no grant of `before` covers (gained), and the reverse (lost). */
export function compareGrants(before: readonly Grant[], after: readonly Grant[]): { gained: Grant[]; lost: Grant[] } {
  const notCovered = (list: readonly Grant[], by: readonly Grant[]): Grant[] => {
    const index = indexByAction(by);
    return list.filter((g) => !candidates(index, g.action).some((o) => covers(o, g)));
  };
  return { gained: notCovered(after, before), lost: notCovered(before, after) };
}
