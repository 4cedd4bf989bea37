import type { IncomingMessage } from "node:http";

/** API Gateway's payload limit for HTTP APIs: 10 MB. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/** A request as the gateway sees it, read in full from the socket. */
export interface IncomingRequest {
  /** Upper-case. */
  readonly method: string;
  /** The path as sent, still percent-encoded, with the stage prefix if any. */
  readonly rawPath: string;
  /** Everything after "?", as sent ("" when none). */
  readonly rawQueryString: string;
  /** Header values by lower-cased name, in arrival order (a repeated header has several). */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** Undefined when the body exceeded {@link MAX_REQUEST_BODY_BYTES} (it was read and dropped). */
  readonly body: Buffer | undefined;
  readonly sourceIp: string;
}

/** The first value of a header, or undefined. */
export function headerValue(request: IncomingRequest, name: string): string | undefined {
  return request.headers.get(name)?.[0];
}

function collectHeaders(rawHeaders: readonly string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const values = headers.get(name);
    if (values === undefined) headers.set(name, [rawHeaders[i + 1]]);
    else values.push(rawHeaders[i + 1]);
  }
  return headers;
}

/** Reads the body up to the limit; past it, the rest is drained (so the client gets the 413) and dropped. */
function readBody(message: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    message.on("end", () => resolve(size <= MAX_REQUEST_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    message.on("error", reject);
  });
}

/** Reads a whole request off a node:http message. */
export async function readIncomingRequest(message: IncomingMessage): Promise<IncomingRequest> {
  const url = message.url ?? "/";
  const queryAt = url.indexOf("?");
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const remote = message.socket.remoteAddress ?? "127.0.0.1";
  return {
    method: (message.method ?? "GET").toUpperCase(),
    rawPath: rawPath === "" ? "/" : rawPath,
    rawQueryString: queryAt === -1 ? "" : url.slice(queryAt + 1),
    headers: collectHeaders(message.rawHeaders),
    body: await readBody(message),
    sourceIp: remote.startsWith("::ffff:") ? remote.slice("::ffff:".length) : remote,
  };
}
