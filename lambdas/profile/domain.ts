/**
 * Pure profile logic: request validation, identity, versions (ETag / If-Match), the item <-> profile mapping,
 * the initial profile of a new user, and the mapping of table stream records to change events.
 * No I/O here: handlers and the repository call these functions.
 */
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import * as z from "zod/mini";
import { Result, fail, ok, parseJsonBody as parseBody } from "../shared/request";
import { DELETION_ATTRIBUTE } from "../deletion/schema";
import { PARTITION_KEY, PROFILE_SORT_KEY, SORT_KEY, userIdFromPartitionKey } from "./schema";
import type { ProfileResponse } from "./api-types";

export type { Result } from "../shared/request";

// ---------------------------------------------------------------------------------------------------------------------
// Limits

export const DISPLAY_NAME_MAX_LENGTH = 64;
export const BIO_MAX_LENGTH = 500;
/** Characters are counted as Unicode code points, so an emoji counts as one character. */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

function truncateCharacters(value: string, max: number): string {
  return Array.from(value).slice(0, max).join("");
}

// ---------------------------------------------------------------------------------------------------------------------
// Types

/** What a client may set on its profile (the body of `PUT /profiles/me`). */
export interface ProfileInput {
  readonly displayName: string;
  /** Canonical BCP 47 language tag. */
  readonly locale?: string;
  readonly bio?: string;
}

/** A stored profile, without the table keys. */
export interface Profile extends ProfileInput {
  readonly userId: string;
  /**
   * +1 on every write. A creation starts one above the user's version floor (the version of the user's last
   * deleted profile; 1 when none was), so a user's versions never repeat, even across delete and re-creation.
   */
  readonly version: number;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601. */
  readonly updatedAt: string;
}

/** One problem in a request, named by the field it concerns (`body` for the body as a whole). */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** A request problem the caller can fix; `code` goes to the `{ error: { code, message } }` body. */
export interface RequestProblem {
  readonly code: "MissingBody" | "MalformedJson" | "ValidationFailed" | "InvalidIfMatch";
  readonly message: string;
  readonly issues?: readonly FieldIssue[];
}

const PROFILE_BODY_EXAMPLE = '{"displayName":"Ada"}';

/** Parses an HTTP API request body as JSON. A missing or blank body and malformed JSON are distinct problems. */
export function parseJsonBody(body: string | undefined | null, isBase64Encoded: boolean): Result<unknown, RequestProblem> {
  return parseBody(body, isBase64Encoded, PROFILE_BODY_EXAMPLE);
}

// ---------------------------------------------------------------------------------------------------------------------
// Profile validation

/** True when `tag` is a well-formed BCP 47 language tag (as `Intl.getCanonicalLocales` accepts it). */
export function isLanguageTag(tag: string): boolean {
  return canonicalLocale(tag) !== undefined;
}

/** The canonical form of a BCP 47 tag (`en-us` -> `en-US`), or undefined when the tag is malformed. */
export function canonicalLocale(tag: string): string | undefined {
  if (tag.trim() !== tag || tag === "") return undefined;
  try {
    const canonical = Intl.getCanonicalLocales(tag);
    return canonical.length === 1 ? canonical[0] : undefined;
  } catch {
    return undefined;
  }
}

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when a text field holds only characters every store of the profile accepts: no U+0000 (PostgreSQL text, the
 * analytics `users` row, cannot store it) and no lone UTF-16 surrogate (not Unicode: no UTF-8 encoding exists).
 */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !LONE_SURROGATE.test(value);
}

const STORABLE_TEXT_ERROR = "must not contain U+0000 (NUL) or an unpaired UTF-16 surrogate";
const storableText = () => z.refine<string>((s) => isStorableText(s), { error: STORABLE_TEXT_ERROR });

const displayNameSchema = z.string().check(
  z.trim(),
  z.refine((s: string) => s !== "", { error: "must not be empty" }),
  storableText(),
  z.refine((s: string) => characterCount(s) <= DISPLAY_NAME_MAX_LENGTH, {
    error: `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`,
  }),
);

const localeSchema = z.pipe(
  z.string().check(
    storableText(),
    z.refine((s: string) => isLanguageTag(s), {
      error: 'must be a BCP 47 language tag such as "en", "en-GB" or "pt-BR"',
    }),
  ),
  z.transform((s: string) => canonicalLocale(s) ?? s),
);

