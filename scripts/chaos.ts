/**
 * `npm run chaos`: the reliability campaign on a fresh local platform (started once, in a temporary folder, on free
 * ports; only local addresses). Conservation: `--users N` (default 50) users, `--seed S`, faults injected, then the
 * stores compared; exits 1 on any mismatch. `--load` (or `npm run load`, which skips the conservation part) adds the
 * benchmark per route and the activity pipeline's throughput; exits 1 on any 5xx.
 *
 *   npm run chaos -- --users 1000 --seed 7
 *   npm run chaos -- --load            # conservation at 50 users, then load
 *   npm run load -- --duration 5       # load only
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatCampaign } from "./chaos/campaign-format";
import { runConservationCampaign } from "./chaos/campaign";
import { formatLoad, runLoad } from "./chaos/load";
import { freePort } from "../lib/process";
import { startLocalPlatform } from "../local/platform/start";

async function main(): Promise<number> {
  // The SDK warns on Node < 22 (Lambda runs nodejs22.x): noise in the campaign's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { values } = parseArgs({
    options: {
      users: { type: "string", default: "50" },
      seed: { type: "string", default: "1" },
      load: { type: "boolean", default: false },
      "load-only": { type: "boolean", default: false },
      duration: { type: "string", default: "5" },
      "keep-root": { type: "boolean", default: false },
    },
  });
  const users = Number(values.users);
  const seed = Number(values.seed);
  const duration = Number(values.duration);
  if (!Number.isInteger(users) || users < 1 || users > 20_000) throw new Error(`--users: expected an integer 1–20000, got ${values.users}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got ${values.seed}`);
  if (!(duration > 0 && duration <= 60)) throw new Error(`--duration: expected 0–60 seconds, got ${values.duration}`);

  const root = mkdtempSync(join(tmpdir(), "platform-chaos-"));
  mkdirSync(join(root, "logs"), { recursive: true });
  const functionLog = createWriteStream(join(root, "logs", "functions.log"));
  const started = Date.now();
  console.log(`[chaos] starting the local platform in ${root} (terraform apply of platform-local, ~2–3 min; function output in logs/functions.log, kept with --keep-root)`);
  const platform = await startLocalPlatform({
    root,
    reset: true,
    endpointPort: await freePort(),
    apiPort: await freePort(),
    webPort: false,
    sqsRetryDelaySeconds: 1,
    testUser: false,
    // Every function's output, for the diagnosis of a mismatch (kept with --keep-root).
    functionOutput: (line, meta) => void functionLog.write(`[${meta.functionName}] ${meta.requestId ?? "-"} ${line}\n`),
    log: { info: () => undefined, warn: () => undefined, error: (m) => console.error(`[local] ${m}`) },
  });
  console.log(`[chaos] platform ready in ${Math.round((Date.now() - started) / 1000)} s: API ${platform.apiUrl}`);
  let failed = false;
  try {
    if (!values["load-only"]) {
      const report = await runConservationCampaign(platform, { users, seed });
      console.log(`\n${formatCampaign(report)}\n`);
      if (report.mismatches.length > 0) failed = true;
    }
    if (values.load || values["load-only"]) {
      const load = await runLoad(platform, { durationSeconds: duration });
      console.log(`\n${formatLoad(load)}\n`);
      if (load.serverErrors > 0) failed = true;
    }
  } finally {
    await platform.stop();
    await new Promise((r) => functionLog.end(r));
    if (!values["keep-root"]) rmSync(root, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

// Until main() settles, this process stays alive: stopping unref'd servers must never let Node end it with code 0.
const keepAlive = setInterval(() => undefined, 60_000);
main().then(
  (code) => {
    clearInterval(keepAlive);
    process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
