import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { buildApp, policyOptions } from "../../app";
import { ENVIRONMENT_INPUTS, loadEnvironments } from "../../environments";
import { synthApp } from "../../test/support/app-synth";
import { PolicyReport, policyReportPath, PolicyViolationError, suppressPolicy } from "./index";

/** The shipped app: every environment, as `cdktf synth` builds it. */
describe("the shipped app", () => {
  const synth = synthApp({ offline: true });
  const stackIds = synth.built.app.node.children.map((c) => c.node.id).sort();
  const report = (id: string): PolicyReport => JSON.parse(readFileSync(policyReportPath(synth.outdir, id), "utf8"));

  it("applies the policy to every platform and bootstrap stack", () => {
    expect([...synth.built.policies.keys()].sort()).toEqual(stackIds);
    expect(stackIds.length).toBeGreaterThanOrEqual(6);
  });

  it.each(["dev", "staging", "prod"])("has no error finding in %s (platform and bootstrap stacks) and writes both reports", (env) => {
    for (const id of [`platform-${env}`, `platform-bootstrap-${env}`]) {
      if (!stackIds.includes(id)) continue; // a bootstrap stack exists per distinct state bucket
      const r = report(id);
      expect(r.stack).toBe(id);
      expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    }
  });

  it("enforces with each environment's setting: dev warns, staging and prod fail synth", () => {
    expect(report("platform-dev").enforcement).toBe("warn");
    expect(report("platform-staging").enforcement).toBe("error");
    expect(report("platform-prod").enforcement).toBe("error");
    expect(synth.built.policies.get("platform-prod")!.options).toEqual({ environment: "prod", production: true, enforcement: "error" });
    expect(synth.built.policies.get("platform-staging")!.options).toEqual({ environment: "staging", production: false, enforcement: "error" });
  });
});

describe("policy wiring in buildApp", () => {
  function buildWithViolation(env: string) {
    const outdir = mkdtempSync(join(tmpdir(), "platform-policy-"));
    const built = buildApp({ outdir, offline: true });
    const stack = built.platformStacks.find((s) => s.config.name === env)!;
    new CloudwatchLogGroup(stack, "Unmanaged", { name: "/test/unmanaged" });
    return { built, outdir };
  }

  it("fails synth of prod on an error finding, naming the stack, the rule and the resource", () => {
    const { built } = buildWithViolation("prod");
    let error: unknown;
    try {
      built.app.synth();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    const message = (error as Error).message;
    expect(message).toContain('stack "platform-prod"');
    expect(message).toContain("PLT-LOG-001 aws_cloudwatch_log_group.Unmanaged:");
    expect(message).toContain("PLT-LOG-002 aws_cloudwatch_log_group.Unmanaged:");
  });

  it("lets dev synthesize with the same finding as a warning", () => {
    const { built, outdir } = buildWithViolation("dev");
    built.app.synth();
    const r: PolicyReport = JSON.parse(readFileSync(policyReportPath(outdir, "platform-dev"), "utf8"));
    expect(r.findings.map((f) => `${f.ruleId} ${f.address}`)).toEqual(["PLT-LOG-001 aws_cloudwatch_log_group.Unmanaged"]);
  });

  it("lets a justified suppression through in prod, listed in the report", () => {
    const outdir = mkdtempSync(join(tmpdir(), "platform-policy-"));
    const built = buildApp({ outdir, offline: true });
    const prod = built.platformStacks.find((s) => s.config.name === "prod")!;
    const group = new CloudwatchLogGroup(prod, "Archive", { name: "/test/archive", lifecycle: { preventDestroy: true } });
    suppressPolicy(group, "PLT-LOG-001", "Archive kept forever by regulation; reviewed by compliance");
    built.app.synth();
    const r: PolicyReport = JSON.parse(readFileSync(policyReportPath(outdir, "platform-prod"), "utf8"));
    expect(r.findings).toEqual([]);
    expect(r.suppressions).toEqual([{ ruleId: "PLT-LOG-001", address: "aws_cloudwatch_log_group.Archive", reason: "Archive kept forever by regulation; reviewed by compliance" }]);
  });
});

describe("policyOptions", () => {
  const [dev, staging, prod] = loadEnvironments(ENVIRONMENT_INPUTS);

  it("takes the environment's enforcement and production flag", () => {
    expect(policyOptions([dev])).toEqual({ environment: "dev", production: false, enforcement: "warn" });
    expect(policyOptions([prod])).toEqual({ environment: "prod", production: true, enforcement: "error" });
  });

  it("uses the strictest of the environments sharing a bootstrap stack", () => {
    expect(policyOptions([dev, staging])).toEqual({ environment: "dev", production: false, enforcement: "error" });
    expect(policyOptions([dev, prod])).toEqual({ environment: "dev", production: true, enforcement: "error" });
  });
});
