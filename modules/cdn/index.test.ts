import { Testing, TerraformOutput } from "cdktf";
import { AwsStack } from "../stack";
import { synthStack, warnings } from "../../test/support/synth";
import { plannedValues, validateAndPlanStack } from "../../test/support/terraform";
import { Bucket } from "../bucket";
import { HttpApi } from "../http-api";
import { Key } from "../kms-key";
import { API_PATH_PREFIX, Cdn, CdnProps, MANAGED_CACHE_POLICY, MANAGED_ORIGIN_REQUEST_POLICY } from "./index";
import { HSTS_MAX_AGE_SECONDS } from "./security-headers";

const ACCOUNT = "123456789012";
const CERT = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0f5b5d0e-1c4e-4b1a-9a52-3f8c8c2b1a11`;
const WEB_ACL = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/site/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`.replace("EXAMPLE11111", "0123456789ab");

/** A site bucket, an HTTP API and a Cdn over them with `extra` props. */
function synthCdn(extra: Partial<CdnProps> = {}, withApi = true) {
  let cdn!: Cdn;
  const out = synthStack((s) => {
    const site = new Bucket(s, "Site", { name: "site" });
    const api = withApi ? new HttpApi(s, "Api", { name: "api" }) : undefined;
    cdn = new Cdn(s, "Web", { name: "web", siteBucket: site, api, ...extra });
  });
  const dist = out.only("aws_cloudfront_distribution");
  return { out, dist, cdn };
}

