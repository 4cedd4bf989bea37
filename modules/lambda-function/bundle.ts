import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { buildSync } from "esbuild";

/** How a TypeScript entry is bundled. */
export interface BundlingOptions {
  /** Minify the bundle. @default true */
  readonly minify?: boolean;
  /** Emit a source map next to the bundle (and enable it with NODE_OPTIONS). @default false */
  readonly sourceMap?: boolean;
  /** Modules left out of the bundle (provided by a layer or the runtime). @default [] */
  readonly externalModules?: readonly string[];
  /** Compile-time constants (esbuild `define`). @default {} */
  readonly define?: Readonly<Record<string, string>>;
}

/** A bundled function: a folder holding `index.js` (and its map), named by content hash. */
export interface Bundle {
  readonly entry: string;
  readonly directory: string;
  readonly hash: string;
  /** Bytes of index.js. */
  readonly size: number;
}

const memo = new Map<string, Bundle>();
let builds = 0;

/** Where bundles are written; one folder per content hash, reused across synths. */
export function bundleCacheDir(): string {
  return resolve(process.env.PLATFORM_BUNDLE_CACHE_DIR ?? join(process.cwd(), ".bundle-cache"));
}

/**
 * Bundles a TypeScript/JavaScript entry for Lambda (nodejs22.x, CommonJS) once per entry and options per process:
 * three environment stacks that use the same handler share one esbuild run and one folder.
 */
export function bundle(entry: string, options: BundlingOptions = {}): Bundle {
  const absEntry = isAbsolute(entry) ? entry : resolve(entry);
  const key = JSON.stringify([absEntry, options.minify ?? true, options.sourceMap ?? false, options.externalModules ?? [], options.define ?? {}]);
  const cached = memo.get(key);
  if (cached) return cached;
  if (!existsSync(absEntry)) {
    throw new Error(`LambdaFunction: entry "${entry}" does not exist (resolved to ${absEntry}). Fix: pass the path of the handler's .ts file.`);
  }
  builds += 1;
  const sourceMap = options.sourceMap ?? false;
  const result = buildSync({
    entryPoints: [absEntry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: options.minify ?? true,
    sourcemap: sourceMap ? "external" : false,
    sourcesContent: false,
    mainFields: ["module", "main"],
    external: [...(options.externalModules ?? [])],
    define: { ...(options.define ?? {}) },
    legalComments: "none",
    outfile: "index.js",
    write: false,
    logLevel: "silent",
  });
  if (result.errors.length > 0) {
    throw new Error(`LambdaFunction: bundling ${relative(process.cwd(), absEntry)} failed: ${result.errors.map((e) => e.text).join("; ")}`);
  }
  const files = [...result.outputFiles].sort((a, b) => a.path.localeCompare(b.path));
  const hash = createHash("sha256");
  for (const f of files) hash.update(relative(process.cwd(), f.path)).update(f.contents);
  const digest = hash.digest("hex").slice(0, 32);
  const directory = join(bundleCacheDir(), digest);
  if (!existsSync(join(directory, "index.js"))) {
    const tmp = `${directory}.tmp-${process.pid}`;
    mkdirSync(tmp, { recursive: true });
    for (const f of files) writeFileSync(join(tmp, f.path.endsWith(".map") ? "index.js.map" : "index.js"), f.contents);
    try {
      renameSync(tmp, directory);
    } catch (err) {
      // another process wrote the same content-addressed folder first: theirs is identical
      if (!existsSync(join(directory, "index.js"))) throw err;
    }
  }
  const main = files.find((f) => !f.path.endsWith(".map"));
  const out: Bundle = { entry: absEntry, directory, hash: digest, size: main ? main.contents.byteLength : 0 };
  memo.set(key, out);
  return out;
}

/** Bundles built in this process (for `npm run bench` and tests). */
export function bundleStats(): { builds: number; bundles: Bundle[] } {
  return { builds, bundles: [...memo.values()] };
}
