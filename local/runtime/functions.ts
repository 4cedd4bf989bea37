/**
 * The deployed functions, resolved as Lambda itself would: by name or ARN from the Lambda API (moto holds what
 * Terraform deployed: handler, environment, timeout, memory, CodeSha256), with the code taken from the synthesized
 * deployment package whose SHA-256 is that CodeSha256 — the same zip that goes to AWS. One FunctionPool (worker
 * processes) per function; a redeploy of a function (UpdateFunctionCode/Configuration) replaces its pool's spec.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { callMoto, MotoCallError } from "./moto-client";
import type { InvokeFunction, InvokeOutcome, RuntimeLog } from "./types";
import { FunctionPool, FunctionPoolOptions, FunctionSpec, unpackZip } from "./worker";

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` or a name → the name. */
export function functionNameOf(nameOrArn: string): string {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::.*)?$/.exec(nameOrArn);
  return m ? m[1] : nameOrArn.split(":")[0];
}

export type InvocationObserver = (invocation: { functionName: string; event: unknown; outcome: InvokeOutcome }) => void;

export class FunctionNotFoundError extends Error {
  constructor(public readonly functionName: string) {
    super(`Function not found: ${functionName}`);
    this.name = "ResourceNotFoundException";
  }
}

export interface FunctionRegistryOptions {
  /** moto's endpoint (the Lambda control plane). */
  readonly moto: string;
  /** Folders holding the synthesized deployment packages (`function.zip`), searched recursively. */
  readonly assetDirs: () => readonly string[];
  /** Where packages are unpacked, one folder per CodeSha256. */
  readonly codeCacheDir: string;
  /** Environment of every worker before the function's own (endpoints, credentials, region). */
  readonly baseEnvironment: Readonly<Record<string, string>>;
  readonly pool?: Omit<FunctionPoolOptions, "baseEnvironment">;
  readonly log: RuntimeLog;
}

interface LambdaConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Handler?: string;
  Timeout?: number;
  MemorySize?: number;
  CodeSha256?: string;
  Environment?: { Variables?: Record<string, string> };
}

const sha256Base64 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("base64");

export class FunctionRegistry {
  private readonly pools = new Map<string, Promise<FunctionPool>>();
  private readonly hot = new Map<string, string>();
  private zipIndex = new Map<string, string>();

  constructor(private readonly o: FunctionRegistryOptions) {}

  private readonly observers = new Set<InvocationObserver>();

  /** Lambda Invoke: never rejects for a function error; rejects with FunctionNotFoundError for an unknown function. */
  readonly invoke: InvokeFunction = async (nameOrArn, event, options) => {
    const name = functionNameOf(nameOrArn);
    const pool = await this.pool(name);
    const outcome = await pool.invoke(event, options);
    for (const o of this.observers) o({ functionName: name, event, outcome });
    return outcome;
  };

  /** Watches every invocation (what ran, with which event, and how it ended): the dev console and tests observe. */
  observe(observer: InvocationObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** The function's pool, creating it from the deployed configuration on first use. */
  pool(name: string): Promise<FunctionPool> {
    let pool = this.pools.get(name);
    if (pool === undefined) {
      pool = this.load(name).then((spec) => new FunctionPool(spec, { ...this.o.pool, baseEnvironment: { ...this.o.baseEnvironment } }));
      this.pools.set(name, pool);
      pool.catch(() => this.pools.delete(name));
    }
    return pool;
  }

  /** Names of the functions with a pool. */
  loaded(): string[] {
    return [...this.pools.keys()];
  }

  /** The function was redeployed: its next invocation runs the new configuration and code. */
  async invalidate(name: string): Promise<void> {
    const pool = this.pools.get(name);
    this.hot.delete(name);
    if (pool === undefined) return;
    const current = await pool.catch(() => undefined);
    if (current === undefined) return;
    await current.reload(await this.load(name));
  }

  /** Dev loop: run this folder's code (a fresh bundle) instead of the deployed package, until the next redeploy. */
  async hotSwap(name: string, codeDir: string): Promise<void> {
    this.hot.set(name, codeDir);
    const pool = await this.pool(name);
    await pool.reload({ ...pool.spec, codeDir });
  }

  async stop(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(async (p) => (await p.catch(() => undefined))?.stop()));
  }

  private async load(name: string): Promise<FunctionSpec> {
    let config: LambdaConfiguration;
    try {
      config = await callMoto<LambdaConfiguration>(this.o.moto, {
        service: "lambda",
        method: "GET",
        path: `/2015-03-31/functions/${encodeURIComponent(name)}/configuration`,
      });
    } catch (err) {
      if (err instanceof MotoCallError && err.status === 404) throw new FunctionNotFoundError(name);
      throw err;
    }
    const sha = config.CodeSha256 ?? "";
    const codeDir = this.hot.get(name) ?? this.codeDirFor(sha, name);
    return {
      name: config.FunctionName,
      arn: config.FunctionArn,
      handler: config.Handler ?? "index.handler",
      codeDir,
      environment: { ...(config.Environment?.Variables ?? {}) },
      timeoutSeconds: config.Timeout ?? 3,
      memorySize: config.MemorySize ?? 128,
    };
  }

  private codeDirFor(sha: string, name: string): string {
    let zip = this.zipIndex.get(sha);
    if (zip === undefined) {
      this.zipIndex = this.indexZips();
      zip = this.zipIndex.get(sha);
    }
    if (zip === undefined) {
      throw new Error(
        `The deployed code of ${name} (CodeSha256 ${sha}) is not among the synthesized packages in ${this.o.assetDirs().join(", ")}. ` +
          "Fix: deploy again (npm start re-synthesizes and applies).",
      );
    }
    const dir = join(
      this.o.codeCacheDir,
      sha.replace(/[/+=]/g, (c) => ({ "/": "_", "+": "-", "=": "" })[c] ?? ""),
    );
    if (!existsSync(join(dir, ".unpacked"))) {
      unpackZip(zip, dir);
      writeFileSync(join(dir, ".unpacked"), sha);
    }
    return dir;
  }

  private indexZips(): Map<string, string> {
    const index = new Map<string, string>();
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (entry.endsWith(".zip")) index.set(sha256Base64(path), path);
      }
    };
    for (const dir of this.o.assetDirs()) walk(dir);
    return index;
  }
}
