import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { AwsStack } from "../stack";
import { synthStack, warnings } from "../../test/support/synth";
import { plannedValues, validateAndPlanStack } from "../../test/support/terraform";
import { Bucket } from "../bucket";
import { Key } from "../kms-key";
import { cacheControlOf, contentTypeOf, IMMUTABLE, NO_CACHE, StaticSite, StaticSiteProps } from "./index";

const FIXTURE = join(__dirname, "..", "..", "test", "fixtures", "site");
const ACCOUNT = "123456789012";

function synthSite(props: Partial<StaticSiteProps> = {}, kms = false) {
  let site!: StaticSite;
  const out = synthStack((s) => {
    const key = kms ? new Key(s, "Key", { name: "site", accountId: ACCOUNT }) : undefined;
    const bucket = new Bucket(s, "Site", { name: "site", encryptionKey: key });
    site = new StaticSite(s, "Web", { bucket, sourceDir: FIXTURE, ...props });
  });
  const byKey = Object.fromEntries(Object.values<any>(out.resources("aws_s3_object")).map((o) => [o.key, o]));
  return { out, site, byKey };
}

describe("content types and cache headers", () => {
  it.each([
    ["index.html", "text/html; charset=utf-8"],
    ["assets/main-ABCD1234.js", "text/javascript; charset=utf-8"],
    ["assets/main-ABCD1234.css", "text/css; charset=utf-8"],
    ["config.json", "application/json; charset=utf-8"],
    ["logo.SVG", "image/svg+xml"],
    ["fonts/a.woff2", "font/woff2"],
  ])("%s is served as %s", (key, type) => expect(contentTypeOf(key)).toBe(type));

  it("caches names with an esbuild content hash for a year (immutable), everything else no-cache", () => {
    expect(cacheControlOf("assets/main-ABCD1234.js")).toBe("public, max-age=31536000, immutable");
    expect(cacheControlOf("chunk-Q2W3E4R5.css")).toBe(IMMUTABLE);
    expect(cacheControlOf("assets/main-ABCD1234.js.map")).toBe(IMMUTABLE);
    expect(cacheControlOf("index.html")).toBe("no-cache");
    expect(cacheControlOf("config.json")).toBe(NO_CACHE);
    expect(cacheControlOf("robots.txt")).toBe(NO_CACHE);
    expect(cacheControlOf("main.js")).toBe(NO_CACHE);
    expect(cacheControlOf("my-app.js")).toBe(NO_CACHE);
  });
});

