import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { Bucket } from "../modules/bucket";
import type { EnvironmentConfig } from "../environments";
import { AwsStack } from "./aws-stack";

export interface BootstrapStackProps {
  /** The environment whose account and backend bucket this stack prepares. */
  readonly env: EnvironmentConfig;
  /** Other environments that keep their state in the same bucket (listed in the output's description). */
  readonly sharedWith?: readonly EnvironmentConfig[];
  readonly offline: boolean;
}

/**
 * Creates the S3 bucket that holds an environment's Terraform state, in that environment's account and backend
 * region, with local state (the bucket must exist before any stack can use it). Versioned (every state revision
 * is kept a year), encrypted, public access blocked, TLS-only; `prevent_destroy` always.
 * Deploy once per account: `cdktf deploy platform-bootstrap-<env>`.
 */
export class BootstrapStack extends AwsStack {
  public readonly stateBucket: Bucket;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    const env = props.env;
    super(scope, id, {
      app: env.app,
      env: env.name,
      region: env.backend.region,
      allowedAccountIds: env.allowedAccountIds,
      tags: { ...env.tags, Purpose: "terraform-state" },
      offline: props.offline,
    });
    this.stateBucket = new Bucket(this, "StateBucket", {
      bucketName: env.backend.bucket,
      versioned: true,
      noncurrentVersionExpirationDays: 365,
      preventDestroy: true,
    });
    const users = [env, ...(props.sharedWith ?? [])].map((e) => e.name).join(", ");
    new TerraformOutput(this, "state_bucket", { value: this.stateBucket.name, description: `Terraform state bucket of: ${users}` });
  }
}
