import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { Fixtures } from "./test-support";
import { unpackZip } from "./unpack-zip";

const fixtures = new Fixtures();
afterAll(() => fixtures.cleanup());

function writeZip(name: string, entries: Record<string, string>): string {
  const path = join(fixtures.root, name);
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, strToU8(v)]))));
  return path;
}

describe("unpackZip", () => {
  it("unpacks files and folders into destDir after emptying it, and returns destDir", () => {
    const zip = writeZip("ok.zip", { "index.js": "exports.handler = 1;", "lib/util.js": "module.exports = 2;", "empty/": "" });
    const dest = join(fixtures.root, "dest-ok");
    mkdirSync(dest);
    writeFileSync(join(dest, "stale.js"), "old");
    expect(unpackZip(zip, dest)).toBe(dest);
    expect(readFileSync(join(dest, "index.js"), "utf8")).toBe("exports.handler = 1;");
    expect(readFileSync(join(dest, "lib/util.js"), "utf8")).toBe("module.exports = 2;");
    expect(existsSync(join(dest, "empty"))).toBe(true);
    expect(existsSync(join(dest, "stale.js"))).toBe(false);
  });

  it("rejects an entry that climbs out of destDir (zip slip) before touching destDir", () => {
    const zip = writeZip("slip.zip", { "index.js": "ok", "../escaped.js": "evil" });
    const dest = join(fixtures.root, "dest-slip");
    mkdirSync(dest);
    writeFileSync(join(dest, "keep.js"), "kept");
    expect(() => unpackZip(zip, dest)).toThrow(/outside the destination folder: "\.\.\/escaped\.js"/);
    expect(existsSync(join(fixtures.root, "escaped.js"))).toBe(false);
    expect(readFileSync(join(dest, "keep.js"), "utf8")).toBe("kept");
    const nested = writeZip("slip-nested.zip", { "lib/../../escaped.js": "evil" });
    expect(() => unpackZip(nested, dest)).toThrow(/outside the destination folder/);
  });

  it("rejects absolute entry names", () => {
    const zip = writeZip("absolute.zip", { "/etc/evil.js": "evil" });
    expect(() => unpackZip(zip, join(fixtures.root, "dest-abs"))).toThrow(/outside the destination folder/);
  });

  it("refuses to empty the current folder, a folder above it, or the file system root", () => {
    const zip = writeZip("any.zip", { "index.js": "ok" });
    expect(() => unpackZip(zip, process.cwd())).toThrow(/refusing to empty/);
    expect(() => unpackZip(zip, join(process.cwd(), ".."))).toThrow(/refusing to empty/);
    expect(() => unpackZip(zip, "/")).toThrow(/refusing to empty/);
  });
});