describe("StaticSite", () => {
  it("uploads every file under sourceDir with its relative path as key, Content-Type, Cache-Control and the md5 as etag", () => {
    const { byKey, out } = synthSite();
    expect(Object.keys(byKey).sort()).toEqual(["assets/main-ABCD1234.js", "assets/main-EFGH5678.css", "index.html", "robots.txt"]);
    expect(byKey["index.html"]).toMatchObject({ bucket: out.ref("aws_s3_bucket", "bucket"), content_type: "text/html; charset=utf-8", cache_control: "no-cache" });
    expect(byKey["assets/main-ABCD1234.js"]).toMatchObject({ content_type: "text/javascript; charset=utf-8", cache_control: "public, max-age=31536000, immutable" });
    expect(byKey["assets/main-EFGH5678.css"]).toMatchObject({ content_type: "text/css; charset=utf-8", cache_control: IMMUTABLE });
    expect(byKey["robots.txt"]).toMatchObject({ content_type: "text/plain; charset=utf-8", cache_control: NO_CACHE });
    // md5 of `console.log("fixture");\n`
    expect(byKey["assets/main-ABCD1234.js"].etag).toMatch(/^[0-9a-f]{32}$/);
    expect(byKey["assets/main-ABCD1234.js"].source_hash).toBeUndefined();
    // the source is the cdktf asset (relative to the stack folder), not a path of this checkout
    expect(byKey["index.html"].source).toMatch(/^assets\//);
  });

  it("uploads only the listed files when given a build's file list", () => {
    const { byKey } = synthSite({ files: ["index.html", "assets/main-ABCD1234.js"] });
    expect(Object.keys(byKey).sort()).toEqual(["assets/main-ABCD1234.js", "index.html"]);
  });

  it("uses source_hash instead of etag on an SSE-KMS bucket (its ETag is not the md5)", () => {
    const { byKey } = synthSite({}, true);
    expect(byKey["index.html"].etag).toBeUndefined();
    expect(byKey["index.html"].source_hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it("generates config.json from tokens with jsonencode, no-cache, never hard-coded", () => {
    const out = synthStack((s) => {
      const bucket = new Bucket(s, "Site", { name: "site" });
      new StaticSite(s, "Web", {
        bucket,
        sourceDir: FIXTURE,
        files: ["index.html"],
        generatedJson: { "config.json": { apiBaseUrl: "/api", bucket: bucket.name, scopes: ["openid"] } },
      });
    });
    const config = Object.values<any>(out.resources("aws_s3_object")).find((o) => o.key === "config.json");
    expect(config).toMatchObject({ content_type: "application/json; charset=utf-8", cache_control: "no-cache" });
    expect(config.content).toMatch(/^\$\{jsonencode\(/);
    expect(config.content).toContain("aws_s3_bucket.");
    expect(config.content).toContain('"apiBaseUrl" = "/api"');
    expect(config.etag).toBeUndefined();
  });

  it("changes only the object whose file changed between two synths", () => {
    const dir = mkdtempSync(join(tmpdir(), "site-"));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const first = synthSite({ sourceDir: dir }).byKey;
      writeFileSync(join(dir, "robots.txt"), "User-agent: *\nDisallow: /private\n");
      const second = synthSite({ sourceDir: dir }).byKey;
      const changed = Object.keys(first).filter((k) => JSON.stringify(first[k]) !== JSON.stringify(second[k]));
      expect(changed).toEqual(["robots.txt"]);
      expect(first["robots.txt"].etag).not.toBe(second["robots.txt"].etag);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("warns when the site has no index.html, and for an extension with no known Content-Type", () => {
    const dir = mkdtempSync(join(tmpdir(), "site-"));
    try {
      writeFileSync(join(dir, "data.bin2"), "x");
      const { site, byKey } = synthSite({ sourceDir: dir });
      const warned = warnings(site).join("\n");
      expect(warned).toMatch(/has no index\.html.*Fix: build the site/);
      expect(warned).toMatch(/"data\.bin2" has an extension with no known Content-Type.*Fix:/);
      expect(byKey["data.bin2"].content_type).toBe("application/octet-stream");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each<[string, Partial<StaticSiteProps>, RegExp]>([
    ["a missing sourceDir", { sourceDir: "/nonexistent/site" }, /sourceDir: received "\/nonexistent\/site".*Fix: build the site first/],
    ["a relative sourceDir", { sourceDir: "web/dist" }, /sourceDir: received "web\/dist"/],
    ["a file path with ..", { files: ["../secret.txt"] }, /files\[0\]: received "\.\.\/secret\.txt"/],
    [
      "a generated key that a built file has",
      { files: ["index.html"], generatedJson: { "index.html": {} } },
      /generatedJson\["index\.html"\].*Fix: remove index\.html from the build output/,
    ],
  ])("refuses %s, naming the module, prop and fix", (_what, props, message) => {
    expect(() => synthSite(props)).toThrow(/^StaticSite "test\/Web": invalid props/);
    expect(() => synthSite(props)).toThrow(message);
  });
});

describe("StaticSite in Terraform", () => {
  it("is valid Terraform and plans every object with its type, cache header and etag", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "site-tf", { app: "test", env: "dev", region: "eu-west-1", allowedAccountIds: [ACCOUNT], tags: {}, offline: true });
    const bucket = new Bucket(stack, "Site", { name: "site" });
    new StaticSite(stack, "Web", { bucket, sourceDir: FIXTURE, generatedJson: { "config.json": { apiBaseUrl: "/api", bucket: bucket.name } } });
    const result = await validateAndPlanStack(stack);
    expect(result.validate.diagnostics).toEqual([]);
    const objects = plannedValues(result.plan, "aws_s3_object");
    expect(objects.map((o) => o.key).sort()).toEqual(["assets/main-ABCD1234.js", "assets/main-EFGH5678.css", "config.json", "index.html", "robots.txt"]);
    const index = objects.find((o) => o.key === "index.html");
    expect(index).toMatchObject({ content_type: "text/html; charset=utf-8", cache_control: "no-cache" });
    expect(index.etag).toMatch(/^[0-9a-f]{32}$/);
  });
});
