/**
 * The load benchmark (prints numbers; not a test): autocannon, in its own process so that the load generator does not
 * share the local runtime's event loop, against each route at 10 and 50 concurrent connections, then the activity
 * pipeline's throughput: a burst of events posted to `POST /events` until every row is in `activity_events`.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Client } from "pg";
import type { LocalPlatform } from "../../local/platform/start";
import { signIn, signUp } from "../../local/platform/users";
import { table } from "./campaign-format";
import { call, pool } from "./workload";

export interface RouteResult {
  readonly route: string;
  readonly connections: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errorRate: number;
  readonly serverErrors: number;
  readonly statuses: Readonly<Record<string, number>>;
}

export interface LoadReport {
  readonly routes: readonly RouteResult[];
  readonly burst: { readonly events: number; readonly requests: number; readonly postSeconds: number; readonly storedSeconds: number; readonly eventsPerSecond: number };
  readonly serverErrors: number;
}

const AUTOCANNON = join(__dirname, "..", "..", "node_modules", "autocannon", "autocannon.js");

function autocannon(args: string[]): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [AUTOCANNON, "--json", "--no-progress", ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`autocannon failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

export async function runLoad(
  platform: LocalPlatform,
  o: { readonly durationSeconds: number; readonly connections?: readonly number[]; readonly burstEvents?: number },
): Promise<LoadReport> {
  const email = `load-${randomUUID().slice(0, 8)}@example.com`;
  await signUp(platform.endpoint, platform.userPoolClientId, email, "Load-Passw0rd!long");
  const token = (await signIn(platform.endpoint, platform.userPoolClientId, email, "Load-Passw0rd!long")).idToken;
  const json = { "content-type": "application/json" };
  const routes: Array<{ route: string; method: string; path: string; body?: unknown }> = [
    { route: "GET /profiles/me", method: "GET", path: "/profiles/me" },
    { route: "PUT /profiles/me", method: "PUT", path: "/profiles/me", body: { displayName: "Load Test", locale: "en-GB" } },
    { route: "POST /events", method: "POST", path: "/events", body: { events: [{ type: "page.view", time: new Date().toISOString() }] } },
    { route: "GET /analytics/me/summary", method: "GET", path: "/analytics/me/summary" },
    { route: "GET /files", method: "GET", path: "/files" },
    { route: "POST /files", method: "POST", path: "/files", body: { fileName: "load.txt", contentType: "text/plain", size: 10 } },
  ];
  const results: RouteResult[] = [];
  for (const r of routes) {
    for (const connections of o.connections ?? [10, 50]) {
      const headers = [`authorization=Bearer ${token}`, ...(r.body !== undefined ? Object.entries(json).map(([k, v]) => `${k}=${v}`) : [])];
      const args = [
        "-c",
        String(connections),
        "-d",
        String(o.durationSeconds),
        "-m",
        r.method,
        ...headers.flatMap((h) => ["-H", h]),
        ...(r.body !== undefined ? ["-b", JSON.stringify(r.body)] : []),
        `${platform.apiUrl}${r.path}`,
      ];
      const out = await autocannon(args);
      const statuses: Record<string, number> = {};
      for (const [code, v] of Object.entries((out.statusCodeStats ?? {}) as Record<string, { count: number }>)) statuses[code] = v.count;
      const total = Object.values(statuses).reduce((a, b) => a + b, 0) + (out.errors ?? 0);
      const bad = (out.errors ?? 0) + (out.non2xx ?? 0);
      results.push({
        route: r.route,
        connections,
        requests: total,
        rps: out.requests.average,
        p50: out.latency.p50,
        p99: out.latency.p99,
        errorRate: total === 0 ? 1 : bad / total,
        serverErrors: Object.entries(statuses)
          .filter(([c]) => Number(c) >= 500)
          .reduce((a, [, n]) => a + n, 0),
        statuses,
      });
    }
  }
  const burst = await activityBurst(platform, token, o.burstEvents ?? 5000);
  return { routes: results, burst, serverErrors: results.reduce((a, r) => a + r.serverErrors, 0) };
}

/** `events` events in requests of 100 (10 in flight), then the time until all are rows. */
async function activityBurst(platform: LocalPlatform, token: string, events: number): Promise<LoadReport["burst"]> {
  const db = new Client({ connectionString: platform.analyticsDatabaseUrl });
  await db.connect();
  try {
    const ids = Array.from({ length: events }, () => randomUUID());
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += 100) batches.push(ids.slice(i, i + 100));
    const t0 = Date.now();
    const time = new Date().toISOString();
    await pool(batches, 10, async (batch) => {
      const got = await call(platform.apiUrl, token, "POST", "/events", { events: batch.map((eventId) => ({ eventId, type: "load.burst", time })) });
      if (got.status !== 202 || got.body.failed !== 0) throw new Error(`POST /events answered ${got.status} ${JSON.stringify(got.body).slice(0, 300)}`);
    });
    const posted = Date.now();
    for (;;) {
      const n = Number((await db.query("SELECT count(*) AS n FROM activity_events WHERE event_id = ANY($1::uuid[])", [ids])).rows[0].n);
      if (n === events) break;
      if (Date.now() - t0 > 300_000) throw new Error(`only ${n} of ${events} burst events stored after 300 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const stored = Date.now();
    return { events, requests: batches.length, postSeconds: (posted - t0) / 1000, storedSeconds: (stored - t0) / 1000, eventsPerSecond: events / ((stored - t0) / 1000) };
  } finally {
    await db.end();
  }
}

export function formatLoad(r: LoadReport): string {
  const rows = r.routes.map((x) => [
    x.route,
    x.connections,
    x.requests,
    x.rps.toFixed(1),
    x.p50,
    x.p99,
    `${(x.errorRate * 100).toFixed(2)}%`,
    x.serverErrors,
    Object.entries(x.statuses)
      .map(([c, n]) => `${c}×${n}`)
      .join(" "),
  ]);
  return [
    "Load (autocannon, per route)",
    "",
    table(["route", "clients", "requests", "req/s", "p50 ms", "p99 ms", "error rate", "5xx", "statuses"], rows),
    "",
    table(
      ["activity burst: POST /events → Kinesis → activity-processor → rows", "value"],
      [
        ["events (requests of 100, 10 in flight)", `${r.burst.events} (${r.burst.requests})`],
        ["all accepted (202) after", `${r.burst.postSeconds.toFixed(2)} s`],
        ["all stored after", `${r.burst.storedSeconds.toFixed(2)} s`],
        ["events/s end to end", r.burst.eventsPerSecond.toFixed(0)],
      ],
    ),
  ].join("\n");
}
