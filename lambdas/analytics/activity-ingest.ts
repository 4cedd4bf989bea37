/**
 * activity-ingest: `POST /events` behind the HTTP API (payload 2.0, JWT authorizer) → Kinesis "activity".
 *
 * Body `{ "events": [ { "eventId"?, "type", "time", "props"? }, ... ] }` with 1–500 events. The user is whoever the
 * verified token says (`sub`): the server sets `userId` (a client-sent `userId` is refused) and an `eventId` (UUID)
 * where the client sent none, then validates each event with the ActivityEvent schema (activity-event.ts) and refuses
 * a `time` more than MAX_CLOCK_SKEW_MS ahead of the server clock. The first invalid event fails the whole request:
 * 400 `ValidationFailed` naming `events[<index>].<field>`; nothing is written.
 *
 * Valid events go to the stream with PutRecords, partition key `userId`, in chunks of ≤ 500 records and ≤ 5 MiB.
 * Records PutRecords rejects (FailedRecordCount > 0, per-record ErrorCode) and retryable whole-call errors
 * (throttling, internal failures) are retried with exponential backoff and full jitter, for as long as the
 * invocation's remaining time allows. Then 202 `{ accepted, failed, failures: [{ index, eventId, errorCode }] }`:
 * the client re-sends the failed events with the same eventIds (the consumer de-duplicates by eventId).
 */
