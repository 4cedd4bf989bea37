// IAM changes of a plan, statement by statement: which policy documents (identity policies, trust policies and
// resource policies) gain actions, resources, principals or lose conditions between before and after.
import { containsTrue, kindOf } from "./diff";
import type { PlanJson, ResourceChangeJson } from "../lib/terraform-json";

/** Policy document attributes per resource type. */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role_policy: ["policy"],
  aws_iam_user_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_iam_policy: ["policy"],
  aws_iam_role: ["assume_role_policy"],
  aws_sqs_queue_policy: ["policy"],
  aws_sqs_queue: ["policy"],
  aws_sns_topic_policy: ["policy"],
  aws_sns_topic: ["policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_s3_access_point: ["policy"],
  aws_kms_key: ["policy"],
  aws_kms_key_policy: ["policy"],
  aws_secretsmanager_secret_policy: ["policy"],
  aws_secretsmanager_secret: ["policy"],
  aws_ecr_repository_policy: ["policy"],
  aws_cloudwatch_log_resource_policy: ["policy_document"],
  aws_cloudwatch_log_destination_policy: ["access_policy"],
  aws_cloudwatch_event_bus_policy: ["policy"],
  aws_dynamodb_resource_policy: ["policy"],
  aws_kinesis_resource_policy: ["policy"],
  aws_api_gateway_rest_api_policy: ["policy"],
  aws_api_gateway_rest_api: ["policy"],
  aws_efs_file_system_policy: ["policy"],
  aws_backup_vault_policy: ["policy"],
  aws_glue_resource_policy: ["policy"],
  aws_opensearch_domain_policy: ["access_policies"],
  aws_elasticsearch_domain_policy: ["access_policies"],
};

const ATTACHMENT_TYPES = new Set(["aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"]);

/** One statement, normalized: every field a sorted list; principals as "AWS:…", "Service:…"; conditions "Op key=value". */
export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly string[];
  readonly notPrincipals: readonly string[];
  readonly conditions: readonly string[];
}

type Field = "actions" | "notActions" | "resources" | "notResources" | "principals" | "notPrincipals" | "conditions";
const FIELDS: readonly Field[] = ["actions", "notActions", "resources", "notResources", "principals", "notPrincipals", "conditions"];

export type Delta = Record<Field, string[]>;

export interface StatementChange {
  /** added: a new statement; widened: grants more (or denies less); narrowed: grants less; removed: gone. */
  readonly kind: "added" | "widened" | "narrowed" | "removed";
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly before?: Statement;
  readonly after?: Statement;
  readonly added: Delta;
  readonly removed: Delta;
  /** Wildcards among what widens: "*" resources/principals, service:* or * actions. */
  readonly wildcards: readonly string[];
  /** A managed policy attached (attachments) instead of a statement. */
  readonly managedPolicy?: string;
}

export interface PolicyDiff {
  readonly address: string;
  readonly type: string;
  readonly attribute: string;
  /** What the document governs: the role, queue, bucket, key ... (when the plan knows it). */
  readonly target?: string;
  /** The resource's change: create, update, replace, delete. */
  readonly resourceChange: string;
  readonly changes: readonly StatementChange[];
  /** Why the document could not be compared (unknown until apply, not JSON, sensitive). */
  readonly note?: string;
  /** The after document holds placeholders for values known only after apply (ids, ARNs of new resources). */
  readonly placeholders?: boolean;
}

export interface IamDiffOptions {
  /**
   * Planned attributes with unknowns resolved (state-from-plan.ts plannedAttributes): a policy document that is
   * unknown in the plan because it references a resource still to be created is read from here, with placeholders.
   */
  readonly resolved?: ReadonlyMap<string, Record<string, any>>;
}

