/**
 * Pure files logic: upload requests, object keys, file names, S3 event messages and their ordering, list cursors.
 * No I/O here: the handlers and the repository call these functions.
 */
import { randomBytes } from "node:crypto";
import * as z from "zod/mini";
import { Result, fail, ok } from "../shared/request";
import { UPLOADS_PREFIX } from "./schema";

// ---------------------------------------------------------------------------------------------------------------------
// Files and their life cycle

/**
 * - `pending`: an upload was signed (POST /files) and nothing arrived yet;
 * - `ready`: the object arrived and passed every check;
 * - `rejected`: the object broke a rule and was deleted (`reason` says which);
 * - `deleted`: the object is gone (a tombstone, so a late event of an older sequencer cannot bring it back).
 */
export type FileStatus = "pending" | "ready" | "rejected" | "deleted";

/** A file item (without table keys' attribute names). */
export interface FileItem {
  readonly ownerId: string;
  readonly fileId: string;
  readonly status: FileStatus;
  /** The name the client gave, as it gave it (for Content-Disposition). */
  readonly fileName: string;
  /** The object key `uploads/<owner>/<fileId>/<safe name>`. */
  readonly key: string;
  /** The media type the upload was signed for (and the object has, once ready). */
  readonly contentType: string;
  /** Bytes: declared while pending, the object's real size once ready. */
  readonly size: number;
  /** When the upload was signed (ISO 8601). */
  readonly requestedAt: string;
  /** When the object was created in S3 (ISO 8601); ready only. */
  readonly createdAt?: string;
  readonly etag?: string;
  readonly versionId?: string;
  /** The last applied S3 event's sequencer, normalised (see normaliseSequencer). */
  readonly sequencer?: string;
  /** Why the object was rejected. */
  readonly reason?: RejectionReason;
  /** Epoch seconds at which DynamoDB removes the item (pending, rejected, deleted). */
  readonly expiresAt?: number;
}

export type RejectionReason = "KeyOutsideUploads" | "UnknownUpload" | "OwnerMismatch" | "SizeMismatch" | "ContentTypeMismatch";

// ---------------------------------------------------------------------------------------------------------------------
// Upload requests (POST /files)

export interface UploadPolicy {
  /** Largest upload in bytes. */
  readonly maxSizeBytes: number;
  /** Media types an upload may declare (lower case). */
  readonly contentTypes: readonly string[];
}

export interface UploadRequest {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
}

export interface UploadProblem {
  readonly code: "ValidationFailed" | "InvalidFileName" | "UnsupportedContentType" | "FileTooLarge" | "InvalidFileSize";
  readonly message: string;
}

/** Longest file name accepted, in characters (S3 keys are at most 1,024 bytes; the key adds ~80). */
export const FILE_NAME_MAX_LENGTH = 255;

const uploadRequestSchema = z.strictObject({ fileName: z.string(), contentType: z.string(), size: z.number() });

/** Longest part of a caller's value quoted back in an error message: quoted in part, never echoed whole. */
export const QUOTE_MAX_LENGTH = 200;

/** A caller's value cut to QUOTE_MAX_LENGTH characters (code points, so no surrogate pair is split), `…` when cut. */
export function cut(value: string): string {
  const chars = Array.from(value);
  return chars.length > QUOTE_MAX_LENGTH ? `${chars.slice(0, QUOTE_MAX_LENGTH).join("")}…` : value;
}

/** A caller's value as an error message quotes it: JSON-quoted (control characters escaped), cut to QUOTE_MAX_LENGTH. */
export function quote(value: string): string {
  const chars = Array.from(value);
  return chars.length > QUOTE_MAX_LENGTH ? `${JSON.stringify(chars.slice(0, QUOTE_MAX_LENGTH).join(""))}…` : JSON.stringify(value);
}

