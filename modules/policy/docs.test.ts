import { readFileSync } from "node:fs";
import { join } from "node:path";
import { POLICY_RULES } from "./index";

const DOC = join(__dirname, "..", "..", "docs", "policy-rules.md");

/** Rows of the rules table: `| \`<id>\` <title> | <severity> | <why> | <how to fix> |`. */
function documentedRules(): Array<{ id: string; severity: string; cells: string[] }> {
  return readFileSync(DOC, "utf8")
    .split("\n")
    .filter((line) => /^\|\s*`PLT-/.test(line))
    .map((line) => {
      const cells = line
        .replace(/^\|/, "")
        .replace(/\|\s*$/, "")
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
      return { id: /`(PLT-[A-Z0-9]+-\d{3})`/.exec(cells[0])?.[1] ?? cells[0], severity: cells[1], cells };
    });
}

describe("docs/policy-rules.md", () => {
  it("lists exactly the rule ids of rules.ts, once each, with the same severity", () => {
    const documented = documentedRules();
    const ids = documented.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.fromEntries(documented.map((r) => [r.id, r.severity]))).toEqual(Object.fromEntries(POLICY_RULES.map((r) => [r.id, r.severity])));
  });

  it("gives every rule its four columns (rule, severity, why, how to fix), none empty", () => {
    for (const row of documentedRules()) {
      expect(row.cells).toHaveLength(4);
      for (const cell of row.cells) expect(cell.length).toBeGreaterThan(0);
    }
  });

  it("marks the production-only rules as such", () => {
    const marked = documentedRules()
      .filter((r) => r.cells[0].includes("(production only)"))
      .map((r) => r.id)
      .sort();
    expect(marked).toEqual(
      POLICY_RULES.filter((r) => r.productionOnly)
        .map((r) => r.id)
        .sort(),
    );
  });
});

describe("rule ids", () => {
  it("are stable-looking (PLT-<SERVICE>-<NNN>) and unique", () => {
    for (const r of POLICY_RULES) expect(r.id).toMatch(/^PLT-[A-Z0-9]+-\d{3}$/);
    expect(new Set(POLICY_RULES.map((r) => r.id)).size).toBe(POLICY_RULES.length);
  });
});
