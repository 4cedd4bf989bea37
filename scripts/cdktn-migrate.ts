// Run: npm run migrate:cdktn [-- --json] [-- --keep]
// The exit from CDKTF (archived by HashiCorp on 2025-12-10) to its community fork CDK Terrain (`cdktn`), measured on
// this app: copies the sources into a work folder, rewrites the imports (cdktf → cdktn, @cdktf/provider-aws →
// @cdktn/provider-aws), installs cdktn and its prebuilt AWS provider there (own node_modules, cached), type-checks the
// copy, synthesizes every stack with both libraries and reports the structural difference of the Terraform JSON per
// stack. docs/cdktn-migration.md holds the measured result and what a team must change.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { terraformEnv } from "../lib/terraform-cli";

/** The versions the migration installs: the only cdktn on npm, and the newest prebuilt AWS provider that accepts it. */
export const CDKTN = {
  cdktn: "0.24.0",
  // peerDependencies cdktn ^0.24.0; binds hashicorp/aws 6.66.0 (package.json "cdktf".provider). Every published
  // @cdktn/provider-aws binds AWS provider 6.x (23.7.0 → 6.40.0, 24.1.0 → 6.45.0, 25.5.0 → 6.64.0, 25.7.0 → 6.66.0).
  "@cdktn/provider-aws": "25.7.0",
  // cdktn 0.24.0 peer: constructs >=10.6.0 <10.8.0 (the app pins 10.4.2)
  constructs: "10.7.2",
} as const;

const ROOT = resolve(__dirname, "..");
/** Folders and files of the app that a synth needs (what `cdktf synth` runs through main.ts). */
const APP_SOURCES = ["main.ts", "app.ts", "tsconfig.json", "cdktf.json", "environments", "stacks", "services", "modules", "lambdas", "lib", "web", "scripts/synth-register.js"];
/** Never copied: build output and caches inside those folders, and tests (jest would find them in the copy). */
const SKIP = /(^|\/)(node_modules|dist|cdktf\.out|\.bundle-cache|\.terraform|test-results)(\/|$)|\.test\.tsx?$/;

export interface ImportRewrite {
  readonly text: string;
  readonly count: number;
}

