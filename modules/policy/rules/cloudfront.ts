/** Policy rules of CloudFront distributions (PLT-CF-*). */
import { block, blocks, cacheBehaviors, HTTPS_VIEWER_POLICIES, isExpression, isS3OriginDomain, isSet, MODERN_CLOUDFRONT_TLS, refersTo, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const CLOUDFRONT_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-CF-001",
    severity: "error",
    title: "CloudFront serves viewers over HTTPS only",
    why: "Tokens and personal data must never cross the internet in clear text.",
    fix: 'Set viewer_protocol_policy to "redirect-to-https" or "https-only" on the default and every ordered cache behavior.',
    resourceTypes: ["aws_cloudfront_distribution"],
    check(r) {
      const behaviors = cacheBehaviors(r.config);
      return behaviors
        .filter(({ b }) => b !== undefined && !isExpression(b.viewer_protocol_policy) && !HTTPS_VIEWER_POLICIES.has(b.viewer_protocol_policy))
        .map(({ name, b }) => violation(`Distribution ${r.address}: ${name} has viewer_protocol_policy "${b?.viewer_protocol_policy}".`));
    },
  },
  {
    id: "PLT-CF-002",
    severity: "error",
    title: "CloudFront custom domains require TLS 1.2 (2021 policy or newer)",
    why: "Old TLS versions and ciphers allow downgrade attacks. (With the default *.cloudfront.net certificate AWS fixes the policy, so only custom certificates are checked.)",
    fix: `Set viewer_certificate.minimum_protocol_version to one of ${MODERN_CLOUDFRONT_TLS.join(", ")}.`,
    resourceTypes: ["aws_cloudfront_distribution"],
    check(r) {
      const vc = block(r.config.viewer_certificate);
      if (vc === undefined) return [violation(`Distribution ${r.address} has no viewer_certificate.`)];
      if (!isSet(vc.acm_certificate_arn) && !isSet(vc.iam_certificate_id)) return [];
      const min = vc.minimum_protocol_version;
      if (isExpression(min) || (MODERN_CLOUDFRONT_TLS as readonly string[]).includes(min)) return [];
      return [violation(`Distribution ${r.address} allows viewers TLS policy ${min ?? "TLSv1 (unset)"}.`)];
    },
  },
  {
    id: "PLT-CF-003",
    severity: "error",
    title: "CloudFront reads S3 origins through Origin Access Control",
    why: "Without OAC the bucket must be public (or use the legacy origin access identity, which cannot sign SSE-KMS reads or PUTs and is deprecated); with OAC the bucket stays private and its policy allows only this distribution.",
    fix: "Use the Cdn module, or create an aws_cloudfront_origin_access_control (origin type s3, signing always, sigv4) and set origin_access_control_id on every S3 origin (no s3_origin_config.origin_access_identity).",
    resourceTypes: ["aws_cloudfront_distribution"],
    check(r) {
      return blocks(r.config.origin)
        .filter((o) => isS3OriginDomain(o.domain_name))
        .filter((o) => !isSet(o.origin_access_control_id) || isSet(block(o.s3_origin_config)?.origin_access_identity))
        .map((o) =>
          violation(
            `Distribution ${r.address}: S3 origin "${o.origin_id}" is read without Origin Access Control${isSet(block(o.s3_origin_config)?.origin_access_identity) ? " (legacy origin access identity)" : ""}.`,
          ),
        );
    },
  },
  {
    id: "PLT-CF-004",
    severity: "error",
    title: "CloudFront cache behaviors attach a response headers policy",
    why: "The security headers (HSTS, Content-Security-Policy, X-Content-Type-Options, frame options, referrer policy) protect the web app's users from downgrade, injection and clickjacking; a behavior without the policy serves pages without them.",
    fix: "Use the Cdn module, or set response_headers_policy_id (a policy with security_headers_config) on the default and every ordered cache behavior.",
    resourceTypes: ["aws_cloudfront_distribution"],
    check(r) {
      const behaviors = cacheBehaviors(r.config);
      return behaviors
        .filter(({ b }) => b !== undefined && !isSet(b.response_headers_policy_id))
        .map(({ name }) => violation(`Distribution ${r.address}: ${name} has no response headers policy.`));
    },
  },
  {
    id: "PLT-CF-005",
    severity: "warning",
    title: "Production CloudFront distributions keep access logs or real-time metrics (production only)",
    why: "CloudFront's free metrics are totals; error rates by status code, origin latency and cache hit rate (additional metrics), or per-request logs, are what an incident on the web front end is diagnosed with.",
    fix: 'Set the environment\'s web.logging to "metrics" (Cdn logging), or add an aws_cloudfront_monitoring_subscription for the distribution, logging_config, or a realtime_log_config_arn on its behaviors.',
    resourceTypes: ["aws_cloudfront_distribution"],
    productionOnly: true,
    check(r, ctx) {
      if (isSet(block(r.config.logging_config)?.bucket)) return [];
      if (isSet(block(r.config.default_cache_behavior)?.realtime_log_config_arn)) return [];
      const subscribed = ctx
        .resources("aws_cloudfront_monitoring_subscription")
        .some(
          (m) =>
            refersTo(m.config.distribution_id, r, "id") &&
            block(block(m.config.monitoring_subscription)?.realtime_metrics_subscription_config)?.realtime_metrics_subscription_status === "Enabled",
        );
      return subscribed ? [] : [violation(`Distribution ${r.address} has neither access logs nor additional real-time metrics in production.`)];
    },
  },
];
