/**
 * Users of the local user pool, made the way a person would: SignUp and ConfirmSignUp through the local endpoint
 * (so the post-confirmation trigger creates the profile), then USER_PASSWORD_AUTH for tokens.
 */
export interface TestUser {
  readonly email: string;
  readonly password: string;
  /** Shell command that prints an ID token (the API's functions read the caller's e-mail claim from it). */
  readonly tokenCommand: string;
}

export interface Tokens {
  readonly accessToken: string;
  readonly idToken: string;
  readonly refreshToken?: string;
  readonly expiresIn: number;
}

export class CognitoCallError extends Error {
  constructor(
    public readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
  }
}

/** One Cognito user-pool API call (unsigned, as the browser SDK makes SignUp, ConfirmSignUp and InitiateAuth). */
export async function cognito<T = Record<string, unknown>>(endpoint: string, operation: string, body: unknown): Promise<T> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
  if (!res.ok) {
    const type =
      String(res.headers.get("x-amzn-errortype") ?? parsed.__type ?? "Error")
        .split(":")[0]
        .split("#")
        .pop() ?? "Error";
    throw new CognitoCallError(type, String(parsed.message ?? parsed.Message ?? text));
  }
  return parsed as T;
}

/** Signs a user up and confirms it (the local pool accepts any confirmation code). */
export async function signUp(endpoint: string, clientId: string, email: string, password: string): Promise<void> {
  await cognito(endpoint, "SignUp", { ClientId: clientId, Username: email, Password: password, UserAttributes: [{ Name: "email", Value: email }] });
  await cognito(endpoint, "ConfirmSignUp", { ClientId: clientId, Username: email, ConfirmationCode: "000000" });
}

export async function signIn(endpoint: string, clientId: string, email: string, password: string): Promise<Tokens> {
  const out = await cognito<{ AuthenticationResult?: { AccessToken: string; IdToken: string; RefreshToken?: string; ExpiresIn: number } }>(endpoint, "InitiateAuth", {
    ClientId: clientId,
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  const r = out.AuthenticationResult;
  if (r === undefined) throw new Error(`InitiateAuth for ${email} returned a challenge instead of tokens`);
  return { accessToken: r.AccessToken, idToken: r.IdToken, refreshToken: r.RefreshToken, expiresIn: r.ExpiresIn };
}

/** The test user, created unless it already exists. */
export async function ensureUser(endpoint: string, clientId: string, email: string, password: string): Promise<TestUser> {
  try {
    await signUp(endpoint, clientId, email, password);
  } catch (err) {
    if (!(err instanceof CognitoCallError && err.type === "UsernameExistsException")) throw err;
  }
  const tokenCommand =
    `curl -s ${endpoint} -H 'content-type: application/x-amz-json-1.1' -H 'x-amz-target: AWSCognitoIdentityProviderService.InitiateAuth' ` +
    `-d '{"ClientId":"${clientId}","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"${email}","PASSWORD":"${password}"}}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).AuthenticationResult.IdToken'`;
  return { email, password, tokenCommand };
}
