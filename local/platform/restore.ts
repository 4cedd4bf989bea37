/**
 * Bringing moto back to what the Terraform state describes, on a warm start: replay the journal of the last deploys
 * into the fresh (seeded) moto, then check that the ids in the state exist there. If they do and the synthesized stack
 * is unchanged, no Terraform run is needed at all.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { GatewayRequest } from "../runtime/gateway";
import { MotoJournal } from "../runtime/moto-journal";
import { scopedAuthorization } from "../runtime/moto-client";

/** Hash of the synthesized stack (asset paths name content hashes, so code changes change it too). */
export function stackHash(stackDir: string): string {
  return createHash("sha256")
    .update(readFileSync(join(stackDir, "cdk.tf.json")))
    .digest("hex");
}

function request(service: string, method: string, url: string, target?: string, body?: unknown): GatewayRequest {
  const headers: Record<string, string> = { authorization: scopedAuthorization(service) };
  if (target !== undefined) {
    headers["x-amz-target"] = target;
    headers["content-type"] = "application/x-amz-json-1.1";
  }
  const parsed = new URL(url, "http://moto");
  return { method, url, path: parsed.pathname, query: parsed.searchParams, headers, body: Buffer.from(body === undefined ? "" : JSON.stringify(body)), service, target };
}

/**
 * The ids of the state's user pools, HTTP APIs and functions all answer in moto (asked through the journal).
 * Returns undefined when they do, else what did not match.
 */
export async function stateMismatch(statePath: string, moto: string, journal: MotoJournal): Promise<string | undefined> {
  if (!existsSync(statePath)) return "no Terraform state";
  const state = JSON.parse(readFileSync(statePath, "utf8")) as { resources?: Array<{ mode: string; type: string; instances: Array<{ attributes: Record<string, unknown> }> }> };
  const ids = (type: string): string[] =>
    (state.resources ?? []).filter((r) => r.mode === "managed" && r.type === type).flatMap((r) => r.instances.map((i) => String(i.attributes.id)));
  const probes: GatewayRequest[] = [
    ...ids("aws_cognito_user_pool").map((id) => request("cognito-idp", "POST", "/", "AWSCognitoIdentityProviderService.DescribeUserPool", { UserPoolId: id })),
    ...ids("aws_apigatewayv2_api").map((id) => request("apigateway", "GET", `/v2/apis/${encodeURIComponent(id)}`)),
    ...ids("aws_lambda_function").map((name) => request("lambda", "GET", `/2015-03-31/functions/${encodeURIComponent(name)}/configuration`)),
  ];
  if (probes.length === 0) return "the state holds no user pool, API or function";
  for (const p of probes) {
    const res = await journal.forward(moto, p);
    if (res.status >= 300) return `${p.method} ${p.url} ${p.target ?? ""} ${p.body.toString()} answered ${res.status}: ${res.body.toString().slice(0, 200)}`;
  }
  return undefined;
}
