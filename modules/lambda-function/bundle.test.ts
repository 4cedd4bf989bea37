import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { bundle, bundleStats, clearBundleMemo } from "./bundle";

describe("bundle cache", () => {
  const saved = { cache: process.env.PLATFORM_BUNDLE_CACHE_DIR, tz: process.env.TZ };
  afterEach(() => {
    process.env.PLATFORM_BUNDLE_CACHE_DIR = saved.cache;
    if (saved.tz === undefined) delete process.env.TZ;
    else process.env.TZ = saved.tz;
    clearBundleMemo();
  });

  function project(): { dir: string; entry: string } {
    const dir = mkdtempSync(join(tmpdir(), "bundle-src-"));
    writeFileSync(join(dir, "dep.ts"), "export const greeting = (name: string): string => `hello ${name}`;\n");
    writeFileSync(join(dir, "entry.ts"), 'import { greeting } from "./dep";\nexport const handler = async () => greeting("world");\n');
    return { dir, entry: join(dir, "entry.ts") };
  }

  it("reuses a bundle across synths while its input files are unchanged, and rebuilds when one changes", () => {
    process.env.PLATFORM_BUNDLE_CACHE_DIR = mkdtempSync(join(tmpdir(), "bundle-cache-"));
    const { dir, entry } = project();
    const s0 = bundleStats();
    const first = bundle(entry);
    expect(bundleStats().builds).toBe(s0.builds + 1);

    clearBundleMemo(); // a new synth process
    const again = bundle(entry);
    expect(bundleStats()).toMatchObject({ builds: s0.builds + 1, reused: s0.reused + 1 });
    expect(again).toEqual(first);

    writeFileSync(join(dir, "dep.ts"), "export const greeting = (name: string): string => `bonjour ${name}`;\n");
    clearBundleMemo();
    const changed = bundle(entry);
    expect(bundleStats().builds).toBe(s0.builds + 2);
    expect(changed.hash).not.toBe(first.hash);
    expect(readFileSync(join(changed.directory, "index.js"), "utf8")).toContain("bonjour");
  });

  it("writes a zip Lambda can run: index.js at the root, 0644, and source_code_hash = base64 sha256 of the zip", () => {
    process.env.PLATFORM_BUNDLE_CACHE_DIR = mkdtempSync(join(tmpdir(), "bundle-cache-"));
    const b = bundle(project().entry);
    const zip = readFileSync(b.zipPath);
    expect(b.zipSha256).toBe(createHash("sha256").update(zip).digest("base64"));
    expect(b.zipSize).toBe(zip.byteLength);
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(["index.js"]);
    expect(Buffer.from(files["index.js"]).equals(readFileSync(join(b.directory, "index.js")))).toBe(true);
    // external attributes of the central directory entry: Unix 0100644
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt32LE(central + 38) >>> 16).toBe(0o100644);
  });

  it("produces the same zip bytes in every time zone (no spurious plan diffs between machines)", () => {
    const { entry } = project();
    const zipIn = (tz: string): string => {
      process.env.TZ = tz;
      process.env.PLATFORM_BUNDLE_CACHE_DIR = mkdtempSync(join(tmpdir(), "bundle-cache-"));
      clearBundleMemo();
      return bundle(entry).zipSha256;
    };
    expect(zipIn("Pacific/Kiritimati")).toBe(zipIn("America/Adak"));
  });
});
