/**
 * Policy as code: the platform's rules (rules/, one file per service, documented in docs/policy-rules.md) checked on every resource of a
 * stack while `app.synth()` runs.
 *
 *   applyPolicy(stack, { environment: "prod", production: true, enforcement: "error" });
 *   suppressPolicy(api.routes.get("GET /health")!.resource, "PLT-APIGW-001", "Load balancer health check, returns no data");
 *
 * How it hooks into synth (cdktf 0.21, StackSynthesizer.synthesize): for each stack, cdktf
 *   1. invokes Aspects: the PolicyAsCode aspect visits every construct and records each TerraformResource and data source;
 *   2. runs node validations;
 *   3. calls custom synthesis hooks: PolicyAsCode evaluates here, when no aspect or validation can change a value any
 *      more. Each recorded resource's config is resolved exactly as cdk.tf.json will hold it
 *      (`stack.resolve(resource.toTerraform())`: snake_case attributes, Lazy values produced, references as `${...}`);
 *      the report is written to `<outdir>/stacks/<stack id>/policy-report.json`; findings that do not fail synth become
 *      Annotations warnings on their resource; with enforcement "error", unsuppressed error-severity findings throw one
 *      PolicyViolationError listing every one of them, before cdk.tf.json is written;
 *   4. collects annotations and writes cdk.tf.json.
 * `policyReport(stack)` runs the same evaluation in-process, without writing or throwing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  Annotations,
  Aspects,
  DefaultTokenResolver,
  IAspect,
  ISynthesisSession,
  StringConcat,
  TerraformDataSource,
  TerraformElement,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
// addCustomSynthesis: cdktf's own "do something at synthesis" hook (TerraformAsset uses it); not re-exported by the index.
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { Construct, IConstruct } from "constructs";
import { parseDocument } from "./documents";
import { Enforcement, POLICY_RULES, ResourceView, RuleContext, Severity } from "./rules";
import { validatePolicyOptions, validateSuppression } from "./validate-props";

export { POLICY_RULES, policyRule, MODERN_CLOUDFRONT_TLS } from "./rules";
export type { Enforcement, PolicyRule, ResourceView, RuleContext, Severity, Violation } from "./rules";

/** File name of the report, next to cdk.tf.json in each stack's folder. */
export const POLICY_REPORT_FILE = "policy-report.json";

export { MIN_SUPPRESSION_REASON_LENGTH } from "./validate-props";

export interface PolicyOptions {
  /** Environment name, for messages (e.g. "prod"). */
  readonly environment: string;
  /** The environment serves real users: production-only rules (deletion protection, prevent_destroy) apply. */
  readonly production: boolean;
  /**
   * "error": an unsuppressed error-severity finding fails synth. "warn": every finding is an Annotations warning and
   * synth goes on. Warning-severity findings never fail synth.
   */
  readonly enforcement: Enforcement;
}

export interface PolicyFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Terraform address, `<type>.<logical id>`. */
  readonly address: string;
  readonly message: string;
  readonly fix: string;
}

export interface PolicySuppressionRecord {
  readonly ruleId: string;
  /** Terraform address of the resource whose finding was suppressed. */
  readonly address: string;
  readonly reason: string;
}

/** What `<outdir>/stacks/<stack id>/policy-report.json` holds. */
export interface PolicyReport {
  readonly stack: string;
  readonly enforcement: Enforcement;
  /** Unsuppressed findings: errors first, then by rule id and address. */
  readonly findings: readonly PolicyFinding[];
  /** Findings that a suppressPolicy() call covered. */
  readonly suppressions: readonly PolicySuppressionRecord[];
}

