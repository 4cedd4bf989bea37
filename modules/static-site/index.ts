import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Annotations, AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { IBucket } from "../bucket";
import { cacheControlOf, contentTypeOf, NO_CACHE } from "./content-types";
import { validateStaticSiteProps } from "./validate-props";

export { CONTENT_TYPES, HASHED_NAME, IMMUTABLE, NO_CACHE, cacheControlOf, contentTypeOf } from "./content-types";

export interface StaticSiteProps {
  /** The bucket the site is served from (private, behind a CDN). Objects are written under their relative path. */
  readonly bucket: IBucket;
  /** Absolute path of the built site (index.html at its root). */
  readonly sourceDir: string;
  /**
   * The files to upload, relative to `sourceDir` with `/` separators (a build tool's list of outputs: no directory walk).
   * @default every file under sourceDir, recursively
   */
  readonly files?: readonly string[];
  /**
   * Objects generated at synth from the stack's own attributes: key → a JSON value whose strings may be tokens
   * (rendered with Terraform's jsonencode, so the object holds the deployed values). Served `no-cache`.
   * @default none
   */
  readonly generatedJson?: Readonly<Record<string, unknown>>;
}

/** One uploaded object, for tests and outputs. */
export interface StaticSiteObject {
  readonly key: string;
  readonly contentType: string;
  readonly cacheControl: string;
  /** md5 of the content (hex); undefined for generated objects (their content is only known at apply). */
  readonly md5?: string;
  readonly resource: S3Object;
}

/** md5 per file, kept across the stacks of one synth (every environment uploads the same build). */
const md5Cache = new Map<string, { size: number; mtimeMs: number; md5: string }>();

function md5Of(file: string): string {
  const st = statSync(file);
  const hit = md5Cache.get(file);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.md5;
  const md5 = createHash("md5").update(readFileSync(file)).digest("hex");
  md5Cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, md5 });
  return md5;
}

function walk(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, root));
    else if (entry.isFile()) out.push(relative(root, full).split(sep).join("/"));
  }
  return out.sort();
}

/** A stable construct id per key (object keys hold '/', construct ids may not). */
function objectId(key: string): string {
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 8);
  return `Object-${key.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 80)}-${hash}`;
}

/**
 * Uploads a built site as `aws_s3_object`s: Content-Type from the extension, Cache-Control a year `immutable` for
 * names with a content hash (`main-ABCD1234.js`) and `no-cache` for everything else (index.html, config.json, ...),
 * and the content's md5 as `etag` (SSE-S3) or `source_hash` (SSE-KMS, whose ETag is not the md5), computed at synth, so
 * a plan changes exactly the objects whose content changed. Each file is a cdktf asset (copied into the synth output
 * under its hash), so the plan does not depend on where the checkout lives. Generated JSON objects (`config.json`) are
 * rendered with `jsonencode` from tokens.
 */
export class StaticSite extends Construct {
  private readonly objectList: StaticSiteObject[] = [];

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    validateStaticSiteProps(this.node.path, props);
    const files = props.files ? [...props.files].sort() : walk(props.sourceDir);
    if (!files.includes("index.html")) {
      Annotations.of(this).addWarning(
        `StaticSite "${this.node.path}": ${props.sourceDir} has no index.html, so the site root and every client-side route get 404. Fix: build the site into sourceDir before synth.`,
      );
    }
    const kms = props.bucket.encryptionKey !== undefined;
    for (const key of files) {
      const file = join(props.sourceDir, ...key.split("/"));
      const md5 = md5Of(file);
      let contentType = contentTypeOf(key);
      if (contentType === undefined) {
        contentType = "application/octet-stream";
        Annotations.of(this).addWarning(
          `StaticSite "${this.node.path}": "${key}" has an extension with no known Content-Type, so it is served as application/octet-stream. Fix: add the extension to CONTENT_TYPES (modules/static-site/content-types.ts).`,
        );
      }
      const oid = objectId(key);
      const asset = new TerraformAsset(this, `${oid}-Asset`, { path: file, type: AssetType.FILE, assetHash: md5 });
      const cacheControl = cacheControlOf(key);
      const resource = new S3Object(this, oid, {
        bucket: props.bucket.name,
        key,
        source: asset.path,
        contentType,
        cacheControl,
        etag: kms ? undefined : md5,
        sourceHash: kms ? md5 : undefined,
      });
      this.objectList.push({ key, contentType, cacheControl, md5, resource });
    }
    for (const [key, value] of Object.entries(props.generatedJson ?? {})) {
      const resource = new S3Object(this, objectId(key), {
        bucket: props.bucket.name,
        key,
        content: Fn.jsonencode(value),
        contentType: "application/json; charset=utf-8",
        cacheControl: NO_CACHE,
      });
      this.objectList.push({ key, contentType: "application/json; charset=utf-8", cacheControl: NO_CACHE, resource });
    }
  }

  /** The objects this site uploads, built files first (sorted by key), then the generated ones. */
  public get objects(): readonly StaticSiteObject[] {
    return this.objectList;
  }
}
