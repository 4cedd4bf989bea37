// The Markdown of each role's change in effective permissions: the lead of a stack's IAM section, before the statement
// diff that shows where each change comes from.
import type { Detail } from "./report";
import type { EffectivePermissions, GrantGroup, RolePermissionChange } from "./role-permission-changes";

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

const isChange = (r: RolePermissionChange): boolean => r.counts.gained + r.counts.lost > 0 || r.boundary.before !== r.boundary.after;

/** The section; nothing when no role's policies change. */
export function renderEffective(effective: EffectivePermissions, detail: Detail): string[] {
  if (effective.roles.length === 0) return [];
  const changed = effective.roles.filter(isChange);
  const unchanged = effective.roles.filter((r) => !isChange(r));
  const gained = changed.reduce((n, r) => n + r.counts.gained, 0);
  const lost = changed.reduce((n, r) => n + r.counts.lost, 0);
  const grantChanges = changed.filter((r) => r.counts.gained + r.counts.lost > 0).length;
  const boundaries = changed.filter((r) => r.boundary.before !== r.boundary.after).length;
  const title = [
    grantChanges === 0 ? "no change in effective permissions" : `${plural(grantChanges, "role")} change: +${plural(gained, "grant")} gained, −${lost} lost`,
    ...(boundaries ? [`${plural(boundaries, "permissions boundary")} changed`.replace("boundarys", "boundaries")] : []),
  ].join("; ");
  const out = [
    `##### IAM effective permissions: ${title}`,
    "",
    `_Per role: identity policies within the permissions boundary, minus explicit Denies; a grant another grant already gave is no change. Wildcards expanded against ${effective.catalogue}._`,
    "",
  ];
  for (const r of changed) {
    const counts = r.counts.gained + r.counts.lost === 0 ? "no change in effective permissions" : `+${r.counts.gained} / −${r.counts.lost} effective grants`;
    out.push(
      `**role \`${r.role}\`**${r.address ? ` (\`${r.address}\`${r.roleChange === "changed" ? "" : `, ${r.roleChange}`})` : ""}: ${counts}${source(r)}${boundaryChange(r)}`,
      "",
    );
    if (detail !== "minimal") {
      // "!": lost as it was, kept narrower (the line shows what remains).
      const lines = [
        ...r.gained.map((g) => `+ ${groupLine(g, detail)}`),
        ...r.narrowed.map((g) => `! now only ${groupLine(g, detail)}`),
        ...r.lost.map((g) => `- ${groupLine(g, detail)}`),
      ];
      const max = detail === "full" ? Infinity : 15;
      if (lines.length > 0) out.push("```diff", ...lines.slice(0, max), ...(lines.length > max ? [`# … ${lines.length - max} more lines (see the JSON report)`] : []), "```", "");
    }
    for (const note of r.notes) out.push(`- _${note}_`);
    if (r.notes.length) out.push("");
  }
  if (unchanged.length > 0) {
    const names = unchanged.map((r) => `\`${r.role}\`${source(r)}`);
    out.push(
      `No change in effective permissions: ${names.join(", ")}: the statement changes below restate grants the role already had, or grant what its boundary or a Deny takes away.`,
      "",
    );
  }
  return out;
}

function source(r: RolePermissionChange): string {
  return r.statementChanges ? ` (${plural(r.statementChanges, "statement change")} below)` : "";
}

function boundaryChange(r: RolePermissionChange): string {
  const { before, after } = r.boundary;
  if (before === after) return "";
  if (!after) return ` · ⚠️ **permissions boundary removed** (was \`${before}\`)`;
  if (!before) return ` · permissions boundary set to \`${after}\``;
  return ` · permissions boundary \`${before}\` → \`${after}\``;
}

function groupLine(g: GrantGroup, detail: Detail): string {
  const max = detail === "full" ? Infinity : 12;
  const actions = g.actions.length > max ? [...g.actions.slice(0, max), `… ${g.actions.length - max} more`] : g.actions;
  const parts = [`${actions.join(", ")} on ${g.resource}`];
  if (g.conditions.length) parts.push(`when ${g.conditions.join(" and ")}`);
  if (g.limits.length) parts.push(`limited by ${g.limits.join("; ")}`);
  if (g.inexact) parts.push(`not exact: ${g.inexact}`);
  if (detail === "full") parts.push(`from ${g.from.join(", ")}`);
  return parts.join(" · ");
}
