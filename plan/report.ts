// The plan report: data (JSON) and Markdown (a PR comment, found again by its hidden marker), and the exit code.
import { costMarkdown, costTotals, StackCost } from "./cost";
import { AttributeDiff, ChangeKind, Counts, diffPlan, OutputDiff, ResourceDiff, SENSITIVE, UNKNOWN, addCounts, emptyCounts } from "./diff";
import type { ActionCatalogue } from "./effective-permissions";
import { renderEffective } from "./effective-report";
import { iamDiffs, isWidening, PolicyDiff, POLICY_ATTRIBUTES, Statement, StatementChange } from "./iam-diff";
import type { ManagedPolicy } from "./role-policies";
import { EffectivePermissions, effectivePermissionChanges, NO_CATALOGUE } from "./role-permission-changes";
import type { PolicyReport } from "./policy-report";
import type { Baseline } from "./stack-plan";
import type { PlanJson } from "../lib/terraform-json";

/** First line of the Markdown report: the workflow finds and updates its PR comment by it. */
export const REPORT_MARKER = "<!-- platform-plan-report -->";
/** Marker of one environment's section. */
export const envMarker = (env: string): string => `<!-- platform-plan-report:env=${env} -->`;

export const EXIT = { noChanges: 0, error: 1, changes: 2, statefulDestroy: 3 } as const;

export interface StackReport {
  readonly stack: string;
  readonly env: string;
  readonly baseline: Baseline;
  /** terraform: update/replace as terraform decided; structural: planned values compared; none: no plan. */
  readonly classification: "terraform" | "structural" | "none";
  readonly counts: Counts;
  readonly resources: readonly ResourceDiff[];
  readonly outputs: readonly OutputDiff[];
  /** Destroys and replacements of stateful resources (a subset of `resources`). */
  readonly stateful: readonly ResourceDiff[];
  readonly iam: readonly PolicyDiff[];
  /** Each role's change in effective permissions (grants gained and lost), which the statement diff explains. */
  readonly effective: EffectivePermissions;
  readonly policy: PolicyReport;
  readonly cost?: StackCost;
  readonly configIdentical?: boolean;
  readonly residual: readonly string[];
  readonly notes: readonly string[];
  readonly error?: string;
  readonly exitCode: number;
}

export interface EnvReport {
  readonly env: string;
  readonly region?: string;
  readonly stacks: readonly StackReport[];
}

export interface PlanReport {
  readonly schema: "platform-plan-report/v1";
  readonly mode: "online" | "offline";
  readonly base?: { readonly ref: string; readonly commit: string };
  readonly head: { readonly commit?: string; readonly dirty: boolean };
  readonly envs: readonly EnvReport[];
  readonly totals: Counts;
  readonly statefulDestroys: number;
  readonly failOnStatefulDestroy: boolean;
  readonly notes: readonly string[];
  readonly exitCode: number;
}

/** Exit code of one stack, as `terraform plan -detailed-exitcode`: 1 error, 2 changes, 0 none. */
export function stackExitCode(s: Pick<StackReport, "error" | "resources" | "outputs">): number {
  if (s.error !== undefined) return EXIT.error;
  return s.resources.length > 0 || s.outputs.length > 0 ? EXIT.changes : EXIT.noChanges;
}

/** Exit code of the run: 1 on any error, 3 on a stateful destroy with the flag, else 2 on any change, else 0. */
export function runExitCode(stacks: readonly StackReport[], failOnStatefulDestroy: boolean): number {
  if (stacks.some((s) => s.exitCode === EXIT.error)) return EXIT.error;
  if (failOnStatefulDestroy && stacks.some((s) => s.stateful.length > 0)) return EXIT.statefulDestroy;
  return stacks.some((s) => s.exitCode === EXIT.changes) ? EXIT.changes : EXIT.noChanges;
}

