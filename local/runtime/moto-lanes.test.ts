import { createServer, Server } from "node:http";
import { GatewayHandler, startGateway } from "./gateway";
import { motoLane } from "./moto-lanes";

describe("motoLane: which moto requests wait in a lane", () => {
  it("puts Kinesis writes and every Cognito call in their own lanes, and nothing else", () => {
    expect(motoLane({ service: "kinesis", target: "Kinesis_20131202.PutRecords" })).toBe("kinesis-writes");
    expect(motoLane({ service: "kinesis", target: "Kinesis_20131202.PutRecord" })).toBe("kinesis-writes");
    expect(motoLane({ service: "kinesis", target: "Kinesis_20131202.GetRecords" })).toBeUndefined();
    expect(motoLane({ service: "cognito-idp", target: "AWSCognitoIdentityProviderService.InitiateAuth" })).toBe("cognito-idp");
    expect(motoLane({ service: "cognito-idp", target: "AWSCognitoIdentityProviderService.SignUp" })).toBe("cognito-idp");
    expect(motoLane({ service: "sqs", target: "AmazonSQS.SendMessage" })).toBeUndefined();
  });
});

describe("the gateway's lanes (a slow fake moto counts the requests in flight)", () => {
  let server: Server;
  let upstream: string;
  let inFlight = 0;
  const most = new Map<string, number>();
  const order: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const kind = target.split(".")[0];
      inFlight += 1;
      most.set(kind, Math.max(most.get(kind) ?? 0, inFlight));
      req.resume();
      setTimeout(() => {
        inFlight -= 1;
        order.push(String(req.headers["x-n"]));
        if (req.headers["x-n"] === "2")
          res.destroy(); // a failed request does not stop its lane
        else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end("{}");
        }
      }, 20);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const a = server.address();
    upstream = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  });
  afterAll(() => server.close());

  const post = (endpoint: string, target: string, n: number): Promise<number> =>
    fetch(endpoint, { method: "POST", headers: { "x-amz-target": target, "x-n": String(n) }, body: "{}" }).then((r) => r.status);

  it("sends one lane's requests one at a time in arrival order, while a handler around forward still runs for each", async () => {
    const wrapped: string[] = [];
    const around: GatewayHandler = async (req, forward) => {
      if (req.service !== "cognito-idp") return undefined;
      const answer = await forward();
      wrapped.push(String(req.headers["x-n"]));
      return answer;
    };
    const gw = await startGateway({ upstreams: { moto: upstream, dynamodb: upstream, rdsData: upstream }, handlers: [around], lane: motoLane });
    try {
      inFlight = 0;
      most.clear();
      order.length = 0;
      const statuses = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => post(gw.endpoint, "AWSCognitoIdentityProviderService.SignUp", n)));
      expect(most.get("AWSCognitoIdentityProviderService")).toBe(1);
      expect(order).toEqual(["0", "1", "2", "3", "4", "5"]);
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses[2]).toBe(502);
      expect(wrapped.sort()).toEqual(["0", "1", "3", "4", "5"]);
    } finally {
      await gw.close();
    }
  });

  it("leaves requests outside a lane concurrent", async () => {
    const gw = await startGateway({ upstreams: { moto: upstream, dynamodb: upstream, rdsData: upstream }, lane: motoLane });
    try {
      inFlight = 0;
      most.clear();
      await Promise.all([0, 1, 3, 4].map((n) => post(gw.endpoint, "AmazonSQS.SendMessage", n)));
      expect(most.get("AmazonSQS")).toBeGreaterThan(1);
    } finally {
      await gw.close();
    }
  });
});
