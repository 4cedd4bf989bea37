import { parseBatchItemFailures } from "./batch-item-failures";

const ids = new Set(["a", "b", "c"]);

describe("parseBatchItemFailures (Lambda's success and failure conditions)", () => {
  test.each([
    ["no payload", undefined],
    ["a null payload", null],
    ["an empty string", ""],
    ["an object without batchItemFailures", { processed: 3 }],
    ["a null batchItemFailures", { batchItemFailures: null }],
    ["an empty batchItemFailures", { batchItemFailures: [] }],
    ["the JSON text of an empty list", '{"batchItemFailures":[]}'],
  ])("%s is a complete success", (_name, payload) => {
    expect(parseBatchItemFailures(payload, ids)).toEqual({ valid: true, failedIds: [] });
  });

  test("listed item identifiers are the failed records, each once", () => {
    const payload = { batchItemFailures: [{ itemIdentifier: "c" }, { itemIdentifier: "a" }, { itemIdentifier: "c" }] };
    expect(parseBatchItemFailures(payload, ids)).toEqual({ valid: true, failedIds: ["c", "a"] });
  });

  test("a JSON text payload is read like an object", () => {
    expect(parseBatchItemFailures('{"batchItemFailures":[{"itemIdentifier":"b"}]}', ids)).toEqual({ valid: true, failedIds: ["b"] });
  });

  test.each([
    ["an unknown itemIdentifier", { batchItemFailures: [{ itemIdentifier: "zzz" }] }],
    ["a missing itemIdentifier (wrong key name)", { batchItemFailures: [{ id: "a" }] }],
    ["an empty itemIdentifier", { batchItemFailures: [{ itemIdentifier: "" }] }],
    ["a null itemIdentifier", { batchItemFailures: [{ itemIdentifier: null }] }],
    ["a batchItemFailures that is not a list", { batchItemFailures: "a" }],
    ["a payload that is not JSON", "not json"],
    ["a number", 42],
    ["a list", [{ itemIdentifier: "a" }]],
  ])("%s is a complete failure", (_name, payload) => {
    expect(parseBatchItemFailures(payload, ids).valid).toBe(false);
  });
});