export interface StackReportInput {
  readonly stack: string;
  readonly env: string;
  readonly baseline: Baseline;
  readonly classification: StackReport["classification"];
  /** The plan to describe (undefined when terraform could not make one). */
  readonly plan?: PlanJson;
  readonly policy: PolicyReport;
  readonly cost?: StackCost;
  /** Planned attributes with unknowns resolved (IAM documents known only after apply). */
  readonly resolved?: ReadonlyMap<string, Record<string, any>>;
  /** AWS action catalogue for wildcards. @default none: wildcards expand against the actions the plan names */
  readonly catalogue?: ActionCatalogue;
  /** Managed policies of the environment's other stacks (the boundary is in the bootstrap stack), per side. */
  readonly external?: { readonly before: readonly ManagedPolicy[]; readonly after: readonly ManagedPolicy[] };
  readonly configIdentical?: boolean;
  readonly residual?: readonly string[];
  readonly notes?: readonly string[];
  readonly error?: string;
}

/** One stack's report from its plan: counts, changes, stateful destroys/replacements, IAM diff, exit code. */
export function buildStackReport(input: StackReportInput): StackReport {
  const diff = input.plan
    ? diffPlan(input.plan, input.classification === "structural" ? { uncertain: "update or replace not determined" } : {})
    : { counts: emptyCounts(), resources: [], outputs: [] };
  // A stateful resource that is destroyed or replaced; without replacement detection, also one that changes at all.
  const stateful = diff.resources.filter((r) => r.stateful && (r.kind === "delete" || r.kind === "replace" || (r.uncertain !== undefined && r.kind === "update")));
  const iam = input.plan ? iamDiffs(input.plan, { resolved: input.resolved }) : [];
  const effective = input.plan
    ? effectivePermissionChanges(input.plan, { resolved: input.resolved, catalogue: input.catalogue, external: input.external, statementDiffs: iam })
    : { roles: [], catalogue: input.catalogue?.source ?? NO_CATALOGUE };
  const partial: Omit<StackReport, "exitCode"> = {
    stack: input.stack,
    env: input.env,
    baseline: input.baseline,
    classification: input.classification,
    counts: diff.counts,
    resources: diff.resources,
    outputs: diff.outputs,
    stateful,
    iam,
    effective,
    policy: input.policy,
    ...(input.cost ? { cost: input.cost } : {}),
    ...(input.configIdentical !== undefined ? { configIdentical: input.configIdentical } : {}),
    residual: input.residual ?? [],
    notes: input.notes ?? [],
    ...(input.error !== undefined ? { error: input.error } : {}),
  };
  return { ...partial, exitCode: stackExitCode(partial) };
}

export function assembleReport(input: Omit<PlanReport, "schema" | "totals" | "statefulDestroys" | "exitCode">): PlanReport {
  const stacks = input.envs.flatMap((e) => e.stacks);
  return {
    schema: "platform-plan-report/v1",
    ...input,
    totals: stacks.reduce((acc, s) => addCounts(acc, s.counts), emptyCounts()),
    statefulDestroys: stacks.reduce((n, s) => n + s.stateful.length, 0),
    exitCode: runExitCode(stacks, input.failOnStatefulDestroy),
  };
}

