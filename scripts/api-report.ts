// Run: npm run api:report            regenerate api/serverless.api.md (refuses a breaking change without a version bump)
//      npm run api:check [-- --base <git-ref>]
//                                     exit 1 when the committed report is stale, or (with --base) when the API broke
//                                     since <git-ref> and package.json's version does not allow it
//
// The public API report is api-extractor's view of the barrel (modules/index.ts) from the built declarations: every
// exported declaration and member, one per line, in api/serverless.api.md. api/report-version.json records the package
// version the committed report was written with. Declarations are emitted (tsc -p tsconfig.build.json,
// declarations only) into .scratch/api-report/ (git-ignored): inside the repository so that the .d.ts files resolve
// their imports from node_modules, and not under node_modules, where api-extractor would take them for another
// package's and leave `export *` unexpanded. dist/ is not touched.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { apiCheckVerdict, classifyApiChange, renderApiChange, versionAllowsBreaking } from "./api-report-diff";

export const ROOT = resolve(__dirname, "..");
export const REPORT_PATH = "api/serverless.api.md";
export const VERSION_PATH = "api/report-version.json";
const CONFIG_PATH = "api/api-extractor.json";
const WORK = join(ROOT, ".scratch", "api-report");

export function packageVersion(root = ROOT): string {
  return JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
}

/** The version recorded with the committed report (0.0.0 before the first report). */
export function recordedVersion(text: string | undefined): string {
  return text ? (JSON.parse(text).version as string) : "0.0.0";
}

