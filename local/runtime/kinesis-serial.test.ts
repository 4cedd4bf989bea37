import type { GatewayRequest, GatewayResponse } from "./gateway";
import { serializeKinesisWrites } from "./kinesis-serial";

const request = (service: string, target: string | undefined): GatewayRequest => ({
  method: "POST",
  url: "/",
  path: "/",
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.alloc(0),
  service,
  target,
});
const ok: GatewayResponse = { status: 200, headers: {}, body: Buffer.from("{}") };

describe("serializeKinesisWrites (moto loses records of concurrent PutRecords)", () => {
  it("forwards PutRecord/PutRecords one at a time, in arrival order, and a failed one does not stop the next", async () => {
    const handler = serializeKinesisWrites();
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const forward = (i: number) => async (): Promise<GatewayResponse> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      order.push(i);
      if (i === 2) throw new Error("socket hang up");
      return ok;
    };
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => handler(request("kinesis", i % 2 === 0 ? "Kinesis_20131202.PutRecords" : "Kinesis_20131202.PutRecord"), forward(i))),
    );
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
  });

  it("declines reads and other services (they are forwarded as usual, concurrently)", async () => {
    const handler = serializeKinesisWrites();
    const forward = jest.fn(async () => ok);
    expect(await handler(request("kinesis", "Kinesis_20131202.GetRecords"), forward)).toBeUndefined();
    expect(await handler(request("sqs", "AmazonSQS.SendMessage"), forward)).toBeUndefined();
    expect(forward).not.toHaveBeenCalled();
  });
});