/** Synth fails: every unsuppressed error-severity finding of a stack whose enforcement is "error". */
export class PolicyViolationError extends Error {
  constructor(
    public readonly report: PolicyReport,
    public readonly errors: readonly PolicyFinding[],
    public readonly reportPath?: string,
  ) {
    super(
      `Policy check failed for stack "${report.stack}" (enforcement "error"): ${errors.length} violation(s).\n` +
        errors.map((f) => `  - ${f.ruleId} ${f.address}: ${f.message} Fix: ${f.fix}`).join("\n") +
        `\nRules: docs/policy-rules.md. A rule that does not apply to a resource is suppressed with ` +
        `suppressPolicy(construct, "<rule id>", "<reason>") and listed in the report` +
        (reportPath ? ` (${reportPath}).` : "."),
    );
    this.name = "PolicyViolationError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// suppressions

interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

const SUPPRESSIONS = Symbol.for("@platform/serverless.policy-suppressions");

function suppressionsOn(c: IConstruct): Suppression[] {
  return ((c as unknown as Record<symbol, Suppression[] | undefined>)[SUPPRESSIONS] ??= []);
}

/**
 * Suppresses rule `ruleId` on `scope` and every construct below it (a module, one resource, a whole stack), for a
 * stated reason (at least 10 characters). The suppressed findings are listed in the policy report with the reason.
 * Throws on an unknown rule id or a missing/short reason.
 */
export function suppressPolicy(scope: IConstruct, ruleId: string, reason: string): void {
  validateSuppression(
    scope.node.path || "<app>",
    ruleId,
    reason,
    POLICY_RULES.map((r) => r.id),
  );
  const text = reason.trim();
  suppressionsOn(scope).push({ ruleId, reason: text });
}

/** The nearest suppression of a rule on a construct or its ancestors. */
function suppressionFor(c: IConstruct, ruleId: string): Suppression | undefined {
  const scopes = c.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const found = ((scopes[i] as unknown as Record<symbol, Suppression[] | undefined>)[SUPPRESSIONS] ?? []).find((s) => s.ruleId === ruleId);
    if (found) return found;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// evaluation

type Element = TerraformResource | TerraformDataSource;

interface Evaluated {
  readonly report: PolicyReport;
  /** Findings with the construct they belong to (for annotations). */
  readonly located: ReadonlyArray<{ readonly finding: PolicyFinding; readonly construct: IConstruct }>;
  readonly unusedSuppressions: ReadonlyArray<{ readonly construct: IConstruct; readonly suppression: Suppression }>;
}

function isElement(c: IConstruct): c is Element {
  return TerraformResource.isTerraformResource(c) || TerraformDataSource.isTerraformDataSource(c);
}

/** The resolver TerraformStack.toTerraform() uses, so values resolve exactly as cdk.tf.json gets them. */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The element's config as cdk.tf.json holds it (resolved, snake_case, without `//` metadata). */
function view(stack: TerraformStack, el: Element): { view: ResourceView; construct: Element; data: boolean } | undefined {
  const data = TerraformDataSource.isTerraformDataSource(el);
  const resolved = Tokenization.resolve(el.toTerraform(), { scope: stack, preparing: false, resolver: RESOLVER }) as Record<
    string,
    Record<string, Record<string, Record<string, unknown>>> | undefined
  >;
  const byType = (data ? resolved.data : resolved.resource)?.[el.terraformResourceType];
  const id = (el as TerraformElement).friendlyUniqueId;
  const raw = byType?.[id];
  if (raw === undefined) return undefined; // moved away
  const { ["//"]: _metadata, ...config } = raw;
  void _metadata;
  const type = el.terraformResourceType;
  return { view: { type, name: id, address: data ? `data.${type}.${id}` : `${type}.${id}`, path: el.node.path, config }, construct: el, data };
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1 };

function evaluate(stack: TerraformStack, options: PolicyOptions, elements: Iterable<Element>): Evaluated {
  const resources = new Map<string, ResourceView[]>();
  const dataSources = new Map<string, Record<string, unknown>>();
  const constructs = new Map<ResourceView, Element>();
  for (const el of elements) {
    if (TerraformStack.of(el) !== stack) continue;
    const v = view(stack, el);
    if (v === undefined) continue;
    if (v.data) {
      dataSources.set(`${v.view.type}.${v.view.name}`, v.view.config);
      continue;
    }
    resources.set(v.view.type, [...(resources.get(v.view.type) ?? []), v.view]);
    constructs.set(v.view, v.construct);
  }
  const memo = new Map<string, unknown>();
  const lookup = (type: string, name: string) => dataSources.get(`${type}.${name}`);
  const ctx: RuleContext = {
    environment: options.environment,
    production: options.production,
    enforcement: options.enforcement,
    resources: (type) => resources.get(type) ?? [],
    document: (raw) => parseDocument(raw, lookup),
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };

  const findings: Array<{ finding: PolicyFinding; construct: IConstruct }> = [];
  const suppressed: PolicySuppressionRecord[] = [];
  const used = new Set<Suppression>();
  for (const rule of POLICY_RULES) {
    if (rule.productionOnly && !options.production) continue;
    for (const type of rule.resourceTypes) {
      for (const r of ctx.resources(type)) {
        const construct = constructs.get(r)!;
        for (const v of rule.check(r, ctx)) {
          const suppression = suppressionFor(construct, rule.id);
          if (suppression) {
            used.add(suppression);
            if (!suppressed.some((s) => s.ruleId === rule.id && s.address === r.address)) {
              suppressed.push({ ruleId: rule.id, address: r.address, reason: suppression.reason });
            }
            continue;
          }
          findings.push({ finding: { ruleId: rule.id, severity: rule.severity, address: r.address, message: v.message, fix: v.fix ?? rule.fix }, construct });
        }
      }
    }
  }
  findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] ||
      a.finding.ruleId.localeCompare(b.finding.ruleId) ||
      a.finding.address.localeCompare(b.finding.address),
  );
  suppressed.sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.address.localeCompare(b.address));

