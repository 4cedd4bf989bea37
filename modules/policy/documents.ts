/**
 * Reading IAM policy documents (identity, resource and key policies) out of a synthesized resource config.
 *
 * Documents are JSON strings in the config; Terraform references inside them (`${aws_sqs_queue.x.arn}`) keep them
 * valid JSON, so they parse as they are. A document rendered by an `aws_iam_policy_document` data source of the same
 * stack (`${data.aws_iam_policy_document.x.json}`) is rebuilt from that data source's statement blocks. Anything else
 * (a `jsonencode(...)` expression, a variable) is not known at synth: the rules report it as unverifiable.
 */

/** One statement, normalized: every list field is an array, Effect is "Allow" or "Deny". */
export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  /** Defined when the statement uses NotAction. */
  readonly notActions?: readonly string[];
  readonly resources: readonly string[];
  /** Defined when the statement uses NotResource. */
  readonly notResources?: readonly string[];
  /** The raw Principal ("*", `{ AWS: ... }`, `{ Service: ... }`); undefined in identity policies. */
  readonly principal?: unknown;
  readonly condition: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export type DocumentResult = { readonly ok: true; readonly statements: readonly Statement[] } | { readonly ok: false; readonly reason: string };

/** Looks up the resolved config of a data source of the stack (`aws_iam_policy_document`, name). */
export type DataSourceLookup = (type: string, name: string) => Record<string, unknown> | undefined;

const DATA_DOCUMENT = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.(json|minified_json)\}$/;

/** Wraps a single value in an array; undefined → []. */
export function asList<T>(v: T | readonly T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? [...(v as T[])] : [v as T];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  return asList(v as string | string[] | undefined).map(String);
}

function normalize(raw: unknown): Statement {
  const s = isRecord(raw) ? raw : {};
  const effect = s.Effect === "Deny" ? "Deny" : "Allow";
  const condition: Record<string, Record<string, unknown>> = {};
  if (isRecord(s.Condition)) {
    for (const [op, body] of Object.entries(s.Condition)) if (isRecord(body)) condition[op] = body;
  }
  return {
    sid: typeof s.Sid === "string" ? s.Sid : undefined,
    effect,
    actions: strings(s.Action),
    notActions: s.NotAction !== undefined ? strings(s.NotAction) : undefined,
    resources: strings(s.Resource),
    notResources: s.NotResource !== undefined ? strings(s.NotResource) : undefined,
    principal: s.Principal,
    condition,
  };
}

function fromJson(doc: unknown): DocumentResult {
  if (!isRecord(doc)) return { ok: false, reason: "the policy is not a JSON object" };
  return { ok: true, statements: asList(doc.Statement as unknown[] | undefined).map(normalize) };
}

/** Statements of an `aws_iam_policy_document` data source config (snake_case blocks), as IAM JSON statements. */
function fromDataSource(config: Record<string, unknown>, lookup: DataSourceLookup, depth: number): DocumentResult {
  const statements: Statement[] = [];
  for (const key of ["source_policy_documents", "override_policy_documents"]) {
    for (const source of strings(config[key])) {
      const parsed = parseDocument(source, lookup, depth + 1);
      if (!parsed.ok) return parsed;
      statements.push(...parsed.statements);
    }
  }
  for (const block of asList(config.statement as unknown[] | undefined)) {
    if (!isRecord(block)) continue;
    const principals = (field: string): unknown => {
      const list = asList(block[field] as unknown[] | undefined).filter(isRecord);
      if (list.length === 0) return undefined;
      const out: Record<string, string[]> = {};
      for (const p of list) {
        const type = String(p.type);
        const ids = strings(p.identifiers);
        if (type === "*") return "*";
        out[type] = [...(out[type] ?? []), ...ids];
      }
      return out;
    };
    const condition: Record<string, Record<string, unknown>> = {};
    for (const c of asList(block.condition as unknown[] | undefined).filter(isRecord)) {
      const op = String(c.test);
      condition[op] = { ...(condition[op] ?? {}), [String(c.variable)]: strings(c.values) };
    }
    statements.push({
      sid: typeof block.sid === "string" ? block.sid : undefined,
      effect: block.effect === "Deny" ? "Deny" : "Allow",
      actions: strings(block.actions),
      notActions: block.not_actions !== undefined ? strings(block.not_actions) : undefined,
      resources: strings(block.resources),
      notResources: block.not_resources !== undefined ? strings(block.not_resources) : undefined,
      principal: principals("principals"),
      condition,
    });
  }
  return { ok: true, statements };
}

