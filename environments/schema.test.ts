import { ENVIRONMENT_INPUTS, EnvironmentConfigError, LOCAL_ENVIRONMENT_INPUTS, loadEnvironment, loadEnvironments } from "./index";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe("environments", () => {
  it("all three shipped environments validate", () => {
    expect(loadEnvironments().map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
  });

  it("prod keeps every stateful guard on", () => {
    const prod = loadEnvironments().find((e) => e.name === "prod")!;
    expect(prod.guards).toEqual({ deletionProtection: true, pointInTimeRecovery: true, preventDestroy: true });
  });

  it("names the environment, the field, the value received and the allowed values", () => {
    const bad = clone(ENVIRONMENT_INPUTS.staging) as any;
    bad.logRetentionDays = 42;
    bad.functionDefaults.memorySize = 64;
    bad.region = "europe";
    let err: unknown;
    try {
      loadEnvironment("staging", bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvironmentConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^Environment "staging" is invalid:/);
    expect(msg).toContain("logRetentionDays: received 42; expected one of 1, 3, 5, 7, 14, 30");
    expect(msg).toContain("functionDefaults.memorySize: received 64; expected ≥ 128");
    expect(msg).toContain('region: received "europe"; expected an AWS region code such as eu-west-1');
    expect(msg).toContain("Fix: edit environments/staging.ts");
  });

  it("rejects a production environment with a guard turned off", () => {
    const bad = clone(ENVIRONMENT_INPUTS.prod) as any;
    bad.guards.preventDestroy = false;
    expect(() => loadEnvironment("prod", bad)).toThrow(/guards\.preventDestroy: received false; expected true \(a production environment keeps every stateful guard on\)/);
  });

  it("rejects a production environment that only warns on policy violations, and a bad load profile or repository", () => {
    const bad = clone(ENVIRONMENT_INPUTS.prod) as any;
    bad.policy.enforcement = "warn";
    bad.loadProfile.apiRequestsPerMonth = -1;
    bad.ci.githubRepository = "not a repo";
    expect(() => loadEnvironment("prod", bad)).toThrow(
      /loadProfile\.apiRequestsPerMonth: received -1; expected ≥ 0[\s\S]*ci\.githubRepository: received "not a repo"; expected owner\/repository/,
    );
    const onlyPolicy = clone(ENVIRONMENT_INPUTS.prod) as any;
    onlyPolicy.policy.enforcement = "warn";
    expect(() => loadEnvironment("prod", onlyPolicy)).toThrow(
      /policy\.enforcement: received "warn"; expected "error" \(a production environment fails synth on a policy violation\)/,
    );
  });

  it("rejects unknown fields and enum values outside the allowed set", () => {
    const bad = clone(ENVIRONMENT_INPUTS.dev) as any;
    bad.functionDefaults.logLevel = "VERBOSE";
    bad.surprise = true;
    expect(() => loadEnvironment("dev", bad)).toThrow(
      /functionDefaults\.logLevel: received "VERBOSE"; expected one of "TRACE", "DEBUG"[\s\S]*no unknown field \(remove surprise\)/,
    );
  });

  it("rejects a config whose name differs from its file", () => {
    expect(() => loadEnvironment("qa", ENVIRONMENT_INPUTS.dev)).toThrow(/Environment "qa" is invalid:\n {2}- name: received "dev"; expected "qa"/);
  });

  it("analytics: dev and staging scale to zero, prod keeps 0.5 ACU warm with a reader", () => {
    const byName = Object.fromEntries(loadEnvironments().map((e) => [e.name, e.analytics]));
    expect(byName.dev).toMatchObject({ minCapacity: 0, maxCapacity: 2, secondsUntilAutoPause: 300, readers: 0 });
    expect(byName.staging.minCapacity).toBe(0);
    expect(byName.prod).toMatchObject({ minCapacity: 0.5, readers: 1 });
    expect(byName.prod.secondsUntilAutoPause).toBeUndefined();
  });

  it("analytics: rejects capacity off the 0.5 ACU grid or inverted, auto-pause without min 0, too many readers", () => {
    const bad = clone(ENVIRONMENT_INPUTS.prod) as any;
    bad.analytics = { minCapacity: 0.7, maxCapacity: 300, secondsUntilAutoPause: 600, readers: 16 };
    let msg = "";
    try {
      loadEnvironment("prod", bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain("analytics.minCapacity: received 0.7; expected a multiple of 0.5");
    expect(msg).toContain("analytics.maxCapacity: received 300; expected ≤ 256");
    expect(msg).toContain("analytics.readers: received 16; expected ≤ 15");
    const inverted = clone(ENVIRONMENT_INPUTS.dev) as any;
    inverted.analytics = { ...inverted.analytics, minCapacity: 4, maxCapacity: 2, secondsUntilAutoPause: 300, readers: 0 };
    expect(() => loadEnvironment("dev", inverted)).toThrow(
      /analytics\.maxCapacity: received 2; expected ≥ analytics\.minCapacity \(4\)[\s\S]*analytics\.secondsUntilAutoPause: received 300; expected no value unless analytics\.minCapacity is 0/,
    );
    const short = clone(ENVIRONMENT_INPUTS.dev) as any;
    short.analytics.secondsUntilAutoPause = 60;
    expect(() => loadEnvironment("dev", short)).toThrow(/analytics\.secondsUntilAutoPause: received 60; expected ≥ 300/);
  });

  it("activity stream: dev and local one provisioned shard, staging and prod on-demand; shardCount required with PROVISIONED, refused with ON_DEMAND", () => {
    const byName = Object.fromEntries(loadEnvironments({ ...ENVIRONMENT_INPUTS, ...LOCAL_ENVIRONMENT_INPUTS }).map((e) => [e.name, e.analytics.activityStream]));
    expect(byName).toEqual({
      dev: { capacityMode: "PROVISIONED", shardCount: 1 },
      staging: { capacityMode: "ON_DEMAND" },
      prod: { capacityMode: "ON_DEMAND" },
      local: { capacityMode: "PROVISIONED", shardCount: 1 },
    });
    const missing = clone(ENVIRONMENT_INPUTS.dev) as any;
    missing.analytics.activityStream = { capacityMode: "PROVISIONED" };
    expect(() => loadEnvironment("dev", missing)).toThrow(
      /analytics\.activityStream\.shardCount: received undefined; expected a shard count 1–10000 \(required with capacityMode PROVISIONED\)/,
    );
    const extra = clone(ENVIRONMENT_INPUTS.prod) as any;
    extra.analytics.activityStream = { capacityMode: "ON_DEMAND", shardCount: 2 };
    expect(() => loadEnvironment("prod", extra)).toThrow(/analytics\.activityStream\.shardCount: received 2; expected no value with capacityMode ON_DEMAND/);
    const mode = clone(ENVIRONMENT_INPUTS.dev) as any;
    mode.analytics.activityStream = { capacityMode: "SOMETIMES" };
    expect(() => loadEnvironment("dev", mode)).toThrow(/analytics\.activityStream\.capacityMode: received "SOMETIMES"; expected one of "ON_DEMAND", "PROVISIONED"/);
  });

  it("lake: buffering within Firehose's limits, results expiry ≥ 1 day, scan cutoff ≥ 10 MiB; every environment declares its lake load", () => {
    const bad = clone(ENVIRONMENT_INPUTS.staging) as any;
    bad.analytics.lake = { bufferingSeconds: 901, bufferingMb: 0, resultsExpiryDays: 0, bytesScannedCutoffPerQuery: 10_000_000 };
    let msg = "";
    try {
      loadEnvironment("staging", bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain("analytics.lake.bufferingSeconds: received 901; expected ≤ 900");
    expect(msg).toContain("analytics.lake.bufferingMb: received 0; expected ≥ 1");
    expect(msg).toContain("analytics.lake.resultsExpiryDays: received 0; expected ≥ 1");
    expect(msg).toContain("analytics.lake.bytesScannedCutoffPerQuery: received 10000000; expected ≥ 10485760");
    for (const env of loadEnvironments({ ...ENVIRONMENT_INPUTS, ...LOCAL_ENVIRONMENT_INPUTS })) {
      expect(env.loadProfile.lakeIngestGbPerMonth).toBeGreaterThanOrEqual(0);
      expect(env.loadProfile.athenaTbScannedPerMonth).toBeGreaterThanOrEqual(0);
    }
  });

  it("rejects plain-http callback URLs except localhost", () => {
    const bad = clone(ENVIRONMENT_INPUTS.dev) as any;
    bad.auth.callbackUrls = ["http://evil.example.com/cb"];
    expect(() => loadEnvironment("dev", bad)).toThrow(/auth\.callbackUrls\.0: received "http:\/\/evil\.example\.com\/cb"; expected an https:\/\/ URL/);
  });

  it("files: every environment declares its upload limits; bad sizes and media types are named", () => {
    for (const env of loadEnvironments()) {
      expect(env.files.maxFileSizeBytes).toBeGreaterThan(0);
      expect(env.files.allowedContentTypes.length).toBeGreaterThan(0);
    }
    const bad = clone(ENVIRONMENT_INPUTS.dev) as any;
    bad.files = { maxFileSizeBytes: 6 * 1024 ** 3, allowedContentTypes: ["Image/PNG", "image/png", "image/png; charset=x"] };
    let msg = "";
    try {
      loadEnvironment("dev", bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain("files.maxFileSizeBytes: received 6442450944; expected ≤ 5368709120");
    expect(msg).toContain('files.allowedContentTypes.0: received "Image/PNG"; expected a lower-case media type such as image/png');
    expect(msg).toContain('files.allowedContentTypes.2: received "image/png; charset=x"');
    const duplicate = clone(ENVIRONMENT_INPUTS.dev) as any;
    duplicate.files.allowedContentTypes = ["image/png", "image/png"];
    expect(() => loadEnvironment("dev", duplicate)).toThrow(/files\.allowedContentTypes: .*no duplicates/);
  });
  it("web: CloudFront everywhere but local, PriceClass_100, metrics in staging and prod, prod on its custom domain", () => {
    const byName = Object.fromEntries(loadEnvironments({ ...ENVIRONMENT_INPUTS, ...LOCAL_ENVIRONMENT_INPUTS }).map((e) => [e.name, e]));
    expect(byName.dev.web).toEqual({ cdn: true, priceClass: "PriceClass_100", logging: "none" });
    expect(byName.staging.web).toEqual({ cdn: true, priceClass: "PriceClass_100", logging: "metrics" });
    expect(byName.prod.web).toMatchObject({ cdn: true, logging: "metrics", domain: { names: ["app.example.com"] } });
    expect(byName.prod.web.domain?.certificateArn).toMatch(/^arn:aws:acm:us-east-1:/);
    expect(byName.local.web.cdn).toBe(false);
    for (const name of ["dev", "staging", "prod"]) expect(byName[name].auth.domainPrefix).toBe("login");
    expect(byName.local.auth.domainPrefix).toBeUndefined();
  });

  it("web: names a bad price class, WAF ARN, custom domain and certificate outside us-east-1", () => {
    const bad = clone(ENVIRONMENT_INPUTS.prod) as any;
    bad.web = {
      cdn: true,
      priceClass: "PriceClass_999",
      webAclArn: "arn:aws:wafv2:eu-west-1:333333333333:regional/webacl/x/0123",
      domain: { names: ["https://app.example.com"], certificateArn: "arn:aws:acm:eu-west-1:333333333333:certificate/8d1c1f8e-3b7a-4c1e-9f45-2b6a0d3e7c10" },
      logging: "everything",
    };
    let msg = "";
    try {
      loadEnvironment("prod", bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('web.priceClass: received "PriceClass_999"; expected one of "PriceClass_100", "PriceClass_200", "PriceClass_All"');
    expect(msg).toContain('web.webAclArn: received "arn:aws:wafv2:eu-west-1:333333333333:regional/webacl/x/0123"; expected a WAFv2 web ACL ARN of scope CLOUDFRONT');
    expect(msg).toContain('web.domain.names.0: received "https://app.example.com"; expected a lower-case host name');
    expect(msg).toContain('web.domain.certificateArn: received "arn:aws:acm:eu-west-1:');
    expect(msg).toContain("expected an ACM certificate ARN in us-east-1");
    expect(msg).toContain('web.logging: received "everything"; expected one of "none", "metrics"');
  });

  it("web: the CDN needs a hosted UI domain prefix (without aws/amazon/cognito), and a local environment has no CDN", () => {
    const noPrefix = clone(ENVIRONMENT_INPUTS.dev) as any;
    delete noPrefix.auth.domainPrefix;
    expect(() => loadEnvironment("dev", noPrefix)).toThrow(/auth\.domainPrefix: received undefined; expected a hosted UI domain prefix/);
    const reserved = clone(ENVIRONMENT_INPUTS.dev) as any;
    reserved.auth.domainPrefix = "cognito-login";
    expect(() => loadEnvironment("dev", reserved)).toThrow(/auth\.domainPrefix: received "cognito-login"; expected a prefix without "aws", "amazon" or "cognito"/);
    const localCdn = clone(LOCAL_ENVIRONMENT_INPUTS.local) as any;
    localCdn.web.cdn = true;
    localCdn.auth.domainPrefix = "login";
    expect(() => loadEnvironment("local", localCdn)).toThrow(/web\.cdn: received true; expected false \(no emulator serves CloudFront/);
  });

  it("loadProfile: the CloudFront load defaults to 0 when an environment leaves it out", () => {
    const old = clone(ENVIRONMENT_INPUTS.dev) as any;
    delete old.loadProfile.cdnRequestsPerMonth;
    delete old.loadProfile.cdnDataOutGbPerMonth;
    expect(loadEnvironment("dev", old).loadProfile).toMatchObject({ cdnRequestsPerMonth: 0, cdnDataOutGbPerMonth: 0 });
    expect(loadEnvironment("prod", ENVIRONMENT_INPUTS.prod).loadProfile.cdnRequestsPerMonth).toBeGreaterThan(ENVIRONMENT_INPUTS.prod.loadProfile.apiRequestsPerMonth);
  });
});