/** The JSON report (same data as the Markdown). */
export function renderJson(report: PlanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---- Markdown ----------------------------------------------------------------------------------------------------

/** GitHub refuses comments over 65,536 characters. */
export const MAX_MARKDOWN = 60_000;

/**
 * full: everything; compact: no attribute values, long lists and IAM diffs shortened; minimal: counts, the stateful
 * alert, changed addresses, IAM and policy summaries only.
 */
export type Detail = "full" | "compact" | "minimal";

export interface MarkdownOptions {
  /** Level of detail. @default the most detailed level that fits in maxChars */
  readonly detail?: Detail;
  /** Longest report: the detail level drops until it fits, then the text is cut. @default MAX_MARKDOWN */
  readonly maxChars?: number;
}

/** The Markdown report: marker, summary table, stateful alert, then one section per environment. */
export function renderMarkdown(report: PlanReport, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? MAX_MARKDOWN;
  if (options.detail) return cap(render(report, options.detail), max);
  for (const detail of ["full", "compact"] as const) {
    const text = render(report, detail);
    if (text.length <= max) return text;
  }
  return cap(render(report, "minimal"), max);
}

function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 200));
  if ((cut.match(/```/g) ?? []).length % 2 === 1) cut += "\n```"; // close a code block cut in half
  return `${cut}\n\n… report truncated (${text.length} characters); the JSON report (--format json) has everything.\n`;
}

const ICON: Record<ChangeKind, string> = { create: "➕", update: "✏️", replace: "♻️", delete: "🗑️", read: "📖", "no-op": "", forget: "👋" };

function render(report: PlanReport, detail: Detail): string {
  const out: string[] = [REPORT_MARKER];
  const head = report.head.commit ? `\`${report.head.commit.slice(0, 7)}\`${report.head.dirty ? " + uncommitted changes" : ""}` : "working tree";
  const baseline =
    report.mode === "online"
      ? "online: against the real state (S3 backend)"
      : report.base
        ? `offline: base \`${report.base.ref}\` (\`${report.base.commit.slice(0, 7)}\`) → head ${head}`
        : `offline: from empty state (no --base), head ${head}`;
  out.push(`## Terraform plan: ${report.envs.map((e) => e.env).join(", ")}`, "", `${statusLine(report)} · ${baseline}`, "");

  out.push(
    "| Env | Stack | Add | Change | Replace | Destroy | Stateful destroy/replace | Role grants gained/lost (statements widened) | Policy findings | Cost Δ/month (idle · at load) |",
  );
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const env of report.envs) {
    for (const s of env.stacks) {
      const widened = s.iam.reduce((n, d) => n + d.changes.filter(isWidening).length, 0);
      const gained = s.effective.roles.reduce((n, r) => n + r.counts.gained, 0);
      const lost = s.effective.roles.reduce((n, r) => n + r.counts.lost, 0);
      const findings = s.policy.available ? `${s.policy.findings.length}${s.policy.suppressions.length ? ` (+${s.policy.suppressions.length} suppressed)` : ""}` : "n/a";
      const c = s.counts;
      const status = s.error !== undefined ? " ❌ error" : "";
      out.push(
        `| ${env.env} | \`${s.stack}\`${status} | ${c.add} | ${c.change} | ${c.replace} | ${c.destroy} | ${s.stateful.length ? `**${s.stateful.length}** 🛑` : "0"} | ${gained ? `**+${gained}**` : "+0"}/−${lost} (${widened}) | ${findings} | ${costCell(s.cost)} |`,
      );
    }
  }
  out.push("");

  const stateful = report.envs.flatMap((e) => e.stacks.flatMap((s) => s.stateful.map((r) => ({ env: e.env, stack: s.stack, r }))));
  if (stateful.length > 0) {
    out.push(
      "> [!CAUTION]",
      `> **🛑 ${stateful.length} stateful resource${stateful.length === 1 ? "" : "s"} would be destroyed or replaced: the data in ${stateful.length === 1 ? "it" : "them"} is lost unless migrated first.**`,
      ">",
    );
    for (const { env, stack, r } of stateful) out.push(`> - **${env}** \`${stack}\`: ${statefulLine(r)}`);
    if (report.failOnStatefulDestroy) out.push(">", "> This run fails (`--fail-on-stateful-destroy`).");
    out.push("");
  }
  for (const note of report.notes) out.push(`> ${note}`, "");

  for (const env of report.envs) {
    out.push(envMarker(env.env), `### ${env.env}${env.region ? ` (${env.region})` : ""}`, "");
    for (const s of env.stacks) out.push(...renderStack(s, detail, report.mode));
    const cost = costMarkdown(
      env.stacks.map((s) => ({ name: s.stack, cost: s.cost })),
      4,
    );
    if (cost) out.push(cost, "");
    else {
      const reason = env.stacks.map((s) => (s.cost && !s.cost.available ? s.cost.reason : undefined)).find((r) => r !== undefined);
      out.push(`#### Estimated monthly cost`, "", reason ?? "cost estimate not available", "");
    }
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function statusLine(report: PlanReport): string {
  const t = report.totals;
  const parts = [`**${t.add}** to add`, `**${t.change}** to change`, `**${t.replace}** to replace`, `**${t.destroy}** to destroy`];
  const icon = report.exitCode === EXIT.error ? "❌" : report.exitCode === EXIT.statefulDestroy ? "🛑" : report.exitCode === EXIT.changes ? "📝" : "✅";
  return `${icon} ${parts.join(", ")}`;
}

function costCell(cost: StackCost | undefined): string {
  const t = costTotals(cost);
  if (!t) return "n/a";
  if (t.deltaIdle === undefined || t.deltaLoad === undefined) return `${usd(t.idle)} · ${usd(t.load)} (new)`;
  return `${signed(t.deltaIdle)} · ${signed(t.deltaLoad)}`;
}

const usd = (n: number): string => `$${n.toFixed(2)}`;
const signed = (n: number): string => (Math.abs(n) < 0.005 ? "$0.00" : `${n > 0 ? "+" : "-"}$${Math.abs(n).toFixed(2)}`);

function statefulLine(r: ResourceDiff): string {
  const why = r.replacePaths.length ? ` (forced by ${r.replacePaths.map((p) => `\`${p}\``).join(", ")})` : r.actionReason ? ` (${r.actionReason.replace(/_/g, " ")})` : "";
  const uncertain = r.uncertain ? ` (${r.uncertain})` : "";
  return `\`${r.address}\` **${r.kind === "delete" ? "destroy" : r.kind}**${why}${uncertain}`;
}

