// The grants section of each module's README, computed: every public grant*/connect method of the block's class is
// called on a recording grantee inside a tiny stack, the stack is synthesized, and the statements it was given (actions,
// resources with Terraform references, conditions) and the environment variables it was set are rendered as Markdown.
// Nothing here is hand-written per method: a new grant method shows up by itself (and fails the generator until it
// can be called, see CALLS), a changed action list changes the README, and the docs test notices.
import { App, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Naming } from "../modules/core/naming";
import type { IEnvironmentConsumer, PolicyStatement } from "../modules/core/iam";
import { AuroraServerless } from "../modules/aurora-serverless";
import { Bucket } from "../modules/bucket";
import { DataLake } from "../modules/data-lake";
import { Key } from "../modules/kms-key";
import { LambdaFunction } from "../modules/lambda-function";
import { LogGroup } from "../modules/log-group";
import { Queue } from "../modules/queue";
import { Retry, StateMachine, States, Tasks } from "../modules/state-machine";
import { Stream } from "../modules/stream";
import { Table } from "../modules/table";
import { Topic } from "../modules/topic";
import { UserPool } from "../modules/user-pool";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const FIXTURE_ENTRY = `${__dirname}/../test/fixtures/handler.ts`;

/** One way to build the block for the table: the default props, or with a customer-managed key. */
interface Setup {
  readonly label: string;
  /** The props as the README shows them (documentation only: `build` is what runs). */
  readonly props: string;
  readonly build: (stack: TerraformStack) => Construct;
}

/** How each method is called besides the grantee: argument lists and how the README shows them. */
type Calls = Record<string, ReadonlyArray<{ readonly args: readonly unknown[]; readonly shown: string }>>;

/** A block whose class has grant methods. */
interface GrantedBlock {
  readonly className: string;
  readonly setups: readonly Setup[];
  readonly calls?: Calls;
}

const withKey = (s: TerraformStack): Key => new Key(s, "Key", { name: "data", accountId: ACCOUNT });

/**
 * Blocks with grants. A module folder missing here gets "no grant methods" (checked: its exported classes must have
 * none). Add extra arguments in `calls` when a new method needs more than the grantee.
 */
