import { Annotations } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudfrontMonitoringSubscription } from "@cdktf/provider-aws/lib/cloudfront-monitoring-subscription";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { Naming, physicalName } from "../core/naming";
import { PropsValidator } from "../core/validation";
import type { IBucket } from "../bucket";
import type { IHttpApi } from "../http-api";
import { viewerRequestFunctionSource } from "./functions";
import { CLOUDFRONT_PRINCIPAL, SITE_LIST_ACTIONS, SITE_OBJECT_READ_ACTIONS } from "./perms";
import { contentSecurityPolicy, ContentSecurityPolicyProps, FRAME_OPTIONS, HSTS_MAX_AGE_SECONDS, REFERRER_POLICY } from "./security-headers";
import { CDN_LOGGING, PRICE_CLASSES, validateCdnProps } from "./validate-props";

export { loadViewerRequestFunction, requestPathWithQuery, viewerRequestEvent, viewerRequestFunctionSource } from "./functions";
export type { CloudFrontFunctionEvent, CloudFrontFunctionRequest, CloudFrontFunctionValue, ViewerRequestFunctionName } from "./functions";
export { contentSecurityPolicy, securityHeaders, HSTS_MAX_AGE_SECONDS, REFERRER_POLICY, FRAME_OPTIONS } from "./security-headers";
export type { ContentSecurityPolicyProps, SecurityHeadersProps } from "./security-headers";
export { PRICE_CLASSES, CDN_LOGGING } from "./validate-props";

/** AWS-managed cache policies (ids are the same in every account). */
export const MANAGED_CACHE_POLICY = {
  /** Caches by path only (no headers, cookies or query strings in the key); honours the origin's Cache-Control, 1 s – 1 year. */
  CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /** Never caches (min/default/max TTL 0). */
  CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
} as const;

/** AWS-managed origin request policies. */
export const MANAGED_ORIGIN_REQUEST_POLICY = {
  /**
   * Every viewer header (Authorization included: CloudFront forwards it with an AllViewer policy when caching is off),
   * cookie and query string, but not Host: API Gateway routes by its own host name.
   */
  AllViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

/** The path prefix routed to the API: `/api/*` on CloudFront, with `/api` stripped by the api-prefix function. */
export const API_PATH_PREFIX = "/api";

export type CdnPriceClass = (typeof PRICE_CLASSES)[number];
export type CdnLogging = (typeof CDN_LOGGING)[number];

/** A custom domain: the names viewers use and the certificate that covers them. */
export interface CdnDomain {
  /** Alternate domain names (CNAMEs), 1–100 lower-case hosts (a leading `*.` allowed); point DNS at `distributionDomainName`. */
  readonly names: readonly string[];
  /** An issued ACM certificate in **us-east-1** (CloudFront reads no other region) covering every name. */
  readonly certificateArn: string;
}

/** A CloudFront distribution, created by the `cdn` module or imported. */
export interface ICdn extends IConstruct {
  readonly distributionId: string;
  /** `arn:aws:cloudfront::<account>:distribution/<id>`. */
  readonly arn: string;
  /** The host viewers use: the first custom domain name, else `<id>.cloudfront.net`. */
  readonly domainName: string;
  /** `https://<domainName>` (no trailing slash): the web app's origin. */
  readonly url: string;
}

/** Attributes of `Cdn.fromAttributes`. */
export interface CdnAttributes {
  readonly distributionId: string;
  /** The host viewers use (`<id>.cloudfront.net` or a custom domain). */
  readonly domainName: string;
  /** The distribution ARN. @default `arn:aws:cloudfront::<account>:distribution/<distributionId>` with the stack's naming account */
  readonly arn?: string;
}

export interface CdnProps {
  /** Logical name, 1–40 chars of [a-zA-Z0-9-]; names the OAC, the functions and the headers policy `<app>-<env>-<name>-…`. */
  readonly name: string;
  /**
   * The private bucket holding the site (index.html at the root). The distribution reads it through Origin Access
   * Control (SigV4); this module adds the bucket-policy statements that allow exactly this distribution
   * (`AWS:SourceArn`) s3:GetObject on its objects and s3:ListBucket (a missing key is a 404, not a 403). An imported
   * bucket's policy is not managed here: synth warns and its owner must add them.
   */
  readonly siteBucket: IBucket;
  /**
   * The HTTP API served same-origin under `/api/*`: no caching, every viewer header but Host forwarded, every method,
   * HTTPS (TLS 1.2) to the origin, `/api` stripped before the request reaches the API (`/api/profiles/me` →
   * `/profiles/me`). @default no API behaviour
   */
  readonly api?: IHttpApi;
  /**
   * Edge locations used: PriceClass_100 (North America, Europe, Israel: cheapest), PriceClass_200 (adds most of
   * Asia, Middle East, Africa), PriceClass_All. @default "PriceClass_100"
   */
  readonly priceClass?: CdnPriceClass;
  /** A WAFv2 web ACL of scope CLOUDFRONT (us-east-1) to attach. @default none */
  readonly webAclArn?: string;
  /**
   * Custom domain and ACM certificate (us-east-1). With it viewers need TLS 1.2+ (TLSv1.2_2021, SNI); without it the
   * distribution uses the `*.cloudfront.net` certificate, whose minimum CloudFront fixes at TLSv1 (not configurable).
   * @default none (`<id>.cloudfront.net`)
   */
  readonly domain?: CdnDomain;
  /**
   * Origins the Content-Security-Policy allows besides `'self'` (the API is same-origin under `/api`).
   * @default none: `'self'` only (images also `data:`)
   */
  readonly contentSecurityPolicy?: ContentSecurityPolicyProps;
  /**
   * Observability: "metrics" turns on CloudFront's additional real-time metrics (cache hit rate, origin latency,
   * error rates by status: billed as 8 CloudWatch custom metrics, about $2.40/month per distribution); "none" keeps the
   * free default metrics only. Standard access logs (v1) need an ACL-enabled bucket, which the `bucket` module refuses
   * (BucketOwnerEnforced), so they are not offered. @default "metrics"
   */
  readonly logging?: CdnLogging;
  /** Distribution comment (≤ 128 chars). @default the physical name */
  readonly comment?: string;
}

const SITE_ORIGIN_ID = "site";
const API_ORIGIN_ID = "api";
const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];

