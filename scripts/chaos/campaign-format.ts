/** The campaign's tables, as plain text. */
import type { CampaignReport } from "./campaign";
import { FAULT_KINDS } from "./faults";

export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]): string => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  return [line(cells[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n");
}

export function formatCampaign(r: CampaignReport): string {
  const out: string[] = [];
  out.push(
    `Conservation campaign ${r.runId}: ${r.users} users (${r.deletedUsers} deleted their account), seed ${r.seed}, ${Math.round((r.timings.total ?? 0) / 1000)} s ` +
      `(sign-up ${s(r.timings["sign-up"])}, workload ${s(r.timings.workload)}, drain ${s(r.timings.drain)}, verify ${s(r.timings.verify)})`,
  );
  out.push(
    "",
    table(
      ["fault injected", "count"],
      FAULT_KINDS.map((k) => [k, r.faults[k]]),
    ),
  );
  if (r.faultErrors.length > 0) out.push(`(${r.faultErrors.length} injections failed: ${[...new Set(r.faultErrors)].slice(0, 5).join("; ")})`);
  const rows: Array<Array<string | number>> = [];
  for (const [name, f] of r.flows) {
    rows.push([name, f.distinct.size, f.deliveries, f.deliveries - f.distinct.size, f.done.size, f.invocations, f.failedInvocations, f.reported]);
  }
  out.push("", table(["flow (consumer's view)", "distinct in", "deliveries", "redeliveries", "done", "batches", "failed batches", "records reported"], rows));
  out.push(
    "",
    table(
      ["put by the campaign", "count"],
      [
        ["activity events sent (ids)", r.put.activityRecords],
        ["  accepted with 202", r.verdict.eventsCompared],
        ["  never confirmed (stored at most once)", `${r.verdict.ambiguousEvents} (${r.verdict.ambiguousStored} stored)`],
        ["malformed activity records (poison)", r.put.malformedRecords],
        ["poison messages on analytics-ingest", r.put.poisonMessages],
      ],
    ),
  );
  const firing = new Map(r.alarms.map((a) => [a.queue, a.firing.length > 0 ? a.firing.join(", ") : "NONE"]));
  out.push(
    "",
    table(
      ["dead-letter queue / failure destination", "new messages", "alarm that would fire"],
      [...r.deadLetters].map(([q, n]) => [q, n, firing.get(q) ?? "-"]),
    ),
  );
  const answers: Array<[string, string]> = [...r.answers.byRoute].map(([route, m]) => [
    route,
    [...m]
      .sort((a, b) => a[0] - b[0])
      .map(([st, n]) => `${st}×${n}`)
      .join(" "),
  ]);
  out.push("", table(["route", "answers (status×count)"], answers));
  out.push(
    "",
    table(
      ["compared", "rows", "mismatches"],
      [
        ["profiles (DynamoDB) vs the API's acknowledgements", r.verdict.profilesCompared, "-"],
        ["analytics users rows vs profiles", r.verdict.usersRowsCompared, "-"],
        ["activity events accepted (exactly once, by event_id)", r.verdict.eventsCompared, "-"],
        ["poison in its DLQ / failure destination", r.verdict.poisonFound, "-"],
        ["failure-destination batches already stored (replay: no-op)", r.verdict.redundantFailureBatches, "-"],
        ["total", r.verdict.profilesCompared + r.verdict.usersRowsCompared + r.verdict.eventsCompared + r.verdict.poisonFound, r.mismatches.length],
      ],
    ),
  );
  if (r.mismatches.length > 0)
    out.push("", "MISMATCHES:", ...r.mismatches.slice(0, 100).map((m) => `  - ${m}`), ...(r.mismatches.length > 100 ? [`  ... and ${r.mismatches.length - 100} more`] : []));
  return out.join("\n");
}

const s = (ms: number | undefined): string => `${Math.round((ms ?? 0) / 100) / 10} s`;