/** Rewrites module specifiers `cdktf`, `cdktf/...`, `@cdktf/provider-aws...` to their cdktn names (import, export, require, import()). */
export function rewriteImports(source: string): ImportRewrite {
  let count = 0;
  const text = source.replace(/(["'])(cdktf|@cdktf\/provider-aws)(\/[^"']*)?\1/g, (whole, quote: string, name: string, rest: string | undefined, offset: number) => {
    // Only module specifiers: the string follows `from`, `import`, `require(` or `import(`, or `jest.mock(`.
    const before = source.slice(Math.max(0, offset - 20), offset);
    if (!/(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bmock\s*\(\s*)$/.test(before)) return whole;
    count++;
    return `${quote}${name === "cdktf" ? "cdktn" : "@cdktn/provider-aws"}${rest ?? ""}${quote}`;
  });
  return { text, count };
}

export interface StackDiff {
  readonly stack: string;
  /** `type.name` of resources (and data sources, prefixed `data.`) only in the cdktn synth. */
  readonly added: string[];
  /** … only in the cdktf synth. */
  readonly removed: string[];
  /** Per resource present in both, the attribute paths whose values differ. */
  readonly changed: Record<string, string[]>;
  /** Other top-level blocks (provider, output, locals, variable) whose content differs, by path. */
  readonly otherChanges: string[];
  /** Differences in metadata only: `//` comments and terraform.required_providers/backend/version strings. */
  readonly metadataChanges: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Paths where two JSON values differ (objects by key, arrays by index); `//` keys are skipped. */
export function differingPaths(a: unknown, b: unknown, path = ""): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== "//").sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((v, i) => differingPaths(v, b[i], `${path}[${i}]`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path || "(root)"];
}

/** Counts `//` metadata entries whose content differs between the two documents. */
function metadataDifferences(a: unknown, b: unknown): number {
  if (isObject(a) && isObject(b)) {
    let n = JSON.stringify(a["//"]) === JSON.stringify(b["//"]) ? 0 : 1;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (k !== "//") n += metadataDifferences(a[k], b[k]);
    return n;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.reduce((n: number, v, i) => n + metadataDifferences(v, b[i]), 0);
  return 0;
}

/** A synthesized stack (cdk.tf.json): blocks by type and name, everything else untyped. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
  readonly [block: string]: unknown;
}

/** Structural difference of two synthesized stacks (cdk.tf.json): cdktf (`before`) against cdktn (`after`). */
export function diffStacks(stack: string, before: TerraformJson, after: TerraformJson): StackDiff {
  const blocks = (doc: TerraformJson): Map<string, unknown> => {
    const out = new Map<string, unknown>();
    for (const [type, byName] of Object.entries(doc.resource ?? {})) for (const [name, config] of Object.entries(byName)) out.set(`${type}.${name}`, config);
    for (const [type, byName] of Object.entries(doc.data ?? {})) for (const [name, config] of Object.entries(byName)) out.set(`data.${type}.${name}`, config);
    return out;
  };
  const b = blocks(before);
  const a = blocks(after);
  const added = [...a.keys()].filter((k) => !b.has(k)).sort();
  const removed = [...b.keys()].filter((k) => !a.has(k)).sort();
  const changed: Record<string, string[]> = {};
  for (const [k, v] of b) {
    if (!a.has(k)) continue;
    const paths = differingPaths(v, a.get(k));
    if (paths.length > 0) changed[k] = paths;
  }
  const otherChanges = ["provider", "output", "locals", "variable", "module"].flatMap((block) => differingPaths(before[block], after[block], block));
  const terraformPaths = differingPaths(before.terraform, after.terraform, "terraform");
  return {
    stack,
    added,
    removed,
    changed,
    otherChanges: [...otherChanges, ...terraformPaths.filter((p) => !isMetadataPath(p))],
    metadataChanges: metadataDifferences(before, after) + terraformPaths.filter(isMetadataPath).length,
  };
}

/** Version strings of the toolchain in the terraform block: metadata, reported as a count. */
const isMetadataPath = (p: string): boolean => /^terraform\.required_providers\.[^.]+\.version$/.test(p);

function copyApp(into: string): number {
  let files = 0;
  for (const entry of APP_SOURCES) {
    const from = join(ROOT, entry);
    if (!existsSync(from)) continue;
    cpSync(from, join(into, entry), {
      recursive: true,
      filter: (src) => {
        const rel = relative(ROOT, src);
        if (SKIP.test(rel)) return false;
        if (statSync(src).isFile()) files++;
        return true;
      },
    });
  }
  return files;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Installs cdktn, its AWS provider and constructs into `work/node_modules` once per version set (476 MB; 30 s to minutes). */
function install(work: string): { installedNow: boolean; ms: number } {
  const marker = join(work, "node_modules", ".cdktn-migrate.json");
  if (existsSync(marker) && readFileSync(marker, "utf8") === JSON.stringify(CDKTN)) return { installedNow: false, ms: 0 };
  const started = Date.now();
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "cdktn-migrate-work", private: true, dependencies: CDKTN }, null, 2));
  const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", "--loglevel=error"], { cwd: work, encoding: "utf8" });
  if (npm.status !== 0) throw new Error(`npm install of ${JSON.stringify(CDKTN)} failed in ${work}:\n${npm.stderr}`);
  writeFileSync(marker, JSON.stringify(CDKTN));
  return { installedNow: true, ms: Date.now() - started };
}

interface TypeError {
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

function typecheck(app: string): TypeError[] {
  const include = ["main.ts", "app.ts", "environments/**/*.ts", "stacks/**/*.ts", "services/**/*.ts", "modules/**/*.ts", "lambdas/**/*.ts", "lib/**/*.ts", "web/build.ts"];
  writeFileSync(join(app, "tsconfig.migrate.json"), JSON.stringify({ extends: "./tsconfig.json", include, exclude: ["**/*.test.ts", "node_modules"] }, null, 2));
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "tsconfig.migrate.json"], { cwd: app, encoding: "utf8" });
  return [...tsc.stdout.matchAll(/^(.+?)\(\d+,\d+\): error (TS\d+): (.+)$/gm)].map((m) => ({ file: m[1], code: m[2], message: m[3] }));
}