  const unusedSuppressions: Array<{ construct: IConstruct; suppression: Suppression }> = [];
  for (const c of stack.node.findAll()) {
    for (const s of (c as unknown as Record<symbol, Suppression[] | undefined>)[SUPPRESSIONS] ?? []) {
      if (!used.has(s)) unusedSuppressions.push({ construct: c, suppression: s });
    }
  }
  return {
    report: { stack: stack.node.id, enforcement: options.enforcement, findings: findings.map((f) => f.finding), suppressions: suppressed },
    located: findings,
    unusedSuppressions,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// the aspect + synth hook

/** Id of the PolicyAsCode construct under its stack. */
const POLICY_CONSTRUCT_ID = "PolicyAsCode";

/**
 * The policy of one stack: an Aspect that records every Terraform resource and data source of the stack, and a
 * synthesis hook that evaluates the rules on them once their values are final (see the file header).
 */
export class PolicyAsCode extends Construct implements IAspect {
  /** The policy applied to a stack, if any. */
  public static of(stack: TerraformStack): PolicyAsCode | undefined {
    return stack.node.tryFindChild(POLICY_CONSTRUCT_ID) as PolicyAsCode | undefined;
  }

  public readonly options: PolicyOptions;
  /** The report of the last synth of this stack (undefined before the first one). */
  public lastReport?: PolicyReport;
  private readonly stack: TerraformStack;
  private readonly visited = new Set<Element>();

  constructor(stack: TerraformStack, options: PolicyOptions) {
    validatePolicyOptions(stack.node.path, options);
    if (typeof addCustomSynthesis !== "function") {
      throw new Error(
        `applyPolicy(${stack.node.path}): this cdktf version has no synthesis hook (cdktf/lib/synthesize/synthesizer addCustomSynthesis); the policy module is written for cdktf 0.21.`,
      );
    }
    super(stack, POLICY_CONSTRUCT_ID);
    this.stack = stack;
    this.options = { environment: options.environment, production: options.production, enforcement: options.enforcement };
    Aspects.of(stack).add(this);
    addCustomSynthesis(this, { onSynthesize: (session) => this.onSynthesize(session) });
  }

  /** Aspect: records every resource and data source (evaluated at the synthesis hook, when values are final). */
  public visit(node: IConstruct): void {
    if (isElement(node)) this.visited.add(node);
  }

  /** Evaluates the rules now (in-process); nothing is written, annotated or thrown. */
  public evaluate(): PolicyReport {
    return this.run().report;
  }

  private run(): Evaluated {
    // Before any synth the aspect has not run yet: walk the tree the way it would.
    const elements = this.visited.size > 0 ? this.visited : this.stack.node.findAll().filter(isElement);
    return evaluate(this.stack, this.options, elements);
  }

  private onSynthesize(session: ISynthesisSession): void {
    const result = this.run();
    const report = result.report;
    this.lastReport = report;
    const dir = join(session.outdir, session.manifest.forStack(this.stack).workingDirectory);
    mkdirSync(dir, { recursive: true });
    const reportPath = join(dir, POLICY_REPORT_FILE);
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);

    const enforced = this.options.enforcement === "error";
    const errors = result.located.filter(({ finding }) => enforced && finding.severity === "error");
    for (const { finding, construct } of result.located) {
      if (enforced && finding.severity === "error") continue;
      const label = finding.severity === "error" ? `policy error, not enforced (enforcement "warn" in ${this.options.environment})` : "policy warning";
      Annotations.of(construct).addWarning(`[${finding.ruleId}] ${label}: ${finding.address}: ${finding.message} Fix: ${finding.fix}`);
    }
    for (const { construct, suppression } of result.unusedSuppressions) {
      Annotations.of(construct).addInfo(
        `[${suppression.ruleId}] suppression matched no finding in ${this.stack.node.id} (reason: ${suppression.reason}); remove it if the rule holds now.`,
      );
    }
    if (errors.length > 0)
      throw new PolicyViolationError(
        report,
        errors.map((e) => e.finding),
        reportPath,
      );
  }
}

/**
 * Applies the platform's policy rules to every resource of `stack` at synth: writes
 * `<outdir>/stacks/<stack id>/policy-report.json`, warns (Annotations) on findings that do not fail synth and, with
 * enforcement "error", fails synth on unsuppressed error-severity findings. Once per stack.
 */
export function applyPolicy(stack: TerraformStack, options: PolicyOptions): PolicyAsCode {
  if (PolicyAsCode.of(stack) !== undefined) {
    throw new Error(`applyPolicy(${stack.node.path}): a policy is already applied to this stack. Fix: call applyPolicy once per stack.`);
  }
  return new PolicyAsCode(stack, options);
}

/** The policy report of a stack, evaluated now (same content as policy-report.json after synth). */
export function policyReport(stack: TerraformStack): PolicyReport {
  const policy = PolicyAsCode.of(stack);
  if (policy === undefined) throw new Error(`policyReport(${stack.node.path}): no policy is applied to this stack. Fix: call applyPolicy(stack, options) first.`);
  return policy.evaluate();
}

/** Where synth writes a stack's report: `<outdir>/stacks/<stack id>/policy-report.json`. */
export function policyReportPath(outdir: string, stackId: string): string {
  return join(outdir, "stacks", stackId, POLICY_REPORT_FILE);
}
