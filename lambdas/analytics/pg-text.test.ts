import { isDataException } from "./ingest";
import { findUnstorableText, isStorableText, textProblem } from "./pg-text";

describe("textProblem / isStorableText", () => {
  it.each(["", "Ada", "مرحبا", "👩‍👩‍👧‍👦", "𝔘𝔫𝔦", "\uFEFF", "\u0001\u001f\u007f", "\uD83D\uDE00"])("accepts %j (paired surrogates, controls other than NUL)", (s) => {
    expect(textProblem(s)).toBeUndefined();
    expect(isStorableText(s)).toBe(true);
  });

  it.each(["\u0000", "a\u0000b", "ok\u0000"])("refuses U+0000 in %j", (s) => {
    expect(textProblem(s)).toMatch(/U\+0000/);
  });

  it.each(["\uD800", "x\uDFFF", "\uDFFF\uD800", "\uD83D", "a\uDE00b"])("refuses the unpaired surrogate in %j", (s) => {
    expect(textProblem(s)).toMatch(/unpaired UTF-16 surrogate/);
  });
});

describe("findUnstorableText", () => {
  it("finds nothing in storable JSON values", () => {
    expect(findUnstorableText({ a: "x", b: [1, "y", { c: null, d: true }], é: "😀" })).toBeUndefined();
    expect(findUnstorableText(42)).toBeUndefined();
  });

  it("names the path of a bad value, deep in arrays and objects", () => {
    expect(findUnstorableText({ a: { list: [1, { deep: "x\u0000" }] } })).toBe("a.list[1].deep: contains U+0000 (NUL), which PostgreSQL text cannot store");
  });

  it("finds a bad key and quotes it printable (escaped), never raw", () => {
    const found = findUnstorableText({ ok: 1, "a\u0000b": 1 });
    expect(found).toBe("a\\u0000b: the key contains U+0000 (NUL), which PostgreSQL text cannot store");
    expect(findUnstorableText({ "\uD800": 1 })).toBe("\\ud800: the key contains an unpaired UTF-16 surrogate (not valid Unicode)");
  });

  it("cuts a long path to 200 characters", () => {
    const found = findUnstorableText({ ["k".repeat(5000)]: "\u0000" });
    expect(found?.length).toBeLessThan(300);
    expect(found).toContain("…");
  });
});

describe("isDataException (when analytics-ingest and activity-processor write each item alone)", () => {
  const error = (name: string, message: string, status?: number): Error => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it.each([
    ["DatabaseErrorException", 'ERROR: date/time field value out of range: "0000-01-01T00:00:00Z"; SQLState: 22008'],
    ["DatabaseErrorException", "ERROR: unsupported Unicode escape sequence\n  Detail: \\u0000 cannot be converted to text.; SQLState: 22P05"],
    ["BadRequestException", "ERROR: invalid input syntax for type json; SQLState: 22P02"],
  ])("a SQL data exception (%s, SQLSTATE class 22) is one item's data", (name, message) => {
    expect(isDataException(error(name, message, 400))).toBe(true);
  });

  it.each([
    ["DatabaseErrorException", "ERROR: boom; SQLState: XX000", 400],
    ["DatabaseErrorException", 'ERROR: relation "users" does not exist; SQLState: 42P01', 400],
    ["DatabaseResumingException", "resuming; SQLState: 22008", 400],
    ["InternalServerErrorException", "SQLState: 22008", 500],
    ["ForbiddenException", "denied", 403],
  ])("%s (%s) is not: every valid item fails as before", (name, message, status) => {
    expect(isDataException(error(name, message, status))).toBe(false);
  });
});