/** Synthesizes every stack of the app in `appDir` (offline: local backend, fake credentials) into `outdir`. */
function synth(appDir: string, outdir: string): { ok: boolean; ms: number; error?: string } {
  const driver = join(appDir, "cdktn-migrate-synth.ts");
  writeFileSync(driver, `import { buildApp } from "./app";\nbuildApp({ outdir: ${JSON.stringify(outdir)}, offline: true }).app.synth();\n`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ["-r", join(ROOT, "scripts", "synth-register.js"), driver], {
    cwd: appDir,
    encoding: "utf8",
    env: { ...process.env, SYNTH_HCL_OUTPUT: "false" },
  });
  rmSync(driver, { force: true });
  return { ok: run.status === 0, ms: Date.now() - started, ...(run.status === 0 ? {} : { error: (run.stderr || run.stdout).slice(0, 4000) }) };
}

/** `terraform init` of one cdktn-synthesized stack: does the provider it asks for exist offline (the mirror)? */
function initOffline(stackDir: string): { ok: boolean; message: string } {
  const run = spawnSync("terraform", ["init", "-input=false", "-no-color", "-backend=false"], { cwd: stackDir, encoding: "utf8", env: terraformEnv() });
  const message = (run.stderr || run.stdout).split("\n").find((l) => /Error:|Terraform has been successfully initialized/.test(l)) ?? "";
  return { ok: run.status === 0, message: message.trim() };
}

export interface MigrationReport {
  readonly versions: typeof CDKTN;
  readonly cdktfProviderBinding: string;
  readonly cdktnProviderBinding: string;
  readonly copiedFiles: number;
  readonly rewrittenImports: number;
  readonly rewrittenFiles: number;
  readonly typeErrors: TypeError[];
  readonly synth: { cdktf: { ok: boolean; ms: number; error?: string }; cdktn: { ok: boolean; ms: number; error?: string } };
  readonly stacks: StackDiff[];
  readonly offlineInit: { ok: boolean; message: string } | undefined;
  readonly install: { installedNow: boolean; ms: number };
}

const providerBinding = (pkgJson: string): string => {
  const p = JSON.parse(readFileSync(pkgJson, "utf8")).cdktf?.provider;
  return p ? `${p.name}@${p.version}` : "unknown";
};