/** Every IAM-relevant change of a plan: policy documents, Lambda permissions and managed policy attachments. */
export function iamDiffs(plan: PlanJson, options: IamDiffOptions = {}): PolicyDiff[] {
  const out: PolicyDiff[] = [];
  const configured = configuredAttributes(plan);
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const kind = kindOf(rc.change.actions);
    if (kind === "no-op" || kind === "read" || kind === "forget") continue;
    const before = kind === "create" ? null : rc.change.before;
    const after = kind === "delete" ? null : rc.change.after;
    // What a document governs (role, queue, bucket ...): known values first, then resolved placeholders.
    const subject = { ...(options.resolved?.get(rc.address) ?? {}), ...withoutNulls(after ?? before) };
    if (rc.type === "aws_lambda_permission") {
      const d = permissionDiff(rc, before, after, kind);
      if (d) out.push(d);
      continue;
    }
    if (ATTACHMENT_TYPES.has(rc.type)) {
      const d = attachmentDiff(rc, before, after, kind);
      if (d) out.push(d);
      continue;
    }
    for (const attribute of POLICY_ATTRIBUTES[rc.type] ?? []) {
      const unknown = rc.change.after_unknown?.[attribute] === true;
      // An unknown document that the configuration does not set is computed by AWS (an SNS topic's policy when an
      // aws_sns_topic_policy manages it): nothing to review there.
      if (unknown && !configured(rc, attribute)) continue;
      const resolved = unknown ? options.resolved?.get(rc.address)?.[attribute] : undefined;
      const d =
        typeof resolved === "string" && resolved !== ""
          ? documentDiff(rc, subject, attribute, before?.[attribute], resolved, kind, false, sensitiveAt(rc, attribute))
          : documentDiff(rc, subject, attribute, before?.[attribute], after?.[attribute], kind, unknown, sensitiveAt(rc, attribute));
      if (d && typeof resolved === "string" && resolved !== "") {
        out.push({ ...d, placeholders: true });
        continue;
      }
      if (d) out.push(d);
    }
    if (rc.type === "aws_iam_role") {
      const inline = (v: any): Map<string, string> =>
        new Map((Array.isArray(v?.inline_policy) ? v.inline_policy : []).filter((p: any) => p?.name).map((p: any) => [p.name, p.policy]));
      const b = inline(before);
      const a = inline(after);
      for (const name of new Set([...b.keys(), ...a.keys()])) {
        const d = documentDiff(rc, subject, `inline_policy["${name}"]`, b.get(name), a.get(name), kind, false, false);
        if (d) out.push(d);
      }
      const managed = (v: any): string[] => (Array.isArray(v?.managed_policy_arns) ? v.managed_policy_arns : []);
      const addedManaged = managed(after).filter((arn) => !managed(before).includes(arn));
      const removedManaged = managed(before).filter((arn) => !managed(after).includes(arn));
      if (addedManaged.length + removedManaged.length > 0) {
        out.push({
          address: rc.address,
          type: rc.type,
          attribute: "managed_policy_arns",
          target: targetOf(rc.type, subject),
          resourceChange: kind,
          changes: [...addedManaged.map((arn) => managedChange("added", arn)), ...removedManaged.map((arn) => managedChange("removed", arn))],
        });
      }
    }
  }
  return out;
}

/** True when a change grants more: a new Allow (or attached managed policy), a widened statement, a removed Deny. */
export const isWidening = (c: StatementChange): boolean => (c.kind === "added" && c.effect === "Allow") || c.kind === "widened" || (c.kind === "removed" && c.effect === "Deny");

/** Whether the configuration sets an attribute of a resource (plan.configuration expressions); true when unknown. */
function configuredAttributes(plan: PlanJson): (rc: ResourceChangeJson, attribute: string) => boolean {
  const byAddress = new Map<string, Record<string, unknown>>();
  for (const r of plan.configuration?.root_module?.resources ?? []) byAddress.set(r.address, r.expressions ?? {});
  for (const [name, call] of Object.entries(plan.configuration?.root_module?.module_calls ?? {})) {
    for (const r of call.module?.resources ?? []) byAddress.set(`module.${name}.${r.address}`, r.expressions ?? {});
  }
  return (rc, attribute) => {
    const expressions = byAddress.get(`${rc.module_address ? `${rc.module_address}.` : ""}${rc.type}.${rc.name}`);
    return expressions === undefined || attribute in expressions;
  };
}

