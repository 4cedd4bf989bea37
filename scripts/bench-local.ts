/**
 * The local platform's figures (part of `npm run bench`; `BENCH_LOCAL=0` skips it): cold `npm start` to ready (empty
 * state), warm restart with no infrastructure change, handler hot reload, `GET /profiles/me` latency and throughput at
 * 10 concurrent clients for 20 s, and profile PUT → analytics row (median and p99 of 100). Only local addresses.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "pg";
import { freePort } from "../lib/process";
import { LocalPlatform, startLocalPlatform } from "../local/platform/start";
import { signIn } from "../local/platform/users";
import { measureTimeToProfile } from "./bench-web";

const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(`[local] ${m}`) };
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function start(root: string, endpointPort: number, apiPort: number, reset: boolean, hotReload = false, webPort: number | false = false): Promise<LocalPlatform> {
  return startLocalPlatform({ root, reset, endpointPort, apiPort, webPort, hotReload, log: quiet, functionOutput: () => undefined });
}

export async function runLocalBench(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const root = mkdtempSync(join(tmpdir(), "bench-local-"));
  const [endpointPort, apiPort] = [await freePort(), await freePort()];
  console.log("\n## local platform (npm start), 2-core machine");
  let platform = await start(root, endpointPort, apiPort, true);
  console.log(`cold start to ready (empty state): ${(platform.timings.ready / 1000).toFixed(1)} s  ${JSON.stringify(platform.timings)}`);
  await platform.stop();
  platform = await start(root, endpointPort, apiPort, false, true, await freePort());
  console.log(`warm restart to ready (no infrastructure change): ${(platform.timings.ready / 1000).toFixed(1)} s  ${JSON.stringify(platform.timings)}`);
  try {
    // Hot reload: a real source change of profile-api (restored afterwards).
    const file = resolve(__dirname, "..", "lambdas", "profile", "profile-api.ts");
    const original = readFileSync(file, "utf8");
    const reloads: number[] = [];
    try {
      for (let i = 0; i < 3; i += 1) {
        const next = platform.hotReload!.nextReload();
        const t = Date.now();
        appendFileSync(file, `\nexport const benchReloadMarker = "${Date.now()}-${i}";\n`);
        await next;
        reloads.push(Date.now() - t);
        writeFileSync(file, original);
        await platform.hotReload!.nextReload();
      }
    } finally {
      writeFileSync(file, original);
    }
    console.log(`hot reload (file saved → new worker code): ${reloads.map((r) => `${r} ms`).join(", ")}`);

    const user = platform.testUser!;
    await measureTimeToProfile({ webUrl: platform.webUrl!, email: user.email, password: user.password });
    const { idToken: accessToken } = await signIn(platform.endpoint, platform.userPoolClientId, user.email, user.password);
    const headers = { authorization: `Bearer ${accessToken}` };
    // Warm the workers first (cold starts are reported by the REPORT lines, not here).
    for (let i = 0; i < 10; i += 1) await fetch(`${platform.apiUrl}/profiles/me`, { headers }).then((r) => r.arrayBuffer());
    const latencies: number[] = [];
    let errors = 0;
    const until = Date.now() + 20_000;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (Date.now() < until) {
          const t = performance.now();
          const res = await fetch(`${platform.apiUrl}/profiles/me`, { headers });
          await res.arrayBuffer();
          latencies.push(performance.now() - t);
          if (res.status !== 200) errors += 1;
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    console.log(
      `GET /profiles/me, 10 clients, 20 s: ${latencies.length} requests, ${(latencies.length / 20).toFixed(0)} req/s, p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms, non-200: ${errors}`,
    );

    // Profile PUT → analytics users row (stream → profile-events → SNS → SQS → analytics-ingest → PostgreSQL).
    const db = new Client({ connectionString: platform.analyticsDatabaseUrl });
    await db.connect();
    const sub = JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString()).sub as string;
    let etag = (await fetch(`${platform.apiUrl}/profiles/me`, { headers })).headers.get("etag") ?? '"1"';
    const lags: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      const t = Date.now();
      const res = await fetch(`${platform.apiUrl}/profiles/me`, {
        method: "PUT",
        headers: { ...headers, "content-type": "application/json", "if-match": etag },
        body: JSON.stringify({ displayName: `Bench ${i}` }),
      });
      if (res.status !== 200) throw new Error(`PUT answered ${res.status}: ${await res.text()}`);
      etag = res.headers.get("etag") ?? etag;
      const version = Number(etag.replace(/"/g, ""));
      for (;;) {
        const r = await db.query("SELECT version FROM users WHERE user_id = $1", [sub]);
        if (Number(r.rows[0]?.version ?? 0) >= version) break;
        if (Date.now() - t > 60_000) throw new Error(`analytics row did not reach version ${version} within 60 s`);
        await new Promise((r2) => setTimeout(r2, 10));
      }
      lags.push(Date.now() - t);
    }
    await db.end();
    lags.sort((a, b) => a - b);
    console.log(`profile PUT → analytics row (100): median ${pct(lags, 50)} ms, p99 ${pct(lags, 99)} ms`);
  } finally {
    await platform.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runLocalBench().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
