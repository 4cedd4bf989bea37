/**
 * The part of Lambda's API the local runtime answers itself: Invoke (runs the deployed package in a worker, so
 * Terraform's `aws_lambda_invocation` and any SDK caller reach real code) and event source mappings (kept in the
 * runtime's store and polled by it). Function create/update/delete go on to moto; an update tells the registry.
 */
import { randomUUID } from "node:crypto";
import { awsError, GatewayHandler, GatewayResponse, jsonResponse } from "./gateway";
import { EventSourceMappingStore, mappingView, MappingValidationError } from "./esm-store";
import { validateEventSourceMapping } from "./event-sources";
import { mappingConfig } from "./mapping-config";
import { FunctionNotFoundError, FunctionRegistry, functionNameOf } from "./functions";
import { callMoto, MotoCallError } from "./moto-client";
import type { RuntimeLog } from "./types";

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const FUNCTION_CHANGE = /^\/2015-03-31\/functions\/([^/]+)\/(code|configuration)\/?$/;
const MAPPINGS = /^\/2015-03-31\/event-source-mappings\/?$/;
const MAPPING = /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/;
const TAGS = /^\/2017-03-31\/tags\/(.+)$/;

const notFound = (what: string): GatewayResponse => awsError(404, "ResourceNotFoundException", what);

export interface LambdaApiOptions {
  readonly registry: FunctionRegistry;
  readonly mappings: EventSourceMappingStore;
  readonly moto: string;
  readonly log: RuntimeLog;
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
}

/** The gateway handler for service `lambda`. */
export function lambdaApi(o: LambdaApiOptions): GatewayHandler {
  const functionArn = async (nameOrArn: string): Promise<string> => {
    const name = functionNameOf(nameOrArn);
    try {
      const config = await callMoto<{ FunctionArn: string }>(o.moto, { service: "lambda", method: "GET", path: `/2015-03-31/functions/${encodeURIComponent(name)}/configuration` });
      return config.FunctionArn;
    } catch (err) {
      if (err instanceof MotoCallError && err.status === 404) throw new FunctionNotFoundError(name);
      throw err;
    }
  };

  return async (req, forward) => {
    if (req.service !== "lambda") return undefined;
    const path = req.path;
    let m: RegExpExecArray | null;

    if ((m = INVOKE.exec(path)) && req.method === "POST") {
      const name = decodeURIComponent(m[1]);
      const type = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
      let event: unknown;
      try {
        event = req.body.length === 0 ? {} : JSON.parse(req.body.toString("utf8"));
      } catch {
        return awsError(400, "InvalidRequestContentException", "Could not parse request body into json");
      }
      try {
        await o.registry.pool(functionNameOf(name));
      } catch (err) {
        if (err instanceof FunctionNotFoundError) return notFound(`Function not found: ${name}`);
        throw err;
      }
      if (type === "DryRun") return { status: 204, headers: {}, body: Buffer.alloc(0) };
      const requestId = randomUUID();
      if (type === "Event") {
        void o.registry.invoke(name, event, { requestId }).then((outcome) => {
          if (!outcome.ok) o.log.warn(`async invoke of ${name} (${requestId}) failed: ${outcome.errorType}: ${outcome.errorMessage}`);
        });
        return { status: 202, headers: { "x-amzn-requestid": requestId }, body: Buffer.alloc(0) };
      }
      const outcome = await o.registry.invoke(name, event, { requestId });
      const headers: Record<string, string> = { "content-type": "application/json", "x-amzn-requestid": outcome.requestId, "x-amz-executed-version": "$LATEST" };
      if (outcome.ok) return { status: 200, headers, body: Buffer.from(JSON.stringify(outcome.payload ?? null)) };
      headers["x-amz-function-error"] = "Unhandled";
      const body = { errorType: outcome.errorType, errorMessage: outcome.errorMessage, trace: outcome.trace ?? [] };
      return { status: 200, headers, body: Buffer.from(JSON.stringify(body)) };
    }

    if ((m = FUNCTION_CHANGE.exec(path)) && req.method === "PUT") {
      const answer = await forward();
      if (answer.status < 300) await o.registry.invalidate(functionNameOf(decodeURIComponent(m[1])));
      return answer;
    }

    if (MAPPINGS.test(path)) {
      if (req.method === "POST") {
        const input = parseJson(req.body);
        try {
          const arn = await functionArn(String(input.FunctionName ?? ""));
          const mapping = o.mappings.create(input, arn, (m) => validateEventSourceMapping(mappingConfig(m)));
          return jsonResponse(202, mappingView(mapping));
        } catch (err) {
          if (err instanceof FunctionNotFoundError) return notFound(err.message);
          if (err instanceof MappingValidationError) {
            return awsError(
              err.message.includes("already exists") ? 409 : 400,
              err.message.includes("already exists") ? "ResourceConflictException" : "InvalidParameterValueException",
              err.message,
            );
          }
          throw err;
        }
      }
      if (req.method === "GET") {
        const fn = req.query.get("FunctionName");
        const fnArn = fn === null ? undefined : await functionArn(fn).catch(() => `arn:aws:lambda:::function:${fn}`);
        const list = o.mappings.list({ functionArn: fnArn, eventSourceArn: req.query.get("EventSourceArn") ?? undefined });
        return jsonResponse(200, { EventSourceMappings: list.map(mappingView) });
      }
    }

    if ((m = MAPPING.exec(path))) {
      const uuid = decodeURIComponent(m[1]);
      if (req.method === "GET") {
        const mapping = o.mappings.get(uuid);
        return mapping === undefined
          ? notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404, UUID: ${uuid})`)
          : jsonResponse(200, mappingView(mapping));
      }
      if (req.method === "PUT") {
        const input = parseJson(req.body);
        if (typeof input.FunctionName === "string") input.FunctionArn = await functionArn(input.FunctionName);
        const mapping = o.mappings.update(uuid, input);
        return mapping === undefined ? notFound(`Event source mapping ${uuid} does not exist`) : jsonResponse(202, mappingView(mapping));
      }
      if (req.method === "DELETE") {
        const mapping = o.mappings.delete(uuid);
        return mapping === undefined ? notFound(`Event source mapping ${uuid} does not exist`) : jsonResponse(202, { ...mappingView(mapping), State: "Deleting" });
      }
    }

    if ((m = TAGS.exec(path))) {
      const arn = decodeURIComponent(m[1]);
      if (!arn.includes(":event-source-mapping:")) return undefined; // function tags: moto's
      const mapping = o.mappings.byArn(arn);
      if (mapping === undefined) return notFound(`Event source mapping ${arn} does not exist`);
      if (req.method === "GET") return jsonResponse(200, { Tags: mapping.Tags });
      if (req.method === "POST") {
        o.mappings.tag(mapping.UUID, (parseJson(req.body).Tags as Record<string, string>) ?? {});
        return { status: 204, headers: {}, body: Buffer.alloc(0) };
      }
      if (req.method === "DELETE") {
        o.mappings.untag(mapping.UUID, req.query.getAll("tagKeys"));
        return { status: 204, headers: {}, body: Buffer.alloc(0) };
      }
    }
    return undefined;
  };
}
