// `cdktf synth --hcl` as an exit from CDKTF's JSON: every stack synthesized as HCL (what `cdktf synth --hcl` does: the
// CLI only sets SYNTH_HCL_OUTPUT=true for the app, and App then writes cdk.tf instead of cdk.tf.json) must validate and
// plan exactly like its JSON synth, offline, from empty state.
//
// Known cdktf HCL differences (cdktf 0.21.0; the same renderer code ships in cdktn 0.24.0), asserted narrowly below:
// 1. hashicorp/terraform-cdk#3911: the renderer's escapeQuotes (lib/hcl/render.js) skips every string that contains
//    "${", so a JSON document with an interpolation in it (an IAM/SNS/SQS/S3/KMS policy naming an ARN, a dashboard body)
//    is written with bare quotes, `policy = "{"Version":...`, and Terraform cannot parse the file. The test escapes
//    exactly those strings (test/support/hcl-repair.ts) and checks that this is all that stops the HCL from validating.
// 2. A multi-line string is written as a heredoc (`<<EOF ... EOF`), whose value ends with a newline the JSON string does
//    not have: the Athena named queries' SQL and the /api prefix CloudFront function's code. aws_athena_named_query.query
//    forces replacement, so switching an existing deployment from JSON to HCL synth would replace those queries (and
//    update and republish the function).
// 3. depends_on entries are written quoted ("aws_x.y"): valid, with a "Quoted references are deprecated" warning.
// Everything else plans identically: every resource, action and planned value.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../app";
import { synthApp } from "../support/app-synth";
import { hclQuoted, repairInterpolatedStrings } from "../support/hcl-repair";
import { terraform, validateAndPlan } from "../support/terraform";

const STACKS = ["platform-dev", "platform-staging", "platform-prod", "platform-bootstrap-dev", "platform-bootstrap-staging", "platform-bootstrap-prod"] as const;

/** What a plan does, without how the configuration spelled it: per resource address, the actions and planned values. */
function planned(plan: any): Record<string, { actions: string[]; after: unknown; afterUnknown: unknown }> {
  const out: Record<string, { actions: string[]; after: unknown; afterUnknown: unknown }> = {};
  for (const rc of plan.resource_changes ?? []) out[rc.address] = { actions: rc.change.actions, after: rc.change.after, afterUnknown: rc.change.after_unknown };
  return out;
}

interface Result {
  readonly rawErrors: Array<{ line: number; summary: string }>;
  readonly repairedLines: number[];
  readonly hclValidate: { valid: boolean; diagnostics: any[] };
  readonly hclPlan: any;
  readonly jsonPlan: any;
}

const results = new Map<string, Result>();
const outdirs: string[] = [];

