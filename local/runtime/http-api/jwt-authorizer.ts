import type { RuntimeLog } from "../types";
import { stringifyClaims } from "./claims";
import type { HttpRouteConfig, JwtAuthorizerConfig } from "./config";
import { GATEWAY_ERRORS, gatewayError, type GatewayResponse } from "./gateway-response";
import type { IncomingRequest } from "./incoming-request";
import { jose } from "./jose";

/** `requestContext.authorizer` of a request a JWT authorizer let through. */
export interface JwtAuthorizerContext {
  readonly jwt: { readonly claims: Record<string, string>; readonly scopes: string[] | null };
}

/** What a JWT authorizer decided: let the request through with its context, or answer it. */
export type AuthorizationResult = { readonly allowed: true; readonly context: JwtAuthorizerContext } | { readonly allowed: false; readonly response: GatewayResponse };

/** API Gateway accepts only RSA-signed tokens. */
const RSA_ALGORITHMS = ["RS256", "RS384", "RS512"];

/** Leeway for exp / nbf / iat against the local clock. */
const CLOCK_TOLERANCE_SECONDS = 5;

const IDENTITY_SOURCE_HEADER = /^\$request\.header\.([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/;

type RemoteJwks = ReturnType<typeof jose.createRemoteJWKSet>;

/** A refusal of the token itself: 401 with the challenge API Gateway sends. */
class InvalidToken extends Error {}

function unauthorized(challenge: string): AuthorizationResult {
  return { allowed: false, response: gatewayError(401, "Unauthorized", { "www-authenticate": challenge }) };
}

function tokenScopes(claims: Readonly<Record<string, unknown>>): string[] {
  const scopes: string[] = [];
  for (const claim of [claims.scope, claims.scp]) {
    if (typeof claim === "string") scopes.push(...claim.split(/\s+/).filter((scope) => scope !== ""));
    else if (Array.isArray(claim)) scopes.push(...claim.filter((scope): scope is string => typeof scope === "string"));
  }
  return scopes;
}

/** The audience check API Gateway documents: `aud` when present, else `client_id`. */
function hasValidAudience(claims: Readonly<Record<string, unknown>>, audience: readonly string[]): boolean {
  const aud = claims.aud;
  if (aud !== undefined) {
    const values = Array.isArray(aud) ? aud : [aud];
    return values.some((value) => typeof value === "string" && audience.includes(value));
  }
  return typeof claims.client_id === "string" && audience.includes(claims.client_id);
}

/** The `error_description` for a jose verification error, or undefined when it is not the token's fault. */
function describeJoseError(err: unknown): string | undefined {
  const { code, claim, reason } = (err ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "the token signature is invalid";
    case "ERR_JWT_EXPIRED":
      return "the token has expired";
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "no key of the issuer's JWKS matches the token's kid";
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return "more than one key of the issuer's JWKS matches the token's kid";
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return "the token is malformed";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "iss") return "the token does not have a valid issuer";
      if (claim === "nbf") return "the token is not valid yet";
      if (reason === "missing") return `the token does not have an ${String(claim)} claim`;
      return `the token has an invalid ${String(claim)} claim`;
    default:
      return undefined;
  }
}

/**
 * JWT authorizers as API Gateway runs them: the token from the identity source (optionally prefixed
 * "Bearer "), an RSA signature checked against the issuer's JWKS, `iss` exactly the configured
 * issuer, `exp` / `nbf` / `iat` against the clock, `aud` (or `client_id`) among the audience, and at
 * least one of the route's scopes.
 */
export class JwtAuthorizer {
  private readonly jwksByUrl = new Map<string, RemoteJwks>();

  constructor(
    private readonly jwksUrl: (issuer: string) => string,
    private readonly now: () => number,
    private readonly log: RuntimeLog,
  ) {}

  /** Authorizes one request for a route protected by `authorizer`. */
  async authorize(authorizer: JwtAuthorizerConfig, route: HttpRouteConfig, request: IncomingRequest): Promise<AuthorizationResult> {
    const source = IDENTITY_SOURCE_HEADER.exec(authorizer.identitySource.trim());
    if (source === null) {
      this.log.error(
        `http-api: authorizer ${authorizer.name}: unsupported identity source "${authorizer.identitySource}" (JWT authorizers read one header, "$request.header.<Name>")`,
      );
      return { allowed: false, response: GATEWAY_ERRORS.internalServerError() };
    }
    const raw = request.headers.get(source[1].toLowerCase())?.join(",") ?? "";
    const token = raw
      .trim()
      .replace(/^bearer(\s+|$)/i, "")
      .trim();
    if (token === "") return unauthorized("Bearer");

    const routeScopes = route.authorizationScopes ?? [];
    const challenge = (description: string): string => `Bearer scope="${routeScopes.join(" ")}" error="invalid_token" error_description="${description}"`;
    try {
      const claims = await this.verify(authorizer, token);
      const scopes = tokenScopes(claims);
      if (routeScopes.length > 0 && !scopes.some((scope) => routeScopes.includes(scope))) {
        return {
          allowed: false,
          response: gatewayError(403, "Forbidden", {
            "www-authenticate": `Bearer scope="${routeScopes.join(" ")}" error="insufficient_scope" error_description="the token has none of the route's scopes"`,
          }),
        };
      }
      return {
        allowed: true,
        context: { jwt: { claims: stringifyClaims(claims), scopes: routeScopes.length > 0 ? scopes : null } },
      };
    } catch (err) {
      if (err instanceof InvalidToken) return unauthorized(challenge(err.message));
      const description = describeJoseError(err);
      if (description !== undefined) return unauthorized(challenge(description));
      this.log.error(
        `http-api: authorizer ${authorizer.name}: cannot verify tokens of ${authorizer.issuer} ` +
          `(JWKS ${this.jwksUrl(authorizer.issuer)}): ${err instanceof Error ? err.message : String(err)}`,
      );
      return { allowed: false, response: GATEWAY_ERRORS.internalServerError() };
    }
  }

  /** The verified claims; throws InvalidToken or a jose error. */
  private async verify(authorizer: JwtAuthorizerConfig, token: string): Promise<Record<string, unknown>> {
    let header: { alg?: string; kid?: string };
    try {
      header = jose.decodeProtectedHeader(token);
    } catch {
      throw new InvalidToken("the token is malformed");
    }
    if (typeof header.alg !== "string" || !RSA_ALGORITHMS.includes(header.alg)) {
      throw new InvalidToken(`signing method ${String(header.alg)} is invalid`);
    }
    if (typeof header.kid !== "string") throw new InvalidToken("the token does not have a kid header");

    const nowSeconds = this.now() / 1000;
    const { payload } = await jose.jwtVerify(token, this.jwks(authorizer.issuer), {
      issuer: authorizer.issuer,
      algorithms: RSA_ALGORITHMS,
      currentDate: new Date(this.now()),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["exp"],
    });
    if (typeof payload.iat === "number" && payload.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
      throw new InvalidToken("the token was issued in the future");
    }
    if (!hasValidAudience(payload, authorizer.audience)) throw new InvalidToken("the token does not have a valid audience");
    return payload;
  }

  /** The issuer's key set, fetched on first use and cached (refetched for an unknown kid). */
  private jwks(issuer: string): RemoteJwks {
    const url = this.jwksUrl(issuer);
    let jwks = this.jwksByUrl.get(url);
    if (jwks === undefined) {
      jwks = jose.createRemoteJWKSet(new URL(url));
      this.jwksByUrl.set(url, jwks);
    }
    return jwks;
  }
}
