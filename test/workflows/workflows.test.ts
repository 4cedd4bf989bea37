import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { Finding, lintWorkflow, lintWorkflowDir, Rule } from "./workflow-lint";

const ROOT = join(__dirname, "..", "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");
const FIXTURES = join(__dirname, "fixtures");
const fixture = (name: string): Finding[] => lintWorkflow(name, readFileSync(join(FIXTURES, name), "utf8"));
const workflow = (name: string): any => parse(readFileSync(join(WORKFLOWS, name), "utf8"));
const rulesOf = (findings: Finding[]): Rule[] => findings.map((f) => f.rule);

describe("the repository's workflows", () => {
  it("pass every check (pinned actions, timeouts, least-privilege tokens, protected deploys, strict shells, no secret in scripts)", () => {
    const files = readdirSync(WORKFLOWS)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    expect(files).toEqual(["deploy.yml", "pull-request.yml"]);
    expect(lintWorkflowDir(WORKFLOWS)).toEqual([]);
  });

  it("pull-request: tests, then a plan per environment with the repository's PLAN_ROLE_ARN_<ENV>, without the state lock", () => {
    const wf = workflow("pull-request.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({});
    const test = wf.jobs.test;
    const uses = test.steps.map((s: any) => s.uses?.split("@")[0]).filter(Boolean);
    expect(uses).toEqual(["actions/checkout", "actions/setup-node", "hashicorp/setup-terraform", "actions/setup-java", "actions/upload-artifact"]);
    // The browser test's screenshots are kept whatever the outcome (a failing screen is the one worth seeing).
    const screenshots = test.steps.find((s: any) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(screenshots).toMatchObject({ if: "always()", with: { name: "web-screenshots", path: "test-results/screenshots/" } });
    expect(test.steps[0].with["fetch-depth"]).toBe(0);
    expect(test.steps[1].with).toMatchObject({ "node-version": 20, cache: "npm" });
    expect(test.steps[2].with).toMatchObject({ terraform_version: "1.11.4", terraform_wrapper: false });
    expect(test.steps[3].with).toMatchObject({ distribution: "temurin", "java-version": "17" });
    expect(test.steps.map((s: any) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(["npm ci --no-audit --no-fund", "npm test"]));

    const plan = wf.jobs.plan;
    expect(plan.needs).toBe("test");
    expect(plan.environment).toBeUndefined(); // an environment would change the OIDC subject away from pull_request
    expect(plan.strategy.matrix.include).toEqual([
      { env: "dev", "role-variable": "PLAN_ROLE_ARN_DEV" },
      { env: "staging", "role-variable": "PLAN_ROLE_ARN_STAGING" },
      { env: "prod", "role-variable": "PLAN_ROLE_ARN_PROD" },
    ]);
    expect(plan.env.TF_CLI_ARGS_plan).toBe("-lock=false"); // the plan role cannot write the lock file
    const creds = plan.steps.find((s: any) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(creds.with["role-to-assume"]).toBe("${{ vars[matrix.role-variable] }}");
    const run = plan.steps.find((s: any) => s.id === "plan").run as string;
    expect(run).toContain('npm run -s plan -- --env "$PLAN_ENV" --base "origin/$BASE_REF" --max-chars 20000 --keep-workdir');
    expect(run).toContain('--out "plan-output/$PLAN_ENV.md" --json-out "plan-output/$PLAN_ENV.json"');
    expect(run).toMatch(/-ne 0 \] && \[ "\$PLAN_CODE" -ne 2/); // exit 2 (changes) is a success
    expect(run).toContain("plan: work folder kept: "); // the plan files are collected from the kept work folder
    expect(plan.steps.find((s: any) => s.uses?.startsWith("actions/upload-artifact@")).with).toMatchObject({ name: "plan-${{ matrix.env }}", path: "plan-output/" });
  });

  it("pull-request: one comment job updates the single comment marked <!-- platform-plan-report --> with the three reports", () => {
    const wf = workflow("pull-request.yml");
    const comment = wf.jobs.comment;
    expect(comment.needs).toBe("plan");
    expect(comment.permissions).toEqual({ "pull-requests": "write" });
    expect(comment.steps[0].with).toMatchObject({ pattern: "plan-*", path: "plan-artifacts" });
    const script: string = comment.steps[1].with.script;
    expect(script).toContain('const MARKER = "<!-- platform-plan-report -->"');
    expect(script).toContain('["dev", "staging", "prod"]');
    expect(script).toMatch(/updateComment[\s\S]*createComment/);
  });

  it("deploy: dev on every push to main, staging|prod by dispatch, in the GitHub environment of that name, one at a time", () => {
    const wf = workflow("deploy.yml");
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.on.workflow_dispatch.inputs.environment).toMatchObject({ type: "choice", options: ["staging", "prod"], required: true });
    expect(wf.permissions).toEqual({});
    const target = "${{ github.event_name == 'workflow_dispatch' && inputs.environment || 'dev' }}";
    const deploy = wf.jobs.deploy;
    expect(deploy.environment).toEqual({ name: target });
    expect(deploy.concurrency).toEqual({ group: `deploy-${target}`, "cancel-in-progress": false });
    expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(deploy.if).toBe("github.ref == 'refs/heads/main'");
    const creds = deploy.steps.find((s: any) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(creds.with["role-to-assume"]).toBe("${{ vars.DEPLOY_ROLE_ARN }}"); // environment-scoped variable
    expect(deploy.steps.at(-1).run).toContain('npx cdktf deploy "platform-$TARGET_ENV" --auto-approve');
  });
});

describe("the checks read the real workflows", () => {
  const text = (name: string): string => readFileSync(join(WORKFLOWS, name), "utf8");

  it("deploy.yml without its GitHub environment or with a cancellable concurrency group fails deploy-protection", () => {
    const original = text("deploy.yml");
    const noEnvironment = original.replace(/\n {4}environment:\n {6}name: [^\n]+/, "");
    expect(noEnvironment).not.toBe(original);
    expect(rulesOf(lintWorkflow("deploy.yml", noEnvironment))).toEqual(["deploy-protection"]);
    const cancellable = original.replace("cancel-in-progress: false", "cancel-in-progress: true");
    expect(rulesOf(lintWorkflow("deploy.yml", cancellable))).toEqual(["deploy-protection"]);
  });

  it("pull-request.yml with an OIDC token in the comment job or a tag instead of a SHA fails", () => {
    const original = text("pull-request.yml");
    const tokenInComment = original.replace("      pull-requests: write\n", "      pull-requests: write\n      id-token: write\n");
    expect(rulesOf(lintWorkflow("pull-request.yml", tokenInComment))).toEqual(["id-token-write"]);
    const tagged = original.replace(/actions\/github-script@[0-9a-f]{40}/, "actions/github-script@v7");
    expect(rulesOf(lintWorkflow("pull-request.yml", tagged))).toEqual(["pinned-actions"]);
  });
});

describe("workflow checks", () => {
  it("report nothing on a workflow that follows every rule", () => {
    expect(fixture("good.yml")).toEqual([]);
  });

  it.each<[string, Rule, number]>([
    ["bad-job-timeout.yml", "job-timeout", 1],
    ["bad-pinned-actions.yml", "pinned-actions", 2], // a tag, and a SHA without its "# vX.Y.Z" comment
    ["bad-top-level-permissions-missing.yml", "top-level-permissions", 1],
    ["bad-top-level-permissions-write.yml", "top-level-permissions", 1],
    ["bad-id-token-write.yml", "id-token-write", 1],
    ["bad-pull-requests-write.yml", "pull-requests-write", 2], // a non-comment job, and a comment job that checks out code
    ["bad-pull-request-target.yml", "pull-request-target", 1],
    ["bad-deploy-protection.yml", "deploy-protection", 3], // no environment, no concurrency group, cancel-in-progress
    ["bad-secret-echo.yml", "secret-echo", 1],
    ["bad-secret-interpolation.yml", "secret-interpolation", 1],
    ["bad-strict-shell.yml", "strict-shell", 2],
    ["bad-untrusted-input.yml", "untrusted-input", 1],
  ])("%s: reports %s (%i finding(s)) and nothing else", (file, rule, count) => {
    const findings = fixture(file);
    expect(rulesOf(findings)).toEqual(Array(count).fill(rule));
    for (const f of findings) expect(f.message.length).toBeGreaterThan(10);
  });

  it("every bad fixture is exercised by a test", () => {
    const bad = readdirSync(FIXTURES).filter((f) => f.startsWith("bad-"));
    expect(bad).toHaveLength(12);
  });

  it("reports a YAML syntax error instead of throwing", () => {
    expect(rulesOf(lintWorkflow("broken.yml", "jobs: [unclosed"))).toEqual(["yaml"]);
  });
});
