/** The delta between two estimates (base and head of a pull request). */
import { EPSILON } from "./format";
import { CostBreakdown, CostEstimate } from "./model";
export interface CostLineDelta {
  readonly address: string;
  readonly type: string;
  /** USD per month in base (0 when the resource is new). */
  readonly base: number;
  /** USD per month in head (0 when the resource is removed). */
  readonly head: number;
  readonly delta: number;
  readonly change: "added" | "removed" | "changed" | "unchanged";
  /** Basis of head's line (base's for a removed resource). */
  readonly basis: string;
}

export interface CostBreakdownDelta {
  readonly base: number;
  readonly head: number;
  readonly delta: number;
  /** Every line of base or head, largest absolute delta first. */
  readonly lines: readonly CostLineDelta[];
}

export interface CostDiff {
  readonly priceTableVersion: { readonly base: string; readonly head: string };
  /** True when base and head were priced with different tables: part of the delta is a price change. */
  readonly priceTableChanged: boolean;
  readonly idle: CostBreakdownDelta;
  readonly load: CostBreakdownDelta;
  readonly unpriced: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

function diffBreakdown(base: CostBreakdown, head: CostBreakdown): CostBreakdownDelta {
  const baseLines = new Map(base.lines.map((l) => [l.address, l]));
  const headLines = new Map(head.lines.map((l) => [l.address, l]));
  const addresses = [...new Set([...baseLines.keys(), ...headLines.keys()])];
  const lines: CostLineDelta[] = addresses.map((address) => {
    const b = baseLines.get(address);
    const h = headLines.get(address);
    const delta = (h?.usd ?? 0) - (b?.usd ?? 0);
    const change = b === undefined ? "added" : h === undefined ? "removed" : Math.abs(delta) > EPSILON ? "changed" : "unchanged";
    return { address, type: (h ?? b)!.type, base: b?.usd ?? 0, head: h?.usd ?? 0, delta, change, basis: (h ?? b)!.basis };
  });
  lines.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.address.localeCompare(y.address));
  return { base: base.total, head: head.total, delta: head.total - base.total, lines };
}

/** Per-line and total delta, idle and at load, from `base` (the target branch) to `head` (the pull request). */
export function diffCost(base: CostEstimate, head: CostEstimate): CostDiff {
  return {
    priceTableVersion: { base: base.priceTableVersion, head: head.priceTableVersion },
    priceTableChanged: base.priceTableVersion !== head.priceTableVersion,
    idle: diffBreakdown(base.idle, head.idle),
    load: diffBreakdown(base.load, head.load),
    unpriced: {
      added: head.unpriced.filter((t) => !base.unpriced.includes(t)),
      removed: base.unpriced.filter((t) => !head.unpriced.includes(t)),
    },
  };
}
