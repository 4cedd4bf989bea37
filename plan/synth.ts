// Synthesis of a checkout in a child process (`node -r @swc-node/register`), and git worktrees for base refs.
// A child process keeps the CLI's memory flat and lets the base and the head synthesize side by side.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { run } from "../lib/process";
import { tail } from "./exec";

export interface SynthOptions {
  /** Local backend and fake credentials (PLATFORM_OFFLINE=1). */
  readonly offline: boolean;
  /** Environment of the synth process. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Synthesizes the app of `checkout` into `outdir`: `buildApp({ outdir, offline }).app.synth()` from the checkout's
 * app.ts, or (a checkout without buildApp) its main.ts with CDKTF_OUTDIR and PLATFORM_OFFLINE set.
 */
export async function synthesize(checkout: string, outdir: string, options: SynthOptions): Promise<void> {
  const script = [
    `const outdir = ${JSON.stringify(outdir)};`,
    `const offline = ${options.offline ? "true" : "false"};`,
    `let m; try { m = require(${JSON.stringify(join(checkout, "app"))}); } catch (e) { if (e && e.code !== "MODULE_NOT_FOUND") throw e; }`,
    `if (m && typeof m.buildApp === "function") m.buildApp({ outdir, offline }).app.synth();`,
    `else require(${JSON.stringify(join(checkout, "main"))});`,
  ].join("\n");
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    CDKTF_OUTDIR: outdir,
    PLATFORM_OFFLINE: options.offline ? "1" : "0",
  };
  const result = await run(process.execPath, ["-r", "@swc-node/register", "-e", script], { cwd: checkout, env });
  if (result.code !== 0) throw new Error(`synth of ${checkout} failed (exit ${result.code}):\n${tail(result.stderr || result.stdout, 40)}`);
  if (!existsSync(join(outdir, "manifest.json"))) throw new Error(`synth of ${checkout} wrote no ${join(outdir, "manifest.json")}`);
}

/** Stack ids of a synthesized app (manifest.json). */
export function stackIds(outdir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks?: Record<string, unknown> };
  return Object.keys(manifest.stacks ?? {}).sort();
}

/** Folder of a synthesized stack. */
export const stackDir = (outdir: string, id: string): string => join(outdir, "stacks", id);

/** The stacks of an environment: `platform-<env>` and its state bootstrap `platform-bootstrap-<env>` when present. */
export function stacksOfEnv(ids: readonly string[], env: string): string[] {
  return ids.filter((id) => id === `platform-${env}` || id === `platform-bootstrap-${env}`);
}

/** Resolves a git ref to a commit (throws a readable error for an unknown ref). */
export async function resolveRef(repo: string, ref: string): Promise<string> {
  const r = await run("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repo });
  if (r.code !== 0) throw new Error(`--base ${ref}: not a commit in ${repo}. Fix: fetch it first (git fetch origin <branch>) or pass a commit/branch that exists.`);
  return r.stdout.trim();
}

/** The commit of HEAD and whether the working tree has uncommitted changes. */
export async function headInfo(repo: string): Promise<{ sha?: string; dirty: boolean }> {
  const sha = await run("git", ["rev-parse", "HEAD"], { cwd: repo });
  const status = await run("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: repo });
  return { sha: sha.code === 0 ? sha.stdout.trim() : undefined, dirty: status.code === 0 && status.stdout.trim() !== "" };
}

/**
 * Checks `ref` out in a temporary git worktree (detached), with this checkout's node_modules symlinked in, runs `fn`
 * in it, and removes the worktree afterwards (also when `fn` throws).
 */
export async function withWorktree<T>(repo: string, ref: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const parent = mkdtempSync(join(tmpdir(), "platform-plan-base-"));
  const dir = join(parent, "checkout");
  const add = await run("git", ["worktree", "add", "--detach", dir, ref], { cwd: repo });
  if (add.code !== 0) {
    rmSync(parent, { recursive: true, force: true });
    throw new Error(`git worktree add ${ref} failed:\n${tail(add.stderr || add.stdout)}`);
  }
  const remove = async (): Promise<void> => {
    await run("git", ["worktree", "remove", "--force", dir], { cwd: repo });
    rmSync(parent, { recursive: true, force: true });
    await run("git", ["worktree", "prune"], { cwd: repo });
  };
  const onSignal = (): void => {
    void remove().finally(() => process.exit(1));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const modules = resolve(repo, "node_modules");
    if (existsSync(modules) && !existsSync(join(dir, "node_modules"))) symlinkSync(modules, join(dir, "node_modules"), "dir");
    return await fn(dir);
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await remove();
  }
}
