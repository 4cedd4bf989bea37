/** Actions a function's role needs to write its own logs (scoped to its log group's streams): the log group's write grant. */
export { LOG_GROUP_WRITE_ACTIONS as LOGS_WRITE_ACTIONS } from "../log-group/perms";
/** X-Ray has no resource-level permissions: these are the only actions granted on "*". */
export const XRAY_WRITE_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;
/** What a caller needs to invoke the function. */
export const INVOKE_ACTIONS = ["lambda:InvokeFunction"] as const;
