// Pure logic of the API-change review: how two API reports (api-extractor's `api/serverless.api.md`) differ, and
// whether the package version allows it. No file system, no git: scripts/api-report.ts and the plan call these.
//
// Rule: the report is the public API, one declaration or member per line. A line that is gone (or changed: a changed
// line is a removed line plus an added one) is breaking: an export removed, a member removed, a signature changed
// (narrowed, or widened in a way this line-level rule cannot tell apart). Only added lines is additive.
// Each line is keyed by the declarations that enclose it (`class Queue > readonly arn: string;`), so the same member
// moving from one class to another is a removal, and members of different classes never cancel out.

export type ApiChangeKind = "none" | "additive" | "breaking";

export interface ApiChange {
  readonly kind: ApiChangeKind;
  /** Lines only the new report has, qualified by their enclosing declarations. */
  readonly added: readonly string[];
  /** Lines only the old report has (each one makes the change breaking). */
  readonly removed: readonly string[];
}

/** The TypeScript of a report: the fenced ```ts block(s); the whole text when there is no fence (tests, raw .d.ts). */
function codeOf(report: string): string {
  const text = report.replace(/\r\n/g, "\n");
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.length > 0 ? blocks.join("\n") : text;
}

/** `export class Queue extends QueueBase {` → `class Queue`; `foo(): {` → `foo`; a member or declaration's name. */
function declarationName(line: string): string {
  const t = line.trim();
  const decl = /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(class|interface|namespace|enum|type|function|const)\s+([A-Za-z0-9_$]+)/.exec(t);
  if (decl) return `${decl[1]} ${decl[2]}`;
  const member = /^(?:(?:public|protected|private|static|readonly|abstract|get|set)\s+)*([A-Za-z0-9_$"'[\]]+)/.exec(t);
  return member ? member[1] : t;
}

/**
 * The report as a set of qualified lines: comments (`// @public`, `// (undocumented)`, `// Warning: ...`), imports and
 * blank lines are not API and are left out; each remaining line is prefixed with its enclosing declarations.
 */
export function apiLines(report: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const raw of codeOf(report).split("\n")) {
    const line = raw.replace(/\s+$/, "");
    const t = line.trim();
    if (t === "" || t.startsWith("//") || t.startsWith("/*") || t.startsWith("*") || /^import\s/.test(t) || t === "export {};") continue;
    // A line that starts with "}" closes the innermost declaration; what follows it (`}>>;`, `}[];`, `} | {`) is part
    // of that declaration, keyed with it.
    const bare = /^}[;,]?$/.test(t);
    if (!bare) out.push([...stack, t].join(" > "));
    const leading = t.startsWith("}") ? 1 : 0;
    const closed = leading ? stack.pop() : undefined;
    const net = (t.match(/{/g) ?? []).length - ((t.match(/}/g) ?? []).length - leading);
    if (net > 0) for (let i = 0; i < net; i++) stack.push(leading ? (closed ?? declarationName(t)) : declarationName(t));
    else for (let i = 0; i < -net; i++) stack.pop();
  }
  return out;
}

/** What changed between two reports: none, additive (only added lines) or breaking (any removed line). */
export function classifyApiChange(oldReport: string, newReport: string): ApiChange {
  const before = multiset(apiLines(oldReport));
  const after = multiset(apiLines(newReport));
  const removed = difference(before, after);
  const added = difference(after, before);
  const kind: ApiChangeKind = removed.length > 0 ? "breaking" : added.length > 0 ? "additive" : "none";
  return { kind, added, removed };
}

function multiset(lines: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

function difference(a: Map<string, number>, b: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [line, n] of a) for (let i = 0; i < n - (b.get(line) ?? 0); i++) out.push(line);
  return out;
}

interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export function parseSemVer(version: string): SemVer {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version.trim());
  if (!m) throw new Error(`"${version}" is not a semantic version (MAJOR.MINOR.PATCH).`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/**
 * Whether `packageVersion` may carry a breaking change relative to the version recorded with the committed report:
 * its major part is greater. Before 1.0.0 the minor part is the breaking unit (semver §4, and npm's `^0.1.0` never
 * installs 0.2.0), so 0.1.x → 0.2.0 is allowed too.
 */
export function versionAllowsBreaking(recordedVersion: string, packageVersion: string): boolean {
  const r = parseSemVer(recordedVersion);
  const p = parseSemVer(packageVersion);
  if (p.major > r.major) return true;
  return r.major === 0 && p.major === 0 && p.minor > r.minor;
}

export interface ApiCheckVerdict {
  readonly ok: boolean;
  readonly message: string;
}

/** The verdict of `npm run api:check`: breaking fails unless the version allows it. */
export function apiCheckVerdict(change: ApiChange, recordedVersion: string, packageVersion: string): ApiCheckVerdict {
  if (change.kind === "none") return { ok: true, message: "API report: no change." };
  if (change.kind === "additive") return { ok: true, message: `API report: additive (${change.added.length} line(s) added); a minor version bump is due at release.` };
  if (versionAllowsBreaking(recordedVersion, packageVersion)) {
    return { ok: true, message: `API report: breaking (${change.removed.length} line(s) removed or changed), allowed: version ${recordedVersion} → ${packageVersion}.` };
  }
  const next = parseSemVer(recordedVersion).major === 0 ? `0.${parseSemVer(recordedVersion).minor + 1}.0` : `${parseSemVer(recordedVersion).major + 1}.0.0`;
  return {
    ok: false,
    message:
      `API report: breaking (${change.removed.length} line(s) removed or changed) but package.json's version ${packageVersion} is not a major bump of ${recordedVersion}. ` +
      `Fix: keep the removed API (deprecate it first), or set the version to ${next}, record it in CHANGELOG.md and run npm run api:report.`,
  };
}

/** A short Markdown summary of a change (for the plan's review comment and the check's output). */
export function renderApiChange(change: ApiChange, maxLines = 30): string {
  if (change.kind === "none") return "No change to the public API report.";
  const lines: string[] = [
    change.kind === "breaking"
      ? `**Breaking**: ${change.removed.length} line(s) removed or changed, ${change.added.length} added.`
      : `Additive: ${change.added.length} line(s) added.`,
  ];
  const list = [...change.removed.map((l) => `- ${l}`), ...change.added.map((l) => `+ ${l}`)];
  lines.push("", "```diff", ...list.slice(0, maxLines), ...(list.length > maxLines ? [`… ${list.length - maxLines} more`] : []), "```");
  return lines.join("\n");
}
