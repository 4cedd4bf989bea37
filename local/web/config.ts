/** The web app's `/config.json` on the local platform, generated from what Terraform deployed locally. */
import { parseWebConfig, type WebConfig } from "../../web/src/config";

/** Where the app posts Cognito's JSON API locally; the local web server proxies it to the local AWS endpoint. */
export const LOCAL_COGNITO_PATH = "/_local/cognito";

export interface LocalWebConfigInput {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The local AWS endpoint (presigned upload and download URLs point at it). */
  readonly filesOrigin: string;
}

/** Password sign-in (the local user pool has no hosted UI), the API under `/api` as behind CloudFront. */
export function localWebConfig(input: LocalWebConfigInput): WebConfig {
  const config: WebConfig = {
    apiBaseUrl: "/api",
    region: input.region,
    userPoolId: input.userPoolId,
    userPoolClientId: input.userPoolClientId,
    auth: { mode: "password", cognitoEndpoint: LOCAL_COGNITO_PATH },
    filesOrigin: new URL(input.filesOrigin).origin,
  };
  // The same check the app makes: a config the app would refuse fails here, at start, with the field named.
  const parsed = parseWebConfig(config);
  if (!parsed.ok) throw new Error(`local web: the generated config.json is invalid: ${parsed.problems.join("; ")}`);
  return parsed.config;
}