export const GRANTED_BLOCKS: Readonly<Record<string, GrantedBlock>> = {
  table: {
    className: "Table",
    setups: [
      {
        label: "default",
        props: `{ name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_AND_OLD_IMAGES" }`,
        build: (s) => new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_AND_OLD_IMAGES" }),
      },
      {
        label: "with a customer-managed key",
        props: `{ ..., encryptionKey: key }`,
        build: (s) => new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_AND_OLD_IMAGES", encryptionKey: withKey(s) }),
      },
    ],
    calls: {
      connect: [
        { args: ["read"], shown: `"read"` },
        { args: ["write"], shown: `"write"` },
        { args: ["readWrite"], shown: `"readWrite"` },
      ],
    },
  },
  queue: {
    className: "Queue",
    setups: [
      { label: "default", props: `{ name: "events" }`, build: (s) => new Queue(s, "Events", { name: "events" }) },
      {
        label: "with a customer-managed key",
        props: `{ name: "events", encryptionKey: key }`,
        build: (s) => new Queue(s, "Events", { name: "events", encryptionKey: withKey(s) }),
      },
    ],
    calls: {
      connect: [
        { args: ["send"], shown: `"send"` },
        { args: ["consume"], shown: `"consume"` },
      ],
    },
  },
  topic: {
    className: "Topic",
    setups: [
      { label: "default", props: `{ name: "user-data-change" }`, build: (s) => new Topic(s, "UserDataChange", { name: "user-data-change" }) },
      {
        label: "with a customer-managed key",
        props: `{ name: "user-data-change", encryptionKey: key }`,
        build: (s) => new Topic(s, "UserDataChange", { name: "user-data-change", encryptionKey: withKey(s) }),
      },
    ],
  },
  stream: {
    className: "Stream",
    setups: [
      { label: "default", props: `{ name: "activity" }`, build: (s) => new Stream(s, "Activity", { name: "activity" }) },
      {
        label: "with a customer-managed key",
        props: `{ name: "activity", encryptionKey: key }`,
        build: (s) => new Stream(s, "Activity", { name: "activity", encryptionKey: withKey(s) }),
      },
    ],
    calls: {
      connect: [
        { args: ["read"], shown: `"read"` },
        { args: ["write"], shown: `"write"` },
        { args: ["readWrite"], shown: `"readWrite"` },
      ],
    },
  },
  bucket: {
    className: "Bucket",
    setups: [
      { label: "default", props: `{ name: "uploads" }`, build: (s) => new Bucket(s, "Uploads", { name: "uploads" }) },
      {
        label: "with a customer-managed key",
        props: `{ name: "uploads", encryptionKey: key }`,
        build: (s) => new Bucket(s, "Uploads", { name: "uploads", encryptionKey: withKey(s) }),
      },
    ],
    calls: {
      grantRead: [
        { args: [], shown: "" },
        { args: ["uploads/*"], shown: `"uploads/*"` },
      ],
      grantPut: [
        { args: [], shown: "" },
        { args: ["uploads/*"], shown: `"uploads/*"` },
      ],
      grantReadWrite: [{ args: [], shown: "" }],
      grantDelete: [
        { args: [], shown: "" },
        { args: ["uploads/*"], shown: `"uploads/*"` },
      ],
      connect: ["read", "put", "readWrite", "delete", "full"].map((a) => ({ args: [a], shown: `"${a}"` })),
    },
  },
  "kms-key": {
    className: "Key",
    setups: [{ label: "default", props: `{ name: "data", accountId: "${ACCOUNT}" }`, build: withKey }],
  },
  "lambda-function": {
    className: "LambdaFunction",
    setups: [{ label: "default", props: `{ name: "worker", entry: "src/worker.ts" }`, build: (s) => new LambdaFunction(s, "Worker", { name: "worker", entry: FIXTURE_ENTRY }) }],
  },
  "log-group": {
    className: "LogGroup",
    setups: [{ label: "default", props: `{ logGroupName: "/orders/dev/audit" }`, build: (s) => new LogGroup(s, "Audit", { logGroupName: "/orders/dev/audit" }) }],
  },
  "user-pool": {
    className: "UserPool",
    setups: [{ label: "default", props: `{ name: "users" }`, build: (s) => new UserPool(s, "Users", { name: "users" }) }],
  },
  "aurora-serverless": {
    className: "AuroraServerless",
    setups: [
      { label: "default", props: `{ name: "analytics" }`, build: (s) => new AuroraServerless(s, "Analytics", { name: "analytics" }) },
      {
        label: "with a customer-managed key for the secret",
        props: `{ name: "analytics", secretEncryptionKey: key }`,
        build: (s) => new AuroraServerless(s, "Analytics", { name: "analytics", secretEncryptionKey: withKey(s) }),
      },
    ],
  },
  "state-machine": {
    className: "StateMachine",
    setups: [
      {
        label: "default",
        props: `{ name: "delete-user", definition }`,
        build: (s) => {
          const fn = LambdaFunction.fromArn(s, "Task", `arn:aws:lambda:${REGION}:${ACCOUNT}:function:task`);
          const task = Tasks.invoke(fn);
          return new StateMachine(s, "DeleteUser", {
            name: "delete-user",
            accountId: ACCOUNT,
            region: REGION,
            definition: {
              startAt: "Work",
              states: {
                Work: States.task(task, { retry: [Retry.transient(task)], catch: [{ errors: ["States.ALL"], next: "Failed" }], next: "Done" }),
                Done: States.succeed(),
                Failed: States.fail({ error: "WorkFailed" }),
              },
            },
          });
        },
      },
    ],
  },
  "data-lake": {
    className: "DataLake",
    setups: [
      {
        label: "default",
        props: `{ name: "activity", source: stream, columns, partitionStartDate: "2026-01-01", accountId }`,
        build: (s) =>
          new DataLake(s, "ActivityLake", {
            name: "activity",
            source: new Stream(s, "Activity", { name: "activity" }),
            columns: [{ name: "eventid", field: "eventId", type: "string", comment: "unique per event" }],
            partitionStartDate: "2026-01-01",
            accountId: ACCOUNT,
          }),
      },
    ],
  },
};