/** Validates the body of `POST /files` against the environment's upload policy. */
export function validateUploadRequest(input: unknown, policy: UploadPolicy): Result<UploadRequest & { readonly safeName: string }, UploadProblem> {
  const parsed = uploadRequestSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) =>
      i.code === "unrecognized_keys"
        ? `unknown field(s) ${i.keys.slice(0, 5).map(cut).join(", ")}${i.keys.length > 5 ? ", …" : ""}`
        : `${i.path.join(".") || "body"}: ${i.message}`,
    );
    return fail({ code: "ValidationFailed", message: `${fields.join("; ")}. Expected {"fileName": string, "contentType": string, "size": number of bytes}.` });
  }
  const { fileName, contentType, size } = parsed.data;
  const safeName = safeFileName(fileName);
  if (!safeName.ok) return safeName;
  const type = contentType.trim().toLowerCase();
  if (!policy.contentTypes.includes(type)) {
    return fail({ code: "UnsupportedContentType", message: `contentType ${quote(contentType)} is not accepted. Allowed: ${policy.contentTypes.join(", ")}.` });
  }
  if (!Number.isSafeInteger(size) || size < 1) {
    return fail({ code: "InvalidFileSize", message: `size must be a whole number of bytes ≥ 1; received ${String(size)}.` });
  }
  if (size > policy.maxSizeBytes) {
    return fail({ code: "FileTooLarge", message: `size ${size} bytes is above the limit of ${policy.maxSizeBytes} bytes.` });
  }
  return ok({ fileName, contentType: type, size, safeName: safeName.value });
}

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one: not Unicode. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Characters kept in a key's file name: letters and digits of any script, space, and `. _ - ( )`. */
const UNSAFE_NAME_CHARACTERS = /[^\p{L}\p{N}\p{M} ._()-]/gu;

/**
 * The file name part of an object key: the last path segment of what the client sent, NFC-normalised, every character
 * outside letters, digits, space and `. _ - ( )` replaced by `_`. Spaces and non-ASCII letters stay (S3 notifies them
 * URL-encoded; object-metadata decodes them).
 */
export function safeFileName(fileName: string): Result<string, UploadProblem> {
  const invalid = (why: string): { ok: false; error: UploadProblem } => fail({ code: "InvalidFileName", message: `fileName ${quote(fileName)} ${why}.` });
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(fileName)) return invalid("contains control characters");
  // No UTF-8 exists for it: S3 metadata, the download's Content-Disposition and every client would choke on it.
  if (LONE_SURROGATE.test(fileName)) return invalid("is not valid Unicode (it holds an unpaired UTF-16 surrogate)");
  if ([...fileName].length > FILE_NAME_MAX_LENGTH) return invalid(`is longer than ${FILE_NAME_MAX_LENGTH} characters`);
  const base = fileName.normalize("NFC").split(/[/\\]/).pop() ?? "";
  const safe = base.replace(UNSAFE_NAME_CHARACTERS, "_").replace(/\s+/g, " ").trim();
  if (safe === "" || /^\.+$/.test(safe)) return invalid("has no usable name (after the last '/' or '\\')");
  return ok(safe);
}

// ---------------------------------------------------------------------------------------------------------------------
// File ids and object keys

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const FILE_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A ULID: 48 bits of milliseconds then 80 random bits, Crockford base32; ids sort by creation time. */
export function newFileId(now: number = Date.now(), random: Buffer = randomBytes(10)): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const b of random) bits = (bits << 8n) | BigInt(b);
  let rand = "";
  for (let i = 0; i < 16; i += 1) {
    rand = CROCKFORD[Number(bits & 31n)] + rand;
    bits >>= 5n;
  }
  return time + rand;
}

export function isFileId(value: string): boolean {
  return FILE_ID_PATTERN.test(value);
}

export function objectKey(ownerId: string, fileId: string, safeName: string): string {
  return `${UPLOADS_PREFIX}${ownerId}/${fileId}/${safeName}`;
}

/** The key prefix under which every version of a file lives. */
export function filePrefix(ownerId: string, fileId: string): string {
  return `${UPLOADS_PREFIX}${ownerId}/${fileId}/`;
}

