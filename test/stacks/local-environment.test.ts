import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { App } from "cdktf";
import { appEnvironments } from "../../app";
import { ENVIRONMENT_INPUTS, LOCAL_ACCOUNT_ID, LOCAL_ENVIRONMENT_INPUTS, loadEnvironment } from "../../environments";
import { AwsStack } from "../../modules/stack";
import { EMULATOR_GAPS, LOCAL_ENDPOINT_SERVICES, serviceOfResourceType } from "../../modules/stack/local-emulation";
import { SynthesizedApp, synthApp } from "../support/app-synth";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthApp({ offline: false, environments: LOCAL_ENVIRONMENT_INPUTS });
});

describe("the local environment", () => {
  it("validates, and the deployed app leaves it out unless PLATFORM_LOCAL=1", () => {
    expect(loadEnvironment("local", LOCAL_ENVIRONMENT_INPUTS.local).local).toEqual({ endpointPort: 4566, apiPort: 4567 });
    expect(Object.keys(appEnvironments({}))).toEqual(["dev", "staging", "prod"]);
    expect(Object.keys(appEnvironments({ PLATFORM_LOCAL: "1" }))).toEqual(["dev", "staging", "prod", "local"]);
  });

  it("rejects a local environment that could reach AWS, keeps remote state or claims production", () => {
    const bad = clone(LOCAL_ENVIRONMENT_INPUTS.local) as any;
    bad.allowedAccountIds = ["111111111111"];
    bad.backend = clone(ENVIRONMENT_INPUTS.dev.backend);
    bad.production = true;
    bad.local.apiPort = bad.local.endpointPort;
    let message = "";
    try {
      loadEnvironment("local", bad);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`allowedAccountIds: received ["111111111111"]; expected ["${LOCAL_ACCOUNT_ID}"] (the emulators' account`);
    expect(message).toContain("backend: received");
    expect(message).toContain("production: received true; expected false");
    expect(message).toContain("local.apiPort");
  });

  it("requires an S3 backend of every environment that is not local", () => {
    const bad = clone(ENVIRONMENT_INPUTS.dev) as any;
    delete bad.backend;
    expect(() => loadEnvironment("dev", bad)).toThrow(/backend: received undefined; expected an S3 backend/);
  });

  it("deploys no CloudFront, site bucket or site objects (web.cdn false: moto answers 404 to CloudFront Functions; the local web server replaces CloudFront)", () => {
    const stack = synth.stack("platform-local");
    const types = Object.keys(stack.resource);
    expect(types.filter((t) => t.startsWith("aws_cloudfront_") || t === "aws_s3_object")).toEqual([]);
    expect(Object.values<any>(stack.resource.aws_s3_bucket).map((b) => b.bucket)).not.toContain("platform-local-site");
    expect(stack.output.web_url).toBeUndefined();
    // no hosted UI locally (password sign-in); the client keeps the local origins only
    expect(stack.resource.aws_cognito_user_pool_domain).toBeUndefined();
    expect(Object.values<any>(stack.resource.aws_cognito_user_pool_client)[0].callback_urls).toEqual(LOCAL_ENVIRONMENT_INPUTS.local.auth.callbackUrls);
  });

  it("points every service of the provider at the local endpoint, allows only the emulators' account and checks it", () => {
    const provider = synth.stack("platform-local").provider.aws[0];
    expect(provider.allowed_account_ids).toEqual([LOCAL_ACCOUNT_ID]);
    expect(provider.skip_credentials_validation).toBeUndefined();
    expect(provider.skip_requesting_account_id).toBeUndefined();
    expect(Object.keys(provider.endpoints[0]).sort()).toEqual([...LOCAL_ENDPOINT_SERVICES].sort());
    expect(new Set(Object.values(provider.endpoints[0]))).toEqual(new Set(["http://127.0.0.1:4566"]));
    expect(provider.s3_use_path_style).toBe(true);
  });

  it("keeps its state in a local file and creates no bootstrap stack", () => {
    expect(synth.stack("platform-local").terraform.backend.local).toBeDefined();
    expect(synth.built.bootstrapStacks).toHaveLength(0);
  });

  it("leaves out exactly the listed emulator gaps (count 0), and nothing else", () => {
    const s = synth.stack("platform-local");
    const counted = Object.entries<any>(s.resource).flatMap(([type, byId]) =>
      Object.values<any>(byId)
        .filter((r) => r.count === 0)
        .map(() => type),
    );
    expect(counted.length).toBeGreaterThan(0);
    for (const type of counted) expect(EMULATOR_GAPS.map((g) => g.resourceType)).toContain(type);
    // every resource type of the stack calls a service that has a local endpoint
    for (const type of Object.keys(s.resource)) {
      const service = serviceOfResourceType(type);
      expect([...LOCAL_ENDPOINT_SERVICES, "(none)"]).toContain(service);
    }
  });

  it("the SPA client also allows USER_PASSWORD_AUTH locally, never in the deployed environments", () => {
    const flows = (id: string): string[] => Object.values<any>(synthApp({ offline: true }).stack(id).resource.aws_cognito_user_pool_client)[0].explicit_auth_flows;
    expect(Object.values<any>(synth.stack("platform-local").resource.aws_cognito_user_pool_client)[0].explicit_auth_flows).toContain("ALLOW_USER_PASSWORD_AUTH");
    expect(flows("platform-dev")).not.toContain("ALLOW_USER_PASSWORD_AUTH");
  });

  it("the shipped app, with the local environment, synthesizes without a warning of its own making", () => {
    const all = synthApp({ offline: true, environments: appEnvironments({ PLATFORM_LOCAL: "1" }) });
    const manifest = JSON.parse(readFileSync(join(all.outdir, "manifest.json"), "utf8"));
    const warnings = Object.entries<any>(manifest.stacks).flatMap(([id, st]) =>
      (st.annotations ?? []).filter((a: any) => a.level !== "@cdktf/info").map((a: any) => `${id}: ${a.message}`),
    );
    expect(Object.keys(manifest.stacks)).toContain("platform-local");
    expect(warnings).toEqual([]);
  });

  it("fails the synth of a local stack that uses a service without a local endpoint, naming resource, service and fix", () => {
    const app = new App({ outdir: Testing.app().outdir });
    const stack = new AwsStack(app, "local-x", { app: "t", env: "local", region: "us-east-1", tags: {}, offline: false, local: { endpoint: "http://127.0.0.1:1" } });
    new SqsQueue(stack, "Fine", { name: "fine" });
    new CloudfrontOriginAccessControl(stack, "Oac", { name: "oac", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
    expect(() => app.synth()).toThrow(/aws_cloudfront_origin_access_control \(local-x\/Oac\) calls the AWS service "cloudfront", and no local emulator serves it.*Fix:/s);
  });
});
