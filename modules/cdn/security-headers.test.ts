import { contentSecurityPolicy, HSTS_MAX_AGE_SECONDS, securityHeaders } from "./security-headers";

const hostedUi = "https://app-dev.auth.eu-west-1.amazoncognito.com";
const files = "https://app-dev-files.s3.eu-west-1.amazonaws.com";

describe("contentSecurityPolicy", () => {
  it("allows exactly self, the hosted UI and the files bucket, and nothing inline", () => {
    expect(contentSecurityPolicy({ connectSrc: [hostedUi, files], imgSrc: [files], formAction: [hostedUi] })).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: ${files}; connect-src 'self' ${hostedUi} ${files}; ` +
        `frame-ancestors 'none'; base-uri 'self'; form-action 'self' ${hostedUi}; object-src 'none'`,
    );
  });

  it("drops empty and duplicate sources, and form-action defaults to self only", () => {
    const csp = contentSecurityPolicy({ connectSrc: ["", files, files, " "], imgSrc: [] });
    expect(csp).toContain(`connect-src 'self' ${files};`);
    expect(csp).toContain("img-src 'self' data:;");
    expect(csp).toContain("form-action 'self';");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });
});

describe("securityHeaders", () => {
  it("sends HSTS (≥ 1 year, subdomains, preload), nosniff, DENY, strict-origin-when-cross-origin and the CSP", () => {
    const h = securityHeaders({ connectSrc: [hostedUi], imgSrc: [files] });
    expect(h["Strict-Transport-Security"]).toBe(`max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains; preload`);
    expect(HSTS_MAX_AGE_SECONDS).toBeGreaterThanOrEqual(31_536_000);
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(h["X-Frame-Options"]).toBe("DENY");
    expect(h["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["Content-Security-Policy"]).toContain(`connect-src 'self' ${hostedUi}`);
  });

  it("leaves HSTS out when asked (plain-http local server)", () => {
    expect(securityHeaders({ connectSrc: [], imgSrc: [], hsts: false })).not.toHaveProperty("Strict-Transport-Security");
  });
});
