import { PropsValidator } from "../core/validation";
import type { CdnProps } from "./index";

export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export const CDN_LOGGING = ["none", "metrics"] as const;

const NAME = /^[a-zA-Z0-9-]+$/;
/** A host name, or a wildcard one (`*.example.com`), as CloudFront accepts for an alternate domain name. */
const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** An ACM certificate in us-east-1: the only region CloudFront reads certificates from. */
const CERT_US_EAST_1 = /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const CERT_ANY_REGION = /^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** A WAFv2 web ACL of scope CLOUDFRONT (always in us-east-1, path `global/webacl/...`). */
const WEB_ACL = /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[A-Za-z0-9_-]{1,128}\/[0-9a-f-]{36}$/;
/** A CSP source the module accepts besides `'self'`: an https origin (or a localhost http one), `data:`, `blob:`. */
const CSP_SOURCE = /^(https:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?|data:|blob:)$/;

export function validateCdnProps(path: string, props: CdnProps): void {
  const v = new PropsValidator("Cdn", path);
  v.string("name", props.name, { min: 1, max: 40, pattern: NAME, describe: "1–40 characters of [a-zA-Z0-9-]", fix: 'use a short kebab-case name such as "web"' });
  v.string("comment", props.comment, { max: 128, describe: "at most 128 characters", fix: "shorten the comment" });
  v.oneOf("priceClass", props.priceClass, PRICE_CLASSES, "pick PriceClass_100 (North America, Europe), PriceClass_200 or PriceClass_All");
  v.oneOf("logging", props.logging, CDN_LOGGING, 'pick "metrics" (CloudFront\'s additional real-time metrics) or "none"');
  v.string("webAclArn", props.webAclArn, {
    pattern: WEB_ACL,
    describe: "a WAFv2 web ACL ARN of scope CLOUDFRONT: arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>",
    fix: "create the web ACL with scope CLOUDFRONT (in us-east-1) and pass its ARN, or leave webAclArn unset",
  });
  const domain = props.domain;
  if (domain) {
    const names = domain.names ?? [];
    if (!PropsValidator.isUnresolved(names)) {
      v.check(names.length >= 1 && names.length <= 100, {
        prop: "domain.names",
        received: names,
        allowed: "1–100 host names",
        fix: 'list the site\'s host names, e.g. ["app.example.com"], or leave domain unset for the *.cloudfront.net name',
      });
      names.forEach((n, i) =>
        v.string(`domain.names[${i}]`, n, {
          pattern: HOST,
          max: 253,
          describe: "a lower-case host name (a leading *. wildcard allowed), no scheme or path",
          fix: 'write the bare host, e.g. "app.example.com"',
        }),
      );
      v.check(new Set(names).size === names.length, { prop: "domain.names", received: names, allowed: "no duplicates", fix: "list each host name once" });
    }
    const cert = domain.certificateArn;
    if (cert === undefined || cert === "") {
      v.add({
        prop: "domain.certificateArn",
        received: cert,
        allowed: "an ACM certificate ARN in us-east-1",
        fix: "a custom domain needs a certificate: pass its ARN (us-east-1)",
      });
    } else if (!PropsValidator.isUnresolved(cert)) {
      const otherRegion = CERT_ANY_REGION.test(cert) && !CERT_US_EAST_1.test(cert);
      v.check(CERT_US_EAST_1.test(cert), {
        prop: "domain.certificateArn",
        received: cert,
        allowed: "an ACM certificate ARN in us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>)",
        fix: otherRegion
          ? "CloudFront reads certificates from us-east-1 only: request (or import) the certificate in us-east-1 and pass that ARN"
          : "pass the ARN of an issued ACM certificate in us-east-1 that covers every name of domain.names",
      });
    }
  }
  const csp = props.contentSecurityPolicy;
  for (const key of ["connectSrc", "imgSrc", "formAction"] as const) {
    (csp?.[key] ?? []).forEach((s, i) =>
      v.string(`contentSecurityPolicy.${key}[${i}]`, s, {
        pattern: CSP_SOURCE,
        describe: "an https origin (scheme://host[:port], no path), data: or blob:",
        fix: "pass the origin only, e.g. \"https://login.example.com\" ('self' is always included)",
      }),
    );
  }
  v.throwIfInvalid();
}
