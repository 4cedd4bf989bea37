/** Prices the usage of the pricers with the price table: the estimate, idle and at load. */
import type { PlanJson } from "../lib/terraform-json";
import { formatBasisUsd } from "./format";
import { CostBreakdown, CostEstimate, CostLine, EstimateOptions, LoadMetric, LoadProfile, UnallocatedLoad, UnpricedResource } from "./model";
import { PlanIndex, PlanResource } from "./plan-index";
import { Charge, Ctx, n, PRICERS, rateText, TARGET_NAMES, TARGETS, Usage } from "./pricers";
import { Dimension, FREE_RESOURCE_TYPES, PRICE_TABLE, Rate, RegionPrices } from "./prices";
interface ResourceUsage {
  readonly resource: PlanResource;
  readonly usage: readonly Usage[];
}

/** Price of the units in [from, to) of a (possibly tiered) rate. */
function bandCost(rate: Rate, from: number, to: number): number {
  if (to <= from) return 0;
  if (rate.tiers === undefined) return ((to - from) / rate.per) * rate.usd;
  let lower = 0;
  let cost = 0;
  for (const tier of rate.tiers) {
    const upper = tier.upTo ?? Infinity;
    const overlap = Math.max(0, Math.min(to, upper) - Math.max(from, lower));
    cost += (overlap / rate.per) * tier.usd;
    lower = upper;
  }
  return cost;
}

function priceUsage(items: readonly ResourceUsage[], prices: RegionPrices, freeTier: boolean): CostLine[] {
  const charges = items.flatMap((it) => it.usage.filter((u): u is Charge => "dimension" in u).map((c) => ({ ...c, address: it.resource.address })));
  const quantity = new Map<Dimension, number>();
  for (const c of charges) quantity.set(c.dimension, (quantity.get(c.dimension) ?? 0) + c.quantity);
  // Free allowances are per account: a pool shared by several dimensions is split pro rata of their quantities.
  const poolTotal = new Map<string, number>();
  for (const [dim, q] of quantity) {
    const free = prices[dim].freeTier;
    if (free !== undefined) poolTotal.set(free.pool ?? dim, (poolTotal.get(free.pool ?? dim) ?? 0) + q);
  }
  const dimensionCost = new Map<Dimension, { usd: number; free: number }>();
  for (const [dim, q] of quantity) {
    const rate = prices[dim];
    let free = 0;
    if (freeTier && rate.freeTier !== undefined) {
      const pool = poolTotal.get(rate.freeTier.pool ?? dim) ?? 0;
      free = pool > 0 ? (Math.min(rate.freeTier.quantity, pool) * q) / pool : 0;
    }
    dimensionCost.set(dim, { usd: bandCost(rate, free, q), free });
  }
  const lines: CostLine[] = [];
  for (const it of items) {
    let usd = 0;
    const parts: string[] = [];
    for (const u of it.usage) {
      if (!("dimension" in u)) {
        parts.push(u.note);
        continue;
      }
      const rate = prices[u.dimension];
      const total = quantity.get(u.dimension) ?? 0;
      const { usd: dimUsd, free } = dimensionCost.get(u.dimension)!;
      const share = total > 0 ? (dimUsd * u.quantity) / total : 0;
      usd += share;
      const tiered = rate.tiers !== undefined && rate.tiers[0].upTo !== null && total > rate.tiers[0].upTo ? " (volume tiers)" : "";
      const freeText = free > 0 ? ` less ${n(free * (u.quantity / total))} free` : "";
      parts.push(`${u.what} × ${rateText(rate)}${tiered}${freeText} = ${formatBasisUsd(share)}`);
    }
    lines.push({ address: it.resource.address, type: it.resource.type, usd, basis: parts.join("; ") || "no charge" });
  }
  return lines.sort((a, b) => b.usd - a.usd || a.address.localeCompare(b.address));
}

const breakdown = (lines: CostLine[]): CostBreakdown => ({ total: lines.reduce((s, l) => s + l.usd, 0), lines });

/**
 * Estimates the monthly cost of a planned environment, idle and at its load profile, with the price table of
 * cost/prices.ts. `plan` is `terraform show -json` of a plan: planned_values (or, without them, the `after`
 * of resource_changes) give the resources, the configuration's references link them (which topic an alarm
 * notifies, which table a Lambda event source reads).
 */