beforeAll(async () => {
  const json = synthApp({ offline: true });
  const hclOut = mkdtempSync(join(tmpdir(), "platform-synth-hcl-"));
  outdirs.push(json.outdir, hclOut);
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true"; // exactly what `cdktf synth --hcl` hands the app
  try {
    buildApp({ outdir: hclOut, offline: true }).app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  await Promise.all(
    STACKS.map(async (id) => {
      const dir = join(hclOut, "stacks", id);
      const file = join(dir, "cdk.tf");
      const raw = readFileSync(file, "utf8");
      // The raw HCL, as cdktf wrote it: Terraform parses it at init.
      const init = await terraform(dir, ["init", "-input=false", "-no-color", "-backend=false"]);
      const rawErrors = [...(init.stderr + init.stdout).matchAll(/Error: ([^\n]+)\n\n\s+on cdk\.tf line (\d+)/g)].map((m) => ({ summary: m[1], line: Number(m[2]) }));
      const { hcl, lines } = repairInterpolatedStrings(raw);
      writeFileSync(file, hcl);
      const [hclRun, jsonRun] = await Promise.all([validateAndPlanHcl(dir), validateAndPlan(json.stackDir(id))]);
      results.set(id, { rawErrors, repairedLines: lines, hclValidate: hclRun.validate, hclPlan: hclRun.plan, jsonPlan: jsonRun.plan });
    }),
  );
}, 900_000);

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** validateAndPlan for a folder holding cdk.tf (the helper checks for cdk.tf.json). */
async function validateAndPlanHcl(dir: string): Promise<{ validate: any; plan: any }> {
  const init = await terraform(dir, ["init", "-input=false", "-no-color"]);
  if (init.code !== 0) return { validate: { valid: false, diagnostics: [{ summary: init.stderr }] }, plan: undefined };
  const validate = JSON.parse((await terraform(dir, ["validate", "-json", "-no-color"])).stdout);
  if (!validate.valid) return { validate, plan: undefined };
  const plan = await terraform(dir, ["plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", "-out=tfplan"]);
  if (plan.code !== 0) throw new Error(`terraform plan of the HCL in ${dir} failed:\n${plan.stderr}`);
  return { validate, plan: JSON.parse((await terraform(dir, ["show", "-json", "-no-color", "tfplan"])).stdout) };
}

describe("hclQuoted (the escaping cdktf's HCL renderer skips)", () => {
  it("escapes quotes and backslashes outside interpolations and keeps the interpolations", () => {
    expect(hclQuoted('{"Resource":"${aws_sns_topic.t.arn}"}')).toBe('{\\"Resource\\":\\"${aws_sns_topic.t.arn}\\"}');
    expect(hclQuoted('a\\b "${lookup(var.m, "k")}"')).toBe('a\\\\b \\"${lookup(var.m, "k")}\\"');
  });
});

/**
 * Differences between two planned values, by path. A string that the HCL plans with one more trailing newline than the
 * JSON is cdktf's heredoc rendering (known difference 2 above) and is reported apart, in `heredoc`.
 */
function compareValues(hcl: unknown, json: unknown, path: string, out: { heredoc: string[]; other: string[] }): void {
  if (typeof hcl === "string" && typeof json === "string") {
    if (hcl === json) return;
    if (json.includes("\n") && hcl === `${json}\n`) out.heredoc.push(path);
    else out.other.push(path);
    return;
  }
  if (hcl !== null && json !== null && typeof hcl === "object" && typeof json === "object") {
    const keys = new Set([...Object.keys(hcl), ...Object.keys(json)]);
    for (const k of keys) compareValues((hcl as any)[k], (json as any)[k], `${path}.${k}`, out);
    return;
  }
  if (JSON.stringify(hcl) !== JSON.stringify(json)) out.other.push(path);
}

describe.each(STACKS)("%s synthesized as HCL", (id) => {
  it("does not parse as cdktf writes it, and the first error is on a string with an interpolation and a bare quote (hashicorp/terraform-cdk#3911)", () => {
    const r = results.get(id)!;
    // While cdktf has the bug, every stack here has such strings (policies naming ARNs). When a fix lands this fails: drop the repair.
    expect(r.repairedLines.length).toBeGreaterThan(0);
    expect(r.rawErrors.length).toBeGreaterThan(0);
    // Later errors cascade from the parser losing its place after the first bare quote; the first one is the bug.
    expect(r.repairedLines).toContain(r.rawErrors[0].line);
  });

  it("with exactly those strings escaped, passes terraform validate: no error; the only warnings are cdktf's quoted depends_on references", () => {
    const r = results.get(id)!;
    expect(r.hclValidate.valid).toBe(true);
    expect(r.hclValidate.diagnostics.filter((d: any) => d.severity !== "warning")).toEqual([]);
    // Known difference 3: cdktf writes depends_on = ["aws_x.y"] (quoted), which Terraform accepts with a deprecation warning.
    for (const d of r.hclValidate.diagnostics) {
      expect({ summary: d.summary, code: d.snippet.code.trim() }).toEqual({
        summary: "Quoted references are deprecated",
        code: expect.stringMatching(/^"aws_[a-z0-9_]+\.[A-Za-z0-9_-]+",?$/),
      });
    }
  });

  it("plans what the JSON synth plans: the same resources, actions and values, but for a trailing newline on each multi-line string", () => {
    const r = results.get(id)!;
    const hcl = planned(r.hclPlan);
    const json = planned(r.jsonPlan);
    expect(Object.keys(hcl).sort()).toEqual(Object.keys(json).sort());
    const diff = { heredoc: [] as string[], other: [] as string[] };
    for (const address of Object.keys(json)) compareValues(hcl[address], json[address], address, diff);
    compareValues(r.hclPlan.planned_values.outputs, r.jsonPlan.planned_values.outputs, "outputs", diff);
    expect(diff.other).toEqual([]);
    // Known difference 2: cdktf renders a multi-line string as a heredoc (<<EOF ... EOF), whose value ends with "\n".
    // Here: the Athena named queries' SQL and a CloudFront function's code, and nothing else.
    for (const path of diff.heredoc) expect(path).toMatch(/^(aws_athena_named_query\.[^.]+\.after\.query|aws_cloudfront_function\.[^.]+\.after\.code)$/);
  });
});
