/**
 * The profiles table's layout, shared by the handlers, the tests and the stack that creates the table.
 * Pure constants: importing this file pulls in no AWS SDK code.
 */

/** Partition key attribute: `USER#<userId>`. */
export const PARTITION_KEY = "pk";
/** Sort key attribute: `PROFILE` for the profile item; other item kinds of the same user use other values. */
export const SORT_KEY = "sk";
/** DynamoDB scalar type of both key attributes. */
export const KEY_ATTRIBUTE_TYPE = "S";
/** Sort key value of a user's profile item. */
export const PROFILE_SORT_KEY = "PROFILE";
/**
 * Sort key value of a user's version floor: the version of the user's last deleted profile. It is written in the
 * same transaction as the delete, and a re-created profile starts one above it, so a user's profile versions
 * never go back (analytics orders a user's changes by version). Not a profile: profile-events skips its records.
 */
export const VERSION_FLOOR_SORT_KEY = "PROFILE_VERSION_FLOOR";
/** Prefix of the partition key value; the rest is the user id (the JWT `sub`). */
export const USER_PARTITION_PREFIX = "USER#";
/** What the table's stream carries; profile-events needs both images to compute changed fields. */
export const PROFILES_STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES";

/** Key schema and stream settings in one object, for the stack to pass to the table module. */
export const PROFILES_TABLE_SCHEMA = {
  partitionKey: { name: PARTITION_KEY, type: KEY_ATTRIBUTE_TYPE },
  sortKey: { name: SORT_KEY, type: KEY_ATTRIBUTE_TYPE },
  streamViewType: PROFILES_STREAM_VIEW_TYPE,
} as const;

/** Environment variable that carries the profiles table name (read by profile-api and profile-bootstrap). */
export const PROFILES_TABLE_NAME_ENV = "PROFILES_TABLE_NAME";
/** Environment variable that carries the user-data-change topic ARN (read by profile-events). */
export const USER_DATA_CHANGE_TOPIC_ARN_ENV = "USER_DATA_CHANGE_TOPIC_ARN";

/** Attributes of a profile item besides its keys. */
export const PROFILE_ATTRIBUTES = ["userId", "displayName", "locale", "bio", "version", "createdAt", "updatedAt"] as const;

/** Partition key value of a user. */
export function userPartitionKey(userId: string): string {
  return `${USER_PARTITION_PREFIX}${userId}`;
}

/** Primary key of a user's profile item. */
export function profileKey(userId: string): Record<typeof PARTITION_KEY | typeof SORT_KEY, string> {
  return { [PARTITION_KEY]: userPartitionKey(userId), [SORT_KEY]: PROFILE_SORT_KEY };
}

/** Primary key of a user's version floor item. */
export function versionFloorKey(userId: string): Record<typeof PARTITION_KEY | typeof SORT_KEY, string> {
  return { [PARTITION_KEY]: userPartitionKey(userId), [SORT_KEY]: VERSION_FLOOR_SORT_KEY };
}

/** The user id inside a partition key value, or undefined when the value is not a user partition. */
export function userIdFromPartitionKey(pk: string): string | undefined {
  if (!pk.startsWith(USER_PARTITION_PREFIX)) return undefined;
  const userId = pk.slice(USER_PARTITION_PREFIX.length);
  return userId === "" ? undefined : userId;
}