/** The report of the code as it is now: declarations emitted, then api-extractor. Takes ~20-60 s. */
export function generateReport(root = ROOT, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  rmSync(WORK, { recursive: true, force: true });
  const dts = join(WORK, "dts");
  const tsc = spawnSync(
    process.execPath,
    [
      join(root, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      join(root, "tsconfig.build.json"),
      "--emitDeclarationOnly",
      "--declarationMap",
      "false",
      "--sourceMap",
      "false",
      "--incremental",
      "false",
      "--outDir",
      dts,
    ],
    { cwd: root, encoding: "utf8" },
  );
  const entry = join(dts, "modules", "index.d.ts");
  if (!existsSync(entry)) throw new Error(`api-report: tsc emitted no ${entry}:\n${tsc.stdout}${tsc.stderr}`);
  // Type errors are the type-check step's to report (npm run typecheck); the declarations are emitted regardless.
  if (tsc.status !== 0) log(`api-report: tsc reported type errors (declarations emitted anyway; npm run typecheck shows them)`);

  // api-extractor is loaded here, not at the top: the plan and the unit tests import this file's neighbours only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy (see above): import() would make the whole report async
  const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor") as typeof import("@microsoft/api-extractor");
  const configFile = ExtractorConfig.loadFile(join(root, CONFIG_PATH));
  const out = join(WORK, "report");
  mkdirSync(out, { recursive: true });
  const config = ExtractorConfig.prepare({
    configObject: {
      ...configFile,
      projectFolder: root,
      mainEntryPointFilePath: entry,
      apiReport: { ...configFile.apiReport!, enabled: true, reportFolder: out, reportTempFolder: out },
    },
    configObjectFullPath: join(root, CONFIG_PATH),
    packageJsonFullPath: join(root, "package.json"),
  });
  let result: ReturnType<typeof Extractor.invoke>;
  try {
    result = Extractor.invoke(config, {
      localBuild: true,
      messageCallback: (m) => {
        if (m.logLevel === "error" || m.logLevel === "warning") log(`api-extractor: ${m.text}`);
        m.handled = true;
      },
    });
  } catch (e) {
    // api-extractor can fail on declarations that refer to names the type errors left undefined.
    if (tsc.status === 0) throw e;
    const errors = `${tsc.stdout}`.split("\n").filter((l) => /error TS\d+/.test(l));
    throw new Error(
      `api-report: api-extractor failed (${(e as Error).message.split("\n")[0]}) on declarations emitted with ${errors.length} type error(s). ` +
        `Fix: the type errors first (npm run typecheck):\n${errors.slice(0, 5).join("\n")}`,
      { cause: e },
    );
  }
  if (result.errorCount > 0) throw new Error(`api-report: api-extractor reported ${result.errorCount} error(s).`);
  return readFileSync(join(out, "serverless.api.md"), "utf8");
}

function readIf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** A file at a git ref, or undefined when it did not exist there. */
export function gitShow(ref: string, path: string, root = ROOT): string | undefined {
  try {
    return execFileSync("git", ["show", `${ref}:${path}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

function report(): number {
  const fresh = generateReport();
  const committed = readIf(join(ROOT, REPORT_PATH));
  const recorded = recordedVersion(readIf(join(ROOT, VERSION_PATH)));
  const version = packageVersion();
  if (committed !== undefined) {
    const change = classifyApiChange(committed, fresh);
    process.stdout.write(`${renderApiChange(change)}\n`);
    if (change.kind === "breaking" && !versionAllowsBreaking(recorded, version)) {
      process.stderr.write(`${apiCheckVerdict(change, recorded, version).message}\napi:report: ${REPORT_PATH} not written.\n`);
      return 1;
    }
    if (committed === fresh) {
      process.stdout.write(`api:report: ${REPORT_PATH} is current (recorded with ${recorded}).\n`);
      return 0;
    }
  }
  mkdirSync(join(ROOT, "api"), { recursive: true });
  writeFileSync(join(ROOT, REPORT_PATH), fresh);
  writeFileSync(join(ROOT, VERSION_PATH), `${JSON.stringify({ version }, null, 2)}\n`);
  process.stdout.write(`api:report: wrote ${REPORT_PATH} and ${VERSION_PATH} (${version}).\n`);
  return 0;
}

function check(base: string | undefined): number {
  const fresh = generateReport();
  const committed = readIf(join(ROOT, REPORT_PATH));
  const version = packageVersion();
  let ok = true;
  if (committed === undefined) {
    process.stderr.write(`api:check: ${REPORT_PATH} is missing. Fix: npm run api:report, and commit it.\n`);
    return 1;
  }
  if (committed !== fresh) {
    ok = false;
    process.stderr.write(`api:check: ${REPORT_PATH} is stale: the public API changed since it was written. Fix: npm run api:report, and commit it.\n`);
    process.stderr.write(`${renderApiChange(classifyApiChange(committed, fresh))}\n`);
  }
  const old = base ? gitShow(base, REPORT_PATH) : committed;
  const recorded = recordedVersion(base ? gitShow(base, VERSION_PATH) : readIf(join(ROOT, VERSION_PATH)));
  if (old !== undefined) {
    const verdict = apiCheckVerdict(classifyApiChange(old, fresh), recorded, version);
    (verdict.ok ? process.stdout : process.stderr).write(`${base ? `since ${base}: ` : ""}${verdict.message}\n`);
    ok = ok && verdict.ok;
  }
  if (ok) process.stdout.write(`api:check: ${REPORT_PATH} is current.\n`);
  return ok ? 0 : 1;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  try {
    const i = argv.indexOf("--base");
    process.exitCode = argv.includes("--check") ? check(i >= 0 ? argv[i + 1] : undefined) : report();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

export interface ApiReportReview {
  /** Markdown for the plan's review comment: a heading and what changed. */
  readonly section: string;
  /** False when the change is breaking and the version does not allow it (npm run api:check fails then). */
  readonly ok: boolean;
}

/**
 * For `npm run plan`: how the committed API report differs from the one at `base` (default HEAD, i.e. uncommitted
 * changes), and whether the version allows it. Reads files only (no build, no api-extractor): whether the committed
 * report matches the code is `npm run api:check`'s job, in the pull-request workflow's test job.
 */
export function apiReportReview(base = "HEAD", root = ROOT): ApiReportReview {
  const heading = "### API report";
  const now = readIf(join(root, REPORT_PATH));
  const before = gitShow(base, REPORT_PATH, root);
  if (now === undefined) return { section: `${heading}\n\n\`${REPORT_PATH}\` is missing: run \`npm run api:report\` and commit it.\n`, ok: false };
  if (before === undefined) return { section: `${heading}\n\n\`${REPORT_PATH}\` is new since \`${base}\` (first report).\n`, ok: true };
  const change = classifyApiChange(before, now);
  if (change.kind === "none") return { section: `${heading}\n\nUnchanged since \`${base}\`.\n`, ok: true };
  const verdict = apiCheckVerdict(change, recordedVersion(gitShow(base, VERSION_PATH, root)), packageVersion(root));
  const flag = verdict.ok ? "" : "⚠️ ";
  return { section: `${heading}\n\n${flag}\`${REPORT_PATH}\` changed since \`${base}\`. ${verdict.message}\n\n${renderApiChange(change)}\n`, ok: verdict.ok };
}
