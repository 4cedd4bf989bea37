// Run: npm run bench
// Synth time and peak memory of all environments (fresh process per run, the app without the cdktf CLI),
// and each function's bundle size (minified, and the deployment zip).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runAnalyticsBench } from "./bench-analytics";
import { runLocalBench } from "./bench-local";
import { runPackageBench } from "./bench-package";
import { printWebSizes } from "./bench-web";

const ROOT = resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface SynthRun {
  seconds: number;
  maxRssMB: number;
  stacks: number;
  esbuildRuns: number;
  bundlesReused: number;
  functions: Array<{ stack: string; name: string; bytes: number; hash: string; zipBytes: number }>;
}

function synthOnce(bundleCacheDir: string): SynthRun {
  const run = spawnSync(process.execPath, ["-r", join(ROOT, "scripts/synth-register.js"), join(ROOT, "scripts/bench-synth.ts")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PLATFORM_BUNDLE_CACHE_DIR: bundleCacheDir, PLATFORM_OFFLINE: "" },
  });
  if (run.status !== 0) throw new Error(`synth failed:\n${run.stderr}`);
  const line = run.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as SynthRun;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const cache = mkdtempSync(join(tmpdir(), "bench-bundles-"));
try {
  const runs: SynthRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(synthOnce(cache));
  const first = runs[0];
  console.log(`## synth: all ${first.stacks} stacks, ${RUNS} runs in fresh processes (first with an empty bundle cache)`);
  console.log("run  seconds  peak RSS MB  entries built  bundles reused");
  runs.forEach((r, i) =>
    console.log(
      `${String(i + 1).padStart(3)}  ${r.seconds.toFixed(3).padStart(7)}  ${r.maxRssMB.toFixed(1).padStart(11)}  ${String(r.esbuildRuns).padStart(12)}  ${String(r.bundlesReused).padStart(14)}`,
    ),
  );
  const warm = runs.slice(1);
  console.log(`cold (empty bundle cache): ${first.seconds.toFixed(3)} s, ${first.maxRssMB.toFixed(1)} MB`);
  if (warm.length > 0) console.log(`warm median: ${median(warm.map((r) => r.seconds)).toFixed(3)} s, max peak RSS ${Math.max(...warm.map((r) => r.maxRssMB)).toFixed(1)} MB`);
  console.log(`entries bundled in the cold synth: ${first.esbuildRuns} (each once, shared by every environment; one esbuild run per set of options)`);

  console.log("\n## function bundles (minified CommonJS, node22)");
  console.log("function".padEnd(22) + "bytes".padStart(10) + "KB".padStart(9) + "zip KB".padStart(9));
  const seen = new Set<string>();
  for (const fn of first.functions) {
    if (seen.has(fn.name)) continue;
    seen.add(fn.name);
    console.log(fn.name.padEnd(22) + String(fn.bytes).padStart(10) + (fn.bytes / 1024).toFixed(1).padStart(9) + (fn.zipBytes / 1024).toFixed(1).padStart(9));
  }
} finally {
  rmSync(cache, { recursive: true, force: true });
}
printWebSizes();

// Analytics write path (scripts/bench-analytics.ts): batched vs per-record Data API writes, after the sections above.
// Then the local platform (scripts/bench-local.ts): start-up, hot reload, API latency, PUT → analytics row.
// Then the example apps against the packed package, subpath vs barrel imports (scripts/bench-package.ts; BENCH_PACKAGE=0 skips).
runAnalyticsBench()
  .then(() => (process.env.BENCH_PACKAGE === "0" ? undefined : runPackageBench()))
  .then(() => (process.env.BENCH_LOCAL === "0" ? undefined : runLocalBench()))
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
