import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload, type KeyLike } from 'jose';

/** Claims of an access token the local Asgardeo signs. */
export interface AccessTokenClaims {
  clientId: string;
  /** `aud`: the client id first, then the app's `idToken.audience` values. */
  audience: readonly string[];
  scopes: readonly string[];
  lifetimeSeconds: number;
  /** `sub`: the client id (default) for client tokens, the user's id for user tokens. */
  subject?: string;
  /** `aut`: APPLICATION (default) or APPLICATION_USER. */
  authorizedUserType?: 'APPLICATION' | 'APPLICATION_USER';
  /** `accessToken.enableJwtScopeAsArray`: `scope` becomes a JSON array. */
  scopeAsArray?: boolean;
  /** User attributes (`accessTokenAttributes`) put into the token as they are. */
  userClaims?: Readonly<Record<string, string | boolean>>;
}

/**
 * Signs RS256 access tokens with one key pair, published at the JWKS endpoint. The `kid` has the
 * real server's shape: base64url of a hex SHA-256 thumbprint, then `_RS256`. With no X.509
 * certificate here, the thumbprint is taken over the public key's DER (SPKI) encoding instead of
 * a certificate's; the JWKS key carries the same digest as `x5t#S256` (base64url of the bytes).
 */
/** Claims of an OIDC ID token (authorization code, refresh and password grants with `openid`). */
export interface IdTokenClaims {
  clientId: string;
  audience: readonly string[];
  subject: string;
  lifetimeSeconds: number;
  authTime: number;
  sessionId?: string;
  nonce?: string;
  userClaims?: Readonly<Record<string, string>>;
}

export class TokenSigner {
  private constructor(
    private readonly privateKey: KeyLike,
    private readonly publicKey: KeyLike,
    readonly kid: string,
    readonly jwk: JWK,
    readonly issuer: string,
  ) {}

  static async create(issuer: string): Promise<TokenSigner> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const der = (publicKey as unknown as KeyObject).export({ format: 'der', type: 'spki' });
    const digest = createHash('sha256').update(der).digest();
    const kid = `${Buffer.from(digest.toString('hex')).toString('base64url')}_RS256`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig', 'x5t#S256': digest.toString('base64url') };
    return new TokenSigner(privateKey, publicKey, kid, jwk, issuer);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }

  async signAccessToken(claims: AccessTokenClaims): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const aud = claims.audience.length === 1 ? claims.audience[0]! : [...claims.audience];
    return new SignJWT({
      ...(claims.userClaims ?? {}),
      client_id: claims.clientId,
      azp: claims.clientId,
      scope: claims.scopeAsArray ? [...claims.scopes] : claims.scopes.join(' '),
      aut: claims.authorizedUserType ?? 'APPLICATION',
      org_name: this.issuer.split('/t/')[1]?.split('/')[0],
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(claims.subject ?? claims.clientId)
      .setAudience(aud)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + claims.lifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  async signIdToken(claims: IdTokenClaims): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const aud = claims.audience.length === 1 ? claims.audience[0]! : [...claims.audience];
    return new SignJWT({
      ...(claims.userClaims ?? {}),
      azp: claims.clientId,
      auth_time: claims.authTime,
      amr: ['BasicAuthenticator'],
      ...(claims.sessionId ? { sid: claims.sessionId } : {}),
      ...(claims.nonce ? { nonce: claims.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(claims.subject)
      .setAudience(aud)
      .setIssuedAt(now)
      .setExpirationTime(now + claims.lifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** The payload of a token this server signed (expired ones too, as an `id_token_hint` may be), or undefined. */
  async verifyOwnToken(token: string): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.issuer,
        algorithms: ['RS256'],
        clockTolerance: Number.MAX_SAFE_INTEGER,
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}

/** An opaque ("Default" type) access token: a random UUID, as the real service issues. */
export function opaqueToken(): string {
  return randomUUID();
}