/** What one call gave the grantee. */
interface Recorded {
  statements: PolicyStatement[];
  environment: Array<{ name: string; value: string }>;
  error?: string;
}

/** A grantee that records what it is given, nothing more (no role, no policy resource). */
class RecordingGrantee {
  public readonly grantPrincipalPath = "docs/Grantee";
  public current: Recorded = { statements: [], environment: [] };
  public addToPrincipalPolicy(statement: PolicyStatement): void {
    this.current.statements.push({ ...statement });
  }
  public addEnvironment(name: string, value: string): void {
    this.current.environment.push({ name, value });
  }
}

/** Any class (a constructor): only its prototype chain is read. */
export type AnyClass = abstract new (...args: never[]) => unknown;

/** grant* and connect methods of a class, base classes first, each once, in declaration order. */
export function grantMethods(cls: AnyClass): string[] {
  const chain: object[] = [];
  for (let p = cls.prototype; p && p !== Construct.prototype && p !== Object.prototype; p = Object.getPrototypeOf(p)) chain.unshift(p);
  const names: string[] = [];
  for (const proto of chain) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (typeof d?.value === "function" && /^(grant[A-Z]\w*|connect)$/.test(name) && !names.includes(name)) names.push(name);
    }
  }
  return names;
}

interface CallResult {
  readonly call: string;
  readonly recorded: Recorded;
}

/** Builds the block in a fresh stack, calls every method on a recording grantee, synthesizes, returns what each call gave. */
function runSetup(block: string, spec: GrantedBlock, setup: Setup): CallResult[] {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, "docs");
  new AwsProvider(stack, "aws", { region: REGION });
  Naming.configure(stack, { app: "app", env: "dev" });
  const construct = setup.build(stack) as unknown as Record<string, (...a: unknown[]) => unknown>;
  const grantee = new RecordingGrantee();
  const results: Array<{ call: string; recorded: Recorded }> = [];
  for (const method of grantMethods(construct.constructor as AnyClass)) {
    const variants = spec.calls?.[method] ?? [{ args: [], shown: "" }];
    for (const v of variants) {
      grantee.current = { statements: [], environment: [] };
      try {
        construct[method](grantee as unknown as IEnvironmentConsumer, ...v.args);
      } catch (e) {
        const message = (e as Error).message;
        if (/is unknown|Fix: pass/.test(message) && v.args.length === 0 && method === "connect") {
          throw new Error(`docs: ${spec.className}.${method} needs arguments besides the grantee. Fix: add them to GRANTED_BLOCKS["${block}"].calls in scripts/docs-grants.ts.`, {
            cause: e,
          });
        }
        grantee.current.error = message;
      }
      results.push({ call: `${method}(grantee${v.shown ? `, ${v.shown}` : ""})`, recorded: grantee.current });
    }
  }
  // The recorded statements hold tokens; a synthesized output resolves them to Terraform references.
  new TerraformOutput(stack, "docs_grants", { value: JSON.stringify(results) });
  const synthesized = JSON.parse(Testing.synth(stack));
  return JSON.parse(synthesized.output.docs_grants.value) as CallResult[];
}

/** `${aws_sqs_queue.Events_D32975C2.arn}` → `${aws_sqs_queue.Events.arn}`: stable, readable references. */
export function readableRefs(text: string): string {
  return text.replace(/\$\{((?:data\.)?[a-z0-9_]+)\.([A-Za-z0-9_-]+?)(?:_[0-9A-F]{8})?\.([a-z0-9_.]+)\}/g, "${$1.$2.$3}");
}

const code = (s: string): string => "`" + s.replace(/\|/g, "\\|") + "`";

function conditionText(c: PolicyStatement["conditions"]): string {
  if (!c) return "";
  return Object.entries(c)
    .flatMap(([op, kv]) => Object.entries(kv).map(([k, v]) => `${op} ${k} = ${Array.isArray(v) ? v.join(", ") : String(v)}`))
    .map(code)
    .join("<br>");
}

