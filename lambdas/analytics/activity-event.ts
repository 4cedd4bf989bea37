/**
 * The activity event: what `POST /events` (activity-ingest) puts on the Kinesis "activity" stream, one JSON
 * record per event, partition key `userId`; activity-processor reads the same format back.
 * Pure: importing this file pulls in zod/mini only.
 */
import * as z from "zod/mini";
import { findUnstorableText, textProblem } from "./pg-text";

/** `type`: 1–64 characters of `[a-z0-9._-]`, e.g. `page.view`, `upload.done`. */
export const ACTIVITY_TYPE_PATTERN = /^[a-z0-9._-]{1,64}$/;
export const ACTIVITY_TYPE_MAX_LENGTH = 64;
/** `props` serialised as JSON (UTF-8) may not exceed this many bytes. */
export const ACTIVITY_PROPS_MAX_BYTES = 2048;

/** One activity event. */
export interface ActivityEvent {
  /** UUID chosen by the producer (activity-ingest); the consumer de-duplicates by it. */
  readonly eventId: string;
  /** The user the event belongs to (the JWT `sub`); also the Kinesis partition key. No U+0000, no lone surrogate. */
  readonly userId: string;
  /** 1–64 characters of `[a-z0-9._-]`. */
  readonly type: string;
  /** When the event happened, ISO 8601 with a time zone (`2024-05-01T12:00:00.000Z`). */
  readonly time: string;
  /** Free-form properties; at most 2048 bytes as JSON; no key or string holds U+0000 or a lone surrogate. */
  readonly props: Record<string, unknown>;
}

/** Size in bytes of a value's JSON (UTF-8). */
export function jsonByteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

export const activityEventSchema = z.object({
  eventId: z.uuid(),
  userId: z.string().check(
    z.minLength(1),
    z.maxLength(128),
    z.superRefine((userId: string, ctx) => {
      const problem = textProblem(userId);
      if (problem !== undefined) ctx.issues.push({ code: "custom", message: problem, input: userId });
    }),
  ),
  type: z.string().check(z.regex(ACTIVITY_TYPE_PATTERN, { error: "must be 1-64 characters of [a-z0-9._-]" })),
  time: z.iso.datetime({ offset: true }),
  props: z.record(z.string(), z.unknown()).check(
    z.refine((props: Record<string, unknown>) => jsonByteLength(props) <= ACTIVITY_PROPS_MAX_BYTES, {
      error: `must be at most ${ACTIVITY_PROPS_MAX_BYTES} bytes as JSON`,
    }),
    // The analytics store (PostgreSQL jsonb) cannot hold U+0000 or a lone surrogate, in a key or a value (pg-text.ts).
    z.superRefine((props: Record<string, unknown>, ctx) => {
      const problem = findUnstorableText(props);
      if (problem !== undefined) ctx.issues.push({ code: "custom", message: problem, input: props });
    }),
  ),
});

/** Validates one event; `error` lists every problem as `field: message`. */
export function parseActivityEvent(input: unknown): { ok: true; value: ActivityEvent } | { ok: false; error: string } {
  const parsed = activityEventSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues.map((i) => `${i.path.length === 0 ? "event" : i.path.map(String).join(".")}: ${i.message}`).join("; "),
  };
}
