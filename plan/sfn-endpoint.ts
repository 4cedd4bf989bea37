/**
 * The offline plan's Step Functions endpoint. When a state machine's definition changes, the AWS provider calls
 * ValidateStateMachineDefinition during `terraform plan`; offline that call cannot reach AWS, so the plan failed and the
 * review fell back to the structural comparison, which cannot see a definition whose values are known only after apply
 * (measured: a changed workflow showed no change at all). This endpoint, on 127.0.0.1 for the plan's duration and handed
 * to terraform as AWS_ENDPOINT_URL_SFN, answers that one operation with asl-validator (the check the module runs at
 * synth); any other Step Functions call gets an error naming it, so nothing else is ever faked.
 */
import { createServer, IncomingMessage, Server } from "node:http";
import { validateDefinitionResponse } from "../modules/state-machine/validate-definition";

export interface OfflineSfnEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

const TARGET = "AWSStepFunctions.ValidateStateMachineDefinition";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function startOfflineSfnEndpoint(): Promise<OfflineSfnEndpoint> {
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const answer = (status: number, body: unknown): void => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(body));
      };
      if (target !== TARGET) {
        answer(400, {
          __type: "UnknownOperationException",
          message: `The offline plan's Step Functions endpoint answers only ValidateStateMachineDefinition (plan/sfn-endpoint.ts); ${target || "this request"} needs AWS. Fix: plan online, or keep Step Functions data sources out of the stack.`,
        });
        return;
      }
      let input: { definition?: unknown };
      try {
        input = JSON.parse(text) as { definition?: unknown };
      } catch {
        answer(400, { __type: "ValidationException", message: "The request body is not JSON." });
        return;
      }
      answer(200, validateDefinitionResponse(input.definition));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
