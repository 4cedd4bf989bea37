import type { DynamoDBRecord } from "aws-lambda";
import {
  chunk,
  changedFields,
  eventIdFor,
  identityFromClaims,
  initialDisplayName,
  initialProfile,
  mapStreamRecord,
  parseIfMatch,
  parseJsonBody,
  profileFromItem,
  toProfileResponse,
  uuidV5,
  validateProfileInput,
} from "./domain";
import { PROFILE_SORT_KEY, VERSION_FLOOR_SORT_KEY, profileKey, userIdFromPartitionKey } from "./schema";

function expectInvalid(input: unknown): string {
  const result = validateProfileInput(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  expect(result.error.code).toBe("ValidationFailed");
  return result.error.message;
}

describe("validateProfileInput", () => {
  it("accepts a body with only displayName and returns no optional fields", () => {
    expect(validateProfileInput({ displayName: "Ada" })).toEqual({ ok: true, value: { displayName: "Ada" } });
  });

  it("accepts all fields and returns the locale in canonical BCP 47 form", () => {
    expect(validateProfileInput({ displayName: "Ada", locale: "en-gb", bio: "Mathematician" })).toEqual({
      ok: true,
      value: { displayName: "Ada", locale: "en-GB", bio: "Mathematician" },
    });
  });

  it("trims surrounding whitespace from displayName", () => {
    expect(validateProfileInput({ displayName: "  Ada  " })).toEqual({ ok: true, value: { displayName: "Ada" } });
  });

  it("names displayName when it is missing", () => {
    expect(expectInvalid({ bio: "x" })).toBe("displayName: is required");
  });

  it("rejects a displayName that is empty or only whitespace", () => {
    expect(expectInvalid({ displayName: "" })).toBe("displayName: must not be empty");
    expect(expectInvalid({ displayName: "   " })).toBe("displayName: must not be empty");
  });

  it("accepts a 64-character displayName and rejects 65 characters", () => {
    expect(validateProfileInput({ displayName: "a".repeat(64) }).ok).toBe(true);
    expect(expectInvalid({ displayName: "a".repeat(65) })).toBe("displayName: must be at most 64 characters");
  });

  it("counts characters as code points, so 64 emoji fit in displayName", () => {
    expect("😀".repeat(64).length).toBe(128);
    expect(validateProfileInput({ displayName: "😀".repeat(64) }).ok).toBe(true);
    expect(validateProfileInput({ displayName: "😀".repeat(65) }).ok).toBe(false);
  });

  it("accepts a 500-character bio and rejects 501 characters", () => {
    expect(validateProfileInput({ displayName: "Ada", bio: "b".repeat(500) }).ok).toBe(true);
    expect(expectInvalid({ displayName: "Ada", bio: "b".repeat(501) })).toBe("bio: must be at most 500 characters");
  });

  it.each(["en_US", "e", "123", "x-private", "abcdefghi", " en"])("rejects the malformed locale %j naming the field", (locale) => {
    expect(expectInvalid({ displayName: "Ada", locale })).toMatch(/^locale: must be a BCP 47 language tag/);
  });

  it("names every unknown field", () => {
    expect(expectInvalid({ displayName: "Ada", nickname: "A", admin: true })).toBe(
      "nickname: unknown field (allowed: displayName, locale, bio); admin: unknown field (allowed: displayName, locale, bio)",
    );
  });

  it.each([
    [{ displayName: 42 }, "displayName: expected string, received number"],
    [{ displayName: "Ada", locale: 7 }, "locale: expected string, received number"],
    [{ displayName: "Ada", bio: null }, "bio: expected string, received null"],
    [{ displayName: ["Ada"] }, "displayName: expected string, received array"],
  ])("names the field of a wrong type: %j", (input, message) => {
    expect(expectInvalid(input)).toBe(message);
  });

  it.each([
    [[], "array"],
    ["Ada", "string"],
    [null, "null"],
    [3, "number"],
  ])("rejects a body that is not a JSON object (%j)", (input, received) => {
    expect(expectInvalid(input)).toBe(`body: expected a JSON object, received ${received}`);
  });

  it("reports every problem of a body at once", () => {
    const message = expectInvalid({ displayName: "", bio: 5, extra: 1 });
    expect(message).toContain("displayName: must not be empty");
    expect(message).toContain("bio: expected string, received number");
    expect(message).toContain("extra: unknown field");
  });
});

describe("parseJsonBody", () => {
  it("reports MissingBody for an absent or blank body", () => {
    expect(parseJsonBody(undefined, false)).toMatchObject({ ok: false, error: { code: "MissingBody" } });
    expect(parseJsonBody("  ", false)).toMatchObject({ ok: false, error: { code: "MissingBody" } });
  });

  it("reports MalformedJson naming the body for text that is not JSON", () => {
    const result = parseJsonBody('{"displayName": "Ada"', false);
    expect(result).toMatchObject({ ok: false, error: { code: "MalformedJson" } });
    expect(result.ok ? "" : result.error.message).toMatch(/^body: malformed JSON/);
  });

  it("decodes a base64-encoded body before parsing it", () => {
    const encoded = Buffer.from('{"displayName":"Ada"}').toString("base64");
    expect(parseJsonBody(encoded, true)).toEqual({ ok: true, value: { displayName: "Ada" } });
  });
});

describe("parseIfMatch", () => {
  it.each(['"3"', 'W/"3"', "3", ' "3" '])("reads %j as version 3", (header) => {
    expect(parseIfMatch(header)).toEqual({ ok: true, value: { kind: "version", version: 3 } });
  });

  it("reads * as any existing version and a missing header as no condition", () => {
    expect(parseIfMatch("*")).toEqual({ ok: true, value: { kind: "any" } });
    expect(parseIfMatch(undefined)).toEqual({ ok: true, value: { kind: "none" } });
  });

  it.each(["abc", '"3", "4"', "0", "-1", '""', "", 'W/"x"', "3.5", "1234567890123456"])("rejects %j with InvalidIfMatch", (header) => {
    expect(parseIfMatch(header)).toMatchObject({ ok: false, error: { code: "InvalidIfMatch" } });
  });
});

describe("identityFromClaims", () => {
  it("takes the user id from sub and the address from email", () => {
    expect(identityFromClaims({ sub: "u-1", email: "ada@example.com", "cognito:username": "someone-else" })).toEqual({
      ok: true,
      value: { userId: "u-1", email: "ada@example.com" },
    });
  });

  it("lists every missing claim", () => {
    expect(identityFromClaims(undefined)).toEqual({ ok: false, error: { missing: ["sub", "email"] } });
    expect(identityFromClaims({ email: "ada@example.com" })).toEqual({ ok: false, error: { missing: ["sub"] } });
    expect(identityFromClaims({ sub: "u-1", email: "" })).toEqual({ ok: false, error: { missing: ["email"] } });
  });
});

describe("initial profile", () => {
  it("uses the name attribute as display name", () => {
    expect(initialDisplayName({ name: " Ada Lovelace ", email: "ada@example.com" })).toBe("Ada Lovelace");
  });

  it("falls back to the e-mail's local part when name is absent or blank", () => {
    expect(initialDisplayName({ email: "ada.l@example.com" })).toBe("ada.l");
    expect(initialDisplayName({ name: "  ", email: "ada.l@example.com" })).toBe("ada.l");
  });

  it("cuts the display name to 64 characters", () => {
    expect(initialDisplayName({ email: `${"x".repeat(80)}@example.com` })).toBe("x".repeat(64));
    expect(Array.from(initialDisplayName({ name: "é😀".repeat(40) }))).toHaveLength(64);
  });

  it("produces a display name the PUT validation accepts", () => {
    const displayName = initialDisplayName({ name: `${"n".repeat(63)} tail` });
    expect(validateProfileInput({ displayName }).ok).toBe(true);
  });

  it("creates a profile without a version (the repository sets it above the floor) with createdAt equal to updatedAt", () => {
    expect(initialProfile({ sub: "u-1", email: "ada@example.com" }, "2024-05-01T10:00:00.000Z")).toEqual({
      userId: "u-1",
      displayName: "ada",
      createdAt: "2024-05-01T10:00:00.000Z",
      updatedAt: "2024-05-01T10:00:00.000Z",
    });
  });

  it("refuses attributes without sub", () => {
    expect(() => initialProfile({ email: "ada@example.com" }, "2024-05-01T10:00:00.000Z")).toThrow(/no `sub`/);
  });
});

describe("profile items and responses", () => {
  const item = {
    ...profileKey("u-1"),
    userId: "u-1",
    displayName: "Ada",
    version: 2,
    createdAt: "2024-05-01T10:00:00.000Z",
    updatedAt: "2024-05-02T10:00:00.000Z",
  };

  it("reads a stored item without its keys", () => {
    expect(profileFromItem(item)).toEqual({
      userId: "u-1",
      displayName: "Ada",
      version: 2,
      createdAt: "2024-05-01T10:00:00.000Z",
      updatedAt: "2024-05-02T10:00:00.000Z",
    });
  });

  it("refuses an item without a numeric version", () => {
    expect(profileFromItem({ ...item, version: "2" })).toBeUndefined();
    expect(profileFromItem({ ...item, version: undefined })).toBeUndefined();
  });

  it("renders absent optional fields as null and the e-mail from the identity", () => {
    const profile = profileFromItem(item);
    if (profile === undefined) throw new Error("item should be a profile");
    expect(toProfileResponse(profile, { userId: "u-1", email: "ada@example.com" })).toEqual({
      userId: "u-1",
      email: "ada@example.com",
      displayName: "Ada",
      locale: null,
      bio: null,
      version: 2,
      createdAt: "2024-05-01T10:00:00.000Z",
      updatedAt: "2024-05-02T10:00:00.000Z",
    });
  });

  it("recognises only USER# partition keys", () => {
    expect(userIdFromPartitionKey("USER#abc")).toBe("abc");
    expect(userIdFromPartitionKey("USER#")).toBeUndefined();
    expect(userIdFromPartitionKey("ORG#abc")).toBeUndefined();
  });
});

describe("event ids", () => {
  it("implements RFC 4122 version 5 (known test vector)", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });

  it("gives the same id for the same stream eventID and different ids for different ones", () => {
    expect(eventIdFor("c81e728d9d4c2f636f067f89cc14862c")).toBe(eventIdFor("c81e728d9d4c2f636f067f89cc14862c"));
    expect(eventIdFor("c81e728d9d4c2f636f067f89cc14862c")).not.toBe(eventIdFor("eccbc87e4b5ce2fe28308fd9f2a7baf3"));
  });
});

