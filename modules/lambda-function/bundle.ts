import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { buildSync, Loader, version as esbuildVersion } from "esbuild";
import { zipSync, Zippable } from "fflate";

/** How a TypeScript entry is bundled. */
export interface BundlingOptions {
  /** Minify the bundle. @default true */
  readonly minify?: boolean;
  /** Emit a source map next to the bundle (and enable it with NODE_OPTIONS). @default false */
  readonly sourceMap?: boolean;
  /**
   * Modules left out of the bundle (provided by a layer or the runtime).
   * @default LAZY_CREDENTIAL_PROVIDERS (the AWS SDK's fallback credential providers, never loaded in Lambda)
   */
  readonly externalModules?: readonly string[];
  /** Compile-time constants (esbuild `define`). @default {} */
  readonly define?: Readonly<Record<string, string>>;
  /**
   * esbuild loaders by file extension, e.g. `{ ".sql": "text" }` to import `.sql` files as strings
   * (analytics-migrate bundles its migrations this way). Extensions start with a dot.
   * @default {} (esbuild's defaults: .js/.ts/.json and friends)
   */
  readonly loader?: Readonly<Record<string, Loader>>;
}

/** A bundled function: a folder holding `index.js` (and its map) and `function.zip`, named by content hash. */
export interface Bundle {
  readonly entry: string;
  readonly directory: string;
  readonly hash: string;
  /** Bytes of index.js. */
  readonly size: number;
  /** The deployment package: a deterministic zip of the folder (same bytes on every machine and time zone). */
  readonly zipPath: string;
  /** Bytes of the zip. */
  readonly zipSize: number;
  /** base64 SHA-256 of the zip: what Lambda reports as CodeSha256 and Terraform expects in `source_code_hash`. */
  readonly zipSha256: string;
}

const ZIP_NAME = "function.zip";
// Local-time constructor: the DOS timestamp fflate writes uses local fields, so this is 1980-01-02 00:00 everywhere.
const ZIP_MTIME = new Date(1980, 0, 2, 0, 0, 0);

/** A zip whose bytes depend on the files only: sorted entries, fixed timestamp, 0644 Unix permissions. */
function deterministicZip(files: ReadonlyArray<{ name: string; contents: Uint8Array }>): Uint8Array {
  const entries: Zippable = {};
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    entries[f.name] = [f.contents, { level: 9, mtime: ZIP_MTIME, os: 3, attrs: 0o100644 << 16 }];
  }
  return zipSync(entries);
}

/**
 * Left out of every bundle by default. The SDK's default credential chain (`@aws-sdk/credential-provider-node`)
 * reads the environment first and loads these providers only with `await import(...)` when the environment holds
 * no credentials. In Lambda the environment always holds the execution role's credentials, so they are never
 * loaded there; bundled, they and their STS/SSO clients weigh ~130 KB minified in every function. Should one ever
 * be loaded, Node resolves it from the SDK the nodejs22.x runtime ships (/var/runtime/node_modules).
 * test/integration/profile-bundles.runtime.test.ts runs bundles without them to prove it.
 */
export const LAZY_CREDENTIAL_PROVIDERS: readonly string[] = [
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
  "@aws-sdk/credential-provider-http",
  "@smithy/credential-provider-imds",
];

/** Entries sorted by key, so `{a, b}` and `{b, a}` give the same memo and cache key. */
function sortedEntries<T>(record: Readonly<Record<string, T>>): Array<[string, T]> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

const memo = new Map<string, Bundle>();
let builds = 0;
let reused = 0;

const sha = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

/** What decides a bundle besides its input files: options, esbuild's version, the lock file and tsconfig. */
function buildKey(key: string): string {
  const extra = ["package-lock.json", "tsconfig.json"].map((f) => {
    const p = join(process.cwd(), f);
    return existsSync(p) ? sha(readFileSync(p)) : "-";
  });
  return sha(JSON.stringify([key, esbuildVersion, ...extra])).slice(0, 32);
}

interface InputsRecord {
  readonly digest: string;
  /** Every file esbuild read, with its content hash. */
  readonly inputs: ReadonlyArray<readonly [string, string]>;
}

