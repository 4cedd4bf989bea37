/** Where stream event sources keep their shard positions: in memory, or in a JSON file written atomically. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { CheckpointStore } from "./config";

/** The store key of one shard of one mapping. */
export function checkpointKey(uuid: string, shardId: string): string {
  return `${uuid}:${shardId}`;
}

/** Positions kept for the life of the process (the default). */
export function memoryCheckpointStore(): CheckpointStore {
  const positions = new Map<string, string>();
  return { get: (key) => positions.get(key), set: (key, sequenceNumber) => void positions.set(key, sequenceNumber) };
}

function readPositions(path: string): Map<string, string> {
  if (!existsSync(path)) return new Map();
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`Checkpoint file ${path} does not hold a JSON object`);
  }
  const positions = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "string") throw new Error(`Checkpoint file ${path}: the position of ${key} is not a string`);
    positions.set(key, value);
  }
  return positions;
}

let tmpCounter = 0;

/**
 * Positions in a JSON file (`{ "<uuid>:<shardId>": "<sequence number>" }`), read once when created and
 * rewritten on every change through a temporary file and a rename, so a crash leaves the old or the new file.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  const positions = readPositions(path);
  return {
    get: (key) => positions.get(key),
    set(key, sequenceNumber) {
      positions.set(key, sequenceNumber);
      mkdirSync(dirname(path), { recursive: true });
      tmpCounter += 1;
      const tmp = `${path}.${process.pid}.${tmpCounter}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(Object.fromEntries(positions), null, 2)}\n`);
      renameSync(tmp, path);
    },
  };
}
