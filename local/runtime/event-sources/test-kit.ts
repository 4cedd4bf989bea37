/** Helpers of the event source tests: a scripted `invoke`, a log that keeps its lines, waiting and SQS reads. */
import { randomUUID } from "node:crypto";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { LOCAL_AWS, type InvokeFunction, type InvokeOutcome, type RuntimeLog } from "../types";

export const FUNCTION_ARN = `arn:aws:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:consumer`;

/** A successful outcome with `payload`. */
export function ok(payload: unknown = null): InvokeOutcome {
  return { ok: true, payload, requestId: randomUUID(), durationMs: 1 };
}

/** A function error (or, with errorType "Sandbox.Timedout", a timeout). */
export function failed(errorType = "Error", errorMessage = "boom"): InvokeOutcome {
  return { ok: false, errorType, errorMessage, requestId: randomUUID(), durationMs: 1 };
}

/** One invocation the fake saw. */
export interface SeenInvocation {
  readonly functionArn: string;
  readonly records: Array<Record<string, unknown>>;
  readonly at: number;
}

/**
 * A fake `invoke` (the unit under test calls it) answering with `answer(records, callNumber)`, and the list of
 * invocations it saw.
 */
export function scriptedInvoke(answer: (records: Array<Record<string, unknown>>, call: number) => InvokeOutcome | Promise<InvokeOutcome>): {
  invoke: jest.MockedFunction<InvokeFunction>;
  seen: SeenInvocation[];
} {
  const seen: SeenInvocation[] = [];
  const invoke = jest.fn<ReturnType<InvokeFunction>, Parameters<InvokeFunction>>(async (functionArn, event) => {
    const records = (event as { Records: Array<Record<string, unknown>> }).Records;
    seen.push({ functionArn, records, at: Date.now() });
    return answer(records, seen.length);
  });
  return { invoke, seen };
}

/** A log that keeps its lines (warnings are part of the behaviour under test). */
export function memoryLog(): RuntimeLog & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`info ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`),
  };
}

/** Polls `check` until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Creates a queue and returns its URL and ARN. */
export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (out.QueueUrl === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
  return { url: out.QueueUrl, arn: `arn:aws:sqs:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:${name}` };
}

/** A unique resource name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Messages now visible in a queue (receiving them hides them for `visibilitySeconds`). */
export async function receiveAll(sqs: SQSClient, queueUrl: string, visibilitySeconds = 30): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: visibilitySeconds, MessageSystemAttributeNames: ["All"] }),
  );
  return out.Messages ?? [];
}

/** ApproximateNumberOfMessages + NotVisible of a queue. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? "0"),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? "0"),
  };
}
