import { createHash } from "node:crypto";
import { Annotations, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";

/**
 * Naming context of a stack: every physical name is `<app>-<env>-<name>`.
 * Set once per stack with `Naming.configure(stack, { app, env })`.
 */
export interface NamingContext {
  /** Application / platform prefix, lower-case letters, digits and dashes. */
  readonly app: string;
  /** Environment name (dev, staging, prod, ...). */
  readonly env: string;
  /**
   * The 12-digit id of the AWS account the stack deploys to, when there is exactly one. Modules name it where a
   * resource policy must pin the source account and cannot read it from an ARN (`Bucket.notify`: S3 bucket ARNs have
   * no account). AwsStack sets it from `allowedAccountIds` when that lists exactly one account.
   * @default unknown
   */
  readonly account?: string;
}

export interface PhysicalNameOptions {
  /** AWS limit on the name's length; longer names are shortened with a stable hash suffix. */
  readonly maxLength?: number;
  /** Lower-case the result (S3 buckets, some Cognito domains). @default false */
  readonly lowerCase?: boolean;
  /** Characters allowed besides letters, digits and '-'. Others become '-'. @default "_" */
  readonly extraChars?: string;
}

const contexts = new WeakMap<TerraformStack, NamingContext>();
/** Stacks already warned that they have no naming context (one warning per stack). */
const warned = new WeakSet<TerraformStack>();
const SEGMENT = /^[a-z][a-z0-9-]*$/;
const ACCOUNT = /^\d{12}$/;

export class Naming {
  /** Attach the naming context to a stack. Call before adding modules. */
  public static configure(stack: TerraformStack, context: NamingContext): void {
    for (const [field, value] of Object.entries({ app: context.app, env: context.env })) {
      if (!SEGMENT.test(value)) {
        throw new Error(`Naming: ${field} "${value}" must start with a lower-case letter and contain only a-z, 0-9 and '-'`);
      }
    }
    if (context.account !== undefined && !ACCOUNT.test(context.account)) {
      throw new Error(`Naming: account "${context.account}" must be a 12-digit AWS account id (or be left unset)`);
    }
    contexts.set(stack, { app: context.app, env: context.env, account: context.account });
  }

  /** The account id of the scope's stack naming context; undefined when not configured. */
  public static accountOf(scope: IConstruct): string | undefined {
    return contexts.get(TerraformStack.of(scope))?.account;
  }

  /**
   * The naming context of the scope's stack. Without one, names fall back to the stack id as prefix, and the stack gets
   * a synth warning (once): two stacks of one app in different environments would otherwise silently share names.
   */
  public static of(scope: IConstruct): NamingContext | { prefix: string } {
    const stack = TerraformStack.of(scope);
    const ctx = contexts.get(stack);
    if (ctx) return ctx;
    const prefix = sanitize(stack.node.id.toLowerCase(), "");
    if (!warned.has(stack)) {
      warned.add(stack);
      Annotations.of(stack).addWarning(
        `Naming: stack "${stack.node.id}" has no naming context, so physical names start with its id ("${prefix}-…"). ` +
          `Fix: call Naming.configure(stack, { app, env }) before adding modules (AwsStack does this).`,
      );
    }
    return { prefix };
  }
}

function sanitize(value: string, extraChars: string): string {
  const allowed = new RegExp(`[^A-Za-z0-9\\-${extraChars.replace(/[-\\\]^]/g, "\\$&")}]`, "g");
  return value.replace(allowed, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
}

/**
 * The one helper that builds physical names: `<app>-<env>-<name>`.
 * Names longer than `maxLength` keep their start and get an 8-character hash of the full name,
 * so two long names never collide.
 */
export function physicalName(scope: IConstruct, name: string, options: PhysicalNameOptions = {}): string {
  const ctx = Naming.of(scope);
  const prefix = "prefix" in ctx ? ctx.prefix : `${ctx.app}-${ctx.env}`;
  let full = sanitize(`${prefix}-${name}`, options.extraChars ?? "_");
  if (options.lowerCase ?? false) full = full.toLowerCase();
  const max = options.maxLength;
  if (max !== undefined && full.length > max) {
    const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
    full = `${full.slice(0, max - 9).replace(/-+$/, "")}-${hash}`;
  }
  return full;
}

/**
 * Environment variable prefix from a construct id: `ProfileEvents` → `PROFILE_EVENTS`. The `connect()` methods of
 * the modules name their variable `<PREFIX>_TABLE_NAME`, `<PREFIX>_QUEUE_URL`, `<PREFIX>_TOPIC_ARN`.
 */
export function envVarPrefix(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
}