const bioSchema = z.string().check(
  storableText(),
  z.refine((s: string) => characterCount(s) <= BIO_MAX_LENGTH, { error: `must be at most ${BIO_MAX_LENGTH} characters` }),
);

/** The body of `PUT /profiles/me`: a full replacement, unknown fields refused. */
export const profileInputSchema = z.strictObject({
  displayName: displayNameSchema,
  locale: z.optional(localeSchema),
  bio: z.optional(bioSchema),
});

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "body" : path.map((p) => String(p)).join(".");
}

/** Turns zod issues into messages that name the field, independent of zod's locale messages. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          // A client's key can be of any length: quote at most 200 characters of it, never echo it whole.
          const name = fieldName([...issue.path, key]);
          out.push({ field: name.length > 200 ? `${name.slice(0, 200)}…` : name, message: "unknown field (allowed: displayName, locale, bio)" });
        }
        break;
      case "invalid_type": {
        const received = valueAt(input, issue.path);
        out.push({
          field: fieldName(issue.path),
          message:
            received === undefined && issue.path.length > 0
              ? "is required"
              : `expected ${issue.expected === "object" && issue.path.length === 0 ? "a JSON object" : issue.expected}, received ${describeType(received)}`,
        });
        break;
      }
      default:
        out.push({ field: fieldName(issue.path), message: issue.message });
    }
  }
  return out;
}

/** Validates the body of `PUT /profiles/me`. The error message names every offending field. */
export function validateProfileInput(input: unknown): Result<ProfileInput, RequestProblem> {
  const parsed = profileInputSchema.safeParse(input);
  if (parsed.success) {
    const { displayName, locale, bio } = parsed.data;
    return ok({ displayName, ...(locale !== undefined ? { locale } : {}), ...(bio !== undefined ? { bio } : {}) });
  }
  const issues = describeIssues(parsed.error.issues, input);
  return fail({
    code: "ValidationFailed",
    message: issues.map((i) => `${i.field}: ${i.message}`).join("; "),
    issues,
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Identity

export interface Identity {
  readonly userId: string;
  readonly email: string;
}

export type JwtClaims = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/**
 * The caller's identity, taken only from the claims the API's JWT authorizer verified:
 * `sub` is the user id, `email` the address. Returns the names of the missing claims otherwise.
 */
export function identityFromClaims(claims: JwtClaims | undefined): Result<Identity, { missing: string[] }> {
  const sub = claims?.sub;
  const email = claims?.email;
  const missing: string[] = [];
  if (typeof sub !== "string" || sub.trim() === "") missing.push("sub");
  if (typeof email !== "string" || email.trim() === "") missing.push("email");
  if (missing.length > 0 || typeof sub !== "string" || typeof email !== "string") return fail({ missing });
  return ok({ userId: sub, email });
}

// ---------------------------------------------------------------------------------------------------------------------
// Versions, ETag and If-Match

/** What an `If-Match` header asks for: nothing, any existing version (`*`), or one exact version. */
export type IfMatch = { readonly kind: "none" } | { readonly kind: "any" } | { readonly kind: "version"; readonly version: number };

/** The strong ETag of a version: `"3"`. */
export function formatEtag(version: number): string {
  return `"${version}"`;
}

const IF_MATCH_PATTERN = /^(?:W\/)?"(\d{1,15})"$|^(\d{1,15})$/;

/** Parses `If-Match`: `"3"`, `W/"3"`, `3` or `*`. Anything else (lists included) is a 400. */
export function parseIfMatch(header: string | undefined): Result<IfMatch, RequestProblem> {
  if (header === undefined) return ok({ kind: "none" });
  const value = header.trim();
  if (value === "*") return ok({ kind: "any" });
  const match = IF_MATCH_PATTERN.exec(value);
  const digits = match?.[1] ?? match?.[2];
  const version = digits === undefined ? Number.NaN : Number(digits);
  if (!Number.isSafeInteger(version) || version < 1) {
    return fail({
      code: "InvalidIfMatch",
      message: `If-Match: expected one profile version such as "3" (the ETag of a previous response), received ${JSON.stringify(header)}`,
    });
  }
  return ok({ kind: "version", version });
}

// ---------------------------------------------------------------------------------------------------------------------
// Items and responses

const storedProfileSchema = z.object({
  userId: z.string().check(z.minLength(1)),
  displayName: z.string(),
  locale: z.optional(z.string()),
  bio: z.optional(z.string()),
  version: z.number().check(z.int(), z.gte(1)),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Reads a stored item (native values, keys included or not) as a Profile; undefined when it is not one. */
export function profileFromItem(item: Readonly<Record<string, unknown>>): Profile | undefined {
  const parsed = storedProfileSchema.safeParse(item);
  if (!parsed.success) return undefined;
  const { userId, displayName, locale, bio, version, createdAt, updatedAt } = parsed.data;
  return {
    userId,
    displayName,
    ...(locale !== undefined ? { locale } : {}),
    ...(bio !== undefined ? { bio } : {}),
    version,
    createdAt,
    updatedAt,
  };
}

export type { ProfileResponse };

export function toProfileResponse(profile: Profile, identity: Identity): ProfileResponse {
  return {
    userId: profile.userId,
    email: identity.email,
    displayName: profile.displayName,
    locale: profile.locale ?? null,
    bio: profile.bio ?? null,
    version: profile.version,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Initial profile (Cognito post-confirmation)

/**
 * The display name of a new user: the `name` attribute, else the local part of `email`, else "user";
 * trimmed and cut to 64 characters.
 */
export function initialDisplayName(attributes: Readonly<Record<string, string | undefined>>): string {
  const candidates = [attributes.name, attributes.email?.split("@")[0]];
  for (const candidate of candidates) {
    const trimmed = candidate?.trim() ?? "";
    if (trimmed !== "") return truncateCharacters(trimmed, DISPLAY_NAME_MAX_LENGTH).trim();
  }
  return "user";
}

/** A profile about to be created: the repository gives it its version (one above the user's version floor). */
export type NewProfile = Omit<Profile, "version">;

/** The profile created when a user confirms sign-up, created now (its version is set when it is stored). */
export function initialProfile(attributes: Readonly<Record<string, string | undefined>>, now: string): NewProfile {
  const userId = attributes.sub;
  if (userId === undefined || userId.trim() === "") {
    throw new Error("Cognito post-confirmation event has no `sub` user attribute: cannot create the user's profile.");
  }
  return { userId, displayName: initialDisplayName(attributes), createdAt: now, updatedAt: now };
}

// ---------------------------------------------------------------------------------------------------------------------
// Stream records -> change events

export type ProfileEventType = "profile.created" | "profile.updated" | "profile.deleted";

/** A profile change as published to the user-data-change topic. */
export interface ProfileEvent {
  /** Deterministic: the same stream record always gives the same id, so redeliveries can be de-duplicated. */
  readonly eventId: string;
  readonly type: ProfileEventType;
  readonly userId: string;
  /** The version the change produced (for deletions: the version that was deleted). */
  readonly version: number;
  /** Attributes whose value differs between the old and new image (key attributes excluded), sorted. */
  readonly changedFields: readonly string[];
  /** When DynamoDB recorded the change, ISO 8601. */
  readonly occurredAt: string;
  /** The new image, for created and updated events. */
  readonly profile?: Profile;
}

export type StreamRecordMapping =
  { readonly kind: "event"; readonly event: ProfileEvent } | { readonly kind: "skip"; readonly reason: string } | { readonly kind: "error"; readonly reason: string };

const EVENT_TYPES: Readonly<Record<"INSERT" | "MODIFY" | "REMOVE", ProfileEventType>> = {
  INSERT: "profile.created",
  MODIFY: "profile.updated",
  REMOVE: "profile.deleted",
};

/** Namespace of the name-based (v5) UUIDs that identify profile events. */
export const PROFILE_EVENT_ID_NAMESPACE = "3f1c0b6e-58d2-4c1e-9a57-8f0d2b6c4e91";

/** RFC 4122 version 5 UUID (SHA-1, name-based): the same name always gives the same id. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new Error(`uuidV5: namespace ${namespace} is not a UUID`);
  const bytes = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The event id of a stream record: a v5 UUID of the record's `eventID`. */
export function eventIdFor(streamEventId: string): string {
  return uuidV5(streamEventId, PROFILE_EVENT_ID_NAMESPACE);
}

type LambdaImage = NonNullable<NonNullable<DynamoDBRecord["dynamodb"]>["NewImage"]>;

function unmarshallImage(image: LambdaImage | undefined): Record<string, unknown> {
  if (image === undefined) return {};
  // Lambda delivers images in the same AttributeValue JSON the SDK uses (binary values as base64 strings,
  // which profile items never hold).
  return unmarshall(image as unknown as Record<string, SdkAttributeValue>);
}

/** Names of the attributes whose values differ between two images, key attributes excluded, sorted. */
export function changedFields(oldImage: Readonly<Record<string, unknown>>, newImage: Readonly<Record<string, unknown>>): string[] {
  const names = new Set([...Object.keys(oldImage), ...Object.keys(newImage)]);
  names.delete(PARTITION_KEY);
  names.delete(SORT_KEY);
  // Workflow bookkeeping, not a profile field (lambdas/deletion/schema.ts).
  names.delete(DELETION_ATTRIBUTE);
  return [...names].filter((name) => !isDeepStrictEqual(oldImage[name], newImage[name])).sort();
}

/**
 * Maps one DynamoDB stream record of the profiles table to a profile event.
 * Items other than profiles (sort key not `PROFILE`, such as the user's version floor) are skipped; records that cannot be read are errors,
 * which the handler reports as batch item failures.
 */
export function mapStreamRecord(record: DynamoDBRecord): StreamRecordMapping {
  const stream = record.dynamodb;
  const keys = stream?.Keys;
  const sk = keys?.[SORT_KEY]?.S;
  const pk = keys?.[PARTITION_KEY]?.S;
  if (sk === undefined || pk === undefined) {
    return { kind: "error", reason: `record has no ${PARTITION_KEY}/${SORT_KEY} string keys` };
  }
  if (sk !== PROFILE_SORT_KEY) return { kind: "skip", reason: `item ${sk} is not a profile` };

  const userId = userIdFromPartitionKey(pk);
  if (userId === undefined) return { kind: "error", reason: `partition key ${JSON.stringify(pk)} is not a user partition` };
  const eventName = record.eventName;
  if (eventName === undefined || !Object.hasOwn(EVENT_TYPES, eventName)) {
    return { kind: "error", reason: `unknown eventName ${JSON.stringify(eventName)}` };
  }
  const type = EVENT_TYPES[eventName];
  if (record.eventID === undefined || record.eventID === "") return { kind: "error", reason: "record has no eventID" };
  const seconds = stream?.ApproximateCreationDateTime;
  if (seconds === undefined || !Number.isFinite(seconds)) {
    return { kind: "error", reason: "record has no ApproximateCreationDateTime" };
  }
  // A finite number can still be outside the Date range (toISOString would throw and fail the whole batch).
  if (Number.isNaN(new Date(seconds * 1000).getTime())) {
    return { kind: "error", reason: `ApproximateCreationDateTime ${seconds} is not a representable time` };
  }

  let oldImage: Record<string, unknown>;
  let newImage: Record<string, unknown>;
  try {
    oldImage = unmarshallImage(stream?.OldImage);
    newImage = unmarshallImage(stream?.NewImage);
  } catch (err) {
    return { kind: "error", reason: `image cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }

  const current = type === "profile.deleted" ? oldImage : newImage;
  if (Object.keys(current).length === 0) {
    return {
      kind: "error",
      reason: `${type} record carries no ${type === "profile.deleted" ? "old" : "new"} image: the stream must use NEW_AND_OLD_IMAGES`,
    };
  }
  const profile = profileFromItem({ ...current, userId });
  if (profile === undefined) return { kind: "error", reason: "image is not a valid profile item" };
  const changed = changedFields(oldImage, newImage);
  // The delete-user workflow marking the profile changes no profile field and no version: nothing to publish.
  if (type === "profile.updated" && changed.length === 0) return { kind: "skip", reason: "no profile field changed (a deletion marker)" };

  return {
    kind: "event",
    event: {
      eventId: eventIdFor(record.eventID),
      type,
      userId,
      version: profile.version,
      changedFields: changed,
      occurredAt: new Date(seconds * 1000).toISOString(),
      ...(type === "profile.deleted" ? {} : { profile }),
    },
  };
}

/** Splits a list into consecutive chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk: size must be a positive integer, received ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
