import { PropsValidator } from "../core/validation";
import type { SpaClientOptions, UserPoolProps } from "./index";

const NAME = /^[a-zA-Z0-9_.-]+$/;
/** Words Cognito refuses in a hosted-UI domain prefix. */
const RESERVED_DOMAIN_WORDS = ["aws", "amazon", "cognito"];

export function validateUserPoolProps(path: string, props: UserPoolProps, computed: { domain?: string }): void {
  const v = new PropsValidator("UserPool", path);
  v.string("name", props.name, { min: 1, max: 100, pattern: NAME, describe: "1–100 characters of [a-zA-Z0-9_.-]", fix: 'use a short kebab-case name such as "users"' });
  const pw = props.passwordPolicy ?? {};
  v.integer("passwordPolicy.minLength", pw.minLength, 8, 99, "set minLength between 8 and 99 (12 or more is recommended)");
  v.integer("passwordPolicy.temporaryPasswordValidityDays", pw.temporaryPasswordValidityDays, 1, 365, "set temporaryPasswordValidityDays between 1 and 365");
  v.oneOf("mfa", props.mfa, ["OFF", "OPTIONAL", "ON"] as const);
  v.oneOf("threatProtection", props.threatProtection, ["OFF", "AUDIT", "ENFORCED"] as const);
  v.oneOf("featurePlan", props.featurePlan, ["LITE", "ESSENTIALS", "PLUS"] as const);
  const threat = props.threatProtection ?? "OFF";
  v.check(threat === "OFF" || props.featurePlan === undefined || props.featurePlan === "PLUS", {
    prop: "featurePlan",
    received: props.featurePlan,
    allowed: `"PLUS" when threatProtection is "${threat}" (threat protection is a Plus feature)`,
    fix: 'set featurePlan to "PLUS" (or leave it unset), or set threatProtection to "OFF"',
  });
  if (props.domainPrefix !== undefined) {
    v.string("domainPrefix", props.domainPrefix, {
      min: 1,
      max: 40,
      pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
      describe: "1–40 characters of a-z, 0-9 and '-', not starting or ending with '-'",
      fix: 'use a short lower-case prefix such as "auth"',
    });
    const domain = computed.domain ?? props.domainPrefix;
    const word = RESERVED_DOMAIN_WORDS.find((w) => domain.includes(w));
    v.check(word === undefined, {
      prop: "domainPrefix",
      received: domain,
      allowed: `a domain prefix without the reserved words ${RESERVED_DOMAIN_WORDS.join(", ")}`,
      fix: `rename the prefix so the full domain "${domain}" does not contain "${word}"`,
    });
  }
  const email = props.sesEmail;
  if (email) {
    v.string("sesEmail.sourceArn", email.sourceArn, {
      pattern: /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/.+$/,
      describe: "an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<domain or address>)",
    });
    v.string("sesEmail.fromAddress", email.fromAddress, {
      pattern: /^(.*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/,
      describe: 'an e-mail address, optionally with a display name ("App <no-reply@example.com>")',
    });
    v.string("sesEmail.replyToAddress", email.replyToAddress, { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, describe: "an e-mail address" });
  }
  v.throwIfInvalid();
}

/** https URL, or http only for localhost / 127.0.0.1 (local development), no fragment. */
function isAllowedRedirect(url: string): boolean {
  if (url.length > 1024 || url.includes("#")) return false;
  if (/^https:\/\/[^\s/?#]+(\/\S*)?$/.test(url)) return true;
  return /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?(\/\S*)?$/.test(url);
}

export function validateSpaClient(path: string, id: string, o: SpaClientOptions): void {
  const v = new PropsValidator(`UserPool.addSpaClient("${id}")`, path);
  v.string("name", o.name, { min: 1, max: 100, pattern: NAME, describe: "1–100 characters of [a-zA-Z0-9_.-]" });
  for (const field of ["callbackUrls", "logoutUrls"] as const) {
    const urls = o[field];
    if (urls === undefined || PropsValidator.isUnresolved(urls)) continue;
    v.check(urls.length <= 100 && (field === "logoutUrls" || urls.length >= 1), {
      prop: field,
      received: urls,
      allowed: field === "callbackUrls" ? "1 to 100 URLs" : "at most 100 URLs",
      fix: field === "callbackUrls" ? 'pass the SPA\'s sign-in redirect URL(s), e.g. ["https://app.example.com/callback"]' : "remove URLs",
    });
    urls.forEach((url, i) => {
      v.check(isAllowedRedirect(url), {
        prop: `${field}[${i}]`,
        received: url,
        allowed: "an https:// URL without fragment (http:// only for localhost or 127.0.0.1), ≤ 1024 chars",
        fix: "use the https URL of the SPA, or http://localhost:<port> for local development",
      });
    });
  }
  if (o.callbackUrls === undefined) {
    v.add({ prop: "callbackUrls", received: undefined, allowed: "1 to 100 URLs", fix: "pass the SPA's sign-in redirect URL(s)" });
  }
  v.integer("accessTokenValidityMinutes", o.accessTokenValidityMinutes, 5, 1440, "set accessTokenValidityMinutes between 5 and 1440 (one day)");
  v.integer("idTokenValidityMinutes", o.idTokenValidityMinutes, 5, 1440, "set idTokenValidityMinutes between 5 and 1440 (one day)");
  v.integer("refreshTokenValidityDays", o.refreshTokenValidityDays, 1, 3650, "set refreshTokenValidityDays between 1 and 3650 (ten years)");
  const scopes = o.oauthScopes;
  if (scopes !== undefined && !PropsValidator.isUnresolved(scopes)) {
    v.check(scopes.includes("openid"), {
      prop: "oauthScopes",
      received: scopes,
      allowed: 'a list that includes "openid" (Cognito requires it for email and profile, and to return an ID token)',
      fix: 'add "openid" to oauthScopes',
    });
    scopes.forEach((s, i) => v.string(`oauthScopes[${i}]`, s, { min: 1, max: 256, pattern: /^[\x21\x23-\x5B\x5D-\x7E]+$/, describe: "a scope name without spaces or quotes" }));
  }
  v.throwIfInvalid();
}

export function validateGroup(path: string, name: string, description: string | undefined, precedence: number | undefined, duplicate: boolean): void {
  const v = new PropsValidator(`UserPool.addGroup("${name}")`, path);
  v.string("name", name, {
    min: 1,
    max: 128,
    pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u,
    describe: "1–128 characters without whitespace",
    fix: 'use a short name such as "admins"',
  });
  v.check(!duplicate, { prop: "name", received: name, allowed: "a group name not yet added to this pool", fix: "add each group once" });
  v.string("description", description, { max: 2048, describe: "at most 2048 characters" });
  v.integer("precedence", precedence, 0, 2147483647, "set precedence to 0 or more (lower wins when a user is in several groups)");
  v.throwIfInvalid();
}