// Stream records shaped as Lambda delivers them.
const S = (value: string) => ({ S: value });
const N = (value: number) => ({ N: String(value) });
const keys = { pk: S("USER#u-1"), sk: S(PROFILE_SORT_KEY) };
const v1Image = {
  ...keys,
  userId: S("u-1"),
  displayName: S("Ada"),
  version: N(1),
  createdAt: S("2024-05-01T10:00:00.000Z"),
  updatedAt: S("2024-05-01T10:00:00.000Z"),
};
const v2Image = { ...v1Image, bio: S("Mathematician"), version: N(2), updatedAt: S("2024-05-02T10:00:00.000Z") };

function record(eventName: "INSERT" | "MODIFY" | "REMOVE", images: { old?: object; new?: object }, overrides: Partial<DynamoDBRecord> = {}): DynamoDBRecord {
  return {
    eventID: `ev-${eventName}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    eventSourceARN: "arn:aws:dynamodb:us-east-1:123456789012:table/profiles/stream/2024-05-01T00:00:00.000",
    dynamodb: {
      ApproximateCreationDateTime: 1714557600,
      Keys: keys,
      ...(images.old !== undefined ? { OldImage: images.old } : {}),
      ...(images.new !== undefined ? { NewImage: images.new } : {}),
      SequenceNumber: "100",
      SizeBytes: 120,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
    ...overrides,
  } as DynamoDBRecord;
}

describe("mapStreamRecord", () => {
  it("maps INSERT to profile.created with the new image and every non-key field as changed", () => {
    expect(mapStreamRecord(record("INSERT", { new: v1Image }))).toEqual({
      kind: "event",
      event: {
        eventId: eventIdFor("ev-INSERT"),
        type: "profile.created",
        userId: "u-1",
        version: 1,
        changedFields: ["createdAt", "displayName", "updatedAt", "userId", "version"],
        occurredAt: "2024-05-01T10:00:00.000Z",
        profile: {
          userId: "u-1",
          displayName: "Ada",
          version: 1,
          createdAt: "2024-05-01T10:00:00.000Z",
          updatedAt: "2024-05-01T10:00:00.000Z",
        },
      },
    });
  });

  it("maps MODIFY to profile.updated listing only the fields that differ", () => {
    const mapped = mapStreamRecord(record("MODIFY", { old: v1Image, new: v2Image }));
    expect(mapped).toMatchObject({
      kind: "event",
      event: { type: "profile.updated", version: 2, changedFields: ["bio", "updatedAt", "version"], profile: { bio: "Mathematician" } },
    });
  });

  it("maps REMOVE to profile.deleted with the deleted version and no profile", () => {
    const mapped = mapStreamRecord(record("REMOVE", { old: v2Image }));
    if (mapped.kind !== "event") throw new Error(`expected an event, got ${mapped.kind}`);
    expect(mapped.event.type).toBe("profile.deleted");
    expect(mapped.event.version).toBe(2);
    expect(mapped.event.profile).toBeUndefined();
    expect(mapped.event.changedFields).toEqual(["bio", "createdAt", "displayName", "updatedAt", "userId", "version"]);
  });

  it("skips the MODIFY of the delete-user workflow marking the profile (no profile field changed), and leaves the marker out of a deletion's changed fields", () => {
    const marked = { ...v2Image, deletion: { M: { executionName: S("delete-u-1-v2") } } };
    expect(mapStreamRecord(record("MODIFY", { old: v2Image, new: marked }))).toEqual({ kind: "skip", reason: "no profile field changed (a deletion marker)" });
    const removed = mapStreamRecord(record("REMOVE", { old: marked }));
    if (removed.kind !== "event") throw new Error(`expected an event, got ${removed.kind}`);
    expect(removed.event.changedFields).toEqual(["bio", "createdAt", "displayName", "updatedAt", "userId", "version"]);
  });

  it("takes the user id from the partition key", () => {
    const mapped = mapStreamRecord(record("INSERT", { new: { ...v1Image, userId: S("someone-else") } }));
    expect(mapped).toMatchObject({ kind: "event", event: { userId: "u-1", profile: { userId: "u-1" } } });
  });

  it("skips items that are not profiles", () => {
    const fileKeys = { pk: S("USER#u-1"), sk: S("FILE#report.pdf") };
    const mapped = mapStreamRecord(record("INSERT", { new: { ...fileKeys, size: N(10) } }, { dynamodb: { Keys: fileKeys, SequenceNumber: "5" } }));
    expect(mapped.kind).toBe("skip");
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])("reports an eventName %s that only an object's prototype knows as an error", (name) => {
    const r = record("INSERT", { new: {} });
    const mapped = mapStreamRecord({ ...r, eventName: name as never, dynamodb: { ...r.dynamodb, Keys: { pk: { S: "USER#u" }, sk: { S: "PROFILE" } } } });
    expect(mapped).toEqual({ kind: "error", reason: `unknown eventName ${JSON.stringify(name)}` });
  });

  it.each(["INSERT", "MODIFY", "REMOVE"] as const)("skips the %s of the user's version floor item (it is not a profile)", (eventName) => {
    const floorKeys = { pk: S("USER#u-1"), sk: S(VERSION_FLOOR_SORT_KEY) };
    const images = { old: { ...floorKeys, version: N(2) }, new: { ...floorKeys, version: N(5) } };
    const mapped = mapStreamRecord(
      record(eventName, images, { dynamodb: { Keys: floorKeys, OldImage: images.old, NewImage: images.new, SequenceNumber: "7", ApproximateCreationDateTime: 1 } }),
    );
    expect(mapped).toEqual({ kind: "skip", reason: `item ${VERSION_FLOOR_SORT_KEY} is not a profile` });
  });

  it.each([
    ["no keys", record("INSERT", { new: v1Image }, { dynamodb: { SequenceNumber: "1", ApproximateCreationDateTime: 1 } })],
    [
      "a partition key that is not a user",
      record("INSERT", { new: v1Image }, { dynamodb: { Keys: { pk: S("ORG#1"), sk: S("PROFILE") }, NewImage: v1Image, ApproximateCreationDateTime: 1 } }),
    ],
    ["an unknown eventName", record("INSERT", { new: v1Image }, { eventName: "TRUNCATE" as "INSERT" })],
    ["no eventID", record("INSERT", { new: v1Image }, { eventID: undefined })],
    ["no new image on INSERT (KEYS_ONLY stream)", record("INSERT", {})],
    ["a version that is not a number", record("MODIFY", { old: v1Image, new: { ...v2Image, version: S("2") } })],
    ["no ApproximateCreationDateTime", record("INSERT", { new: v1Image }, { dynamodb: { Keys: keys, NewImage: v1Image, SequenceNumber: "1" } })],
  ])("reports a record with %s as an error", (_label, input) => {
    expect(mapStreamRecord(input).kind).toBe("error");
  });

  it("gives a redelivered record the same event id", () => {
    const first = mapStreamRecord(record("MODIFY", { old: v1Image, new: v2Image }));
    const again = mapStreamRecord(record("MODIFY", { old: v1Image, new: v2Image }));
    expect(first.kind === "event" && again.kind === "event" && first.event.eventId === again.event.eventId).toBe(true);
  });
});

describe("changedFields", () => {
  it("compares nested values by content, not identity, and ignores key attributes", () => {
    expect(changedFields({ pk: "a", tags: ["x"], n: 1 }, { pk: "b", tags: ["x"], n: 2 })).toEqual(["n"]);
  });
});

describe("chunk", () => {
  it("splits 23 items into 10, 10 and 3 in order", () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const chunks = chunk(items, 10);
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(chunks.flat()).toEqual(items);
  });

  it("refuses a size below 1", () => {
    expect(() => chunk([1], 0)).toThrow(/positive integer/);
  });
});