function renderCalls(results: readonly CallResult[]): string[] {
  const lines = ["| Call | Actions | Resources | Condition |", "| --- | --- | --- | --- |"];
  for (const r of results) {
    const call = code(`.${r.call}`);
    if (r.recorded.error) {
      lines.push(`| ${call} | throws: ${readableRefs(r.recorded.error.split(". Fix:")[0]).replace(/\|/g, "\\|")} | | |`);
      continue;
    }
    if (r.recorded.statements.length === 0 && r.recorded.environment.length === 0) lines.push(`| ${call} | (nothing) | | |`);
    r.recorded.statements.forEach((s, i) => {
      const effect = s.effect === "Deny" ? "**Deny** " : "";
      lines.push(
        `| ${i === 0 ? call : "″"} | ${effect}${s.actions.map(code).join(", ")} | ${s.resources.map((x) => code(readableRefs(x))).join("<br>")} | ${conditionText(s.conditions)} |`,
      );
    });
    for (const env of r.recorded.environment) {
      lines.push(`| ${r.recorded.statements.length === 0 ? call : "″"} | env ${code(env.name)} | ${code(readableRefs(env.value))} | |`);
    }
  }
  return lines;
}

/** The Markdown of a block's generated grants section (without the markers). */
export function grantsSection(block: string, classesWithoutGrants: ReadonlyArray<{ name: string; methods: string[] }> = []): string {
  const spec = GRANTED_BLOCKS[block];
  const out: string[] = ["## Grants (generated)", ""];
  if (!spec) {
    const withGrants = classesWithoutGrants.filter((c) => c.methods.length > 0);
    if (withGrants.length > 0) {
      throw new Error(
        `docs: ${withGrants.map((c) => `${c.name}.${c.methods.join("/")}`).join(", ")} in modules/${block} has grant methods but no entry. Fix: add "${block}" to GRANTED_BLOCKS in scripts/docs-grants.ts.`,
      );
    }
    out.push("This block has no `grant*` or `connect` method: it grants nothing to other principals.");
    return out.join("\n");
  }
  out.push(
    `Computed by \`npm run docs\`: each public \`grant*\`/\`connect\` method of \`${spec.className}\` called on a recording grantee, in a stack`,
    "synthesized with the naming context `app-dev`. `${type.Name.attr}` is the Terraform reference of a resource the",
    "block creates; `″` continues the call above; `env` rows are the environment variables `connect` sets.",
  );
  for (const setup of spec.setups) {
    out.push("", `### ${setup.label[0].toUpperCase()}${setup.label.slice(1)}: \`new ${spec.className}(scope, id, ${setup.props})\``, "");
    out.push(...renderCalls(runSetup(block, spec, setup)));
  }
  return out.join("\n");
}

export const GRANTS_START = "<!-- generated:grants -->";
export const GRANTS_END = "<!-- /generated -->";

/**
 * The README with its generated section `name` (between `<!-- generated:<name> -->` and the next `<!-- /generated -->`)
 * replaced, or, when the markers are missing, inserted before the generated section `before` (if there is one) or
 * appended. The text outside the markers is hand-written and kept as it is.
 */
export function withGeneratedSection(readme: string, section: string, name = "grants", before?: string): string {
  const open = `<!-- generated:${name} -->`;
  const block = `${open}\n${section}\n${GRANTS_END}`;
  const start = readme.indexOf(open);
  const end = start >= 0 ? readme.indexOf(GRANTS_END, start) : -1;
  if (start >= 0 && end > start) return readme.slice(0, start) + block + readme.slice(end + GRANTS_END.length);
  const next = before === undefined ? -1 : readme.indexOf(`<!-- generated:${before} -->`);
  if (next >= 0) return `${readme.slice(0, next)}${block}\n\n${readme.slice(next)}`;
  return `${readme.trimEnd()}\n\n${block}\n`;
}

/** The README without the generated section `name` (markers included), for a block that no longer has one. */
export function withoutGeneratedSection(readme: string, name: string): string {
  const open = `<!-- generated:${name} -->`;
  const start = readme.indexOf(open);
  const end = start >= 0 ? readme.indexOf(GRANTS_END, start) : -1;
  if (start < 0 || end < 0) return readme;
  return (readme.slice(0, start).trimEnd() + "\n\n" + readme.slice(end + GRANTS_END.length).trimStart()).trimEnd() + "\n";
}
