import { UserError } from '../errors';
import { networkFailure } from './smoke';

/**
 * What API Gateway's JWT authorizer will do with the configured issuer, checked before deploying:
 * fetch `{issuer}/.well-known/openid-configuration`, compare its `issuer` byte for byte, and make
 * sure its `jwks_uri` serves at least one RSA key (the authorizer ignores every other kind).
 */
export interface DiscoveryCheck {
  issuer: string;
  jwksUri: string;
  /** `kid`s of the RSA signing keys found. */
  rsaKeyIds: string[];
}

export class DiscoveryError extends UserError {
  constructor(message: string, hint: string) {
    super(message, { hint: hint || undefined });
  }
}

export interface CheckDiscoveryOptions {
  discoveryUrl: string;
  /** The issuer the stack's authorizer is configured with. */
  expectedIssuer: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function checkDiscovery(o: CheckDiscoveryOptions): Promise<DiscoveryCheck> {
  const doc = await getJson(
    o,
    o.discoveryUrl,
    'the discovery document',
    'check asgardeo.organization in ' +
      'tollgate.config.ts (and ASGARDEO_BASE_URL / asgardeo.issuer for a custom domain), and that this machine can reach it',
  );
  const issuer = typeof doc.issuer === 'string' ? doc.issuer : undefined;
  if (issuer !== o.expectedIssuer) {
    throw new DiscoveryError(
      `The discovery document at ${o.discoveryUrl} names the issuer ` +
        `${issuer === undefined ? '(none)' : JSON.stringify(issuer)}, but the stack's authorizer is configured with ` +
        `${JSON.stringify(o.expectedIssuer)}: API Gateway compares them exactly, so every token would be rejected (401).`,
      issuer
        ? `set asgardeo.issuer in tollgate.config.ts to ${JSON.stringify(issuer)} (mind trailing slashes), or fix ` +
            `asgardeo.organization / ASGARDEO_BASE_URL`
        : 'point asgardeo.issuer at an OpenID provider whose discovery ' + 'document has an `issuer`',
    );
  }
  const jwksUri = typeof doc.jwks_uri === 'string' ? doc.jwks_uri : undefined;
  if (!jwksUri)
    throw new DiscoveryError(
      `The discovery document at ${o.discoveryUrl} has no jwks_uri: API Gateway could ` + `not verify any token.`,
      'check that asgardeo.issuer points at Asgardeo (or another OpenID provider)',
    );
  const jwks = await getJson(
    o,
    jwksUri,
    'the JWKS (jwks_uri)',
    'the issuer publishes its signing keys there; check that ' + 'it is reachable from this machine',
  );
  const keys = Array.isArray(jwks.keys) ? (jwks.keys as Record<string, unknown>[]) : [];
  const rsa = keys.filter((k) => k && k.kty === 'RSA' && (k.use === undefined || k.use === 'sig'));
  if (rsa.length === 0) {
    const kinds = [...new Set(keys.map((k) => String(k?.kty)))].join(', ') || 'no keys';
    throw new DiscoveryError(
      `${jwksUri} serves no RSA signing key (found: ${kinds}): API Gateway's JWT authorizer ` +
        `accepts only RSA keys, so it would reject every token.`,
      'configure the identity provider to sign access tokens ' + 'with RS256 (Asgardeo does by default)',
    );
  }
  return { issuer: issuer!, jwksUri, rsaKeyIds: rsa.map((k) => String(k.kid ?? '(no kid)')) };
}

async function getJson(o: CheckDiscoveryOptions, url: string, what: string, hint: string): Promise<Record<string, unknown>> {
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 10_000);
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, {
      headers: { accept: 'application/json' },
      signal: o.signal ? AbortSignal.any([timeout, o.signal]) : timeout,
    });
  } catch (err) {
    throw new DiscoveryError(`Could not reach ${what} at ${url}: ${networkFailure(err)}.`, hint);
  }
  const text = await res.text();
  if (!res.ok) throw new DiscoveryError(`${what} at ${url} answered HTTP ${res.status}.`, hint);
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new DiscoveryError(`${what} at ${url} is not a JSON object.`, hint);
}
