/** Helpers for the worker tests: handler fixtures in a temporary folder, pools that are always stopped, captured output. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SILENT_LOG } from "../types";
import { FunctionPool, FunctionPoolOptions, OutputMeta } from "./pool";
import { FunctionSpec } from "./spec";

/** One captured output line. */
export interface CapturedLine {
  readonly line: string;
  readonly meta: OutputMeta;
}

/** Code folders and pools for one test file; `cleanup()` stops the pools and removes the folders. */
export class Fixtures {
  /** Outside the repository, as Lambda's /var/task is: bare imports resolve only through NODE_PATH. */
  readonly root = mkdtempSync(join(tmpdir(), "lambda-worker-test-"));
  private readonly pools: FunctionPool[] = [];
  private count = 0;

  /** Writes a code folder holding `files` (path → contents) and returns it. */
  code(files: Readonly<Record<string, string>>): string {
    const dir = join(this.root, `code-${++this.count}`);
    for (const [path, contents] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), contents);
    }
    return dir;
  }

  /** A spec for a code folder: handler "index.handler", 3 s timeout, 128 MB, no variables. */
  spec(codeDir: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
    const name = overrides.name ?? "platform-test-fn";
    return {
      name,
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      handler: "index.handler",
      codeDir,
      environment: {},
      timeoutSeconds: 3,
      memorySize: 128,
      ...overrides,
    };
  }

  /** A pool that `cleanup()` stops; its output is captured in `lines` and its runtime log is silent. */
  pool(spec: FunctionSpec, options: FunctionPoolOptions = {}): { pool: FunctionPool; lines: CapturedLine[] } {
    const lines: CapturedLine[] = [];
    const pool = new FunctionPool(spec, { log: SILENT_LOG, output: (line, meta) => lines.push({ line, meta }), ...options });
    this.pools.push(pool);
    return { pool, lines };
  }

  /** A pool running `source` as index.js with handler "index.handler". */
  handler(source: string, overrides: Partial<FunctionSpec> = {}, options: FunctionPoolOptions = {}): { pool: FunctionPool; lines: CapturedLine[] } {
    return this.pool(this.spec(this.code({ "index.js": source }), overrides), options);
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.stop()));
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Whether a process with this id exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