export interface KeyParts {
  readonly ownerId: string;
  readonly fileId: string;
  readonly name: string;
}

/** `uploads/<owner>/<fileId>/<name>` → its parts; undefined for any other shape. */
export function parseObjectKey(key: string): KeyParts | undefined {
  if (!key.startsWith(UPLOADS_PREFIX)) return undefined;
  const parts = key.slice(UPLOADS_PREFIX.length).split("/");
  if (parts.length !== 3) return undefined;
  const [ownerId, fileId, name] = parts;
  if (ownerId === "" || name === "" || !isFileId(fileId)) return undefined;
  return { ownerId, fileId, name };
}

/**
 * The object key of an S3 event: URL-encoded as in an HTML form (`+` for space, `%XX` for UTF-8 bytes). moto encodes
 * `/` too (`%2F`); S3 does not. Both decode the same way.
 */
export function decodeEventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, " "));
}

/**
 * `Content-Disposition: attachment` for the original file name: an ASCII fallback and the exact name in RFC 5987
 * `filename*` (UTF-8), so a browser saves the file under the name it was uploaded with.
 */
export function attachmentDisposition(fileName: string): string {
  // An unpaired surrogate (a name stored before POST /files refused them) becomes U+FFFD: encodeURIComponent throws on it.
  const base = (fileName.split(/[/\\]/).pop() || "download").replace(new RegExp(LONE_SURROGATE.source, "g"), "\uFFFD");
  const ascii = base.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(base).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// S3 event messages (S3 → SQS)

/** Width sequencers are padded to, so DynamoDB's string comparison orders them. */
const SEQUENCER_WIDTH = 64;

/**
 * A sequencer comparable as a string: upper-case hex, right-padded with zeros to a fixed width. AWS: "The sequencers
 * can be of different lengths. So, to compare these values, first right pad the shorter value with zeros, and then do a
 * lexicographical comparison." Undefined when the event has none (moto; or events other than PUT and DELETE).
 */
export function normaliseSequencer(sequencer: string | undefined): string | undefined {
  if (sequencer === undefined || sequencer === "") return undefined;
  const hex = sequencer.toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex) || hex.length > SEQUENCER_WIDTH) return undefined;
  return hex.padEnd(SEQUENCER_WIDTH, "0");
}

const s3RecordSchema = z.object({
  eventName: z.string(),
  eventTime: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      size: z.optional(z.number()),
      eTag: z.optional(z.string()),
      versionId: z.optional(z.nullable(z.string())),
      sequencer: z.optional(z.string()),
    }),
  }),
});
const s3MessageSchema = z.object({ Records: z.array(s3RecordSchema) });

/** One object event, its key decoded. */
export interface ObjectEvent {
  readonly kind: "created" | "removed";
  readonly eventName: string;
  readonly eventTime: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly sequencer?: string;
}

export type S3Message = { readonly kind: "test" } | { readonly kind: "events"; readonly events: readonly ObjectEvent[] };

/**
 * Parses an SQS message body written by S3: the `s3:TestEvent` S3 sends when a notification is configured, or
 * `Records`. An event other than ObjectCreated/ObjectRemoved, or a body of another shape, is an error (the message is
 * retried, then dead-lettered: nothing is dropped silently).
 */
