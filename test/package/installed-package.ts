// The published package as another team gets it: `npm pack` of this checkout (which runs `prepare` → `npm run build`),
// installed from the registry into a fresh consumer folder with its OWN node_modules (no link to this checkout's, no
// NODE_PATH), next to a different cdktf than the one this repo pins.
//
// Packing and installing take about a minute, so they happen once and are shared: by the jest workers of one run
// (consumer.test.ts and examples.test.ts call this at the same time; a lock folder serializes them) and by later
// runs (cache folders under os.tmpdir(): the tarball keyed by a hash of the package's sources, the install keyed by the
// tarball's hash and the consumer's versions). Also used by scripts/bench-package.ts.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");

/**
 * What the consumer app installs besides the package. cdktf 0.21.0 (ours) is the only 0.21 release, so the consumer
 * gets the nearest other release, 0.20.12, and a newer constructs than ours (10.4.2). @cdktf/provider-aws stays
 * 20.1.0: it binds hashicorp/aws 5.100.0, the version of the offline provider mirror. That provider declares the peer
 * cdktf ^0.21.0, so the consumer pins its cdktf for it with an npm `overrides` entry, as a team on 0.20 would.
 */
export const CONSUMER_VERSIONS = {
  cdktf: "0.20.12",
  constructs: "10.8.1",
  "@cdktf/provider-aws": "20.1.0",
  typescript: "5.9.3",
  "@types/node": "22.20.5",
} as const;

export interface PackedFile {
  readonly path: string;
  readonly size: number;
}

export interface InstalledPackage {
  /** The consumer app folder; its node_modules holds @platform/serverless and its peers. */
  readonly dir: string;
  readonly tarball: string;
  readonly tarballSha256: string;
  /** Files in the tarball (paths relative to the package root). */
  readonly files: readonly PackedFile[];
  /** Seconds spent packing and installing now (0 when both came from the cache). */
  readonly packSeconds: number;
  readonly installSeconds: number;
}

const CACHE = join(tmpdir(), "platform-package");
const LOCK = join(CACHE, "lock");
const LOCK_STALE_MS = 10 * 60_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of npm children: this process's, without the npm_* variables of an enclosing `npm test`. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

export function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = npmEnv()): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

