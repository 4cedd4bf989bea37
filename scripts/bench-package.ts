// Run: npm run bench:package (also part of npm run bench)
// Synth time and peak memory of the example apps (examples/) against the packed and installed package
// (test/package/installed-package.ts): each app as written and with its imports switched to the other style
// (subpaths `@platform/serverless/modules/<block>` vs the barrel `@platform/serverless/modules`). One fresh Node
// process per run; run 1 starts with an empty bundle cache (cold), run 2 reuses it (warm).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installedPackage, node, ROOT } from "../test/package/installed-package";

const EXAMPLES = ["http-api-table", "queue-consumer", "stream-processor", "data-api-consumer", "static-site"];
const BARREL = "@platform/serverless/modules";

interface Measure {
  readonly seconds: number;
  readonly maxRssMB: number;
  readonly modules: number;
}

// Preloaded into every run: at exit, the process's own uptime, peak RSS and number of loaded CommonJS modules.
const PRELOAD = `process.on("exit", () => require("node:fs").writeFileSync(process.env.BENCH_OUT, JSON.stringify({
  seconds: process.uptime(), maxRssMB: process.resourceUsage().maxRSS / 1024, modules: Object.keys(require.cache).length })));\n`;

/** The compiled app with its imports switched: subpaths → barrel, or barrel → the subpath of each name it uses. */
function switchImports(js: string, exportsByName: ReadonlyMap<string, string>): { style: "subpath" | "barrel"; code: string } {
  const subpath = /require\("@platform\/serverless\/modules\/[a-z-]+"\)/g;
  if (subpath.test(js)) return { style: "barrel", code: js.replace(subpath, `require("${BARREL}")`) };
  // tsc emits `const modules_1 = require("@platform/serverless/modules")` and uses `modules_1.Name`
  const m = /const (\w+) = require\("@platform\/serverless\/modules"\);/.exec(js);
  if (!m) throw new Error("no @platform/serverless import found");
  const names = [...new Set([...js.matchAll(new RegExp(`${m[1]}\\.(\\w+)`, "g"))].map((x) => x[1]))];
  const blocks = [...new Set(names.map((n) => exportsByName.get(n) ?? n))];
  const spread = blocks.map((b) => `...require("${BARREL}/${b}")`).join(", ");
  return { style: "subpath", code: js.replace(m[0], `const ${m[1]} = { ${spread} };`) };
}

async function measure(cwd: string, preload: string, main: string, bundles: string, outdir: string): Promise<Measure> {
  const out = join(outdir, "bench.json");
  const r = await node(cwd, ["-r", preload, main], { PLATFORM_OFFLINE: "1", CDKTF_OUTDIR: join(outdir, "cdktf.out"), PLATFORM_BUNDLE_CACHE_DIR: bundles, BENCH_OUT: out });
  if (r.code !== 0) throw new Error(`${main} failed (exit ${r.code}):\n${r.stderr}`);
  return JSON.parse(readFileSync(out, "utf8")) as Measure;
}

export async function runPackageBench(): Promise<void> {
  const installed = await installedPackage();
  const work = mkdtempSync(join(installed.dir, "bench-"));
  try {
    cpSync(join(ROOT, "examples"), join(work, "examples"), { recursive: true });
    writeFileSync(join(work, "preload.js"), PRELOAD);
    writeFileSync(
      join(work, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, skipLibCheck: true, types: ["node"] },
        files: EXAMPLES.map((e) => `examples/${e}/main.ts`),
      }),
    );
    const tsc = await node(work, [join(installed.dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]);
    if (tsc.code !== 0) throw new Error(`examples do not compile:\n${tsc.stdout}${tsc.stderr}`);
    // which block exports each name (for the barrel → subpath switch)
    const blocks = Object.keys(JSON.parse(readFileSync(join(installed.dir, "node_modules/@platform/serverless/package.json"), "utf8")).exports)
      .filter((k) => k.startsWith("./modules/"))
      .map((k) => k.slice("./modules/".length));
    const names = await node(work, [
      "-e",
      `const o={};for(const b of ${JSON.stringify(blocks)})for(const n of Object.keys(require("${BARREL}/"+b)))o[n]??=b;console.log(JSON.stringify(o))`,
    ]);
    const exportsByName = new Map(Object.entries(JSON.parse(names.stdout) as Record<string, string>));

    console.log(
      `\n## example apps against the installed package (${installed.tarball.split("/").pop()}, sha256 ${installed.tarballSha256.slice(0, 12)}): synth in a fresh process per run`,
    );
    console.log("example".padEnd(20) + "imports".padEnd(9) + "cold s".padStart(8) + "warm s".padStart(8) + "cold MB".padStart(9) + "warm MB".padStart(9) + "modules".padStart(9));
    const totals: Record<string, { warmS: number; warmMB: number; n: number }> = { subpath: { warmS: 0, warmMB: 0, n: 0 }, barrel: { warmS: 0, warmMB: 0, n: 0 } };
    for (const example of EXAMPLES) {
      const dir = join(work, "examples", example);
      const written = readFileSync(join(dir, "main.js"), "utf8");
      const switched = switchImports(written, exportsByName);
      writeFileSync(join(dir, `main.${switched.style}.js`), switched.code);
      const asWritten = { style: switched.style === "barrel" ? "subpath" : "barrel", main: join(dir, "main.js") };
      const other = { style: switched.style, main: join(dir, `main.${switched.style}.js`) };
      const variants = asWritten.style === "subpath" ? [asWritten, other] : [other, asWritten];
      for (const v of variants) {
        const bundles = mkdtempSync(join(work, "bundles-"));
        const cold = await measure(dir, join(work, "preload.js"), v.main, bundles, mkdtempSync(join(work, "out-")));
        const warm = await measure(dir, join(work, "preload.js"), v.main, bundles, mkdtempSync(join(work, "out-")));
        totals[v.style].warmS += warm.seconds;
        totals[v.style].warmMB += warm.maxRssMB;
        totals[v.style].n++;
        console.log(
          example.padEnd(20) +
            v.style.padEnd(9) +
            cold.seconds.toFixed(2).padStart(8) +
            warm.seconds.toFixed(2).padStart(8) +
            cold.maxRssMB.toFixed(0).padStart(9) +
            warm.maxRssMB.toFixed(0).padStart(9) +
            String(warm.modules).padStart(9),
        );
      }
    }
    for (const [style, t] of Object.entries(totals)) console.log(`${style}: warm mean ${(t.warmS / t.n).toFixed(2)} s, ${(t.warmMB / t.n).toFixed(0)} MB peak RSS`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runPackageBench().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
