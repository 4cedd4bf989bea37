/**
 * What every handler bundle leaves out (esbuild `external`), for the stack to pass as
 * `bundling: { externalModules: [...LAZY_CREDENTIAL_PROVIDERS] }` to each LambdaFunction.
 *
 * The SDK's default credential chain (`@aws-sdk/credential-provider-node`) reads the environment first and
 * loads the other providers only with `await import(...)` when the environment holds no credentials.
 * In Lambda the environment always holds the execution role's credentials (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so these modules are never loaded there; bundled, they and
 * their STS/SSO clients weigh ~130 KB minified of every function. Should one ever be loaded, Node resolves
 * it from the copy of the SDK that the nodejs22.x runtime ships (/var/runtime/node_modules).
 * test/integration/profile-bundles.runtime.test.ts runs the bundles without these modules to prove it.
 */
export const LAZY_CREDENTIAL_PROVIDERS: readonly string[] = [
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
  "@aws-sdk/credential-provider-http",
  "@smithy/credential-provider-imds",
];