/** The bundle folder of an earlier build whose input files all still hash the same, if any. */
function reusable(recordPath: string): string | undefined {
  if (!existsSync(recordPath)) return undefined;
  try {
    const record = JSON.parse(readFileSync(recordPath, "utf8")) as InputsRecord;
    for (const [file, hash] of record.inputs) {
      if (!existsSync(file) || sha(readFileSync(file)) !== hash) return undefined;
    }
    const dir = join(bundleCacheDir(), record.digest);
    return existsSync(join(dir, ZIP_NAME)) && existsSync(join(dir, "index.js")) ? record.digest : undefined;
  } catch {
    return undefined; // unreadable record: rebuild
  }
}

function loadBundle(absEntry: string, digest: string): Bundle {
  const directory = join(bundleCacheDir(), digest);
  const zipPath = join(directory, ZIP_NAME);
  const zip = readFileSync(zipPath);
  return {
    entry: absEntry,
    directory,
    hash: digest,
    size: statSync(join(directory, "index.js")).size,
    zipPath,
    zipSize: zip.byteLength,
    zipSha256: createHash("sha256").update(zip).digest("base64"),
  };
}

/** Where bundles are written; one folder per content hash, reused across synths. */
export function bundleCacheDir(): string {
  return resolve(process.env.PLATFORM_BUNDLE_CACHE_DIR ?? join(process.cwd(), ".bundle-cache"));
}

/** One function's bundle request. */
export interface BundleRequest {
  readonly entry: string;
  readonly options?: BundlingOptions;
}

interface Pending {
  readonly absEntry: string;
  readonly key: string;
  readonly recordPath: string;
}

function optionsKey(options: BundlingOptions): string {
  return JSON.stringify([
    options.minify ?? true,
    options.sourceMap ?? false,
    options.externalModules ?? LAZY_CREDENTIAL_PROVIDERS,
    options.define ?? {},
    sortedEntries(options.loader ?? {}),
  ]);
}

/** Resolves a request from this process's memo or the on-disk cache; otherwise says what must be built. */
function lookup(entry: string, options: BundlingOptions): Bundle | Pending {
  const absEntry = isAbsolute(entry) ? entry : resolve(entry);
  const key = JSON.stringify([absEntry, optionsKey(options)]);
  const cached = memo.get(key);
  if (cached) return cached;
  if (!existsSync(absEntry)) {
    throw new Error(`LambdaFunction: entry "${entry}" does not exist (resolved to ${absEntry}). Fix: pass the path of the handler's .ts file.`);
  }
  // Across synths: reuse the bundle when every file the last build read is unchanged (content hashes).
  const recordPath = join(bundleCacheDir(), "inputs", `${buildKey(key)}.json`);
  const previous = reusable(recordPath);
  if (previous !== undefined) {
    reused += 1;
    const out = loadBundle(absEntry, previous);
    memo.set(key, out);
    return out;
  }
  return { absEntry, key, recordPath };
}

/** Writes one entry's outputs into its content-addressed folder (+ zip) and records the inputs it was built from. */
function store(p: Pending, outputs: ReadonlyArray<{ name: string; contents: Uint8Array }>, inputs: readonly string[]): Bundle {
  const named = [...outputs].sort((a, b) => a.name.localeCompare(b.name));
  const hash = createHash("sha256");
  for (const f of named) hash.update(f.name).update(f.contents);
  const digest = hash.digest("hex").slice(0, 32);
  const directory = join(bundleCacheDir(), digest);
  const zipPath = join(directory, ZIP_NAME);
  if (!existsSync(zipPath)) {
    const tmp = `${directory}.tmp-${process.pid}`;
    mkdirSync(tmp, { recursive: true });
    const zipBytes = deterministicZip(named);
    for (const f of named) writeFileSync(join(tmp, f.name), f.contents);
    writeFileSync(join(tmp, ZIP_NAME), zipBytes);
    try {
      renameSync(tmp, directory);
    } catch {
      // The folder exists: written by another process (identical content) or by an older layout without the zip.
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(zipPath)) {
        for (const f of named) writeFileSync(join(directory, f.name), f.contents);
        writeFileSync(zipPath, zipBytes);
      }
    }
  }
  const record: InputsRecord = {
    digest,
    inputs: inputs
      .filter((f) => !f.includes(":")) // esbuild's virtual namespaces (e.g. "<define:...>")
      .map((f) => {
        const abs = resolve(f);
        return [abs, sha(readFileSync(abs))] as const;
      }),
  };
  mkdirSync(dirname(p.recordPath), { recursive: true });
  const tmpRecord = `${p.recordPath}.tmp-${process.pid}`;
  writeFileSync(tmpRecord, JSON.stringify(record));
  renameSync(tmpRecord, p.recordPath); // atomic: a concurrent synth reads the old or the new record, never half of one
  const out = loadBundle(p.absEntry, digest);
  memo.set(p.key, out);
  return out;
}