class ImportedCdn extends Construct implements ICdn {
  public readonly distributionId: string;
  public readonly arn: string;
  public readonly domainName: string;
  public readonly url: string;
  constructor(scope: Construct, id: string, attrs: CdnAttributes) {
    super(scope, id);
    const importer = `Cdn.fromAttributes("${id}")`;
    new PropsValidator(importer, this.node.path)
      .string("distributionId", attrs.distributionId, { pattern: /^[A-Z0-9]{10,20}$/, describe: "a distribution id such as E2QWRUHAPOMQZL" })
      .string("domainName", attrs.domainName, { pattern: /^[a-z0-9.-]+$/, describe: "a host name without scheme, e.g. d111111abcdef8.cloudfront.net" })
      .throwIfInvalid();
    const account = Naming.accountOf(this);
    if (attrs.arn === undefined && account === undefined) {
      throw new Error(`${importer}: the distribution ARN cannot be derived (the stack's naming context has no account). Fix: pass arn.`);
    }
    this.distributionId = attrs.distributionId;
    this.arn = attrs.arn ?? `arn:aws:cloudfront::${account}:distribution/${attrs.distributionId}`;
    this.domainName = attrs.domainName;
    this.url = `https://${attrs.domainName}`;
  }
}

/**
 * A CloudFront distribution for a single-page app and its API, same origin:
 * - default behaviour: the private site bucket through Origin Access Control (SigV4 always), `index.html` as root,
 *   cached by CachingOptimized (the objects' Cache-Control decides), compressed, and an SPA fallback done by a
 *   viewer-request CloudFront Function (extension-less paths → `/index.html`) instead of custom error responses,
 *   which are distribution-wide and would turn the API's 403/404 into HTML with 200;
 * - `/api/*`: the HTTP API, caching off, every viewer header but Host forwarded, all methods, HTTPS only to the
 *   origin, `/api` stripped by a second function;
 * - viewers: redirect to HTTPS everywhere, HTTP/2 and HTTP/3, IPv6, TLS 1.2+ with a custom domain;
 * - a response headers policy on every behaviour: HSTS (2 years, subdomains, preload), CSP, nosniff, frame DENY,
 *   strict-origin-when-cross-origin;
 * - price class, WAF web ACL and real-time metrics from props.
 */
