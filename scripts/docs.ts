// Run: npm run docs [-- --check]
// Regenerates the documentation that is computed from the code, in one command:
//   - modules/<block>/README.md: the sections between `<!-- generated:props -->` / `<!-- generated:grants -->` and
//     `<!-- /generated -->`: the props table from the TSDoc (scripts/docs-props.ts) and every grant method's IAM
//     actions and resources (scripts/docs-grants.ts); the rest of each README is hand-written and kept;
//   - docs/api/: the API reference of modules/index.ts, by typedoc with typedoc-plugin-markdown (typedoc.json says why
//     Markdown), plus docs/api/.inputs-sha256, a hash of what typedoc reads, so the docs test knows it is current
//     without running typedoc (~10-30 s) when nothing changed.
// --check writes nothing: it exits 1 naming every stale file (test/docs/docs.test.ts does the same).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { AnyClass, grantMethods, grantsSection, GRANTED_BLOCKS, withGeneratedSection, withoutGeneratedSection } from "./docs-grants";
import { propsSection } from "./docs-props";

export const ROOT = resolve(__dirname, "..");
export const API_DIR = "docs/api";
export const INPUTS_HASH_FILE = ".inputs-sha256";

/** Module folders (one per block): every folder of modules/. */
export function moduleBlocks(root = ROOT): string[] {
  const dir = join(root, "modules");
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/** Exported classes of a block other than its documented class (and that class's bases), with their grant methods. */
function otherClassesWithGrants(block: string): Array<{ name: string; methods: string[] }> {
  const path = join(ROOT, "modules", block, "index.ts");
  if (!existsSync(path)) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the block is picked by name at run time
  const exports = require(path) as Record<string, unknown>;
  const spec = GRANTED_BLOCKS[block];
  const main = spec ? (exports[spec.className] as AnyClass | undefined) : undefined;
  if (spec && !main) throw new Error(`docs: modules/${block} exports no class ${spec.className}. Fix: update GRANTED_BLOCKS["${block}"] in scripts/docs-grants.ts.`);
  const bases = new Set<unknown>();
  for (let p = main?.prototype; p; p = Object.getPrototypeOf(p)) bases.add(p.constructor);
  return Object.entries(exports)
    .filter(([, v]) => typeof v === "function" && (v as AnyClass).prototype && !bases.has(v))
    .map(([name, v]) => ({ name, methods: grantMethods(v as AnyClass) }))
    .filter((c) => c.methods.length > 0);
}

/** Every module README as it should be: path (relative to the root) → text. Throws when a module has no README. */
export function generatedReadmes(root = ROOT): Map<string, string> {
  const out = new Map<string, string>();
  const missing: string[] = [];
  const unknown = Object.keys(GRANTED_BLOCKS).filter((b) => !moduleBlocks(root).includes(b));
  if (unknown.length > 0) throw new Error(`docs: GRANTED_BLOCKS names ${unknown.join(", ")}, not a folder of modules/. Fix: rename or remove it in scripts/docs-grants.ts.`);
  for (const block of moduleBlocks(root)) {
    const path = join("modules", block, "README.md");
    if (!existsSync(join(root, path))) {
      missing.push(path);
      continue;
    }
    const others = otherClassesWithGrants(block);
    if (GRANTED_BLOCKS[block] && others.length > 0) {
      throw new Error(
        `docs: ${others.map((c) => `${c.name}.${c.methods.join("/")}`).join(", ")} in modules/${block} is not documented. Fix: document it in scripts/docs-grants.ts.`,
      );
    }
    let text = withGeneratedSection(readFileSync(join(root, path), "utf8"), grantsSection(block, others));
    const index = join(root, "modules", block, "index.ts");
    const props = existsSync(index) ? propsSection(index) : undefined;
    text = props === undefined ? withoutGeneratedSection(text, "props") : withGeneratedSection(text, props, "props", "grants");
    out.set(path, text);
  }
  if (missing.length > 0) {
    throw new Error(`docs: ${missing.join(", ")} missing. Fix: write it (what the block creates, its secure defaults, a minimal example), then run npm run docs.`);
  }
  return out;
}

function filesUnder(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p, base) : [relative(base, p)];
    })
    .sort();
}

