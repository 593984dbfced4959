import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';

/** How long signing keys stay cached (AWS: up to two hours) and how often an unknown `kid` may trigger a refetch. */
const KEY_CACHE_MS = 2 * 60 * 60 * 1000;
const UNKNOWN_KID_REFETCH_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;
/** After a failed discovery fetch, the next request tries again, but not sooner than this. */
const DISCOVERY_RETRY_MS = 1_000;

export interface JwtAuthorizerSettings {
  readonly issuer: string;
  readonly audiences: readonly string[];
  /** Lower-case header names; the first holds the token. */
  readonly identityHeaders: readonly string[];
}

export type AuthorizerDecision =
  | {
      readonly allowed: true;
      readonly claims: Record<string, string>;
      readonly scopes: string[] | null;
      /** The claims with their JSON types: what parameter mappings write as JSON text. */
      readonly rawClaims: Readonly<Record<string, unknown>>;
    }
  | { readonly allowed: false; readonly status: 401 | 403; readonly body: { message: string }; readonly wwwAuthenticate: string };

const discoveryDocument = z.object({ jwks_uri: z.string().url() }).passthrough();
/** The RSA-based algorithms API Gateway's JWT authorizer accepts (aws-and-cdktf.md). */
export const ACCEPTED_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512'];

/**
 * API Gateway's JWT authorizer, as documented by AWS: keys from the issuer's discovery document,
 * RSA algorithms only (RS256/RS384/RS512), `iss` compared exactly, `aud` (or `client_id` when `aud` is absent) against the
 * configured audiences, `exp`/`nbf`/`iat`, then any-of the route's scopes.
 */
export class JwtAuthorizer {
  private keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  private discoveryFailedAt = 0;

  constructor(
    private readonly settings: JwtAuthorizerSettings,
    private readonly log: (line: string) => void,
    /** How soon an unknown `kid` may refetch the JWKS again; tests shorten it. */
    private readonly unknownKidRefetchMs = UNKNOWN_KID_REFETCH_MS,
  ) {}

  async authorize(headers: Readonly<Record<string, string | undefined>>, routeScopes: readonly string[]): Promise<AuthorizerDecision> {
    const token = this.tokenFrom(headers);
    if (!token) return unauthorized('no token in the identity source');
    let payload: JWTPayload;
    try {
      const keys = await this.signingKeys();
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: [...ACCEPTED_ALGORITHMS],
        issuer: this.settings.issuer,
        clockTolerance: 0,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return unauthorized(describeVerificationError(error, this.log));
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now) return unauthorized('the token was issued in the future (iat)');
    if (!this.audienceMatches(payload)) return unauthorized('the token does not have a valid audience');

    const scopes = tokenScopes(payload);
    if (routeScopes.length > 0 && !routeScopes.some((scope) => scopes?.includes(scope))) {
      const expected = routeScopes.join(' ');
      return {
        allowed: false,
        status: 403,
        body: { message: 'Forbidden' },
        wwwAuthenticate: `Bearer scope="${expected}" error="insufficient_scope" error_description="expected scopes: [${expected}]"`,
      };
    }
    // On a route without authorization scopes the integration sees `scopes: null`, whatever the token holds.
    return { allowed: true, claims: claimsAsStrings(payload), scopes: routeScopes.length > 0 ? scopes : null, rawClaims: { ...payload } };
  }

  private tokenFrom(headers: Readonly<Record<string, string | undefined>>): string | undefined {
    // Every identity source must be present, as on AWS; the first one carries the token.
    const values = this.settings.identityHeaders.map((name) => headers[name]?.trim());
    if (values.some((value) => !value)) return undefined;
    const value = values[0] as string;
    const bearer = /^bearer\s+(.+)$/i.exec(value);
    return (bearer ? bearer[1] : value).trim() || undefined;
  }

  private audienceMatches(payload: JWTPayload): boolean {
    const configured = this.settings.audiences;
    if (payload.aud !== undefined) {
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      return aud.some((value) => configured.includes(value));
    }
    // Only when `aud` is absent does API Gateway look at `client_id`.
    return typeof payload.client_id === 'string' && configured.includes(payload.client_id);
  }

  private signingKeys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!this.keys) {
      if (Date.now() - this.discoveryFailedAt < DISCOVERY_RETRY_MS)
        return Promise.reject(new DiscoveryError('the issuer was unreachable moments ago'));
      this.keys = this.discover().catch((error: unknown) => {
        this.keys = undefined;
        this.discoveryFailedAt = Date.now();
        throw error;
      });
    }
    return this.keys;
  }

  private async discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const url = `${this.settings.issuer}/.well-known/openid-configuration`;
    let body: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw new DiscoveryError(
        `cannot fetch the issuer's discovery document ${url}: ${(error as Error).message}. ` +
          'Is the issuer running and is jwt_configuration.issuer right?',
      );
    }
    const parsed = discoveryDocument.safeParse(body);
    if (!parsed.success) throw new DiscoveryError(`the discovery document ${url} has no valid jwks_uri`);
    return createRemoteJWKSet(new URL(parsed.data.jwks_uri), {
      cacheMaxAge: KEY_CACHE_MS,
      cooldownDuration: this.unknownKidRefetchMs,
      timeoutDuration: FETCH_TIMEOUT_MS,
    });
  }
}

class DiscoveryError extends Error {}

function unauthorized(description: string): AuthorizerDecision {
  return {
    allowed: false,
    status: 401,
    body: { message: 'Unauthorized' },
    wwwAuthenticate: `Bearer scope="" error="invalid_token" error_description="${description.replace(/"/g, "'")}"`,
  };
}

/** Turns jose's errors into the kind of description AWS puts in `www-authenticate`; never includes the token. */
function describeVerificationError(error: unknown, log: (line: string) => void): string {
  if (error instanceof DiscoveryError) {
    log(`local gateway: ${error.message}`);
    return 'the signing keys of the issuer could not be fetched';
  }
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet (nbf)';
    if (error.claim === 'iss') return 'the token does not have a valid issuer';
    if (error.claim === 'exp') return 'the token has no expiry (exp)';
    return `the token's ${error.claim} claim is invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return "the token's key id (kid) matches no RSA key of the issuer";
  if (error instanceof errors.JOSEAlgNotAllowed)
    return `the token signing method is invalid: only RSA algorithms (${ACCEPTED_ALGORITHMS.join(', ')}) are accepted`;
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    log(`local gateway: the issuer's JWKS could not be read: ${(error as Error).message}`);
    return 'the signing keys of the issuer could not be fetched';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'the token is malformed';
  if (error instanceof errors.JOSEError) return 'the token is invalid';
  // A fetch failure of the JWKS itself surfaces as a plain error.
  log(`local gateway: the issuer's JWKS could not be read: ${(error as Error).message}`);
  return 'the signing keys of the issuer could not be fetched';
}

/** Token scopes from `scope` (space separated) or `scp`; null when the token has neither. */
function tokenScopes(payload: JWTPayload): string[] | null {
  if (typeof payload.scope === 'string') return payload.scope.split(/\s+/).filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.map(String);
  if (typeof payload.scp === 'string') return payload.scp.split(/\s+/).filter(Boolean);
  return null;
}

/**
 * AWS hands claims to the integration as strings: numbers as digits, booleans as `true`/`false`,
 * lists as `[a b]`, objects as JSON; a claim whose value is null is left out.
 */
export function claimsAsStrings(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') claims[name] = value;
    else if (Array.isArray(value)) claims[name] = `[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ')}]`;
    else if (value !== null && typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}