async function mustRun(cmd: string, args: readonly string[], cwd: string): Promise<Run> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd} (exit ${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r;
}

function listFiles(dir: string, keep: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (keep(relative(ROOT, p))) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Hash of everything that decides the tarball: the build inputs (modules' sources, configs, asset script). */
export function sourceHash(): string {
  const h = createHash("sha256");
  const files = [
    "package.json",
    "README.md",
    "tsconfig.json",
    "tsconfig.build.json",
    "scripts/copy-module-assets.js",
    ...listFiles(join(ROOT, "modules"), (rel) => !rel.endsWith(".test.ts")).map((p) => relative(ROOT, p)),
  ];
  for (const f of files) {
    const p = join(ROOT, f);
    h.update(`${f}\0`);
    if (existsSync(p)) h.update(readFileSync(p));
    h.update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A cross-process lock (mkdir is atomic); a lock older than LOCK_STALE_MS is taken over (its holder died). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "owner"), `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await sleep(500);
    }
  }
  try {
    for (const e of readdirSync(CACHE)) {
      const p = join(CACHE, e);
      if (/^run-\d+\.json$/.test(e) && Date.now() - statSync(p).mtimeMs > RUN_RECORD_MAX_AGE_MS) rmSync(p, { force: true });
    }
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * The pack of this run, so both test files of one jest run use one tarball even if sources change meanwhile: keyed by
 * the jest main process (a worker's parent; a worker has an IPC channel), or by this process when it runs alone.
 */
const RUN_RECORD = join(CACHE, `run-${process.send ? process.ppid : process.pid}.json`);
const RUN_RECORD_MAX_AGE_MS = 30 * 60_000;

function readPackRecord(record: string, maxAgeMs = Infinity): { tarball: string; files: PackedFile[] } | undefined {
  try {
    if (Date.now() - statSync(record).mtimeMs > maxAgeMs) return undefined;
    const cached = JSON.parse(readFileSync(record, "utf8")) as { tarball: string; files: PackedFile[] };
    return existsSync(cached.tarball) ? cached : undefined;
  } catch {
    return undefined;
  }
}

async function pack(): Promise<{ tarball: string; files: PackedFile[]; seconds: number }> {
  const ofThisRun = readPackRecord(RUN_RECORD, RUN_RECORD_MAX_AGE_MS);
  if (ofThisRun) return { ...ofThisRun, seconds: 0 };
  const dir = join(CACHE, `pack-${sourceHash()}`);
  const record = join(dir, "pack.json");
  const cached = readPackRecord(record);
  if (cached) {
    writeFileSync(RUN_RECORD, JSON.stringify(cached));
    return { ...cached, seconds: 0 };
  }
  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // `npm pack` runs `prepare` (npm run build: a clean dist/ from tsconfig.build.json, plus the module assets).
  const r = await mustRun("npm", ["pack", "--json", "--pack-destination", dir], ROOT);
  const info = JSON.parse(r.stdout.slice(r.stdout.indexOf("["))) as Array<{ filename: string; files: PackedFile[] }>;
  const packed = { tarball: join(dir, info[0].filename), files: info[0].files.map((f) => ({ path: f.path, size: f.size })) };
  writeFileSync(record, JSON.stringify(packed));
  writeFileSync(RUN_RECORD, JSON.stringify(packed));
  // tarballs of earlier sources are not needed again (the lock is held: nobody is installing one)
  for (const e of readdirSync(CACHE)) if (e.startsWith("pack-") && join(CACHE, e) !== dir) rmSync(join(CACHE, e), { recursive: true, force: true });
  return { ...packed, seconds: (Date.now() - started) / 1000 };
}

function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The consumer app's package.json: the tarball plus its peers, as another team would declare them. */
function consumerManifest(tarball: string): object {
  const { typescript, "@types/node": typesNode, ...runtime } = CONSUMER_VERSIONS;
  return {
    name: "consumer-app",
    version: "1.0.0",
    private: true,
    dependencies: { "@platform/serverless": `file:${tarball}`, ...runtime },
    devDependencies: { typescript, "@types/node": typesNode },
    // @cdktf/provider-aws 20.1.0 declares the peer cdktf ^0.21.0; this app runs 0.20.12 (see CONSUMER_VERSIONS).
    overrides: { cdktf: "$cdktf" },
  };
}

async function install(tarball: string, tarballSha256: string): Promise<{ dir: string; seconds: number }> {
  const key = createHash("sha256")
    .update(`${tarballSha256}\n${JSON.stringify(CONSUMER_VERSIONS)}`)
    .digest("hex")
    .slice(0, 16);
  const dir = join(CACHE, `consumer-${key}`);
  if (existsSync(join(dir, ".installed"))) return { dir, seconds: 0 };
  const started = Date.now();
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "package.json"), `${JSON.stringify(consumerManifest(tarball), null, 2)}\n`);
  await mustRun("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], staging);
  writeFileSync(join(staging, ".installed"), new Date().toISOString());
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  // Old installs of earlier tarballs are not needed again.
  for (const e of readdirSync(CACHE)) {
    if (e.startsWith("consumer-") && join(CACHE, e) !== dir && !e.endsWith(".tmp")) rmSync(join(CACHE, e), { recursive: true, force: true });
  }
  return { dir, seconds: (Date.now() - started) / 1000 };
}

/** Packs this checkout and installs the tarball into a consumer app, or returns the cached install of the same tarball. */
export function installedPackage(): Promise<InstalledPackage> {
  return withLock(async () => {
    const packed = await pack();
    const tarballSha256 = sha256File(packed.tarball);
    const installed = await install(packed.tarball, tarballSha256);
    return { dir: installed.dir, tarball: packed.tarball, tarballSha256, files: packed.files, packSeconds: packed.seconds, installSeconds: installed.seconds };
  });
}

/** One Node process in the consumer app (plain Node: no TypeScript loader, no NODE_PATH). */
export function node(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const base = { ...process.env };
  delete base.NODE_PATH;
  delete base.NODE_OPTIONS;
  return run(process.execPath, args, cwd, { ...base, ...env });
}