/** A hash of what typedoc reads: the non-test sources of modules/ and stacks/, its config, and the tool versions. */
export function typedocInputsHash(root = ROOT): string {
  const h = createHash("sha256");
  const sources = ["modules", "stacks"].flatMap((d) =>
    filesUnder(join(root, d))
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => join(d, f)),
  );
  for (const f of [...sources, "typedoc.json", "tsconfig.build.json", "tsconfig.json"]) {
    h.update(`${f}\0`)
      .update(readFileSync(join(root, f)))
      .update("\0");
  }
  for (const pkg of ["typedoc", "typedoc-plugin-markdown", "typescript"]) {
    h.update(`${pkg}@${JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")).version}\0`);
  }
  return h.digest("hex");
}

/** Runs typedoc (typedoc.json) into `outDir` and writes the inputs hash there. */
export function runTypedoc(outDir: string, root = ROOT): void {
  const hash = typedocInputsHash(root);
  execFileSync(process.execPath, [join(root, "node_modules", "typedoc", "bin", "typedoc"), "--options", join(root, "typedoc.json"), "--out", outDir, "--logLevel", "Warn"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  writeFileSync(join(outDir, INPUTS_HASH_FILE), `${hash}\n`);
}

/** Files that differ between two folders (added, removed or changed), relative paths. */
export function diffTrees(expectedDir: string, actualDir: string): string[] {
  const a = filesUnder(expectedDir);
  const b = filesUnder(actualDir);
  const all = [...new Set([...a, ...b])].sort();
  return all.filter((f) => {
    if (f === INPUTS_HASH_FILE) return false;
    const pa = join(expectedDir, f);
    const pb = join(actualDir, f);
    return !existsSync(pa) || !existsSync(pb) || !readFileSync(pa).equals(readFileSync(pb));
  });
}

/** Module READMEs whose generated section is stale (relative paths). */
export function staleReadmes(root = ROOT): string[] {
  return [...generatedReadmes(root)].filter(([path, text]) => readFileSync(join(root, path), "utf8") !== text).map(([path]) => path);
}

/**
 * Stale files of docs/api (relative paths). typedoc runs (into a temp folder) only when the hash of its inputs differs
 * from the one recorded by npm run docs; the same output from changed inputs (an implementation change) is current.
 */
export function staleApiDocs(root = ROOT): string[] {
  const apiDir = join(root, API_DIR);
  const recorded = existsSync(join(apiDir, INPUTS_HASH_FILE)) ? readFileSync(join(apiDir, INPUTS_HASH_FILE), "utf8").trim() : "";
  if (recorded === typedocInputsHash(root)) return [];
  const tmp = mkdtempSync(join(tmpdir(), "docs-api-"));
  try {
    runTypedoc(tmp, root);
    return diffTrees(tmp, apiDir).map((f) => join(API_DIR, f));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Stale generated files (relative paths); an empty list means the docs are current. */
export function staleDocs(root = ROOT): string[] {
  return [...staleReadmes(root), ...staleApiDocs(root)];
}

function main(argv: readonly string[]): number {
  const started = Date.now();
  if (argv.includes("--check")) {
    const stale = staleDocs();
    if (stale.length > 0) {
      process.stderr.write(`docs: stale (run npm run docs):\n${stale.map((f) => `  ${f}`).join("\n")}\n`);
      return 1;
    }
    process.stdout.write(`docs: current (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return 0;
  }
  let changed = 0;
  for (const [path, text] of generatedReadmes()) {
    const full = join(ROOT, path);
    if (readFileSync(full, "utf8") !== text) {
      writeFileSync(full, text);
      changed++;
      process.stdout.write(`docs: updated ${path}\n`);
    }
  }
  runTypedoc(join(ROOT, API_DIR));
  process.stdout.write(`docs: ${changed} README(s) updated, ${API_DIR} regenerated (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
