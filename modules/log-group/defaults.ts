/** Days a log group keeps its events unless the caller sets a retention (every module that creates one uses it). */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