export class Cdn extends Construct implements ICdn {
  /** Imports an existing distribution (to wire its URL or ARN). */
  public static fromAttributes(scope: Construct, id: string, attrs: CdnAttributes): ICdn {
    return new ImportedCdn(scope, id, attrs);
  }

  public readonly distributionId: string;
  public readonly arn: string;
  public readonly domainName: string;
  /** `<id>.cloudfront.net`: where DNS records of a custom domain point (alias / CNAME). */
  public readonly distributionDomainName: string;
  /** Route 53 hosted zone id of every CloudFront distribution (for alias records). */
  public readonly hostedZoneId: string;
  public readonly url: string;
  public readonly resource: CloudfrontDistribution;
  public readonly originAccessControl: CloudfrontOriginAccessControl;
  public readonly responseHeadersPolicy: CloudfrontResponseHeadersPolicy;
  /** The SPA fallback on the default behaviour (viewer-request). */
  public readonly spaFunction: CloudfrontFunction;
  /** The `/api` prefix stripper on `/api/*`; undefined without an API. */
  public readonly apiFunction?: CloudfrontFunction;
  public readonly monitoring?: CloudfrontMonitoringSubscription;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    validateCdnProps(this.node.path, props);
    const base = physicalName(this, props.name, { maxLength: 64 });