function sensitiveAt(rc: ResourceChangeJson, attribute: string): boolean {
  return containsTrue(rc.change.before_sensitive?.[attribute]) || containsTrue(rc.change.after_sensitive?.[attribute]);
}

function documentDiff(
  rc: ResourceChangeJson,
  subject: any,
  attribute: string,
  before: unknown,
  after: unknown,
  kind: string,
  afterUnknown: boolean,
  sensitive: boolean,
): PolicyDiff | undefined {
  const base = { address: rc.address, type: rc.type, attribute, target: targetOf(rc.type, subject), resourceChange: kind };
  if (sensitive) return before === after ? undefined : { ...base, changes: [], note: "sensitive policy document: not shown" };
  if (afterUnknown && kind !== "delete") return { ...base, changes: [], note: "policy document known only after apply (it references values AWS assigns)" };
  if ((before === null || before === undefined || before === "") && (after === null || after === undefined || after === "")) return undefined;
  let b: Statement[];
  let a: Statement[];
  try {
    b = statementsOf(before);
    a = statementsOf(after);
  } catch (err) {
    return { ...base, changes: [], note: `policy document is not valid JSON: ${(err as Error).message}` };
  }
  const changes = diffStatements(b, a);
  return changes.length === 0 ? undefined : { ...base, changes };
}

function permissionDiff(rc: ResourceChangeJson, before: any, after: any, kind: string): PolicyDiff | undefined {
  const statement = (v: any): Statement[] => {
    if (!v) return [];
    const principal = String(v.principal ?? "");
    const conditions: string[] = [];
    if (v.source_arn) conditions.push(`ArnLike AWS:SourceArn=${v.source_arn}`);
    if (v.source_account) conditions.push(`StringEquals AWS:SourceAccount=${v.source_account}`);
    if (v.principal_org_id) conditions.push(`StringEquals aws:PrincipalOrgID=${v.principal_org_id}`);
    if (v.function_url_auth_type) conditions.push(`StringEquals lambda:FunctionUrlAuthType=${v.function_url_auth_type}`);
    return [
      normalize(
        {
          Sid: v.statement_id ?? undefined,
          Effect: "Allow",
          Action: v.action,
          Principal: principal === "*" ? "*" : principal.endsWith(".amazonaws.com") ? { Service: principal } : { AWS: principal },
          Resource: v.qualifier ? `${v.function_name}:${v.qualifier}` : v.function_name,
        },
        conditions,
      ),
    ];
  };
  const changes = diffStatements(statement(before), statement(after));
  return changes.length === 0
    ? undefined
    : { address: rc.address, type: rc.type, attribute: "(permission)", target: String((after ?? before)?.function_name ?? ""), resourceChange: kind, changes };
}

function attachmentDiff(rc: ResourceChangeJson, before: any, after: any, kind: string): PolicyDiff | undefined {
  const b = before?.policy_arn as string | undefined;
  const a = after?.policy_arn as string | undefined;
  if (b === a && kind !== "create" && kind !== "delete") return undefined;
  const changes: StatementChange[] = [];
  if (a && a !== b) changes.push(managedChange("added", a));
  if (b && b !== a) changes.push(managedChange("removed", b));
  if (kind === "create" && !a) return { address: rc.address, type: rc.type, attribute: "policy_arn", resourceChange: kind, changes: [], note: "policy ARN known only after apply" };
  const v = after ?? before;
  return changes.length === 0
    ? undefined
    : { address: rc.address, type: rc.type, attribute: "policy_arn", target: String(v?.role ?? v?.user ?? v?.group ?? (v?.roles ?? []).join(", ")), resourceChange: kind, changes };
}

function managedChange(kind: "added" | "removed", arn: string): StatementChange {
  const delta = { ...emptyDelta(), actions: [`(managed policy) ${arn}`] };
  return {
    kind,
    effect: "Allow",
    added: kind === "added" ? delta : emptyDelta(),
    removed: kind === "removed" ? delta : emptyDelta(),
    wildcards: kind === "added" && /AdministratorAccess|FullAccess|PowerUser/.test(arn) ? [arn] : [],
    managedPolicy: arn,
  };
}

