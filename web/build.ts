/**
 * Builds the single-page app: esbuild bundles `web/src/main.tsx` (browser, ES2020, minified, no splitting) into
 * `main-[hash].js` and `main-[hash].css`, and `index.html` is written with those names. Cached by content: the hash of
 * every file under `web/src/`, `web/index.html`, this file, the esbuild and Preact versions and the options names a
 * folder in the bundle cache (`bundleCacheDir()/web/<hash>`), so a warm call costs only the hashing (the synth of
 * every environment calls it).
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { extname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { bundleCacheDir } from "../modules/lambda-function/bundle";

export interface BuildWebOptions {
  /**
   * Where the files are written. @default the cache folder itself (content-addressed: never changed once written)
   */
  readonly outDir?: string;
  /** @default true */
  readonly minify?: boolean;
}

export interface BuiltWeb {
  /** The folder that holds the files. */
  readonly outDir: string;
  /** File names relative to outDir, sorted: `index.html`, `main-<hash>.css`, `main-<hash>.js`. */
  readonly files: string[];
}

export const WEB_ROOT = resolve(__dirname);
const SRC = join(WEB_ROOT, "src");
const INDEX_HTML = join(WEB_ROOT, "index.html");
const MANIFEST = "manifest.json";

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    // Tests and their helpers are not part of the app.
    else if (!/\.test(-support)?\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The content hash the build is cached under (esbuild itself is loaded only for a build). */
export function webSourceHash(minify: boolean): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ esbuild: packageVersion("esbuild"), preact: packageVersion("preact"), zod: packageVersion("zod"), minify, names: "content-sha256" }));
  for (const file of [...walk(SRC), INDEX_HTML, __filename]) {
    hash.update(relative(WEB_ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 32);
}

function build(dir: string, minify: boolean): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when a build runs, not whenever web/build.ts is imported
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [join(SRC, "main.tsx")],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2020",
    minify,
    splitting: false,
    sourcemap: false,
    jsx: "automatic",
    jsxImportSource: "preact",
    tsconfig: join(WEB_ROOT, "tsconfig.json"),
    // Named below by a hash of the content only: esbuild's [hash] also covers the inputs' paths, so the same sources
    // built through a symlinked node_modules (the plan's base worktree) got other names and a plan showed changes.
    entryNames: "[name]",
    assetNames: "[name]-[hash]",
    outdir: dir,
    write: false,
    metafile: false,
    logLevel: "silent",
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const names: string[] = [];
  let js: string | undefined;
  let css: string | undefined;
  for (const f of result.outputFiles) {
    const plain = relative(dir, f.path);
    const ext = extname(plain);
    const name =
      ext === ".js" || ext === ".css" ? `${plain.slice(0, -ext.length)}-${createHash("sha256").update(f.contents).digest("hex").slice(0, 8).toUpperCase()}${ext}` : plain;
    if (name.endsWith(".js")) js = name;
    if (name.endsWith(".css")) css = name;
    writeFileSync(join(dir, name), f.contents);
    names.push(name);
  }
  if (js === undefined) throw new Error("web build: esbuild produced no JavaScript");
  let html = readFileSync(INDEX_HTML, "utf8").replace("%JS%", `/${js}`);
  html = css !== undefined ? html.replace("%CSS%", `/${css}`) : html.replace(/\s*<link rel="stylesheet" href="%CSS%" \/>/, "");
  writeFileSync(join(dir, "index.html"), html);
  names.push("index.html");
  return names.sort();
}

/** Builds the app (or reuses the cached build of the same sources) and returns where its files are. */
export function buildWebSync(options: BuildWebOptions = {}): BuiltWeb {
  const minify = options.minify ?? true;
  const cacheDir = join(bundleCacheDir(), "web", webSourceHash(minify));
  const manifestPath = join(cacheDir, MANIFEST);
  let files: string[];
  if (existsSync(manifestPath)) {
    files = JSON.parse(readFileSync(manifestPath, "utf8")) as string[];
  } else {
    const tmp = `${cacheDir}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(tmp, { recursive: true });
    try {
      files = build(tmp, minify);
      writeFileSync(join(tmp, MANIFEST), JSON.stringify(files));
      try {
        renameSync(tmp, cacheDir);
      } catch {
        // Another process wrote the same build first: identical content.
        rmSync(tmp, { recursive: true, force: true });
      }
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  if (options.outDir === undefined) return { outDir: cacheDir, files };
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  // Stale hashed assets of earlier builds go; unchanged files are left alone.
  for (const name of readdirSync(outDir)) if (!files.includes(name) && statSync(join(outDir, name)).isFile()) rmSync(join(outDir, name));
  for (const name of files) {
    const from = join(cacheDir, name);
    const to = join(outDir, name);
    if (!existsSync(to) || !readFileSync(to).equals(readFileSync(from))) copyFileSync(from, to);
  }
  return { outDir, files };
}

if (require.main === module) {
  const started = Date.now();
  const out = buildWebSync({ outDir: join(WEB_ROOT, "dist") });
  for (const name of out.files) {
    const bytes = readFileSync(join(out.outDir, name));
    console.log(`  ${name.padEnd(28)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1).padStart(6)} KB gzip`);
  }
  console.log(`web/dist written in ${Date.now() - started} ms`);
}