describe("Cdn defaults", () => {
  it("serves index.html as root over HTTP/2 and 3 and IPv6, PriceClass_100, no WAF, no custom error responses", () => {
    const { dist } = synthCdn();
    expect(dist).toMatchObject({ enabled: true, default_root_object: "index.html", http_version: "http2and3", is_ipv6_enabled: true, price_class: "PriceClass_100" });
    expect(dist.web_acl_id).toBeUndefined();
    expect(dist.aliases).toBeUndefined();
    // distribution-wide error responses would rewrite the API's 403/404: the SPA fallback is a function instead
    expect(dist.custom_error_response).toBeUndefined();
  });

  it("redirects every behaviour to HTTPS; with the default certificate CloudFront fixes the TLS minimum", () => {
    const { dist } = synthCdn();
    expect(dist.default_cache_behavior.viewer_protocol_policy).toBe("redirect-to-https");
    for (const b of dist.ordered_cache_behavior) expect(b.viewer_protocol_policy).toBe("redirect-to-https");
    expect(dist.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
  });

  it("reads the site bucket through an Origin Access Control that always signs with SigV4", () => {
    const { out, dist } = synthCdn();
    expect(out.only("aws_cloudfront_origin_access_control")).toMatchObject({
      name: "test-dev-web",
      origin_access_control_origin_type: "s3",
      signing_behavior: "always",
      signing_protocol: "sigv4",
    });
    const site = dist.origin.find((o: any) => o.origin_id === "site");
    expect(site.domain_name).toBe(out.ref("aws_s3_bucket", "bucket_regional_domain_name"));
    expect(site.origin_access_control_id).toBe(out.ref("aws_cloudfront_origin_access_control", "id"));
    expect(site.s3_origin_config).toBeUndefined();
    expect(site.custom_origin_config).toBeUndefined();
  });

  it("lets only this distribution read the site bucket (GetObject on objects, ListBucket on the bucket), and keeps it private", () => {
    const { out } = synthCdn();
    const arn = out.ref("aws_s3_bucket", "arn");
    const distArn = out.ref("aws_cloudfront_distribution", "arn");
    const policy = out.policies().find((p) => p.address.startsWith("aws_s3_bucket_policy"))!.document;
    const cf = policy.Statement.filter((s: any) => s.Principal?.Service === "cloudfront.amazonaws.com");
    expect(cf).toEqual([
      {
        Sid: "CloudFrontReadObjects",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${arn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distArn } },
      },
      {
        Sid: "CloudFrontListBucket",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:ListBucket",
        Resource: arn,
        Condition: { StringEquals: { "AWS:SourceArn": distArn } },
      },
    ]);
    // no other Allow, and nothing for principal "*"
    expect(policy.Statement.filter((s: any) => s.Effect === "Allow")).toHaveLength(2);
    expect(policy.Statement.filter((s: any) => s.Principal === "*").map((s: any) => s.Effect)).toEqual(["Deny"]);
    expect(out.only("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    // one policy per bucket (S3 allows one)
    expect(Object.keys(out.resources("aws_s3_bucket_policy"))).toHaveLength(1);
  });

  it("caches the site with CachingOptimized, compressed, GET/HEAD only, with the SPA fallback function on viewer-request", () => {
    const { out, dist } = synthCdn();
    const d = dist.default_cache_behavior;
    expect(d).toMatchObject({
      target_origin_id: "site",
      allowed_methods: ["GET", "HEAD"],
      cached_methods: ["GET", "HEAD"],
      compress: true,
      cache_policy_id: MANAGED_CACHE_POLICY.CachingOptimized,
    });
    expect(d.origin_request_policy_id).toBeUndefined();
    const fns = out.resources("aws_cloudfront_function");
    const spaKey = Object.keys(fns).find((k) => fns[k].name === "test-dev-web-spa-fallback")!;
    expect(d.function_association).toEqual([{ event_type: "viewer-request", function_arn: `\${aws_cloudfront_function.${spaKey}.arn}` }]);
    expect(fns[spaKey]).toMatchObject({ runtime: "cloudfront-js-2.0", publish: true });
    expect(fns[spaKey].code).toMatch(/^function handler\(event\)/m);
  });

  it("routes /api/* to the HTTP API: no cache, all viewer headers but Host, every method, HTTPS-only TLS 1.2 origin, /api stripped", () => {
    const { out, dist } = synthCdn();
    expect(dist.ordered_cache_behavior).toHaveLength(1);
    const b = dist.ordered_cache_behavior[0];
    expect(b).toMatchObject({
      path_pattern: `${API_PATH_PREFIX}/*`,
      target_origin_id: "api",
      cache_policy_id: MANAGED_CACHE_POLICY.CachingDisabled,
      origin_request_policy_id: MANAGED_ORIGIN_REQUEST_POLICY.AllViewerExceptHostHeader,
      response_headers_policy_id: out.ref("aws_cloudfront_response_headers_policy", "id"),
    });
    expect(MANAGED_CACHE_POLICY.CachingDisabled).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    expect(MANAGED_ORIGIN_REQUEST_POLICY.AllViewerExceptHostHeader).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac");
    expect([...b.allowed_methods].sort()).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);
    const fns = out.resources("aws_cloudfront_function");
    const apiKey = Object.keys(fns).find((k) => fns[k].name === "test-dev-web-api-prefix")!;
    expect(b.function_association).toEqual([{ event_type: "viewer-request", function_arn: `\${aws_cloudfront_function.${apiKey}.arn}` }]);
    const api = dist.origin.find((o: any) => o.origin_id === "api");
    expect(api.domain_name).toContain("aws_apigatewayv2_api.");
    expect(api.domain_name).toContain("api_endpoint");
    expect(api.custom_origin_config).toEqual({ http_port: 80, https_port: 443, origin_protocol_policy: "https-only", origin_ssl_protocols: ["TLSv1.2"] });
  });

  it("has no API behaviour, origin or function without an API", () => {
    const { out, dist } = synthCdn({}, false);
    expect(dist.ordered_cache_behavior).toBeUndefined();
    expect(dist.origin).toHaveLength(1);
    expect(Object.values(out.resources("aws_cloudfront_function")).map((f: any) => f.name)).toEqual(["test-dev-web-spa-fallback"]);
  });

  it("attaches security headers (HSTS ≥ 1 year with subdomains and preload, CSP, nosniff, DENY, referrer policy) to every behaviour, overriding the origin", () => {
    const { out, dist } = synthCdn({
      contentSecurityPolicy: { connectSrc: ["https://login.example.com"], imgSrc: ["https://files.example.com"], formAction: ["https://login.example.com"] },
    });
    const policy = out.only("aws_cloudfront_response_headers_policy");
    const h = policy.security_headers_config;
    expect(h.strict_transport_security).toEqual({ access_control_max_age_sec: HSTS_MAX_AGE_SECONDS, include_subdomains: true, preload: true, override: true });
    expect(HSTS_MAX_AGE_SECONDS).toBeGreaterThanOrEqual(31536000);
    expect(h.content_type_options).toEqual({ override: true });
    expect(h.frame_options).toEqual({ frame_option: "DENY", override: true });
    expect(h.referrer_policy).toEqual({ referrer_policy: "strict-origin-when-cross-origin", override: true });
    expect(h.content_security_policy.override).toBe(true);
    expect(h.content_security_policy.content_security_policy).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://files.example.com; connect-src 'self' https://login.example.com; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self' https://login.example.com; object-src 'none'",
    );
    const id = out.ref("aws_cloudfront_response_headers_policy", "id");
    expect(dist.default_cache_behavior.response_headers_policy_id).toBe(id);
    expect(dist.ordered_cache_behavior[0].response_headers_policy_id).toBe(id);
  });

  it("turns on CloudFront's additional real-time metrics by default, and not with logging none", () => {
    const { out } = synthCdn();
    expect(out.only("aws_cloudfront_monitoring_subscription")).toEqual({
      distribution_id: out.ref("aws_cloudfront_distribution", "id"),
      monitoring_subscription: { realtime_metrics_subscription_config: { realtime_metrics_subscription_status: "Enabled" } },
    });
    expect(synthCdn({ logging: "none" }).out.resources("aws_cloudfront_monitoring_subscription")).toEqual({});
  });

  it("exposes its identifiers: id, ARN, the *.cloudfront.net domain and https URL", () => {
    const out = synthStack((s) => {
      const cdn = new Cdn(s, "Web", { name: "web", siteBucket: new Bucket(s, "Site", { name: "site" }) });
      new TerraformOutput(s, "id", { value: cdn.distributionId });
      new TerraformOutput(s, "arn", { value: cdn.arn });
      new TerraformOutput(s, "domain", { value: cdn.domainName });
      new TerraformOutput(s, "url", { value: cdn.url });
    });
    const ref = (attr: string) => out.ref("aws_cloudfront_distribution", attr);
    expect(out.json.output.id.value).toBe(ref("id"));
    expect(out.json.output.arn.value).toBe(ref("arn"));
    expect(out.json.output.domain.value).toBe(ref("domain_name"));
    expect(out.json.output.url.value).toBe(`https://${ref("domain_name")}`);
  });
});

