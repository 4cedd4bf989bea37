/**
 * A profile write that loses every race: the store's DynamoDB endpoint answers every write with
 * TransactionConflictException (what DynamoDB answers a write to an item a transaction is writing). The repository gives
 * up after MAX_WRITE_ATTEMPTS with WriteContentionError, and profile-api answers 409 `WriteConflict` with
 * `retry-after: 1` (documented, retryable), never a 500.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { MAX_WRITE_ATTEMPTS, WriteContentionError, saveProfile } from "../../lambdas/profile/repository";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../support/dynamodb-local";
import { cognitoClaims, httpApiEvent, lambdaContext } from "../support/events";
import { useLocalAws } from "../support/local-aws";

/** A DynamoDB endpoint on which every write collides with a transaction in progress; it counts the calls per operation. */
class ConflictingDynamoDb {
  public readonly calls = new Map<string, number>();
  private server?: Server;

  public async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on("end", () => {
        const operation =
          String(req.headers["x-amz-target"] ?? "")
            .split(".")
            .pop() ?? "";
        this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
        res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#TransactionConflictException", message: "Transaction is ongoing for the item" }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  public reset(): void {
    this.calls.clear();
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }
}

const dynamodb = new ConflictingDynamoDb();
let endpoint: string;

beforeAll(async () => {
  endpoint = await dynamodb.start();
});
afterAll(() => dynamodb.stop());
beforeEach(() => dynamodb.reset());

describe("repository under write contention", () => {
  const store = () => ({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 })),
    tableName: "profiles-contention",
  });

  it.each([
    ["without If-Match", { kind: "none" } as const],
    ["with If-Match *", { kind: "any" } as const],
    ['with If-Match "3"', { kind: "version", version: 3 } as const],
  ])("saveProfile %s gives up with WriteContentionError after MAX_WRITE_ATTEMPTS lost races", async (_name, ifMatch) => {
    const saving = saveProfile(store(), "u-contended", { displayName: "Ada" }, ifMatch, "2024-05-01T12:00:00.000Z");
    await expect(saving).rejects.toBeInstanceOf(WriteContentionError);
    await expect(saving).rejects.toThrow(`other writes won ${MAX_WRITE_ATTEMPTS} attempts in a row`);
    expect(dynamodb.calls.get("UpdateItem")).toBe(MAX_WRITE_ATTEMPTS);
  });
});

describe("profile-api under write contention", () => {
  let handler: typeof import("../../lambdas/profile/profile-api").handler;

  beforeAll(() => {
    useLocalAws({
      PROFILES_TABLE_NAME: "profiles-contention",
      DELETE_USER_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:platform-test-delete-user",
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_MAX_ATTEMPTS: "1",
    });
    jest.isolateModules(() => {
      ({ handler } = require("../../lambdas/profile/profile-api") as typeof import("../../lambdas/profile/profile-api"));
    });
  });

  it.each([
    ["without If-Match", {}],
    ["with If-Match", { "if-match": '"3"' }],
  ])("PUT /profiles/me %s that loses every race answers 409 WriteConflict with retry-after 1, not a 500", async (_name, headers) => {
    const event = httpApiEvent({ method: "PUT", claims: cognitoClaims("u-contended", "u@example.com"), body: JSON.stringify({ displayName: "Ada" }), headers });
    const response = await handler(event, lambdaContext("profile-api"));
    expect(response.statusCode).toBe(409);
    expect(response.headers["retry-after"]).toBe("1");
    const body = JSON.parse(response.body ?? "") as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error.code).toBe("WriteConflict");
    expect(body.error.message).toMatch(/retry the same request after 1 s/);
    expect(body.error.message).not.toMatch(/TransactionConflict|WriteContentionError|u-contended/);
    expect(dynamodb.calls.get("UpdateItem")).toBe(MAX_WRITE_ATTEMPTS);
  });
});