export function parseS3Message(body: string): Result<S3Message, string> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fail("the body is not JSON");
  }
  if (typeof json === "object" && json !== null && (json as { Event?: unknown }).Event === "s3:TestEvent") return ok({ kind: "test" });
  const parsed = s3MessageSchema.safeParse(json);
  if (!parsed.success) return fail(`not an S3 event message: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const events: ObjectEvent[] = [];
  for (const r of parsed.data.Records) {
    const kind = r.eventName.startsWith("ObjectCreated:") ? "created" : r.eventName.startsWith("ObjectRemoved:") ? "removed" : undefined;
    if (kind === undefined) return fail(`unexpected event ${r.eventName} (the bucket should notify ObjectCreated and ObjectRemoved only)`);
    let key: string;
    try {
      key = decodeEventKey(r.s3.object.key);
    } catch {
      return fail(`the key ${JSON.stringify(r.s3.object.key)} is not valid URL encoding`);
    }
    events.push({
      kind,
      eventName: r.eventName,
      eventTime: r.eventTime,
      bucket: r.s3.bucket.name,
      key,
      ...(r.s3.object.versionId ? { versionId: r.s3.object.versionId } : {}),
      ...(normaliseSequencer(r.s3.object.sequencer) !== undefined ? { sequencer: normaliseSequencer(r.s3.object.sequencer) } : {}),
    });
  }
  return ok({ kind: "events", events });
}

/** What S3 says about the object now (HeadObject). */
export interface ObjectHead {
  readonly size: number;
  readonly contentType: string;
  readonly etag: string;
  readonly versionId?: string;
  readonly lastModified: string;
  readonly owner?: string;
}

export type UploadVerdict = { readonly accept: true } | { readonly accept: false; readonly reason: RejectionReason; readonly detail: string };

/**
 * Whether an object that arrived matches what was signed for it. S3 itself enforces the POST policy; these checks
 * also catch what a forged or replayed upload (or an emulator that enforces no policy) lets through.
 */
export function judgeUpload(parts: KeyParts, item: FileItem | undefined, head: ObjectHead): UploadVerdict {
  if (head.owner !== parts.ownerId) {
    return { accept: false, reason: "OwnerMismatch", detail: `owner metadata ${JSON.stringify(head.owner ?? null)} is not the key's owner ${parts.ownerId}` };
  }
  if (item === undefined) return { accept: false, reason: "UnknownUpload", detail: `no upload ${parts.fileId} was signed for ${parts.ownerId}` };
  // A file id once deleted stays deleted: an upload that arrives later (the signed POST is valid for 5 minutes) is refused.
  if (item.status === "deleted") return { accept: false, reason: "UnknownUpload", detail: `the file ${parts.fileId} was deleted` };
  if (item.key !== objectKey(parts.ownerId, parts.fileId, parts.name)) {
    return { accept: false, reason: "UnknownUpload", detail: `the upload ${parts.fileId} was signed for another key` };
  }
  if (head.size !== item.size) return { accept: false, reason: "SizeMismatch", detail: `${head.size} bytes arrived, ${item.size} were signed` };
  if (head.contentType.toLowerCase() !== item.contentType) {
    return { accept: false, reason: "ContentTypeMismatch", detail: `Content-Type ${head.contentType} arrived, ${item.contentType} was signed` };
  }
  return { accept: true };
}

// ---------------------------------------------------------------------------------------------------------------------
// Listing (GET /files)

export const LIST_DEFAULT_LIMIT = 20;
export const LIST_MAX_LIMIT = 100;

export interface ListProblem {
  readonly code: "InvalidLimit" | "InvalidCursor";
  readonly message: string;
}

export function parseLimit(value: string | undefined): Result<number, ListProblem> {
  if (value === undefined) return ok(LIST_DEFAULT_LIMIT);
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > LIST_MAX_LIMIT) {
    return fail({ code: "InvalidLimit", message: `limit must be a whole number from 1 to ${LIST_MAX_LIMIT}; received ${quote(value)}.` });
  }
  return ok(n);
}

/** The opaque cursor of the page after `fileId`. */
export function encodeCursor(fileId: string): string {
  return Buffer.from(JSON.stringify({ after: fileId }), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Result<string | undefined, ListProblem> {
  if (cursor === undefined) return ok(undefined);
  const invalid = fail({
    code: "InvalidCursor" as const,
    message: "cursor is not one this API returned. Fix: pass the nextCursor of the previous page unchanged, or omit it for the first page.",
  });
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    return typeof value.after === "string" && isFileId(value.after) ? ok(value.after) : invalid;
  } catch {
    return invalid;
  }
}
