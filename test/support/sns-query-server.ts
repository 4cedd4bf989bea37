/**
 * A small local SNS endpoint that speaks the AWS Query protocol for PublishBatch, so tests exercise the real
 * `@aws-sdk/client-sns` client (serialisation, signing, XML parsing) through `AWS_ENDPOINT_URL_SNS`.
 * It records every accepted message and can be told to fail chosen entries or reject whole requests.
 */
import { randomUUID } from "node:crypto";
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { AddressInfo } from "node:net";

export interface ReceivedAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
}

/** One entry of a PublishBatch request, as the server decoded it from the form body. */
export interface ReceivedEntry {
  readonly id: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, ReceivedAttribute>>;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

export interface ReceivedRequest {
  readonly action: string;
  readonly topicArn: string;
  readonly entries: readonly ReceivedEntry[];
}

/** How the server answers a failed entry (an element of `PublishBatchResult/Failed`). */
export interface EntryFailure {
  readonly code: string;
  readonly message: string;
  readonly senderFault: boolean;
}

export interface SnsBehaviour {
  /** Return a failure to report the entry under `Failed` instead of `Successful`. */
  failEntry?(entry: ReceivedEntry): EntryFailure | undefined;
  /** Return true to answer the whole request with an HTTP 403 AuthorizationError (not retried by the SDK). */
  rejectRequest?(request: ReceivedRequest): boolean;
}

const xmlEscape = (value: string): string => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** Decodes `PublishBatchRequestEntries.member.N.*` form fields (1-based indexes) into entries, in order. */
export function decodePublishBatch(form: URLSearchParams): ReceivedRequest {
  const members = new Map<number, Map<string, string>>();
  for (const [key, value] of form) {
    const match = /^PublishBatchRequestEntries\.member\.(\d+)\.(.+)$/.exec(key);
    if (match === null) continue;
    const index = Number(match[1]);
    const fields = members.get(index) ?? new Map<string, string>();
    fields.set(match[2], value);
    members.set(index, fields);
  }
  const entries = [...members.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, fields]): ReceivedEntry => {
      const attributes: Record<string, ReceivedAttribute> = {};
      for (const [key, name] of fields) {
        const attr = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
        if (attr === null) continue;
        const prefix = `MessageAttributes.entry.${attr[1]}.Value.`;
        attributes[name] = {
          dataType: fields.get(`${prefix}DataType`) ?? "",
          ...(fields.has(`${prefix}StringValue`) ? { stringValue: fields.get(`${prefix}StringValue`) } : {}),
        };
      }
      return {
        id: fields.get("Id") ?? "",
        message: fields.get("Message") ?? "",
        attributes,
        ...(fields.has("MessageGroupId") ? { messageGroupId: fields.get("MessageGroupId") } : {}),
        ...(fields.has("MessageDeduplicationId") ? { messageDeduplicationId: fields.get("MessageDeduplicationId") } : {}),
      };
    });
  return { action: form.get("Action") ?? "", topicArn: form.get("TopicArn") ?? "", entries };
}

function errorXml(type: "Sender" | "Receiver", code: string, message: string): string {
  return (
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code>` +
    `<Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

export class SnsQueryServer {
  /**
   * Every request received, in arrival order: PublishBatch calls (rejected ones included) and any other action
   * (answered with InvalidAction, entries empty), so a test can prove that code made no SNS call at all.
   */
  public readonly requests: ReceivedRequest[] = [];
  /** Entries reported as Successful, in order. */
  public readonly published: ReceivedEntry[] = [];
  private behaviour: SnsBehaviour = {};
  private server: Server | undefined;

  /** Starts listening on a free local port; resolves with the endpoint URL. */
  public async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { "content-type": "text/xml" });
        res.end(errorXml("Receiver", "InternalError", err instanceof Error ? err.message : String(err)));
      });
    });
    this.server = server;
    await new Promise<void>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolveListen());
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  }

  /** Replaces the failure behaviour (default: every entry succeeds). */
  public behave(behaviour: SnsBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Forgets recorded requests and messages and restores the default behaviour. */
  public reset(): void {
    this.requests.length = 0;
    this.published.length = 0;
    this.behaviour = {};
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const request = decodePublishBatch(form);
    this.requests.push(request);
    if (req.method !== "POST" || request.action !== "PublishBatch") {
      res.writeHead(400, { "content-type": "text/xml" });
      res.end(errorXml("Sender", "InvalidAction", `This test server implements only PublishBatch, received ${request.action}`));
      return;
    }
    if (this.behaviour.rejectRequest?.(request) === true) {
      res.writeHead(403, { "content-type": "text/xml" });
      res.end(errorXml("Sender", "AuthorizationError", "rejected by the test server"));
      return;
    }
    const successful: string[] = [];
    const failed: string[] = [];
    for (const entry of request.entries) {
      const failure = this.behaviour.failEntry?.(entry);
      if (failure === undefined) {
        this.published.push(entry);
        successful.push(`<member><Id>${xmlEscape(entry.id)}</Id><MessageId>${randomUUID()}</MessageId></member>`);
      } else {
        failed.push(
          `<member><Id>${xmlEscape(entry.id)}</Id><Code>${xmlEscape(failure.code)}</Code>` +
            `<Message>${xmlEscape(failure.message)}</Message><SenderFault>${failure.senderFault}</SenderFault></member>`,
        );
      }
    }
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(
      `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult>` +
        `<Successful>${successful.join("")}</Successful><Failed>${failed.join("")}</Failed></PublishBatchResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishBatchResponse>`,
    );
  }
}
