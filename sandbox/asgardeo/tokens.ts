import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';

/** Claims of a client_credentials access token. */
export interface AccessTokenClaims {
  clientId: string;
  /** `aud`: the client id first, then the app's `idToken.audience` values. */
  audience: readonly string[];
  scopes: readonly string[];
  lifetimeSeconds: number;
}

/** Signs RS256 access tokens with one key pair, published at the JWKS endpoint. */
export class TokenSigner {
  private constructor(
    private readonly privateKey: KeyLike,
    readonly kid: string,
    readonly jwk: JWK,
    readonly issuer: string,
  ) {}

  static async create(issuer: string): Promise<TokenSigner> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomBytes(16).toString('hex');
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return new TokenSigner(privateKey, kid, jwk, issuer);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }

  async signAccessToken(claims: AccessTokenClaims): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const aud = claims.audience.length === 1 ? claims.audience[0]! : [...claims.audience];
    return new SignJWT({
      client_id: claims.clientId,
      azp: claims.clientId,
      scope: claims.scopes.join(' '),
      aut: 'APPLICATION',
      org_name: this.issuer.split('/t/')[1]?.split('/')[0],
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(claims.clientId)
      .setAudience(aud)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + claims.lifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}

/** An opaque ("Default" type) access token: a random UUID, as the real service issues. */
export function opaqueToken(): string {
  return randomUUID();
}