const BASELINE: Record<Baseline, string> = {
  "real-state": "against the real state",
  "empty-state": "from empty state",
  "base-ref": "against a state built from the base ref (offline replacement detection)",
};

function renderStack(s: StackReport, detail: Detail, mode: PlanReport["mode"]): string[] {
  const compact = detail !== "full";
  const out: string[] = [];
  const c = s.counts;
  const summary =
    s.error !== undefined && s.resources.length === 0
      ? "plan failed"
      : c.add + c.change + c.replace + c.destroy === 0 && s.outputs.length === 0
        ? "no changes"
        : `${c.add} to add, ${c.change} to change, ${c.replace} to replace, ${c.destroy} to destroy`;
  out.push(`#### \`${s.stack}\`: ${summary}`, "");
  if (mode === "online" && s.baseline !== "real-state") out.push(`_Planned ${BASELINE[s.baseline]}: its state is local and not at hand._`, "");
  if (s.error !== undefined)
    out.push(
      "> [!WARNING]",
      "> terraform could not make the plan:",
      ">",
      "> ```",
      ...s.error
        .split("\n")
        .slice(0, 25)
        .map((l) => `> ${l}`),
      "> ```",
      "",
    );
  for (const note of s.notes) out.push(`- ${note}`);
  if (s.notes.length) out.push("");

  if (s.resources.length > 0) {
    const changed = s.resources.filter((r) => r.kind === "update" || r.kind === "replace");
    const created = s.resources.filter((r) => r.kind === "create");
    const deleted = s.resources.filter((r) => r.kind === "delete");
    const other = s.resources.filter((r) => !["update", "replace", "create", "delete"].includes(r.kind));
    if (changed.length > 0) {
      out.push(`<details open><summary>${changed.length} resource${changed.length === 1 ? "" : "s"} changed in place or replaced</summary>`, "");
      for (const r of changed) {
        const computed = r.computedAfterApply ? ` · ${r.computedAfterApply} computed attribute${r.computedAfterApply === 1 ? "" : "s"} known after apply` : "";
        out.push(
          `- ${ICON[r.kind]} **${r.kind}** \`${r.address}\`${r.replacePaths.length ? ` (forced by ${r.replacePaths.map((p) => `\`${p}\``).join(", ")})` : ""}${r.uncertain ? ` _(${r.uncertain})_` : ""}${computed}`,
        );
        // compact: only the attributes that force a replacement; minimal: none.
        const shown = detail === "full" ? r.attributes : detail === "compact" ? r.attributes.filter((a) => a.forcesReplacement) : [];
        for (const a of shown.slice(0, 30)) out.push(`  - ${attributeLine(r, a)}`);
        if (shown.length > 30) out.push(`  - … ${shown.length - 30} more attributes`);
      }
      out.push("", "</details>", "");
    }
    for (const [label, list] of [
      ["created", created],
      ["destroyed", deleted],
      ["other", other],
    ] as const) {
      if (list.length === 0) continue;
      out.push(`<details><summary>${list.length} resource${list.length === 1 ? "" : "s"} ${label}</summary>`, "");
      if ((compact && list.length > 40) || detail === "minimal") out.push(`${list.length} resources (list left out to fit a comment; see the JSON report).`);
      else for (const r of list) out.push(`- ${ICON[r.kind]} \`${r.address}\``);
      out.push("", "</details>", "");
    }
  }
  if (s.outputs.length > 0 && detail !== "minimal") {
    out.push(`<details><summary>${s.outputs.length} output${s.outputs.length === 1 ? "" : "s"} changed</summary>`, "");
    for (const o of s.outputs) out.push(`- \`${o.name}\`: ${value(o.before)} → ${value(o.after)}`);
    out.push("", "</details>", "");
  }
  out.push(...renderEffective(s.effective, detail));
  out.push(...renderIam(s.iam, detail));
  out.push(...renderPolicy(s.policy));
  return out;
}

