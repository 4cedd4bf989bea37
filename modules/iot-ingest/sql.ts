/**
 * The one definition of what a device publishes and how the topic rule turns it into an activity event
 * (lambdas/analytics/activity-event.ts): the topic names, the rule's SQL and the Kinesis partition key.
 * Pure: no construct imports, so tests (and docs) read the same strings the module deploys.
 */

/** First level of every device topic. */
export const DEVICE_TOPIC_ROOT = "devices";

/** Last level of the topic a device publishes its activity to. */
export const DEVICE_ACTIVITY_TOPIC_LEAF = "activity";

/** The topic filter of the rule: `devices/<thing name>/activity` for every thing. */
export const DEVICE_ACTIVITY_TOPIC_FILTER = `${DEVICE_TOPIC_ROOT}/+/${DEVICE_ACTIVITY_TOPIC_LEAF}`;

/** The one topic a device may publish to, in an IoT policy (`${iot:Connection.Thing.ThingName}` is the thing's own name). */
export const THING_NAME_POLICY_VARIABLE = "${iot:Connection.Thing.ThingName}";

/** The topic a thing publishes its activity to. */
export function deviceActivityTopic(thingName: string): string {
  return `${DEVICE_TOPIC_ROOT}/${thingName}/${DEVICE_ACTIVITY_TOPIC_LEAF}`;
}

/**
 * Prefix of the `userId` of a device's events: `device:<thing name>`. Cognito `sub`s (the userId of POST /events) are
 * UUIDs and never contain ":", so a device can never be counted as (or write into the summary of) a signed-in user, and
 * analytics can tell device events apart (`user_id LIKE 'device:%'`).
 */
export const DEVICE_USER_ID_PREFIX = "device:";

/**
 * The event time: when AWS IoT received the message (`timestamp()`, ms since the epoch), as ISO 8601 UTC with
 * milliseconds. The `Z` is a quoted literal: `parse_time` formats in UTC unless given a zone, and a literal avoids
 * Joda's `+0000` rendering of the `Z` pattern letter.
 */
export const DEVICE_EVENT_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

/**
 * The rule's SQL (version 2016-03-23): a device publishes `{ "type": "...", "props": { ... } }`; the rule adds a fresh
 * `eventId` (`newuuid()`), the `userId` `device:<thing name>` from the topic (the device policy lets a thing publish
 * only to its own topic, so the name cannot be forged) and the receive `time`. Other fields of the message (a device's
 * own `time`, `userId` or `eventId`) are not selected: a device clock is not trusted, and no skew check can run here.
 * A missing or malformed `type`/`props` is not filtered (a WHERE would drop it silently): the record reaches
 * activity-processor, which reports it as malformed (log, metric, on-failure queue).
 */
export const DEVICE_ACTIVITY_SQL =
  `SELECT newuuid() AS eventId, concat('${DEVICE_USER_ID_PREFIX}', topic(2)) AS userId, type, props, ` +
  `parse_time("${DEVICE_EVENT_TIME_FORMAT}", timestamp()) AS time FROM '${DEVICE_ACTIVITY_TOPIC_FILTER}'`;

/** The rule's SQL version. */
export const DEVICE_ACTIVITY_SQL_VERSION = "2016-03-23";

/** Kinesis partition key of a device's records: the thing name (a substitution template, resolved per message). */
export const DEVICE_PARTITION_KEY = "${topic(2)}";
