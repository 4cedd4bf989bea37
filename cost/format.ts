/** How amounts, rates and quantities are written in the basis of a line and in the report. */

/** Amounts closer than this (USD/month) count as equal. */
export const EPSILON = 1e-9;

/** "$1,234.56"; amounts above zero but under a cent as "<$0.01". */
export function formatUsd(usd: number): string {
  if (Math.abs(usd) < EPSILON) return "$0.00";
  if (Math.abs(usd) < 0.005) return usd < 0 ? "-<$0.01" : "<$0.01";
  const s = Math.abs(usd).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${usd < 0 ? "-" : ""}$${s}`;
}

/** "+$1.20", "-$0.40", "$0.00". */
export function formatDelta(usd: number): string {
  if (Math.abs(usd) < EPSILON) return "$0.00";
  return `${usd > 0 ? "+" : ""}${formatUsd(usd)}`;
}

export function formatBasisUsd(usd: number): string {
  if (Math.abs(usd) < EPSILON) return "$0";
  if (Math.abs(usd) >= 0.01) return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${Number(usd.toPrecision(2))}`;
}

export function formatRateUsd(usd: number): string {
  return `$${usd >= 0.01 ? usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 }) : String(usd)}`;
}

export function formatPer(per: number): string {
  if (per >= 1_000_000 && per % 1_000_000 === 0) return `${per / 1_000_000}M`;
  if (per >= 1_000 && per % 1_000 === 0) return `${per / 1_000}K`;
  return String(per);
}

export function formatQuantity(x: number): string {
  if (Number.isInteger(x) || Math.abs(x) >= 100) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(4)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

export const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
export const escapeCell = (s: string): string => escapeHtml(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
