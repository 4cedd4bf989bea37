/**
 * Local RDS Data API endpoint over node-postgres, for tests and local development. See server.ts for the endpoint,
 * engine.ts for the Data API semantics, results.ts for the type mapping, and main.ts for `npm run data-api:local`.
 */
export { LocalDataApi, startLocalDataApi } from "./server";
export type { LocalDataApiOptions } from "./server";
export { DataApiError, ERROR_STATUS, formatPostgresError, resumingMessage } from "./errors";
export type { DataApiErrorType, ErrorModel } from "./errors";
export { rewriteNamedParameters, prepareStatement } from "./sql";
