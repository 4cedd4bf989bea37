/** The cost section of the PR report, in Markdown. */
import { CostDiff, CostLineDelta, diffCost } from "./diff";
import { EPSILON, escapeCell, escapeHtml, formatDelta, formatQuantity, formatUsd } from "./format";
import { CostEstimate } from "./model";
export interface CostSection {
  /** Environment (or stack) name shown in the table. */
  readonly name: string;
  readonly head: CostEstimate;
  /** The same environment's estimate on the base branch; absent for a new environment. */
  readonly base?: CostEstimate;
}

export interface CostMarkdownOptions {
  /** @default "Estimated monthly cost" */
  readonly title?: string;
  /** Heading level of the title. @default 3 */
  readonly headingLevel?: number;
  /** Changed lines listed per environment (the rest are counted). @default 20 */
  readonly maxLines?: number;
}

/**
 * The cost section of a PR comment: one row per environment (idle, at load, delta against base), then per
 * environment the lines whose cost changes, and anything the price table does not cover.
 */
export function formatCostMarkdown(sections: CostSection | readonly CostSection[], options: CostMarkdownOptions = {}): string {
  const list: readonly CostSection[] = Array.isArray(sections) ? sections : [sections as CostSection];
  const maxLines = options.maxLines ?? 20;
  const out: string[] = [`${"#".repeat(options.headingLevel ?? 3)} ${options.title ?? "Estimated monthly cost"}`, ""];
  out.push("| Environment | Idle | At load | Δ idle | Δ at load |", "|---|---:|---:|---:|---:|");
  for (const s of list) {
    const d = s.base ? diffCost(s.base, s.head) : undefined;
    out.push(
      `| ${escapeCell(s.name)} (${s.head.region}) | ${formatUsd(s.head.idle.total)} | ${formatUsd(s.head.load.total)} | ${d ? formatDelta(d.idle.delta) : "new"} | ${d ? formatDelta(d.load.delta) : "new"} |`,
    );
  }
  out.push("");

  for (const s of list) {
    const d = s.base ? diffCost(s.base, s.head) : undefined;
    const changed = d
      ? mergeChanged(d)
      : s.head.load.lines.map((l) => ({
          address: l.address,
          type: l.type,
          idle: s.head.idle.lines.find((i) => i.address === l.address)?.usd ?? 0,
          load: l.usd,
          change: "added" as const,
          basis: l.basis,
        }));
    const summary = d
      ? `${s.name}: ${changed.length} line${changed.length === 1 ? "" : "s"} changed`
      : `${s.name}: ${changed.length} priced resource${changed.length === 1 ? "" : "s"} (no base)`;
    if (changed.length > 0) {
      out.push(`<details><summary>${escapeHtml(summary)}</summary>`, "");
      out.push(d ? "| Resource | Change | Δ idle | Δ at load | Basis at load |" : "| Resource | Idle | At load | Basis at load |");
      out.push(d ? "|---|---|---:|---:|---|" : "|---|---:|---:|---|");
      for (const l of changed.slice(0, maxLines)) {
        out.push(
          d
            ? `| \`${l.address}\` | ${l.change} | ${formatDelta(l.idle)} | ${formatDelta(l.load)} | ${escapeCell(l.basis)} |`
            : `| \`${l.address}\` | ${formatUsd(l.idle)} | ${formatUsd(l.load)} | ${escapeCell(l.basis)} |`,
        );
      }
      if (changed.length > maxLines) out.push(`| … ${changed.length - maxLines} more | | | | |`);
      out.push("", "</details>", "");
    }
    if (s.head.unpriced.length > 0) {
      const added = d ? new Set(d.unpriced.added) : new Set<string>();
      out.push(
        `**${escapeHtml(s.name)}: not priced** (not in the price table, not counted): ` +
          s.head.unpricedResources.map((u) => `\`${u.address}\`${added.has(u.type) ? " (new)" : ""}: ${u.reason}`).join("; "),
        "",
      );
    }
    if (s.head.unallocated.length > 0) {
      out.push(`${escapeHtml(s.name)}: load not allocated: ${s.head.unallocated.map((u) => `${u.metric} ${formatQuantity(u.amount)} (${u.reason})`).join("; ")}.`, "");
    }
    if (d?.priceTableChanged) {
      out.push(`${escapeHtml(s.name)}: base was priced with table ${d.priceTableVersion.base}, head with ${d.priceTableVersion.head}: part of the delta is a price change.`, "");
    }
  }
  const tables = [...new Set(list.map((s) => `${s.head.priceTableVersion} (${s.head.priceTableDate})`))].join(", ");
  const free = list.some((s) => s.head.freeTier) ? "always-free allowances subtracted" : "AWS Free Tier not applied";
  out.push(
    `<sub>USD per month, on-demand list prices from price table ${tables} (cost/prices.ts); ${free}. ` +
      "Idle = zero traffic and no stored data; at load = the environment's `loadProfile` (environments/&lt;env&gt;.ts) spread over the planned resources (README: Cost estimate). " +
      "Data transfer, taxes and support plans are not included.</sub>",
  );
  return out.join("\n");
}

function mergeChanged(d: CostDiff): Array<{ address: string; type: string; idle: number; load: number; change: CostLineDelta["change"]; basis: string }> {
  const idle = new Map(d.idle.lines.map((l) => [l.address, l]));
  return d.load.lines
    .map((l) => {
      const i = idle.get(l.address);
      const changed = Math.abs(l.delta) > EPSILON || (i !== undefined && Math.abs(i.delta) > EPSILON) || l.change === "added" || l.change === "removed";
      return changed
        ? { address: l.address, type: l.type, idle: i?.delta ?? 0, load: l.delta, change: l.change === "unchanged" ? ("changed" as const) : l.change, basis: l.basis }
        : undefined;
    })
    .filter((l): l is NonNullable<typeof l> => l !== undefined)
    .sort((a, b) => Math.abs(b.load) - Math.abs(a.load) || Math.abs(b.idle) - Math.abs(a.idle) || a.address.localeCompare(b.address));
}