describe("Cdn options", () => {
  it("with a custom domain: aliases, the us-east-1 certificate, SNI and TLSv1.2_2021; domainName and url are the first alias", () => {
    const { dist, cdn } = synthCdn({ domain: { names: ["app.example.com", "www.example.com"], certificateArn: CERT } });
    expect(dist.aliases).toEqual(["app.example.com", "www.example.com"]);
    expect(dist.viewer_certificate).toEqual({ acm_certificate_arn: CERT, ssl_support_method: "sni-only", minimum_protocol_version: "TLSv1.2_2021" });
    expect(cdn.domainName).toBe("app.example.com");
    expect(cdn.url).toBe("https://app.example.com");
  });

  it("takes the price class and the WAF web ACL", () => {
    const { dist } = synthCdn({ priceClass: "PriceClass_All", webAclArn: WEB_ACL });
    expect(dist.price_class).toBe("PriceClass_All");
    expect(dist.web_acl_id).toBe(WEB_ACL);
  });

  it("warns when the site bucket is imported (its policy is not managed here)", () => {
    let cdn!: Cdn;
    synthStack((s) => {
      cdn = new Cdn(s, "Web", { name: "web", siteBucket: Bucket.fromAttributes(s, "Site", { bucketName: "their-site", region: "eu-west-1" }) });
    });
    expect(warnings(cdn).join("\n")).toMatch(/imported, so its policy is not managed here.*Fix: its owner must allow cloudfront\.amazonaws\.com s3:GetObject/);
  });

  it("warns when the site bucket uses a customer-managed key (CloudFront needs kms:Decrypt in the key policy)", () => {
    let cdn!: Cdn;
    synthStack((s) => {
      const key = new Key(s, "Key", { name: "site", accountId: ACCOUNT });
      cdn = new Cdn(s, "Web", { name: "web", siteBucket: new Bucket(s, "Site", { name: "site", encryptionKey: key }) });
    });
    expect(warnings(cdn).join("\n")).toMatch(/customer-managed KMS key.*kms:Decrypt/);
  });

  it("imports a distribution by attributes, with the ARN from the stack's account", () => {
    synthStack((s) => {
      const imported = Cdn.fromAttributes(s, "Existing", {
        distributionId: "E2QWRUHAPOMQZL",
        domainName: "d111111abcdef8.cloudfront.net",
        arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E2QWRUHAPOMQZL`,
      });
      expect(imported).toMatchObject({
        distributionId: "E2QWRUHAPOMQZL",
        url: "https://d111111abcdef8.cloudfront.net",
        arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E2QWRUHAPOMQZL`,
      });
      new TerraformOutput(s, "u", { value: imported.url });
    });
    expect(() => synthStack((s) => Cdn.fromAttributes(s, "Existing", { distributionId: "E2QWRUHAPOMQZL", domainName: "d1.cloudfront.net" }))).toThrow(
      /ARN cannot be derived.*Fix: pass arn/,
    );
    expect(() => synthStack((s) => Cdn.fromAttributes(s, "Bad", { distributionId: "nope", domainName: "https://x", arn: "arn:aws:cloudfront::1:distribution/x" }))).toThrow(
      /distributionId[\s\S]*domainName/,
    );
  });
});