export function estimateMonthlyCost(plan: PlanJson, options: EstimateOptions): CostEstimate {
  const table = options.priceTable ?? PRICE_TABLE;
  const prices = table.regions[options.region];
  if (prices === undefined) {
    throw new Error(
      `cost estimate: no prices for region "${options.region}" in price table ${table.version}; ` +
        `priced regions: ${Object.keys(table.regions).join(", ")}. Fix: add the region's rates to cost/prices.ts.`,
    );
  }
  const freeTier = options.freeTier ?? false;
  const profile = options.loadProfile;
  const index = new PlanIndex(plan);

  const alarmTopics = new Set<PlanResource>();
  for (const alarmType of ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"]) {
    for (const alarm of index.ofType(alarmType)) {
      for (const attr of ["alarm_actions", "ok_actions", "insufficient_data_actions"]) {
        for (const topic of index.linked(alarm, attr, "aws_sns_topic")) alarmTopics.add(topic);
      }
    }
  }
  const base: Omit<Ctx, "share"> = {
    index,
    prices,
    profile,
    hours: table.hoursPerMonth,
    isAlarmTopic: (topic) => alarmTopics.has(topic),
  };

  // Classify every planned resource.
  const unpricedResources: UnpricedResource[] = [];
  const priced: PlanResource[] = [];
  let freeResources = 0;
  const probe: Ctx = { ...base, share: () => 0 };
  for (const r of index.resources) {
    if (FREE_RESOURCE_TYPES[r.type] !== undefined) {
      freeResources++;
      continue;
    }
    const pricer = PRICERS[r.type];
    if (pricer === undefined) {
      unpricedResources.push({ address: r.address, type: r.type, reason: `resource type ${r.type} is not in the price table` });
      continue;
    }
    const reason = pricer.unpriced?.(r, probe);
    if (reason !== undefined) {
      unpricedResources.push({ address: r.address, type: r.type, reason });
      continue;
    }
    for (const feature of pricer.partial?.(r, probe) ?? []) {
      unpricedResources.push({ address: r.address, type: r.type, reason: `not priced: ${feature}` });
    }
    priced.push(r);
  }

  // Load allocation: each metric split evenly over its priced targets.
  const targets = new Map<LoadMetric, Set<PlanResource>>();
  const unallocated: UnallocatedLoad[] = [];
  for (const [metric, isTarget] of Object.entries(TARGETS) as Array<[LoadMetric, (r: PlanResource, ctx: Omit<Ctx, "share">) => boolean]>) {
    const set = new Set(priced.filter((r) => isTarget(r, base)));
    targets.set(metric, set);
    if (set.size === 0 && profile[metric] > 0) {
      unallocated.push({ metric, amount: profile[metric], reason: `no ${TARGET_NAMES[metric]} in the plan` });
    }
  }
  const ctx: Ctx = {
    ...base,
    share: (metric, r) => {
      const set = targets.get(metric);
      return set !== undefined && set.has(r) ? profile[metric] / set.size : 0;
    },
  };

  const idleUsage = priced.map((r) => ({ resource: r, usage: PRICERS[r.type].idle?.(r, ctx) ?? [] }));
  // At load: the idle charges, plus the traffic (whose notes replace the idle notes).
  const loadUsage = idleUsage.map(({ resource, usage }) => {
    const traffic = PRICERS[resource.type].load?.(resource, ctx);
    return { resource, usage: traffic === undefined ? usage : [...usage.filter((u) => "dimension" in u), ...traffic] };
  });

  return {
    priceTableVersion: table.version,
    priceTableDate: table.effectiveDate,
    region: options.region,
    currency: table.currency,
    freeTier,
    loadProfile: profile,
    idle: breakdown(priceUsage(idleUsage, prices, freeTier)),
    load: breakdown(priceUsage(loadUsage, prices, freeTier)),
    unpriced: [...new Set(unpricedResources.map((u) => u.type))].sort(),
    unpricedResources,
    unallocated,
    freeResources,
  };
}

/** The estimate of an environment's plan with the environment's own region and load profile. */
export function estimateEnvironmentCost(
  plan: PlanJson,
  env: { readonly region: string; readonly loadProfile: LoadProfile },
  options: Omit<EstimateOptions, "region" | "loadProfile"> = {},
): CostEstimate {
  return estimateMonthlyCost(plan, { ...options, region: env.region, loadProfile: env.loadProfile });
}
