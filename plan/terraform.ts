// The terraform CLI as the plan command drives it: init, plan (-detailed-exitcode), show -json, providers schema -json.
// Every command runs with the CLI config of lib/terraform-cli.ts (provider mirror when there is one), through a
// shared Limiter so that parallel stacks never start more terraform processes than there are cores.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { terraformEnv } from "../lib/terraform-cli";
import { run, RunResult } from "../lib/process";
import { Limiter, tail } from "./exec";
import type { PlanJson, ResourceSchemas, SchemaBlock } from "../lib/terraform-json";

export class TerraformError extends Error {
  constructor(
    message: string,
    public readonly result?: RunResult,
  ) {
    super(message);
    this.name = "TerraformError";
  }
}

export interface TerraformCliOptions {
  /** Environment of terraform processes. @default terraformEnv() (CLI config with the provider mirror) */
  readonly env?: NodeJS.ProcessEnv;
  /** Shared bound on concurrent terraform processes. @default a Limiter of 2 */
  readonly limiter?: Limiter;
  /** Progress lines (stderr in the CLI). @default silent */
  readonly log?: (line: string) => void;
  /** Folder for the reduced provider schema cache. @default <tmpdir>/platform-plan-schemas */
  readonly schemaCacheDir?: string;
}

export interface PlanRun {
  /** True when terraform reported changes (-detailed-exitcode 2). */
  readonly changes: boolean;
  readonly result: RunResult;
}

const schemaMemo = new Map<string, Promise<ResourceSchemas>>();

export class TerraformCli {
  readonly env: NodeJS.ProcessEnv;
  readonly limiter: Limiter;
  private readonly log: (line: string) => void;
  private readonly schemaCacheDir: string;

  constructor(options: TerraformCliOptions = {}) {
    this.env = options.env ?? terraformEnv();
    this.limiter = options.limiter ?? new Limiter(2);
    this.log = options.log ?? (() => undefined);
    this.schemaCacheDir = options.schemaCacheDir ?? join(tmpdir(), "platform-plan-schemas");
  }

  /** Runs `terraform <args>` in `dir`; throws a TerraformError unless the exit code is in `okCodes`. */
  async exec(dir: string, args: readonly string[], okCodes: readonly number[] = [0]): Promise<RunResult> {
    return this.limiter.run(async () => {
      const started = Date.now();
      let result: RunResult;
      try {
        result = await run("terraform", args, { cwd: dir, env: this.env });
      } catch (err) {
        throw new TerraformError(`${(err as Error).message}. Fix: install Terraform >= 1.10 on PATH.`);
      }
      this.log(`terraform ${args[0]} (${dir.split("/").slice(-2).join("/")}): exit ${result.code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (!okCodes.includes(result.code)) {
        // The folder's last two segments (stacks/<id>): temp paths would change the report on every run.
        const where = dir.split("/").slice(-2).join("/");
        throw new TerraformError(`terraform ${args[0]} failed in ${where} (exit ${result.code}):\n${tail(result.stderr || result.stdout)}`, result);
      }
      return result;
    });
  }

  init(dir: string, options: { backend?: boolean } = {}): Promise<RunResult> {
    return this.exec(dir, ["init", "-input=false", "-no-color", ...(options.backend === false ? ["-backend=false"] : [])]);
  }

  /** `terraform plan -detailed-exitcode -out=<out>`; no state lock (a review plan never writes state). */
  async plan(dir: string, options: { refresh: boolean; out: string }): Promise<PlanRun> {
    const args = ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode", `-out=${options.out}`];
    if (!options.refresh) args.push("-refresh=false");
    const result = await this.exec(dir, args, [0, 2]);
    return { changes: result.code === 2, result };
  }

  /** `terraform show -json <planFile>`, parsed. */
  async show(dir: string, planFile: string): Promise<PlanJson> {
    const result = await this.exec(dir, ["show", "-json", "-no-color", planFile]);
    return JSON.parse(result.stdout) as PlanJson;
  }

  /**
   * Resource schemas (version + block) of every provider an initialized folder uses, from
   * `terraform providers schema -json`, reduced (no descriptions, no data sources) and cached on disk by
   * provider versions (the AWS schema is 13 MB and takes seconds to print).
   */
  resourceSchemas(dir: string): Promise<ResourceSchemas> {
    const key = providerKey(dir);
    const memo = key ? schemaMemo.get(key) : undefined;
    if (memo) return memo;
    const promise = this.loadSchemas(dir, key);
    if (key) schemaMemo.set(key, promise);
    promise.catch(() => key && schemaMemo.delete(key));
    return promise;
  }

  private async loadSchemas(dir: string, key: string | undefined): Promise<ResourceSchemas> {
    const file = key ? join(this.schemaCacheDir, `${key}.json`) : undefined;
    if (file && existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, "utf8")) as ResourceSchemas;
      } catch {
        // a torn cache file: fetch again
      }
    }
    const result = await this.exec(dir, ["providers", "schema", "-json"]);
    const raw = JSON.parse(result.stdout) as { provider_schemas?: Record<string, { resource_schemas?: Record<string, { version: number; block: SchemaBlock }> }> };
    const reduced: ResourceSchemas = {};
    for (const [provider, p] of Object.entries(raw.provider_schemas ?? {})) {
      reduced[provider] = {};
      for (const [type, s] of Object.entries(p.resource_schemas ?? {})) reduced[provider][type] = { version: s.version, block: reduceBlock(s.block) };
    }
    if (file) {
      mkdirSync(this.schemaCacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, JSON.stringify(reduced));
      renameSync(tmp, file);
    }
    return reduced;
  }
}

/** Cache key of the providers an initialized folder selected (.terraform.lock.hcl: address + version + hashes). */
function providerKey(dir: string): string | undefined {
  const lock = join(dir, ".terraform.lock.hcl");
  if (!existsSync(lock)) return undefined;
  const text = readFileSync(lock, "utf8");
  const providers = [...text.matchAll(/provider\s+"([^"]+)"\s*\{[^}]*?version\s*=\s*"([^"]+)"/g)].map((m) => `${m[1]}@${m[2]}`).sort();
  if (providers.length === 0) return undefined;
  return createHash("sha256")
    .update(`schema-v2\n${providers.join("\n")}`)
    .digest("hex")
    .slice(0, 16);
}

/** Keeps what a state builder needs: types, nesting and flags (attribute names such as "description" stay). */
function reduceBlock(block: any): SchemaBlock {
  const out: { attributes?: Record<string, any>; block_types?: Record<string, any> } = {};
  if (block?.attributes) out.attributes = mapObject(block.attributes, reduceAttribute);
  if (block?.block_types) {
    out.block_types = mapObject(block.block_types, (b: any) => ({
      nesting_mode: b.nesting_mode,
      ...(b.min_items !== undefined ? { min_items: b.min_items } : {}),
      ...(b.max_items !== undefined ? { max_items: b.max_items } : {}),
      block: reduceBlock(b.block),
    }));
  }
  return out;
}

function reduceAttribute(a: any): any {
  const out: Record<string, any> = {};
  if (a.type !== undefined) out.type = a.type;
  if (a.nested_type) out.nested_type = { nesting_mode: a.nested_type.nesting_mode, attributes: mapObject(a.nested_type.attributes ?? {}, reduceAttribute) };
  for (const flag of ["optional", "computed", "required", "sensitive"]) if (a[flag]) out[flag] = true;
  return out;
}

function mapObject<T, U>(obj: Record<string, T>, fn: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fn(v);
  return out;
}