function attributeLine(r: ResourceDiff, a: AttributeDiff): string {
  const policy = (POLICY_ATTRIBUTES[r.type] ?? []).includes(a.path) && !a.sensitive;
  const list = (v: unknown): string => (Array.isArray(v) && v.length > 0 ? v.map(value).join(", ") : "nothing");
  const change = policy
    ? a.unknown
      ? "policy document known after apply (it references a value AWS assigns); statement changes, if any, under IAM"
      : "policy document changed (see IAM changes)"
    : a.set
      ? `removed ${list(a.before)}; added ${list(a.after)}`
      : `${value(a.before)} → ${value(a.after)}`;
  return `\`${a.path}\`: ${change}${a.forcesReplacement ? " **(forces replacement)**" : ""}`;
}

/** A value for Markdown: sensitive and unknown markers as words, JSON otherwise, shortened. */
function value(v: unknown): string {
  if (v === SENSITIVE) return "_(sensitive)_";
  if (v === UNKNOWN) return "_(known after apply)_";
  if (v === undefined || v === null) return "_null_";
  let text = JSON.stringify(v);
  if (text.length > 120) text = `${text.slice(0, 100)}… (${text.length} chars)`;
  return `\`${text.replace(/`/g, "'")}\``;
}

// ---- IAM ---------------------------------------------------------------------------------------------------------

function renderIam(diffs: readonly PolicyDiff[], detail: Detail): string[] {
  const compact = detail !== "full";
  if (diffs.length === 0) return [];
  const widening = diffs.flatMap((d) => d.changes.filter(isWidening).map((c) => ({ d, c })));
  const other = diffs.flatMap((d) => d.changes.filter((c) => !isWidening(c)).map((c) => ({ d, c })));
  const notes = diffs.filter((d) => d.note !== undefined);
  const out: string[] = [
    `##### IAM: ${widening.length} statement${widening.length === 1 ? "" : "s"} added or widened${other.length ? `, ${other.length} narrowing (Deny added, narrowed, removed)` : ""}`,
    "",
  ];
  if (widening.length > 0) {
    const wildcards = widening.flatMap(({ d, c }) => c.wildcards.map((w) => `\`${w}\` in \`${d.address}\``));
    if (wildcards.length) out.push(`⚠️ wildcard grants: ${[...new Set(wildcards)].join(", ")}`, "");
    if (widening.some(({ d }) => d.placeholders)) {
      out.push(
        "`[placeholder ARNs]`: the document references ids/ARNs known only after apply; they are shown as placeholders (account 123456789012) built from the resources' names.",
        "",
      );
    }
    const lines: string[] = [];
    for (const { d, c } of widening) lines.push(...statementDiff(d, c));
    const open = !compact && widening.length <= 15;
    const max = detail === "full" ? Infinity : detail === "compact" ? 80 : 0;
    if (max > 0) {
      const shown = lines.slice(0, max);
      if (lines.length > max) shown.push(`# … ${lines.length - max} more lines (see the JSON report)`);
      out.push(`<details${open ? " open" : ""}><summary>statements added or widened</summary>`, "", "```diff", ...shown, "```", "", "</details>", "");
    } else {
      const where = [...new Set(widening.map(({ d }) => d.address))];
      out.push(
        `Added or widened in: ${where
          .slice(0, 20)
          .map((a) => `\`${a}\``)
          .join(", ")}${where.length > 20 ? `, … ${where.length - 20} more` : ""} (statements in the JSON report).`,
        "",
      );
    }
  }
  if (other.length > 0 && detail !== "minimal") {
    out.push("<details><summary>narrowing changes</summary>", "");
    for (const { d, c } of other) out.push(`- \`${d.address}\` ${d.attribute}${c.sid ? ` statement \`${c.sid}\`` : ""}: ${c.effect} ${c.kind} (${deltaSummary(c)})`);
    out.push("", "</details>", "");
  }
  for (const d of notes) out.push(`- \`${d.address}\` ${d.attribute}: ${d.note}`);
  if (notes.length) out.push("");
  return out;
}

