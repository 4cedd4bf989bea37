import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointKey, fileCheckpointStore, memoryCheckpointStore } from "./checkpoints";

describe("checkpoint stores", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "esm-checkpoints-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("the memory store returns what was set and nothing for unknown keys", () => {
    const store = memoryCheckpointStore();
    store.set(checkpointKey("esm-1", "shardId-0"), "42");
    expect(store.get(checkpointKey("esm-1", "shardId-0"))).toBe("42");
    expect(store.get(checkpointKey("esm-2", "shardId-0"))).toBeUndefined();
  });

  test("the file store persists positions across instances as JSON, leaving no temporary file", () => {
    const path = join(dir, "nested", "checkpoints.json");
    const first = fileCheckpointStore(path);
    first.set("esm-1:shardId-0", "7");
    first.set("esm-1:shardId-1", "12345678901234567890123");
    first.set("esm-1:shardId-0", "8");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ "esm-1:shardId-0": "8", "esm-1:shardId-1": "12345678901234567890123" });
    expect(readdirSync(join(dir, "nested"))).toEqual(["checkpoints.json"]);
    const second = fileCheckpointStore(path);
    expect(second.get("esm-1:shardId-0")).toBe("8");
    expect(second.get("esm-1:shardId-1")).toBe("12345678901234567890123");
  });

  test("the file store refuses a file that is not an object of strings", () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, JSON.stringify({ a: 1 }));
    expect(() => fileCheckpointStore(path)).toThrow(/not a string/);
    writeFileSync(path, "[]");
    expect(() => fileCheckpointStore(path)).toThrow(/JSON object/);
  });
});