function withoutNulls(v: any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, x] of Object.entries(v && typeof v === "object" ? v : {})) if (x !== null && x !== undefined) out[k] = x;
  return out;
}

function targetOf(type: string, v: any): string | undefined {
  if (!v || typeof v !== "object") return undefined;
  for (const key of ["role", "user", "group", "queue_url", "bucket", "key_id", "secret_arn", "resource_arn", "repository", "name", "function_name", "arn"]) {
    if (typeof v[key] === "string" && v[key] !== "") return type === "aws_iam_role" && key === "name" ? `role ${v[key]}` : v[key];
  }
  return undefined;
}

// ---- documents and statements ----------------------------------------------------------------------------------

/** The normalized statements of a policy document (a JSON string or an object); [] for null/empty. */
export function statementsOf(doc: unknown): Statement[] {
  if (doc === null || doc === undefined || doc === "") return [];
  const parsed = typeof doc === "string" ? JSON.parse(doc) : doc;
  const raw = parsed?.Statement;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((s: any) => normalize(s));
}

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const uniqSorted = (v: string[]): string[] => [...new Set(v)].sort();

function principalsOf(p: unknown): string[] {
  if (p === undefined || p === null) return [];
  if (p === "*") return ["*"];
  if (typeof p === "string") return [`AWS:${p}`];
  const out: string[] = [];
  for (const [kind, values] of Object.entries(p as Record<string, unknown>)) {
    for (const v of asList(values)) out.push(kind === "AWS" && v === "*" ? "*" : `${kind}:${v}`);
  }
  return out;
}

function conditionsOf(c: unknown): string[] {
  const out: string[] = [];
  for (const [op, byKey] of Object.entries((c ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [key, values] of Object.entries(byKey ?? {})) for (const v of asList(values)) out.push(`${op} ${key}=${v}`);
  }
  return out;
}

export function normalize(s: any, extraConditions: string[] = []): Statement {
  return {
    ...(typeof s?.Sid === "string" && s.Sid !== "" ? { sid: s.Sid } : {}),
    effect: s?.Effect === "Deny" ? "Deny" : "Allow",
    actions: uniqSorted(asList(s?.Action)),
    notActions: uniqSorted(asList(s?.NotAction)),
    resources: uniqSorted(asList(s?.Resource)),
    notResources: uniqSorted(asList(s?.NotResource)),
    principals: uniqSorted(principalsOf(s?.Principal)),
    notPrincipals: uniqSorted(principalsOf(s?.NotPrincipal)),
    conditions: uniqSorted([...conditionsOf(s?.Condition), ...extraConditions]),
  };
}

const emptyDelta = (): Delta => ({ actions: [], notActions: [], resources: [], notResources: [], principals: [], notPrincipals: [], conditions: [] });

/** IAM action names are case-insensitive; everything else is compared as written. */
const keyOf = (field: Field, v: string): string => (field === "actions" || field === "notActions" ? v.toLowerCase() : v);

function minus(field: Field, a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b.map((v) => keyOf(field, v)));
  return a.filter((v) => !other.has(keyOf(field, v)));
}

const canonical = (s: Statement): string => JSON.stringify([s.effect, ...FIELDS.map((f) => s[f].map((v) => keyOf(f, v)))]);

function overlap(a: Statement, b: Statement): number {
  if (a.effect !== b.effect) return 0;
  return FIELDS.filter((f) => f !== "conditions").reduce((n, f) => n + (a[f].length - minus(f, a[f], b[f]).length), 0);
}

/**
 * Pairs statements (same Sid, then identical, then the greatest overlap of the same effect) and classifies each
 * difference. Unpaired after-statements are "added", unpaired before-statements "removed".
 */
