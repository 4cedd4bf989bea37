export { DEFAULT_WEB_PORT, PUBLIC_COGNITO_OPERATIONS, cacheControlFor, startLocalWebServer } from "./server";
export type { LocalWebServer, LocalWebServerOptions } from "./server";
export { LOCAL_COGNITO_PATH, localWebConfig } from "./config";
export type { LocalWebConfigInput } from "./config";
