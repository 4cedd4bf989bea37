import { base64Url, codeChallenge, randomState, randomVerifier } from "./pkce";

// RFC 7636 appendix B: the example's 32 octets, its verifier and its S256 challenge.
const RFC_OCTETS = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
const RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

describe("PKCE (RFC 7636, S256)", () => {
  it("encodes the RFC's example octets to its example verifier (base64url, no padding)", () => {
    expect(base64Url(Uint8Array.from(RFC_OCTETS))).toBe(RFC_VERIFIER);
  });

  it("derives the RFC's example challenge from its example verifier", async () => {
    await expect(codeChallenge(RFC_VERIFIER)).resolves.toBe(RFC_CHALLENGE);
  });

  it("makes a verifier from 32 random bytes: 43 characters of the unreserved set", () => {
    expect(randomVerifier(() => Uint8Array.from(RFC_OCTETS))).toBe(RFC_VERIFIER);
    const v = randomVerifier();
    expect(v).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    expect(randomVerifier()).not.toBe(v);
  });

  it("refuses a verifier outside RFC 7636's length and alphabet", async () => {
    await expect(codeChallenge("too-short")).rejects.toThrow(/43-128/);
    await expect(codeChallenge(`${RFC_VERIFIER}!`)).rejects.toThrow(/43-128/);
  });

  it("makes distinct url-safe states", () => {
    expect(randomState()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomState()).not.toBe(randomState());
  });
});