/** One esbuild run for several entries with the same options (esbuild parses shared dependencies once, in parallel). */
function build(pending: readonly Pending[], options: BundlingOptions): void {
  builds += pending.length;
  const sourceMap = options.sourceMap ?? false;
  const names = pending.map((_, i) => `entry${i}`);
  let result;
  try {
    result = buildSync({
      entryPoints: Object.fromEntries(pending.map((p, i) => [names[i], p.absEntry])),
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      minify: options.minify ?? true,
      sourcemap: sourceMap ? "external" : false,
      sourcesContent: false,
      mainFields: ["module", "main"],
      external: [...(options.externalModules ?? LAZY_CREDENTIAL_PROVIDERS)],
      define: { ...(options.define ?? {}) },
      loader: { ...(options.loader ?? {}) },
      legalComments: "none",
      outdir: "out",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
  } catch (err) {
    const entries = pending.map((p) => relative(process.cwd(), p.absEntry)).join(", ");
    throw new Error(`LambdaFunction: bundling ${entries} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const outdir = resolve("out");
  pending.forEach((p, i) => {
    const js = join(outdir, `${names[i]}.js`);
    const outputs = result.outputFiles
      .filter((f) => f.path === js || f.path === `${js}.map`)
      .map((f) => ({ name: f.path.endsWith(".map") ? "index.js.map" : "index.js", contents: f.contents }));
    const meta = result.metafile?.outputs[relative(process.cwd(), js).split("\\").join("/")];
    if (outputs.length === 0 || meta === undefined) throw new Error(`LambdaFunction: esbuild produced no output for ${p.absEntry}`);
    store(p, outputs, Object.keys(meta.inputs));
  });
}

/**
 * Bundles a TypeScript/JavaScript entry for Lambda (nodejs22.x, CommonJS) once per entry and options per process:
 * three environment stacks that use the same handler share one esbuild run and one folder.
 */
export function bundle(entry: string, options: BundlingOptions = {}): Bundle {
  const found = lookup(entry, options);
  if ("hash" in found) return found;
  build([found], options);
  return memo.get(found.key)!;
}

/**
 * Bundles many entries up front, one esbuild run per distinct set of options, so a stack with many functions pays
 * for one build instead of one per function; later bundle() calls for the same entries are served from memory.
 */
export function bundleAll(requests: readonly BundleRequest[]): void {
  const groups = new Map<string, { options: BundlingOptions; pending: Pending[] }>();
  for (const r of requests) {
    const options = r.options ?? {};
    const found = lookup(r.entry, options);
    if ("hash" in found) continue;
    const k = optionsKey(options);
    const group = groups.get(k) ?? { options, pending: [] };
    if (!group.pending.some((p) => p.key === found.key)) group.pending.push(found);
    groups.set(k, group);
  }
  for (const { options, pending } of groups.values()) build(pending, options);
}

/** Forgets this process's bundles (the on-disk cache stays): for tests and long-running watchers. */
export function clearBundleMemo(): void {
  memo.clear();
}

/** Bundles of this process: esbuild runs, bundles reused from an earlier synth with unchanged inputs, all bundles. */
export function bundleStats(): { builds: number; reused: number; bundles: Bundle[] } {
  return { builds, reused, bundles: [...memo.values()] };
}
