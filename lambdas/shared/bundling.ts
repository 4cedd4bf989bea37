/**
 * What every handler bundle leaves out by default: the AWS SDK's fallback credential providers
 * (see LAZY_CREDENTIAL_PROVIDERS in modules/lambda-function/bundle.ts for why that is safe in Lambda).
 */
export { LAZY_CREDENTIAL_PROVIDERS } from "../../modules/lambda-function/bundle";