import { randomUUID } from "node:crypto";
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { PutRecordsCommandOutput, PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import { requireEnv } from "../shared/env";
import { HttpError, HttpResponse, errorToResponse, jsonResponse } from "../shared/http";
import { logger } from "../shared/logger";
import { ActivityEvent, activityEventSchema } from "./activity-event";

/** The environment variable naming the stream (set by `Stream.connect` of the stack's "Activity" stream). */
export const ACTIVITY_STREAM_NAME_ENV = "ACTIVITY_STREAM_NAME";
export const EVENTS_PATH = "/events";
/** Events per request. */
export const MIN_EVENTS_PER_REQUEST = 1;
export const MAX_EVENTS_PER_REQUEST = 500;
/** PutRecords limits: 500 records and 5 MiB (data + partition keys) per call, 1 MiB per record. */
export const MAX_RECORDS_PER_PUT = 500;
export const MAX_BYTES_PER_PUT = 5 * 1024 * 1024;
export const MAX_BYTES_PER_RECORD = 1024 * 1024;
/** How far an event's `time` may be ahead of the server clock (client clocks drift). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Fields a client may send per event (`userId` comes from the token). */
const CLIENT_FIELDS = new Set(["eventId", "type", "time", "props"]);

export type ActivityIngestEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

// ---------------------------------------------------------------------------------------------------------------
// Validation (pure)

/** A request a caller can fix; `field` is `events[<i>].<field>` or a top-level field. */
export class EventValidationError extends HttpError {
  public constructor(
    public readonly field: string,
    problem: string,
    public readonly index?: number,
  ) {
    // A field name can be a client's key of any length: quote at most 200 characters of it, never echo it whole.
    super(400, "ValidationFailed", `${field.length > 200 ? `${field.slice(0, 200)}…` : field}: ${problem}`);
  }
}

export interface ValidateOptions {
  /** The token's `sub`. */
  readonly userId: string;
  /** Current time, ms since the epoch (injected for tests). */
  readonly now: number;
  /** @default MAX_CLOCK_SKEW_MS */
  readonly maxSkewMs?: number;
  /** Event id for an event sent without one. @default crypto.randomUUID */
  readonly newId?: () => string;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * Validates a parsed body `{ events: [...] }` into ActivityEvents; throws EventValidationError naming the first bad
 * event's index and field.
 */
export function validateEvents(body: unknown, options: ValidateOptions): ActivityEvent[] {
  if (!isPlainObject(body)) throw new EventValidationError("body", 'expected a JSON object { "events": [...] }');
  for (const key of Object.keys(body)) {
    if (key !== "events") throw new EventValidationError(key, 'unknown field (the body has only "events")');
  }
  const events = body.events;
  if (!Array.isArray(events)) throw new EventValidationError("events", `expected an array of ${MIN_EVENTS_PER_REQUEST}–${MAX_EVENTS_PER_REQUEST} events`);
  if (events.length < MIN_EVENTS_PER_REQUEST || events.length > MAX_EVENTS_PER_REQUEST) {
    throw new EventValidationError("events", `expected ${MIN_EVENTS_PER_REQUEST}–${MAX_EVENTS_PER_REQUEST} events, received ${events.length}`);
  }
  const maxSkewMs = options.maxSkewMs ?? MAX_CLOCK_SKEW_MS;
  const newId = options.newId ?? randomUUID;
  return events.map((input, index) => validateEvent(input, index, options.userId, options.now, maxSkewMs, newId));
}

function validateEvent(input: unknown, index: number, userId: string, now: number, maxSkewMs: number, newId: () => string): ActivityEvent {
  const at = `events[${index}]`;
  if (!isPlainObject(input)) throw new EventValidationError(at, "expected an object { eventId?, type, time, props? }", index);
  for (const key of Object.keys(input)) {
    if (!CLIENT_FIELDS.has(key)) {
      const why = key === "userId" ? "not accepted: the user is taken from the token" : "unknown field (allowed: eventId, type, time, props)";
      throw new EventValidationError(`${at}.${key}`, why, index);
    }
  }
  const candidate = {
    eventId: input.eventId === undefined ? newId() : input.eventId,
    userId,
    type: input.type,
    time: input.time,
    props: input.props === undefined ? {} : input.props,
  };
  const parsed = activityEventSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "event";
    throw new EventValidationError(`${at}.${field}`, issue.message, index);
  }
  const time = Date.parse(parsed.data.time);
  if (time > now + maxSkewMs) {
    throw new EventValidationError(`${at}.time`, `${parsed.data.time} is in the future (more than ${Math.round(maxSkewMs / 1000)} s ahead of the server clock)`, index);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------------------
// Records and chunks (pure)

/** One event as a Kinesis record, with its position in the request. */
export interface ActivityRecord {
  readonly index: number;
  readonly eventId: string;
  readonly entry: PutRecordsRequestEntry & { Data: Uint8Array; PartitionKey: string };
  /** Bytes counted against PutRecords' limits: data + partition key (UTF-8). */
  readonly size: number;
}

const encoder = new TextEncoder();

export function toRecords(events: readonly ActivityEvent[]): ActivityRecord[] {
  return events.map((event, index) => {
    const data = encoder.encode(JSON.stringify(event));
    const size = data.byteLength + Buffer.byteLength(event.userId, "utf8");
    if (size > MAX_BYTES_PER_RECORD) {
      // Unreachable with the schema's limits (props ≤ 2 KB); kept so a schema change cannot produce a call AWS refuses.
      throw new EventValidationError(`events[${index}]`, `is ${size} bytes as a record; at most ${MAX_BYTES_PER_RECORD}`, index);
    }
    return { index, eventId: event.eventId, entry: { Data: data, PartitionKey: event.userId }, size };
  });
}

/** Splits records, in order, into PutRecords calls of ≤ maxRecords records and ≤ maxBytes bytes. */
export function chunkRecords<T extends { readonly size: number }>(records: readonly T[], maxRecords = MAX_RECORDS_PER_PUT, maxBytes = MAX_BYTES_PER_PUT): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const record of records) {
    if (current.length > 0 && (current.length >= maxRecords || bytes + record.size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

// ---------------------------------------------------------------------------------------------------------------
// PutRecords with retries (pure over an injected client and clock)

/** The part of KinesisClient this function uses. */
export interface KinesisSender {
  send(command: PutRecordsCommand): Promise<Pick<PutRecordsCommandOutput, "FailedRecordCount" | "Records">>;
}

export interface PutOptions {
  readonly kinesis: KinesisSender;
  readonly streamName: string;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
  /** Time (clock ms) after which no new attempt starts: the invocation's deadline minus a margin for the response. */
  readonly deadline: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1); full jitter. @default Math.random */
  readonly random?: () => number;
  /** First backoff cap, ms. @default 50 */
  readonly baseDelayMs?: number;
  /** Largest backoff, ms. @default 2000 */
  readonly maxDelayMs?: number;
  /** Time an attempt needs at least; no attempt starts with less left before the deadline. @default 250 */
  readonly attemptBudgetMs?: number;
  /** Attempts per chunk at most (first call included). @default 10 */
  readonly maxAttempts?: number;
  /** Called before each retry (logging). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; pending: number; reason: string }) => void;
}

export interface PutFailure {
  readonly index: number;
  readonly eventId: string;
  readonly errorCode: string;
}

export interface PutResult {
  readonly accepted: number;
  readonly failed: number;
  /** Records still rejected when the retries ran out, in request order. */
  readonly failures: readonly PutFailure[];
}

/** Whole-call errors worth retrying: throttling and AWS-side failures. Anything else (access, missing stream) throws. */
const RETRYABLE_ERRORS = new Set([
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "KMSThrottlingException",
  "ThrottlingException",
  "InternalFailure",
  "InternalFailureException",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);

export function isRetryableError(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e === undefined || e === null) return false;
  if (e.name !== undefined && RETRYABLE_ERRORS.has(e.name)) return true;
  if (e.$retryable !== undefined) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Puts every record, chunk by chunk, retrying rejected records (and retryable whole-call errors) with exponential
 * backoff and full jitter while the deadline allows. Non-retryable errors throw.
 */
export async function putActivityRecords(records: readonly ActivityRecord[], options: PutOptions): Promise<PutResult> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const base = options.baseDelayMs ?? 50;
  const cap = options.maxDelayMs ?? 2000;
  const budget = options.attemptBudgetMs ?? 250;
  const maxAttempts = options.maxAttempts ?? 10;
  const failures: PutFailure[] = [];
  let accepted = 0;

  for (const chunk of chunkRecords(records)) {
    let pending: readonly ActivityRecord[] = chunk;
    let lastCodes = new Map<ActivityRecord, string>();
    for (let attempt = 1; pending.length > 0; attempt++) {
      let reason: string;
      try {
        const out = await options.kinesis.send(new PutRecordsCommand({ StreamName: options.streamName, Records: pending.map((r) => r.entry) }));
        const results = out.Records ?? [];
        if (results.length !== pending.length) {
          throw new Error(`PutRecords answered ${results.length} results for ${pending.length} records`);
        }
        const rejected: ActivityRecord[] = [];
        lastCodes = new Map();
        results.forEach((result, i) => {
          if (result.ErrorCode === undefined || result.ErrorCode === null) accepted++;
          else {
            rejected.push(pending[i]);
            lastCodes.set(pending[i], result.ErrorCode);
          }
        });
        pending = rejected;
        if (pending.length === 0) break;
        reason = `${pending.length} record(s) rejected (${[...new Set(lastCodes.values())].join(", ")})`;
      } catch (error) {
        if (!isRetryableError(error)) throw error;
        const name = (error as { name?: string }).name ?? "Error";
        lastCodes = new Map(pending.map((r) => [r, name]));
        reason = `PutRecords failed: ${name}`;
      }
      const delayMs = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      if (attempt >= maxAttempts || options.now() + delayMs + budget > options.deadline) break;
      options.onRetry?.({ attempt, delayMs, pending: pending.length, reason });
      await sleep(delayMs);
    }
    for (const r of pending) failures.push({ index: r.index, eventId: r.eventId, errorCode: lastCodes.get(r) ?? "Unknown" });
  }
  failures.sort((a, b) => a.index - b.index);
  return { accepted, failed: failures.length, failures };
}

// ---------------------------------------------------------------------------------------------------------------
// Handler

export interface ActivityIngestDeps {
  readonly kinesis: KinesisSender;
  readonly streamName: string;
  /** @default Date.now */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly newId?: () => string;
  /** @default MAX_CLOCK_SKEW_MS */
  readonly maxSkewMs?: number;
  /** Kept free before the invocation's deadline to answer. @default 1000 */
  readonly responseMarginMs?: number;
}

export interface ActivityIngestResponseBody {
  readonly accepted: number;
  readonly failed: number;
  readonly failures: readonly PutFailure[];
}

/** The handler over injected dependencies (tests); `handler` below is this over the real client. */
export function createHandler(deps: ActivityIngestDeps) {
  const now = deps.now ?? Date.now;
  return async (event: ActivityIngestEvent, context: Context): Promise<HttpResponse> => {
    logger.addContext(context);
    try {
      return await ingest(event, context);
    } catch (err) {
      return errorToResponse(err, { awsRequestId: context.awsRequestId, apiRequestId: event.requestContext?.requestId }, logger);
    }
  };

  async function ingest(event: ActivityIngestEvent, context: Context): Promise<HttpResponse> {
    const method = event.requestContext.http.method.toUpperCase();
    const route = /^[A-Z]+ (\/\S*)$/.exec(event.routeKey ?? "")?.[1];
    if (route !== undefined && route !== EVENTS_PATH) throw new HttpError(404, "RouteNotFound", `No route for ${method} ${route}`);
    if (method !== "POST") throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on ${EVENTS_PATH}; use POST`, { allow: "POST" });
    const userId = event.requestContext.authorizer?.jwt?.claims?.sub;
    if (typeof userId !== "string" || userId === "") throw new HttpError(401, "Unauthorized", "The token has no subject (sub) claim");

    const body = parseBody(event);
    const start = now();
    const events = validateEvents(body, { userId, now: start, maxSkewMs: deps.maxSkewMs, newId: deps.newId });
    const result = await putActivityRecords(toRecords(events), {
      kinesis: deps.kinesis,
      streamName: deps.streamName,
      now,
      deadline: start + context.getRemainingTimeInMillis() - (deps.responseMarginMs ?? 1000),
      sleep: deps.sleep,
      random: deps.random,
      onRetry: (info) => logger.warn("Retrying PutRecords", { ...info }),
    });
    if (result.failed > 0) logger.warn("Activity events not accepted after retries", { accepted: result.accepted, failed: result.failed, failures: result.failures });
    const responseBody: ActivityIngestResponseBody = result;
    return jsonResponse(202, responseBody);
  }
}

function parseBody(event: ActivityIngestEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === "") {
    throw new HttpError(400, "MissingBody", 'The request needs a JSON body { "events": [...] }');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "MalformedJson", "The body is not valid JSON");
  }
}

/** Client created once per container; endpoint from `AWS_ENDPOINT_URL_KINESIS` when set (local runs). Retries are ours. */
// HTTP/1.1: the Kinesis client defaults to HTTP/2, which only SubscribeToShard needs; PutRecords over HTTP/1.1 works
// against AWS and against any plain-HTTP endpoint (the local platform's), where HTTP/2 fails with a protocol error.
export const handler = createHandler({
  kinesis: new KinesisClient({ maxAttempts: 1, requestHandler: new NodeHttpHandler({ connectionTimeout: 2000 }) }),
  streamName: requireEnv(ACTIVITY_STREAM_NAME_ENV),
});