export function diffStatements(before: readonly Statement[], after: readonly Statement[]): StatementChange[] {
  const b = [...before];
  const a = [...after];
  const pairs: Array<[Statement, Statement]> = [];
  const take = (pred: (x: Statement, y: Statement) => boolean): void => {
    for (let i = 0; i < a.length; i++) {
      const j = b.findIndex((y) => pred(a[i], y));
      if (j >= 0) {
        pairs.push([b[j], a[i]]);
        b.splice(j, 1);
        a.splice(i, 1);
        i -= 1;
      }
    }
  };
  take((x, y) => x.sid !== undefined && x.sid === y.sid);
  take((x, y) => canonical(x) === canonical(y));
  while (a.length > 0 && b.length > 0) {
    let best: [number, number, number] = [0, -1, -1];
    a.forEach((x, i) =>
      b.forEach((y, j) => {
        const score = overlap(x, y);
        if (score > best[0]) best = [score, i, j];
      }),
    );
    if (best[1] < 0) break;
    pairs.push([b[best[2]], a[best[1]]]);
    a.splice(best[1], 1);
    b.splice(best[2], 1);
  }
  const changes: StatementChange[] = [];
  for (const after1 of a) changes.push(whole("added", after1));
  for (const [b1, a1] of pairs) {
    const c = compare(b1, a1);
    if (c) changes.push(c);
  }
  for (const before1 of b) changes.push(whole("removed", before1));
  const order = { added: 0, widened: 1, narrowed: 2, removed: 3 };
  return changes.sort((x, y) => order[x.kind] - order[y.kind]);
}

function whole(kind: "added" | "removed", s: Statement): StatementChange {
  const delta: Delta = {
    actions: [...s.actions],
    notActions: [...s.notActions],
    resources: [...s.resources],
    notResources: [...s.notResources],
    principals: [...s.principals],
    notPrincipals: [...s.notPrincipals],
    conditions: [...s.conditions],
  };
  // A new Allow grants; a removed Deny grants too (it is reported as "removed" but counts as widening in the summary).
  return {
    kind,
    ...(s.sid ? { sid: s.sid } : {}),
    effect: s.effect,
    ...(kind === "added" ? { after: s } : { before: s }),
    added: kind === "added" ? delta : emptyDelta(),
    removed: kind === "removed" ? delta : emptyDelta(),
    wildcards: kind === "added" && s.effect === "Allow" ? wildcardsOf(delta) : [],
  };
}

function compare(before: Statement, after: Statement): StatementChange | undefined {
  const added = emptyDelta();
  const removed = emptyDelta();
  for (const f of FIELDS) {
    added[f] = minus(f, after[f], before[f]);
    removed[f] = minus(f, before[f], after[f]);
  }
  const effectChanged = before.effect !== after.effect;
  if (!effectChanged && FIELDS.every((f) => added[f].length === 0 && removed[f].length === 0)) return undefined;
  // Allow: more actions/resources/principals, fewer exclusions (Not*) or fewer conditions grant more.
  // Deny: the reverse. An effect flip Deny -> Allow always widens.
  const grantsMore = (s: "Allow" | "Deny"): boolean =>
    s === "Allow"
      ? added.actions.length +
          added.resources.length +
          added.principals.length +
          removed.notActions.length +
          removed.notResources.length +
          removed.notPrincipals.length +
          removed.conditions.length >
        0
      : removed.actions.length +
          removed.resources.length +
          removed.principals.length +
          added.notActions.length +
          added.notResources.length +
          added.notPrincipals.length +
          added.conditions.length >
        0;
  const widened = effectChanged ? after.effect === "Allow" : grantsMore(after.effect);
  return {
    kind: widened ? "widened" : "narrowed",
    ...((after.sid ?? before.sid) ? { sid: after.sid ?? before.sid } : {}),
    effect: after.effect,
    before,
    after,
    added,
    removed,
    wildcards: widened && after.effect === "Allow" ? wildcardsOf(added) : [],
  };
}

function wildcardsOf(d: Delta): string[] {
  return [...d.actions.filter((a) => a === "*" || a.endsWith(":*")), ...d.resources.filter((r) => r === "*"), ...d.principals.filter((p) => p === "*")];
}
