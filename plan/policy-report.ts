// Policy findings of a synthesized stack: <outdir>/stacks/<stack id>/policy-report.json, written at synth by the
// policy-as-code wiring of app.ts. Read leniently: a missing or malformed file degrades to "not available".
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface PolicyFinding {
  readonly ruleId: string;
  readonly severity: string;
  readonly address: string;
  readonly message: string;
  readonly fix?: string;
}

export interface PolicySuppression {
  readonly ruleId: string;
  readonly address: string;
  readonly reason: string;
}

export type PolicyReport =
  | { readonly available: true; readonly enforcement?: string; readonly findings: readonly PolicyFinding[]; readonly suppressions: readonly PolicySuppression[] }
  | { readonly available: false; readonly reason: string };

export const POLICY_REPORT_FILE = "policy-report.json";

export function readPolicyReport(stackDir: string): PolicyReport {
  const file = join(stackDir, POLICY_REPORT_FILE);
  if (!existsSync(file)) return { available: false, reason: "policy report not available" };
  try {
    const raw = JSON.parse(readFileSync(file, "utf8"));
    const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
    const findings: PolicyFinding[] = (Array.isArray(raw?.findings) ? raw.findings : []).map((f: any) => ({
      ruleId: str(f?.ruleId),
      severity: str(f?.severity) || "warning",
      address: str(f?.address),
      message: str(f?.message),
      ...(f?.fix ? { fix: str(f.fix) } : {}),
    }));
    const suppressions: PolicySuppression[] = (Array.isArray(raw?.suppressions) ? raw.suppressions : []).map((s: any) => ({
      ruleId: str(s?.ruleId),
      address: str(s?.address),
      reason: str(s?.reason),
    }));
    return { available: true, ...(raw?.enforcement ? { enforcement: str(raw.enforcement) } : {}), findings, suppressions };
  } catch (err) {
    return { available: false, reason: `policy report not available (${POLICY_REPORT_FILE} unreadable: ${(err as Error).message})` };
  }
}
