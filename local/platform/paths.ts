/** Where the local platform keeps its files (under `.local/` of the checkout unless told otherwise). */
import { join, resolve } from "node:path";

export interface LocalPaths {
  readonly root: string;
  readonly outdir: string;
  readonly stackDir: string;
  readonly statePath: string;
  readonly mappings: string;
  /** Every request Terraform's deploys sent to moto (local/runtime/moto-journal.ts). */
  readonly motoJournal: string;
  readonly checkpoints: string;
  /** Table tags and encryption, which DynamoDB Local does not keep (local/runtime/dynamodb-metadata.ts). */
  readonly dynamodbMetadata: string;
  readonly dynamodb: string;
  readonly postgres: string;
  readonly logs: string;
  readonly codeCache: string;
  readonly hotBundles: string;
}

export const DEFAULT_LOCAL_ROOT = resolve(__dirname, "..", "..", ".local");

export function localPaths(root: string = DEFAULT_LOCAL_ROOT, stackId = "platform-local"): LocalPaths {
  const outdir = join(root, "cdktf.out");
  return {
    root,
    outdir,
    stackDir: join(outdir, "stacks", stackId),
    statePath: join(root, "state", "terraform.tfstate"),
    mappings: join(root, "state", "event-source-mappings.json"),
    motoJournal: join(root, "state", "moto-journal.json"),
    checkpoints: join(root, "state", "checkpoints.json"),
    dynamodbMetadata: join(root, "state", "dynamodb-metadata.json"),
    dynamodb: join(root, "data", "dynamodb"),
    postgres: join(root, "data", "postgres"),
    logs: join(root, "logs"),
    codeCache: join(root, "code"),
    hotBundles: join(root, "hot"),
  };
}
