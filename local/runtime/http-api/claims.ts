/**
 * JWT claims as API Gateway hands them to the integration: every value a string, formatted the way
 * Go's fmt prints a decoded JSON value (numbers as written, `[a b]` for arrays, `map[k:v]` for objects).
 */
export function stringifyClaims(claims: Readonly<Record<string, unknown>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) result[name] = formatClaimValue(value);
  return result;
}

function formatClaimValue(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(formatClaimValue).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${formatClaimValue(v)}`).join(" ")}]`;
  }
  return String(value);
}
