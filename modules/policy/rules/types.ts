/** What a policy rule is, sees and reports. */
import type { DocumentResult } from "../documents";

export type Severity = "error" | "warning";
export type Enforcement = "error" | "warn";

/** One resource (or data source) of the stack as Terraform sees it. */
export interface ResourceView {
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Logical id (the name in `<type>.<name>`). */
  readonly name: string;
  /** `<type>.<name>` (`data.<type>.<name>` for a data source). */
  readonly address: string;
  /** Construct path. */
  readonly path: string;
  /** Resolved config: snake_case attributes, references as `${...}` strings, no `//` metadata. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary resolved JSON; each rule narrows the attributes it reads
  readonly config: Readonly<Record<string, any>>;
}

/** What a rule knows besides the resource: the environment and the rest of the stack. */
export interface RuleContext {
  readonly environment: string;
  /** The environment serves real users: production-only rules apply. */
  readonly production: boolean;
  readonly enforcement: Enforcement;
  /** Every resource of the stack of one type. */
  resources(type: string): readonly ResourceView[];
  /** Parses a policy document attribute (JSON string, or a reference to an aws_iam_policy_document of the stack). */
  document(raw: unknown): DocumentResult;
  /** Computes a stack-wide value once per evaluation. */
  memo<T>(key: string, compute: () => T): T;
}

/** A violation found by a rule; `fix` overrides the rule's generic fix. */
export interface Violation {
  readonly message: string;
  readonly fix?: string;
}

export interface PolicyRule {
  /** Stable id, `PLT-<SERVICE>-<NNN>`. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what must hold. */
  readonly title: string;
  /** Why the platform requires it. */
  readonly why: string;
  /** How to fix a violation (generic; a violation may say more). */
  readonly fix: string;
  /** Resource types the rule inspects. */
  readonly resourceTypes: readonly string[];
  /** Applies only to production environments. @default false */
  readonly productionOnly?: boolean;
  check(resource: ResourceView, ctx: RuleContext): readonly Violation[];
}