/**
 * Parses a policy document attribute of a synthesized resource config: a JSON string (Terraform references inside
 * are fine), an already-parsed object, or a reference to an `aws_iam_policy_document` data source of the stack.
 */
export function parseDocument(raw: unknown, lookup: DataSourceLookup, depth = 0): DocumentResult {
  if (depth > 5) return { ok: false, reason: "policy documents nest too deeply" };
  if (isRecord(raw)) return fromJson(raw);
  if (typeof raw !== "string") return { ok: false, reason: `the policy is ${raw === undefined ? "missing" : `a ${typeof raw}`}` };
  const text = raw.trim();
  if (text.startsWith("{")) {
    try {
      return fromJson(JSON.parse(text));
    } catch (err) {
      return { ok: false, reason: `the policy is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  const data = DATA_DOCUMENT.exec(text);
  if (data) {
    const config = lookup("aws_iam_policy_document", data[1]);
    if (config === undefined) return { ok: false, reason: `data.aws_iam_policy_document.${data[1]} is not in this stack` };
    return fromDataSource(config, lookup, depth);
  }
  return { ok: false, reason: `the policy is a Terraform expression (${text.slice(0, 80)}), not JSON known at synth` };
}

/** Case-insensitive IAM glob match (`*` and `?`) of an action pattern against an action. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return re.test(action);
}

/** `*` or `<service>:*`. */
export function isWildcardAction(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/** True when the principal is everyone: `"*"`, `{ AWS: "*" }` or `{ AWS: ["*"] }`. */
export function isAnyPrincipal(principal: unknown): boolean {
  if (principal === "*") return true;
  if (!isRecord(principal)) return false;
  return asList(principal.AWS as string | string[] | undefined).includes("*");
}

/** The AWS account principals of a statement when it names only account roots (`arn:aws:iam::<id>:root` or `<id>`). */
export function isOnlyAccountRoot(principal: unknown): boolean {
  if (!isRecord(principal)) return false;
  const keys = Object.keys(principal);
  if (keys.length !== 1 || keys[0] !== "AWS") return false;
  const ids = asList(principal.AWS as string | string[] | undefined);
  return ids.length > 0 && ids.every((p) => /^arn:aws[a-z-]*:iam::(\d{12}|\$\{[^}]+\}):root$/.test(p) || /^\d{12}$/.test(p));
}

/**
 * A Deny for everyone on requests without TLS (`aws:SecureTransport` false, Bool or BoolIfExists) that covers
 * `action` (e.g. "sqs:SendMessage"; pass `"<service>:*"` to require the whole service).
 */
export function deniesInsecureTransport(statement: Statement, action: string): boolean {
  if (statement.effect !== "Deny" || !isAnyPrincipal(statement.principal)) return false;
  const insecure = ["Bool", "BoolIfExists"].some((op) => {
    const body = statement.condition[op];
    if (body === undefined) return false;
    const entry = Object.entries(body).find(([k]) => k.toLowerCase() === "aws:securetransport");
    return entry !== undefined && asList(entry[1] as unknown[]).some((v) => v === false || String(v).toLowerCase() === "false");
  });
  if (!insecure) return false;
  if (statement.notActions !== undefined) return false;
  return statement.actions.some((pattern) => actionMatches(pattern, action));
}
