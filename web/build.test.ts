import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWebSync, webSourceHash } from "./build";

describe("web build (buildWebSync)", () => {
  const cache = mkdtempSync(join(tmpdir(), "web-build-cache-"));
  const out = mkdtempSync(join(tmpdir(), "web-build-out-"));
  const previous = process.env.PLATFORM_BUNDLE_CACHE_DIR;
  beforeAll(() => (process.env.PLATFORM_BUNDLE_CACHE_DIR = cache));
  afterAll(() => {
    if (previous === undefined) delete process.env.PLATFORM_BUNDLE_CACHE_DIR;
    else process.env.PLATFORM_BUNDLE_CACHE_DIR = previous;
    rmSync(cache, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("writes index.html that loads the hashed JS (as a module) and CSS it wrote beside it", () => {
    const built = buildWebSync({ outDir: out });
    expect(built.outDir).toBe(out);
    const js = built.files.find((f) => /^main-[A-Z0-9]{8}\.js$/.test(f));
    const css = built.files.find((f) => /^main-[A-Z0-9]{8}\.css$/.test(f));
    expect(built.files).toEqual(["index.html", css, js].sort());
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain(`<script type="module" src="/${js}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/${css}" />`);
    expect(html).toContain('<html lang="en">');
    for (const f of built.files) expect(existsSync(join(out, f))).toBe(true);
  });

  it("keeps the JavaScript within the 80 KB gzip budget", () => {
    const built = buildWebSync();
    const js = built.files.filter((f) => f.endsWith(".js")).map((f) => gzipSync(readFileSync(join(built.outDir, f)), { level: 9 }).length);
    expect(js.reduce((a, b) => a + b, 0)).toBeLessThan(80 * 1024);
  });

  it("reuses the cached build: a warm call only hashes the sources", () => {
    const first = buildWebSync();
    const started = process.hrtime.bigint();
    const again = buildWebSync();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(again).toEqual(first);
    expect(first.outDir).toBe(join(cache, "web", webSourceHash(true)));
    expect(ms).toBeLessThan(500);
  });

  it("caches minified and unminified builds apart", () => {
    expect(webSourceHash(true)).not.toBe(webSourceHash(false));
  });
});