describe("Cdn validation", () => {
  const build = (props: Partial<CdnProps>) => () => synthCdn(props);

  it.each<[string, Partial<CdnProps>, RegExp]>([
    ["name", { name: "web site!" }, /name: received "web site!".*Fix: use a short kebab-case name/],
    ["priceClass", { priceClass: "PriceClass_300" as never }, /priceClass: received "PriceClass_300".*Fix: pick PriceClass_100/],
    ["logging", { logging: "access-logs" as never }, /logging: received "access-logs".*Fix: pick "metrics"/],
    ["webAclArn", { webAclArn: `arn:aws:wafv2:eu-west-1:${ACCOUNT}:regional/webacl/site/0123` }, /webAclArn: received .*Fix: create the web ACL with scope CLOUDFRONT/],
    [
      "domain.certificateArn in another region",
      { domain: { names: ["app.example.com"], certificateArn: CERT.replace("us-east-1", "eu-west-1") } },
      /domain\.certificateArn: .*Fix: CloudFront reads certificates from us-east-1 only/,
    ],
    ["domain.certificateArn missing", { domain: { names: ["app.example.com"], certificateArn: "" } }, /domain\.certificateArn: .*Fix: a custom domain needs a certificate/],
    ["domain.names empty", { domain: { names: [], certificateArn: CERT } }, /domain\.names: received \[\].*1–100 host names/],
    ["domain.names with a scheme", { domain: { names: ["https://app.example.com"], certificateArn: CERT } }, /domain\.names\[0\]: .*Fix: write the bare host/],
    ["domain.names duplicated", { domain: { names: ["a.example.com", "a.example.com"], certificateArn: CERT } }, /domain\.names: .*no duplicates/],
    [
      "CSP source with a path",
      { contentSecurityPolicy: { connectSrc: ["https://login.example.com/oauth2"], imgSrc: [] } },
      /contentSecurityPolicy\.connectSrc\[0\]: .*Fix: pass the origin only/,
    ],
    ["comment", { comment: "x".repeat(129) }, /comment: received .*Fix: shorten the comment/],
    ["CSP source over http", { contentSecurityPolicy: { connectSrc: [], imgSrc: ["http://files.example.com"] } }, /contentSecurityPolicy\.imgSrc\[0\]/],
  ])("refuses %s, naming the module, prop and fix", (_what, props, message) => {
    expect(build(props)).toThrow(/^Cdn "test\/Web": invalid props/);
    expect(build(props)).toThrow(message);
  });

  it("collects every problem before throwing once", () => {
    expect(build({ name: "x y", priceClass: "nope" as never, webAclArn: "arn:nope" })).toThrow(/\(3 problems\)/);
  });

  it("skips tokens (a certificate ARN or CSP origin known only at apply)", () => {
    expect(() =>
      synthStack((s) => {
        const files = new Bucket(s, "Files", { name: "files" });
        new Cdn(s, "Web", {
          name: "web",
          siteBucket: new Bucket(s, "Site", { name: "site" }),
          domain: { names: ["app.example.com"], certificateArn: files.arn },
          contentSecurityPolicy: { connectSrc: [`https://${files.regionalDomainName}`], imgSrc: [`https://${files.regionalDomainName}`] },
        });
      }),
    ).not.toThrow();
  });
});

describe("Cdn in Terraform", () => {
  it("is valid Terraform: init + validate + offline plan of a distribution with a custom domain, WAF, API, OAC, functions and headers policy", async () => {
    const app = Testing.app();
    const stack = new AwsStack(app, "cdn-tf", { app: "test", env: "dev", region: "eu-west-1", allowedAccountIds: [ACCOUNT], tags: {}, offline: true });
    const site = new Bucket(stack, "Site", { name: "site" });
    const files = new Bucket(stack, "Files", { name: "files" });
    const api = new HttpApi(stack, "Api", { name: "api" });
    new Cdn(stack, "Web", {
      name: "web",
      siteBucket: site,
      api,
      priceClass: "PriceClass_200",
      webAclArn: WEB_ACL,
      domain: { names: ["app.example.com"], certificateArn: CERT },
      contentSecurityPolicy: { connectSrc: [`https://${files.regionalDomainName}`], imgSrc: [`https://${files.regionalDomainName}`] },
    });
    const result = await validateAndPlanStack(stack);
    expect(result.validate.diagnostics).toEqual([]);
    expect(result.validate.valid).toBe(true);
    const types = (result.plan.resource_changes as any[]).map((rc) => rc.type);
    expect(types.filter((t) => t.startsWith("aws_cloudfront")).sort()).toEqual([
      "aws_cloudfront_distribution",
      "aws_cloudfront_function",
      "aws_cloudfront_function",
      "aws_cloudfront_monitoring_subscription",
      "aws_cloudfront_origin_access_control",
      "aws_cloudfront_response_headers_policy",
    ]);
    const dist = plannedValues(result.plan, "aws_cloudfront_distribution")[0];
    expect(dist.viewer_certificate[0]).toMatchObject({ minimum_protocol_version: "TLSv1.2_2021", ssl_support_method: "sni-only" });
    expect(dist.default_cache_behavior[0].viewer_protocol_policy).toBe("redirect-to-https");
  });
});
