import { symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { bundle, clearBundleMemo } from "../../../modules/lambda-function/bundle";
import { Fixtures } from "./test-support";
import { unpackZip } from "./unpack-zip";

const fixtures = new Fixtures();
const savedCacheDir = process.env.PLATFORM_BUNDLE_CACHE_DIR;
afterAll(async () => {
  if (savedCacheDir === undefined) delete process.env.PLATFORM_BUNDLE_CACHE_DIR;
  else process.env.PLATFORM_BUNDLE_CACHE_DIR = savedCacheDir;
  clearBundleMemo();
  await fixtures.cleanup();
});

const GREETING_TS = `export function greet(name: string): string {\n  if (name === "") throw new Error("name is required");\n  return \`hello \${name}\`;\n}\n`;

describe("a real deployment package", () => {
  it("runs a TypeScript handler bundled by esbuild and zipped with fflate (modules/lambda-function bundle()), from unpackZip's folder", async () => {
    process.env.PLATFORM_BUNDLE_CACHE_DIR = join(fixtures.root, "bundle-cache");
    const src = fixtures.code({
      "greeting.ts": GREETING_TS,
      "handler.ts": [
        `import { z } from "zod";`,
        `import type { Context } from "aws-lambda";`,
        `import { greet } from "./greeting";`,
        `const Event = z.object({ name: z.string() });`,
        `let invocations = 0;`,
        `export const handler = async (event: unknown, context: Context) => {`,
        `  invocations += 1;`,
        `  const { name } = Event.parse(event);`,
        `  return { message: greet(name), invocations, function: context.functionName };`,
        `};`,
      ].join("\n"),
    });
    // esbuild resolves zod from the source's folder; the unpacked package gets no node_modules, as in Lambda.
    symlinkSync(resolve(__dirname, "../../../node_modules"), join(src, "node_modules"), "dir");
    const built = bundle(join(src, "handler.ts"));
    const codeDir = unpackZip(built.zipPath, join(fixtures.root, "unpacked"));
    const { pool } = fixtures.pool(fixtures.spec(codeDir, { name: "platform-local-greeter" }));

    expect(await pool.invoke({ name: "ada" })).toMatchObject({ ok: true, payload: { message: "hello ada", invocations: 1, function: "platform-local-greeter" } });
    expect(await pool.invoke({ name: "bob" })).toMatchObject({ ok: true, payload: { message: "hello bob", invocations: 2 } });
    expect(await pool.invoke({ name: "" })).toMatchObject({ ok: false, errorType: "Error", errorMessage: "name is required" });
    expect(await pool.invoke({ name: 42 })).toMatchObject({ ok: false, errorType: "ZodError" });
    expect(pool.stats().coldStarts).toBe(1);
  });

  it("maps stack traces through a bundle's linked source map (--enable-source-maps)", async () => {
    const src = fixtures.code({
      "greeting.ts": GREETING_TS,
      "handler.ts": `import { greet } from "./greeting";\nexport const handler = async (event: { name: string }) => greet(event.name);\n`,
    });
    const codeDir = join(fixtures.root, "mapped");
    buildSync({
      entryPoints: { index: join(src, "handler.ts") },
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      minify: true,
      sourcemap: "linked",
      outdir: codeDir,
      logLevel: "silent",
    });
    const { pool } = fixtures.pool(fixtures.spec(codeDir));
    const failed = await pool.invoke({ name: "" });
    if (failed.ok) throw new Error("expected the empty name to fail");
    expect(failed.trace?.some((line) => /greeting\.ts:2:\d+/.test(line))).toBe(true);
  });
});
