// One synth of every stack (the app itself, no cdktf CLI), run in a fresh process by scripts/bench.ts.
// Prints one JSON line: wall time since process start, peak RSS, and every function bundle.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../app";
import { bundleStats } from "../modules/lambda-function/bundle";

const outdir = mkdtempSync(join(tmpdir(), "bench-synth-"));
try {
  const built = buildApp({ outdir, offline: false });
  built.app.synth();
  const functions: Array<{ stack: string; name: string; bytes: number; hash: string; zipBytes: number }> = [];
  for (const stack of built.platformStacks) {
    for (const fn of stack.functions) functions.push({ stack: stack.node.id, name: fn.node.id, bytes: fn.bundle.size, hash: fn.bundle.hash, zipBytes: fn.bundle.zipSize });
  }
  const stats = bundleStats();
  console.log(
    JSON.stringify({
      seconds: process.uptime(),
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      stacks: built.app.node.children.length,
      esbuildRuns: stats.builds,
      bundlesReused: stats.reused,
      functions,
    }),
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
