// Run: npm run -s plan -- [--env dev|staging|prod|all] [--base <git-ref>] [--format md|json] [--out <file>]
//                         [--fail-on-stateful-destroy] [--offline] [--concurrency <n>] [--keep-workdir]
// Plans every stack of the chosen environments and prints a review report (Markdown for a PR comment, or JSON).
// Online (AWS credentials in the environment, no --offline): against the real state in the S3 backend.
// Offline: local backend and fake credentials; with --base, the head is planned against a state built from the
// base's plan, so terraform itself tells update from replace. Exit: 0 no changes, 2 changes, 1 error,
// 3 stateful destroy/replace with --fail-on-stateful-destroy.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { EXIT, renderJson, renderMarkdown } from "../plan/report";
import { runPlan } from "../plan/run";
import { apiReportReview } from "./api-report";

export interface PlanArgs {
  envs: string[] | "all";
  base?: string;
  format: "md" | "json";
  out?: string;
  /** Also write the JSON report here (one run for both formats). */
  jsonOut?: string;
  /** Longest Markdown report (detail drops to fit). */
  maxChars?: number;
  failOnStatefulDestroy: boolean;
  offline: boolean;
  concurrency?: number;
  keepWorkdir: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run -s plan -- [options]

  --env <dev|staging|prod|all>   environment(s), comma-separated or repeated (default: all)
  --base <git-ref>               offline: plan the difference from this ref (synthesized in a git worktree)
  --format <md|json>             report format (default: md)
  --out <file>                   write the report to a file instead of stdout
  --json-out <file>              also write the JSON report to this file (one plan run, both formats)
  --max-chars <n>                longest Markdown report; less detail, then a cut, to fit (default: 60000)
  --fail-on-stateful-destroy     exit 3 when a stateful resource would be destroyed or replaced
  --offline                      local backend + fake credentials even when AWS credentials are set
  --concurrency <n>              parallel terraform processes (default: min(2, cores))
  --keep-workdir                 keep synth output, plans and synthetic states (path printed on stderr)

Exit codes: 0 no changes, 2 changes, 1 error, 3 stateful destroy/replace with --fail-on-stateful-destroy.`;

export function parseArgs(argv: readonly string[]): PlanArgs {
  const args: PlanArgs = { envs: "all", format: "md", failOnStatefulDestroy: false, offline: false, keepWorkdir: false, help: false };
  const envs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.indexOf("=");
    const flag = raw.startsWith("--") && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith("--") && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new Error(`${flag} needs a value.\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case "--env":
        envs.push(
          ...value()
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        );
        break;
      case "--base":
        args.base = value();
        break;
      case "--format": {
        const f = value();
        if (f !== "md" && f !== "json") throw new Error(`--format ${f}: expected md or json.`);
        args.format = f;
        break;
      }
      case "--out":
        args.out = value();
        break;
      case "--json-out":
        args.jsonOut = value();
        break;
      case "--max-chars": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1000) throw new Error(`--max-chars: expected an integer >= 1000.`);
        args.maxChars = n;
        break;
      }
      case "--fail-on-stateful-destroy":
        args.failOnStatefulDestroy = true;
        break;
      case "--offline":
        args.offline = true;
        break;
      case "--concurrency": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error(`--concurrency: expected a positive integer.`);
        args.concurrency = n;
        break;
      }
      case "--keep-workdir":
        args.keepWorkdir = true;
        break;
      case "-h":
      case "--help":
        args.help = true;
        break;
      default:
        throw new Error(`unknown option ${raw}.\n\n${USAGE}`);
    }
  }
  if (envs.length > 0 && !envs.includes("all")) args.envs = [...new Set(envs)];
  return args;
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: PlanArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`plan: ${(err as Error).message}\n`);
    return EXIT.error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const { report, workdir } = await runPlan({
      envs: args.envs,
      base: args.base,
      offline: args.offline,
      failOnStatefulDestroy: args.failOnStatefulDestroy,
      concurrency: args.concurrency,
      keepWorkdir: args.keepWorkdir,
      log: (line) => process.stderr.write(`plan: ${line}\n`),
    });
    // The Markdown review also says whether the public API report (api/serverless.api.md) changed since the base.
    const text = args.format === "json" ? renderJson(report) : `${renderMarkdown(report, { maxChars: args.maxChars })}\n${apiReportReview(args.base).section}`;
    const write = (target: string, body: string): void => {
      const file = resolve(target);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, body);
      process.stderr.write(`plan: report written to ${file}\n`);
    };
    if (args.out) write(args.out, text);
    else process.stdout.write(text);
    if (args.jsonOut) write(args.jsonOut, renderJson(report));
    const t = report.totals;
    process.stderr.write(
      `plan: ${report.mode}, ${t.add} to add, ${t.change} to change, ${t.replace} to replace, ${t.destroy} to destroy, ${report.statefulDestroys} stateful destroy/replace; exit ${report.exitCode}\n`,
    );
    if (workdir) process.stderr.write(`plan: work folder kept: ${workdir}\n`);
    return report.exitCode;
  } catch (err) {
    process.stderr.write(`plan: ${(err as Error).message}\n`);
    return EXIT.error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`plan: ${(err as Error).stack ?? err}\n`);
      process.exitCode = EXIT.error;
    },
  );
}
