import { Aspects, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Naming } from "../core/naming";
import { LocalEmulation, localProviderSettings } from "./local-emulation";
import { OFFLINE_CREDENTIALS } from "./offline";

/** How a stack reaches AWS and keeps its state. */
export interface AwsStackOptions {
  readonly app: string;
  readonly env: string;
  readonly region: string;
  readonly allowedAccountIds?: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** Remote state; undefined keeps local state (bootstrap). */
  readonly backend?: { readonly bucket: string; readonly key: string; readonly region: string };
  /**
   * Offline mode (PLATFORM_OFFLINE=1): local state backend and static fake credentials with every skip flag,
   * so `terraform init/validate/plan` run without AWS. Nothing in the stacks may call AWS in this mode.
   */
  readonly offline: boolean;
  /**
   * A local environment: every service at this endpoint (the local runtime on this machine), fake credentials, the
   * allowed account checked against the emulator's STS, state in a local file, and the emulator gaps left out.
   */
  readonly local?: { readonly endpoint: string; readonly statePath?: string };
}

/** A TerraformStack with the AWS provider (default tags, allowed accounts), a naming context and its backend. */
export class AwsStack extends TerraformStack {
  public readonly provider: AwsProvider;
  public readonly offline: boolean;

  constructor(scope: Construct, id: string, o: AwsStackOptions) {
    super(scope, id);
    this.offline = o.offline;
    Naming.configure(this, { app: o.app, env: o.env, account: o.allowedAccountIds?.length === 1 ? o.allowedAccountIds[0] : undefined });
    this.provider = new AwsProvider(this, "aws", {
      region: o.region,
      // Offline there is no account to check (skip_requesting_account_id), so the allow-list is left out.
      allowedAccountIds: o.offline ? undefined : o.allowedAccountIds ? [...o.allowedAccountIds] : undefined,
      defaultTags: [{ tags: { ...o.tags } }],
      ...(o.local !== undefined && !o.offline
        ? localProviderSettings(o.local.endpoint)
        : o.offline
          ? {
              accessKey: OFFLINE_CREDENTIALS.accessKey,
              secretKey: OFFLINE_CREDENTIALS.secretKey,
              skipCredentialsValidation: true,
              skipRequestingAccountId: true,
              skipMetadataApiCheck: "true",
              skipRegionValidation: true,
            }
          : {}),
    });
    if (o.local !== undefined) Aspects.of(this).add(new LocalEmulation(o.env));
    if (o.offline || o.backend === undefined) {
      new LocalBackend(this, { path: o.local?.statePath ?? `terraform.${id}.tfstate` });
    } else {
      new S3Backend(this, { bucket: o.backend.bucket, key: o.backend.key, region: o.backend.region, encrypt: true });
      // S3-native state locking (Terraform ≥ 1.10); cdktf 0.21's S3Backend has no field for it.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    }
  }
}
