import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One structured logger per container. The service name comes from `POWERTOOLS_SERVICE_NAME` and the
 * level from `POWERTOOLS_LOG_LEVEL` (or the function's log level), both set by the stack.
 */
export const logger = new Logger();