const FIELD_LABEL: Record<keyof StatementChange["added"], string> = {
  actions: "Action",
  notActions: "NotAction",
  resources: "Resource",
  notResources: "NotResource",
  principals: "Principal",
  notPrincipals: "NotPrincipal",
  conditions: "Condition",
};

function statementDiff(d: PolicyDiff, c: StatementChange): string[] {
  const where = `${d.address}${d.target ? ` (${d.target})` : ""} ${d.attribute}${d.placeholders ? " [placeholder ARNs]" : ""}`;
  if (c.managedPolicy) return [`# ${where}: managed policy ${c.kind === "added" ? "attached" : "detached"}`, `${c.kind === "added" ? "+" : "-"} ${c.managedPolicy}`];
  const title = `# ${where}: ${c.sid ? `statement "${c.sid}"` : "statement"} ${c.kind === "removed" ? "removed (Deny)" : c.kind}`;
  const lines = [title, `  Effect: ${c.effect}`];
  const s: Statement | undefined = c.after ?? c.before;
  for (const field of Object.keys(FIELD_LABEL) as Array<keyof typeof FIELD_LABEL>) {
    const added = new Set(c.added[field]);
    const removed = new Set(c.removed[field]);
    const kept = (s?.[field] ?? []).filter((v) => !added.has(v) && !removed.has(v));
    for (const v of kept.slice(0, 3)) lines.push(`  ${FIELD_LABEL[field]}: ${v}`);
    if (kept.length > 3) lines.push(`  ${FIELD_LABEL[field]}: … ${kept.length - 3} unchanged`);
    const sign = c.kind === "removed" ? "-" : "+";
    for (const v of c.added[field]) lines.push(`${sign} ${FIELD_LABEL[field]}: ${v}`);
    for (const v of c.kind === "removed" ? [] : c.removed[field]) lines.push(`- ${FIELD_LABEL[field]}: ${v}`);
  }
  return lines;
}

function deltaSummary(c: StatementChange): string {
  const parts: string[] = [];
  for (const field of Object.keys(FIELD_LABEL) as Array<keyof typeof FIELD_LABEL>) {
    if (c.added[field].length) parts.push(`+${c.added[field].length} ${FIELD_LABEL[field]}`);
    if (c.removed[field].length) parts.push(`−${c.removed[field].length} ${FIELD_LABEL[field]}`);
  }
  return parts.join(", ") || c.effect;
}

// ---- policy findings ---------------------------------------------------------------------------------------------

function renderPolicy(policy: PolicyReport): string[] {
  if (!policy.available) return [`_Policy findings: ${policy.reason}._`, ""];
  const out: string[] = [];
  const title = `##### Policy findings: ${policy.findings.length}${policy.suppressions.length ? `, ${policy.suppressions.length} suppressed` : ""}${policy.enforcement ? ` (enforcement: ${policy.enforcement})` : ""}`;
  out.push(title, "");
  if (policy.findings.length > 0) {
    out.push("| Severity | Rule | Resource | Finding | Fix |", "|---|---|---|---|---|");
    for (const f of policy.findings) out.push(`| ${cell(f.severity)} | \`${cell(f.ruleId)}\` | \`${cell(f.address)}\` | ${cell(f.message)} | ${cell(f.fix ?? "")} |`);
    out.push("");
  }
  if (policy.suppressions.length > 0) {
    out.push("<details><summary>suppressions</summary>", "", "| Rule | Resource | Reason |", "|---|---|---|");
    for (const s of policy.suppressions) out.push(`| \`${cell(s.ruleId)}\` | \`${cell(s.address)}\` | ${cell(s.reason)} |`);
    out.push("", "</details>", "");
  }
  return out;
}

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