export function migrate(options: { work?: string; keep?: boolean } = {}): MigrationReport {
  // Not under node_modules: @swc-node/register does not compile TypeScript there.
  const work = options.work ?? join(ROOT, ".cdktn-migrate");
  mkdirSync(work, { recursive: true });
  const installed = install(work);
  // The copy lives inside `work` (.cdktn-migrate/app-*), so Node resolves cdktn from .cdktn-migrate/node_modules and
  // everything else (esbuild, zod, the AWS SDK the Lambda bundles need) from the repository's node_modules further up.
  const app = mkdtempSync(join(work, "app-"));
  const out = mkdtempSync(join(tmpdir(), "cdktn-migrate-out-"));
  try {
    const copiedFiles = copyApp(app);
    let rewrittenImports = 0;
    let rewrittenFiles = 0;
    for (const file of walk(app).filter((f) => /\.(ts|tsx|js)$/.test(f))) {
      const { text, count } = rewriteImports(readFileSync(file, "utf8"));
      if (count === 0) continue;
      writeFileSync(file, text);
      rewrittenImports += count;
      rewrittenFiles++;
    }
    const typeErrors = typecheck(app).map((e) => ({ ...e, file: relative(app, resolve(app, e.file)) }));
    const cdktfOut = join(out, "cdktf");
    const cdktnOut = join(out, "cdktn");
    const cdktfSynth = synth(ROOT, cdktfOut);
    const cdktnSynth = synth(app, cdktnOut);
    const stacks: StackDiff[] = [];
    let offlineInit: { ok: boolean; message: string } | undefined;
    if (cdktfSynth.ok && cdktnSynth.ok) {
      for (const id of readdirSync(join(cdktfOut, "stacks")).sort()) {
        const before = JSON.parse(readFileSync(join(cdktfOut, "stacks", id, "cdk.tf.json"), "utf8"));
        const afterFile = join(cdktnOut, "stacks", id, "cdk.tf.json");
        const after = existsSync(afterFile) ? JSON.parse(readFileSync(afterFile, "utf8")) : {};
        stacks.push(diffStacks(id, before, after));
      }
      const probe = readdirSync(join(cdktnOut, "stacks"))
        .sort()
        .find((id) => id.startsWith("platform-bootstrap-"));
      if (probe) offlineInit = initOffline(join(cdktnOut, "stacks", probe));
    }
    return {
      versions: CDKTN,
      cdktfProviderBinding: providerBinding(join(ROOT, "node_modules", "@cdktf", "provider-aws", "package.json")),
      cdktnProviderBinding: providerBinding(join(work, "node_modules", "@cdktn", "provider-aws", "package.json")),
      copiedFiles,
      rewrittenImports,
      rewrittenFiles,
      typeErrors,
      synth: { cdktf: cdktfSynth, cdktn: cdktnSynth },
      stacks,
      offlineInit,
      install: installed,
    };
  } finally {
    if (!options.keep) {
      rmSync(app, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }
}

/** The report for people: versions, what failed to compile, and per stack the resources added/removed/changed. */
export function formatReport(r: MigrationReport): string {
  const lines: string[] = [];
  lines.push(`cdktf 0.21.0 + @cdktf/provider-aws 20.1.0 (binds ${r.cdktfProviderBinding})`);
  lines.push(`  → cdktn ${r.versions.cdktn} + @cdktn/provider-aws ${r.versions["@cdktn/provider-aws"]} (binds ${r.cdktnProviderBinding}), constructs ${r.versions.constructs}`);
  lines.push(
    `copied ${r.copiedFiles} files; rewrote ${r.rewrittenImports} imports in ${r.rewrittenFiles} files${r.install.installedNow ? `; installed in ${(r.install.ms / 1000).toFixed(0)} s` : ""}`,
  );
  lines.push(`type errors after the rewrite: ${r.typeErrors.length}`);
  const byCode = new Map<string, TypeError[]>();
  for (const e of r.typeErrors) byCode.set(`${e.code} ${e.message}`, [...(byCode.get(`${e.code} ${e.message}`) ?? []), e]);
  for (const [what, errs] of [...byCode].sort((x, y) => y[1].length - x[1].length))
    lines.push(`  ${errs.length}× ${what}  (${[...new Set(errs.map((e) => e.file))].slice(0, 3).join(", ")})`);
  for (const [lib, s] of Object.entries(r.synth)) lines.push(`synth with ${lib}: ${s.ok ? `ok in ${(s.ms / 1000).toFixed(1)} s` : `FAILED\n${s.error}`}`);
  for (const d of r.stacks) {
    const changed = Object.entries(d.changed);
    lines.push(`${d.stack}: ${d.added.length} added, ${d.removed.length} removed, ${changed.length} changed; ${d.otherChanges.length} other; ${d.metadataChanges} metadata`);
    for (const a of d.added) lines.push(`  + ${a}`);
    for (const a of d.removed) lines.push(`  - ${a}`);
    for (const [address, paths] of changed) lines.push(`  ~ ${address}: ${paths.slice(0, 6).join(", ")}${paths.length > 6 ? ` (+${paths.length - 6})` : ""}`);
    for (const p of d.otherChanges) lines.push(`  ~ ${p}`);
  }
  if (r.offlineInit) lines.push(`terraform init of a cdktn stack with the offline mirror: ${r.offlineInit.ok ? "ok" : `fails: ${r.offlineInit.message}`}`);
  return lines.join("\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const report = migrate({ keep: args.includes("--keep") });
  console.log(args.includes("--json") ? JSON.stringify(report, null, 2) : formatReport(report));
  // The migration "works" when the cdktn app synthesizes every stack; type errors and differences are the findings.
  if (!report.synth.cdktf.ok || !report.synth.cdktn.ok || report.stacks.length === 0) process.exitCode = 1;
}
