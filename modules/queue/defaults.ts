/** SQS's longest message retention, 14 days: the bounds check and every queue that holds failed work use it. */
export const MAX_RETENTION_SECONDS = 1_209_600;
/** Retention of a queue that holds failed work (a dead-letter queue, an on-failure destination): time to inspect and re-drive. */
export const DEAD_LETTER_RETENTION_SECONDS = MAX_RETENTION_SECONDS;
/** Retention of a queue unless the caller sets one: 4 days (SQS's own default). */
export const DEFAULT_RETENTION_SECONDS = 345_600;
