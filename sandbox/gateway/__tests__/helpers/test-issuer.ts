import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';

export interface SignOptions {
  /** Default: the published RSA key. */
  key?: KeyLike;
  kid?: string;
  alg?: string;
}

export interface TestIssuer {
  readonly baseUrl: string;
  /** `${baseUrl}/t/pharmacy/oauth2/token`, as Asgardeo writes `iss`. */
  readonly issuer: string;
  /** An RSA key that is not in the JWKS, for forged signatures. */
  readonly strangerKey: KeyLike;
  /** An EC key that IS in the JWKS (kid `ec-1`): API Gateway uses RSA keys only. */
  readonly ecKey: KeyLike;
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** Publishes a new RSA key (as a key rotation does) for `alg` (default RS256) and returns its kid and private key. */
  rotate(alg?: 'RS256' | 'RS384' | 'RS512'): Promise<{ kid: string; key: KeyLike }>;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

/** A minimal OpenID issuer on 127.0.0.1: discovery document and JWKS, like Asgardeo's. */
export async function startTestIssuer(organization = 'pharmacy'): Promise<TestIssuer> {
  const rsa = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'key-1', use: 'sig', alg: 'RS256' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', use: 'sig', alg: 'ES256' },
    ],
  };
  let fetches = 0;
  let baseUrl = '';
  const tenant = `/t/${organization}/oauth2`;
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === `${tenant}/token/.well-known/openid-configuration`) {
      reply(200, {
        issuer: `${baseUrl}${tenant}/token`,
        jwks_uri: `${baseUrl}${tenant}/jwks`,
        token_endpoint: `${baseUrl}${tenant}/token`,
      });
    } else if (req.url === `${tenant}/jwks`) {
      fetches += 1;
      reply(200, jwks);
    } else {
      reply(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${baseUrl}${tenant}/token`;
  return {
    baseUrl,
    issuer,
    strangerKey: stranger.privateKey,
    ecKey: ec.privateKey,
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'key-1', typ: 'at+jwt' })
        .sign(options.key ?? rsa.privateKey);
    },
    async rotate(alg = 'RS256') {
      const next = await generateKeyPair(alg);
      const kid = `key-${jwks.keys.length + 1}`;
      jwks.keys.push({ ...(await exportJWK(next.publicKey)), kid, use: 'sig', alg });
      return { kid, key: next.privateKey };
    },
    jwksFetches: () => fetches,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
