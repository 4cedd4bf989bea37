/**
 * Cognito's Lambda triggers, which moto stores but never invokes: after moto confirms a sign-up (ConfirmSignUp or
 * AdminConfirmSignUp through the local endpoint), the runtime invokes the pool's post-confirmation function with
 * Cognito's event, synchronously and within Cognito's 5 s, and answers as Cognito does when the trigger fails.
 */
import { awsError, GatewayHandler, GatewayResponse } from "./gateway";
import { callMoto } from "./moto-client";
import { InvokeFunction, LOCAL_AWS, RuntimeLog } from "./types";

/** Cognito waits this long for a trigger (a slower one fails the sign-up call). */
export const COGNITO_TRIGGER_TIMEOUT_MS = 5000;

const COGNITO = (op: string): string => `AWSCognitoIdentityProviderService.${op}`;

interface Pool {
  Id: string;
  LambdaConfig?: Record<string, string>;
}

export interface CognitoTriggerOptions {
  readonly moto: string;
  readonly invoke: InvokeFunction;
  readonly log: RuntimeLog;
}

async function poolOfClient(moto: string, clientId: string): Promise<string | undefined> {
  const pools = await callMoto<{ UserPools?: Array<{ Id: string }> }>(moto, { service: "cognito-idp", target: COGNITO("ListUserPools"), body: { MaxResults: 60 } });
  for (const p of pools.UserPools ?? []) {
    const clients = await callMoto<{ UserPoolClients?: Array<{ ClientId: string }> }>(moto, {
      service: "cognito-idp",
      target: COGNITO("ListUserPoolClients"),
      body: { UserPoolId: p.Id, MaxResults: 60 },
    });
    if ((clients.UserPoolClients ?? []).some((c) => c.ClientId === clientId)) return p.Id;
  }
  return undefined;
}

/** The gateway handler that runs post-confirmation triggers. */
export function cognitoTriggers(o: CognitoTriggerOptions): GatewayHandler {
  return async (req, forward) => {
    if (req.service !== "cognito-idp" || (req.target !== COGNITO("ConfirmSignUp") && req.target !== COGNITO("AdminConfirmSignUp"))) return undefined;
    const answer = await forward();
    if (answer.status >= 300) return answer;
    const input = JSON.parse(req.body.toString("utf8")) as { ClientId?: string; UserPoolId?: string; Username?: string; ClientMetadata?: Record<string, string> };
    const admin = req.target === COGNITO("AdminConfirmSignUp");
    const poolId = admin ? input.UserPoolId : await poolOfClient(o.moto, input.ClientId ?? "");
    if (poolId === undefined || input.Username === undefined) return answer;
    const pool = await callMoto<{ UserPool: Pool }>(o.moto, { service: "cognito-idp", target: COGNITO("DescribeUserPool"), body: { UserPoolId: poolId } });
    const fn = pool.UserPool.LambdaConfig?.PostConfirmation;
    if (fn === undefined) return answer;
    const user = await callMoto<{ Username: string; UserAttributes?: Array<{ Name: string; Value: string }> }>(o.moto, {
      service: "cognito-idp",
      target: COGNITO("AdminGetUser"),
      body: { UserPoolId: poolId, Username: input.Username },
    });
    const userAttributes: Record<string, string> = { "cognito:user_status": "CONFIRMED" };
    for (const a of user.UserAttributes ?? []) userAttributes[a.Name] = a.Value;
    const event = {
      version: "1",
      region: LOCAL_AWS.region,
      userPoolId: poolId,
      userName: user.Username,
      callerContext: { awsSdkVersion: "aws-sdk-js-local", clientId: input.ClientId ?? "CLIENT_ID_NOT_APPLICABLE" },
      triggerSource: "PostConfirmation_ConfirmSignUp",
      request: { userAttributes, ...(input.ClientMetadata ? { clientMetadata: input.ClientMetadata } : {}) },
      response: {},
    };
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), COGNITO_TRIGGER_TIMEOUT_MS).unref());
    const outcome = await Promise.race([o.invoke(fn, event), timeout]);
    if (outcome === "timeout") {
      o.log.warn(`PostConfirmation trigger ${fn} did not answer within ${COGNITO_TRIGGER_TIMEOUT_MS} ms`);
      return cognitoError("UnexpectedLambdaException", `PostConfirmation invocation failed due to error Socket timeout while invoking Lambda function.`);
    }
    if (!outcome.ok) {
      o.log.warn(`PostConfirmation trigger ${fn} failed: ${outcome.errorType}: ${outcome.errorMessage}`);
      return cognitoError("UserLambdaValidationException", `PostConfirmation failed with error ${outcome.errorMessage}.`);
    }
    return answer;
  };
}

function cognitoError(type: string, message: string): GatewayResponse {
  return awsError(400, type, message);
}