    this.originAccessControl = new CloudfrontOriginAccessControl(this, "OriginAccessControl", {
      name: base,
      description: `CloudFront → S3 ${props.name} site bucket (SigV4)`,
      originAccessControlOriginType: "s3",
      // "always": every origin request is signed, even one carrying its own Authorization header.
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    this.spaFunction = new CloudfrontFunction(this, "SpaFallback", {
      name: physicalName(this, `${props.name}-spa-fallback`, { maxLength: 64 }),
      runtime: "cloudfront-js-2.0",
      comment: "SPA fallback: extension-less paths (not /api) → /index.html",
      code: viewerRequestFunctionSource("spa-fallback"),
      publish: true,
    });
    if (props.api) {
      this.apiFunction = new CloudfrontFunction(this, "ApiPrefix", {
        name: physicalName(this, `${props.name}-api-prefix`, { maxLength: 64 }),
        runtime: "cloudfront-js-2.0",
        comment: "Strips /api before the request reaches the HTTP API",
        code: viewerRequestFunctionSource("api-prefix"),
        publish: true,
      });
    }

    // Override on: the origin's own value never weakens these (an API response setting its own CSP, for instance).
    this.responseHeadersPolicy = new CloudfrontResponseHeadersPolicy(this, "SecurityHeaders", {
      name: physicalName(this, `${props.name}-security-headers`, { maxLength: 128 }),
      comment: "HSTS, CSP, nosniff, frame DENY, referrer policy",
      securityHeadersConfig: {
        strictTransportSecurity: { accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, includeSubdomains: true, preload: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.contentSecurityPolicy ?? { connectSrc: [], imgSrc: [] }),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: FRAME_OPTIONS, override: true },
        referrerPolicy: { referrerPolicy: REFERRER_POLICY, override: true },
      },
    });

    const domain = props.domain;
    const origins = [
      {
        originId: SITE_ORIGIN_ID,
        domainName: props.siteBucket.regionalDomainName,
        originAccessControlId: this.originAccessControl.id,
      },
      ...(props.api
        ? [
            {
              originId: API_ORIGIN_ID,
              domainName: props.api.endpointHost,
              customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
            },
          ]
        : []),
    ];

    this.resource = new CloudfrontDistribution(this, "Distribution", {
      enabled: true,
      comment: props.comment ?? base,
      defaultRootObject: "index.html",
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: props.priceClass ?? "PriceClass_100",
      webAclId: props.webAclArn,
      aliases: domain ? [...domain.names] : undefined,
      origin: origins,
      defaultCacheBehavior: {
        targetOriginId: SITE_ORIGIN_ID,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        // index.html and config.json carry `no-cache` (served fresh after a deploy; CachingOptimized's 1 s minimum at the
        // edge), hashed assets a year's `immutable`.
        cachePolicyId: MANAGED_CACHE_POLICY.CachingOptimized,
        responseHeadersPolicyId: this.responseHeadersPolicy.id,
        functionAssociation: [{ eventType: "viewer-request", functionArn: this.spaFunction.arn }],
      },
      orderedCacheBehavior:
        props.api && this.apiFunction
          ? [
              {
                pathPattern: `${API_PATH_PREFIX}/*`,
                targetOriginId: API_ORIGIN_ID,
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: ALL_METHODS,
                cachedMethods: ["GET", "HEAD"],
                compress: true,
                cachePolicyId: MANAGED_CACHE_POLICY.CachingDisabled,
                originRequestPolicyId: MANAGED_ORIGIN_REQUEST_POLICY.AllViewerExceptHostHeader,
                responseHeadersPolicyId: this.responseHeadersPolicy.id,
                functionAssociation: [{ eventType: "viewer-request", functionArn: this.apiFunction.arn }],
              },
            ]
          : undefined,
      // No custom_error_response: it is distribution-wide and would rewrite the API's 403/404 too (see spaFunction).
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: domain
        ? { acmCertificateArn: domain.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
        : // The default *.cloudfront.net certificate: CloudFront sets the minimum protocol to TLSv1 and ignores any other value.
          { cloudfrontDefaultCertificate: true },
    });
    this.distributionId = this.resource.id;
    this.arn = this.resource.arn;
    this.distributionDomainName = this.resource.domainName;
    this.hostedZoneId = this.resource.hostedZoneId;
    this.domainName = domain ? domain.names[0] : this.resource.domainName;
    this.url = `https://${this.domainName}`;

    // The bucket's one policy gets the distribution's read access (S3 allows a single policy per bucket).
    const onlyThisDistribution = { StringEquals: { "AWS:SourceArn": this.arn } };
    const managed = props.siteBucket.addToResourcePolicy({
      sid: "CloudFrontReadObjects",
      principals: { Service: CLOUDFRONT_PRINCIPAL },
      actions: [...SITE_OBJECT_READ_ACTIONS],
      resources: ["objects"],
      conditions: onlyThisDistribution,
    });
    props.siteBucket.addToResourcePolicy({
      sid: "CloudFrontListBucket",
      principals: { Service: CLOUDFRONT_PRINCIPAL },
      actions: [...SITE_LIST_ACTIONS],
      resources: ["bucket"],
      conditions: onlyThisDistribution,
    });
    if (!managed) {
      Annotations.of(this).addWarning(
        `Cdn "${this.node.path}": site bucket "${props.siteBucket.node.path}" is imported, so its policy is not managed here. ` +
          `Fix: its owner must allow ${CLOUDFRONT_PRINCIPAL} s3:GetObject on ${props.siteBucket.arn}/* and s3:ListBucket on the bucket, ` +
          `with condition AWS:SourceArn = this distribution's ARN, or every request gets 403.`,
      );
    }
    if (props.siteBucket.encryptionKey) {
      Annotations.of(this).addWarning(
        `Cdn "${this.node.path}": site bucket "${props.siteBucket.node.path}" uses a customer-managed KMS key; CloudFront (OAC) can only read it if the key policy allows ${CLOUDFRONT_PRINCIPAL} kms:Decrypt for this distribution. ` +
          `Fix: use SSE-S3 for public site files (they are served to everyone anyway), or add that key-policy statement.`,
      );
    }

    if ((props.logging ?? "metrics") === "metrics") {
      this.monitoring = new CloudfrontMonitoringSubscription(this, "Metrics", {
        distributionId: this.distributionId,
        monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: "Enabled" } },
      });
    }
  }
}
