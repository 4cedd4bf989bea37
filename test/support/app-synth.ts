import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, BuiltApp } from "../../app";

export interface SynthesizedApp {
  readonly built: BuiltApp;
  /** cdktf output folder (stacks/<id>/cdk.tf.json). */
  readonly outdir: string;
  /** Stack folder of a stack id. */
  stackDir(id: string): string;
  /** Parsed cdk.tf.json of a stack id. */
  stack(id: string): any;
}

/** Builds and synthesizes the whole app (every environment) into a fresh temp folder, as `cdktf synth` would. */
export function synthApp(options: { offline: boolean; environments?: Record<string, unknown> }): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), "platform-synth-"));
  const built = buildApp({ outdir, offline: options.offline, environments: options.environments });
  built.app.synth();
  const cache = new Map<string, any>();
  const stackDir = (id: string): string => join(outdir, "stacks", id);
  return {
    built,
    outdir,
    stackDir,
    stack(id: string) {
      if (!cache.has(id)) cache.set(id, JSON.parse(readFileSync(join(stackDir(id), "cdk.tf.json"), "utf8")));
      return cache.get(id);
    },
  };
}

/** Every resource of a synthesized stack as [type, logical id, config]. */
export function allResources(stack: any): Array<[string, string, any]> {
  const out: Array<[string, string, any]> = [];
  for (const [type, byId] of Object.entries<any>(stack.resource ?? {})) {
    for (const [id, config] of Object.entries<any>(byId)) out.push([type, id, config]);
  }
  return out;
}

/** Resources of one type in a synthesized stack. */
export function resourcesOf(stack: any, type: string): any[] {
  return Object.values(stack.resource?.[type] ?? {});
}

/** Policy documents (IAM, resource and key policies) of a synthesized stack, parsed. */
export function policyDocuments(stack: any): Array<{ address: string; document: any }> {
  const fields: Record<string, string> = {
    aws_iam_role_policy: "policy",
    aws_iam_policy: "policy",
    aws_sqs_queue_policy: "policy",
    aws_sns_topic_policy: "policy",
    aws_s3_bucket_policy: "policy",
    aws_kms_key: "policy",
    aws_kms_key_policy: "policy",
    aws_iam_role: "assume_role_policy",
  };
  const out: Array<{ address: string; document: any }> = [];
  for (const [type, id, config] of allResources(stack)) {
    const field = fields[type];
    if (field === undefined) continue;
    const raw = config[field];
    if (typeof raw !== "string") throw new Error(`${type}.${id}.${field} is not a JSON string (${typeof raw}); policies must be rendered as JSON`);
    out.push({ address: `${type}.${id}`, document: JSON.parse(raw) });
  }
  return out;
}
