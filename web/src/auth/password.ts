/**
 * Password mode (the local platform only): the user pool's JSON API, as Amplify's browser SDK calls it (unsigned,
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`), through the app's own origin (`cognitoEndpoint`,
 * which the local web server proxies to the local AWS endpoint). The local pool accepts any confirmation code.
 */
import { Tokens, expiryOf } from "./tokens";

/** A refusal by the user pool, with its type (`NotAuthorizedException`, `UsernameExistsException`, ...). */
export class CognitoError extends Error {
  constructor(
    public readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "CognitoError";
  }
}

/** Messages a person can act on, for the exceptions a sign-in or sign-up form meets. */
const FRIENDLY: Record<string, string> = {
  NotAuthorizedException: "Incorrect e-mail or password.",
  UserNotFoundException: "Incorrect e-mail or password.",
  UsernameExistsException: "An account with this e-mail already exists. Sign in instead.",
  UserNotConfirmedException: "This account is not confirmed yet.",
  InvalidPasswordException: "The password does not meet the pool's policy (length, upper and lower case, digits, symbols).",
  InvalidParameterException: "The e-mail or password is not valid.",
};

export async function cognitoCall<T>(endpoint: string, operation: string, body: unknown, fetcher: typeof fetch = fetch): Promise<T> {
  let res: Response;
  try {
    res = await fetcher(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${operation}` },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new CognitoError("NetworkError", `The user pool could not be reached (${err instanceof Error ? err.message : String(err)}).`);
  }
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) {
    const raw = String(res.headers.get("x-amzn-errortype") ?? parsed.__type ?? "Error");
    const type = raw.split(":")[0].split("#").pop() ?? "Error";
    const detail = String(parsed.message ?? parsed.Message ?? `HTTP ${res.status}`);
    throw new CognitoError(type, FRIENDLY[type] !== undefined ? `${FRIENDLY[type]} (${detail})` : `${type}: ${detail}`);
  }
  return parsed as T;
}

interface AuthenticationResult {
  readonly AccessToken: string;
  readonly IdToken: string;
  readonly RefreshToken?: string;
  readonly ExpiresIn?: number;
}

function toTokens(result: AuthenticationResult | undefined, previousRefresh: string | undefined, now: number): Tokens {
  if (result === undefined) throw new CognitoError("ChallengeNotSupported", "The user pool asked for a challenge this app does not support (MFA or a new password).");
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken ?? previousRefresh,
    expiresAt: expiryOf(result.IdToken, result.ExpiresIn, now),
  };
}

export async function passwordSignIn(endpoint: string, clientId: string, email: string, password: string, fetcher: typeof fetch = fetch): Promise<Tokens> {
  const out = await cognitoCall<{ AuthenticationResult?: AuthenticationResult }>(
    endpoint,
    "InitiateAuth",
    { ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD: password } },
    fetcher,
  );
  return toTokens(out.AuthenticationResult, undefined, Date.now());
}

/** Signs up and confirms (the local pool takes any code; Cognito's post-confirmation trigger creates the profile). */
export async function passwordSignUp(endpoint: string, clientId: string, email: string, password: string, fetcher: typeof fetch = fetch): Promise<void> {
  await cognitoCall(endpoint, "SignUp", { ClientId: clientId, Username: email, Password: password, UserAttributes: [{ Name: "email", Value: email }] }, fetcher);
  await cognitoCall(endpoint, "ConfirmSignUp", { ClientId: clientId, Username: email, ConfirmationCode: "000000" }, fetcher);
}

export async function passwordRefresh(endpoint: string, clientId: string, refreshToken: string, fetcher: typeof fetch = fetch): Promise<Tokens> {
  const out = await cognitoCall<{ AuthenticationResult?: AuthenticationResult }>(
    endpoint,
    "InitiateAuth",
    { ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } },
    fetcher,
  );
  return toTokens(out.AuthenticationResult, refreshToken, Date.now());
}
