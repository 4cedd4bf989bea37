// Adapter to the cost estimate (cost/estimate.ts): estimates head and base of a stack and renders the section.
// Loaded lazily: without cost/ (or with a failing estimate) the report says "cost estimate not available".
import type { CostDiff, CostEstimate, CostSection, LoadProfile } from "../cost/estimate";
import type { PlanJson } from "../lib/terraform-json";

type CostModule = typeof import("../cost/estimate");

let loaded: CostModule | null | undefined;

function costModule(): CostModule | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a cost estimate is asked for
      loaded = require("../cost/estimate") as CostModule;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

export type StackCost =
  { readonly available: true; readonly head: CostEstimate; readonly base?: CostEstimate; readonly diff?: CostDiff } | { readonly available: false; readonly reason: string };

export interface CostInput {
  readonly region: string;
  readonly loadProfile: LoadProfile;
  readonly head?: PlanJson;
  /** Absent: the stack is new (or planned from empty state): the whole head cost is the delta. */
  readonly base?: PlanJson;
}

/** Estimates a stack's monthly cost (head, base and delta); never throws. */
export function estimateStackCost(input: CostInput): StackCost {
  const cost = costModule();
  if (!cost) return { available: false, reason: "cost estimate not available (cost/estimate.ts not found)" };
  if (!input.head) return { available: false, reason: "cost estimate not available (no head plan)" };
  try {
    const options = { region: input.region, loadProfile: input.loadProfile };
    const head = cost.estimateMonthlyCost(input.head, options);
    const base = input.base ? cost.estimateMonthlyCost(input.base, options) : undefined;
    return { available: true, head, ...(base ? { base, diff: cost.diffCost(base, head) } : {}) };
  } catch (err) {
    return { available: false, reason: `cost estimate not available (${(err as Error).message.split("\n")[0]})` };
  }
}

/** A load profile with every metric at zero (a stack that serves no traffic, e.g. the state bootstrap). */
export function idleProfile(profile: LoadProfile): LoadProfile {
  const out = {} as { -readonly [K in keyof LoadProfile]: number };
  for (const k of Object.keys(profile) as Array<keyof LoadProfile>) out[k] = 0;
  return out;
}

/** The cost section of an environment (one row per stack), or undefined when no stack has an estimate. */
export function costMarkdown(stacks: ReadonlyArray<{ name: string; cost?: StackCost }>, headingLevel: number): string | undefined {
  const cost = costModule();
  const sections: CostSection[] = [];
  for (const s of stacks) if (s.cost?.available) sections.push({ name: s.name, head: s.cost.head, ...(s.cost.base ? { base: s.cost.base } : {}) });
  if (!cost || sections.length === 0) return undefined;
  try {
    return cost.formatCostMarkdown(sections, { headingLevel, title: "Estimated monthly cost" });
  } catch (err) {
    return `Cost estimate could not be rendered: ${(err as Error).message.split("\n")[0]}`;
  }
}

/** Totals of a stack's cost for tables and JSON: head idle/load and the delta against base (undefined: no base). */
export function costTotals(cost: StackCost | undefined): { idle: number; load: number; deltaIdle?: number; deltaLoad?: number } | undefined {
  if (!cost?.available) return undefined;
  return {
    idle: cost.head.idle.total,
    load: cost.head.load.total,
    ...(cost.diff ? { deltaIdle: cost.diff.idle.delta, deltaLoad: cost.diff.load.delta } : {}),
  };
}
