/**
 * `npm run bench:asgardeo [-- --requests 2000 --concurrency 32]`
 * Measures the local Asgardeo itself (in-process, loopback): client_credentials JWT issuance,
 * a filtered management list call, an API-resource create+delete pair, and a user signing in
 * (login page + form post + code/PKCE exchange; and the app-native authorize + authn + token). Prints throughput and
 * latency percentiles so benchmark numbers of other parts can be read against its own cost.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startLocalAsgardeo, type LocalAsgardeo } from './index';

interface Result {
  name: string;
  /** Time the server itself spent per request (from its request log), p50/p99. */
  serverP50: number;
  serverP99: number;
  requests: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function run(
  server: LocalAsgardeo,
  name: string,
  requests: number,
  concurrency: number,
  once: (i: number) => Promise<boolean>,
): Promise<Result> {
  server.requests.clear();
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const t = performance.now();
        if (!(await once(i))) errors += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const serverTimes = server.requests
    .entries()
    .map((e) => e.durationMs)
    .sort((a, b) => a - b);
  return {
    name,
    serverP50: percentile(serverTimes, 50),
    serverP99: percentile(serverTimes, 99),
    requests,
    seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
  };
}

const CALLBACK = 'http://localhost:5173/callback';
const USER = { userName: 'bench@example.com', password: 'Bench#Pass1' };

async function setup(server: LocalAsgardeo): Promise<{ admin: string; clientId: string; clientSecret: string; spaClientId: string }> {
  const tokenUrl = `${server.baseUrl}/t/${server.organization}/oauth2/token`;
  const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const adminReply = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      authorization: basic(server.admin.clientId, server.admin.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=SYSTEM',
  });
  const admin = ((await adminReply.json()) as { access_token: string }).access_token;
  const mgmt = `${server.baseUrl}/t/${server.organization}/api/server/v1`;
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const api = (await (
    await fetch(`${mgmt}/api-resources`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Bench', identifier: 'urn:bench', scopes: [{ name: 'bench:read' }] }),
    })
  ).json()) as { id: string };
  const created = await fetch(`${mgmt}/applications`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'bench-client',
      inboundProtocolConfiguration: { oidc: { grantTypes: ['client_credentials'], accessToken: { type: 'JWT' } } },
    }),
  });
  const appId = created.headers.get('location')!.split('/').pop()!;
  await fetch(`${mgmt}/applications/${appId}/authorized-apis`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ id: api.id, policyIdentifier: 'RBAC', scopes: ['bench:read'] }),
  });
  for (let i = 0; i < 50; i += 1)
    await fetch(`${mgmt}/applications`, { method: 'POST', headers, body: JSON.stringify({ name: `filler-${i}` }) });
  const oidc = (await (await fetch(`${mgmt}/applications/${appId}/inbound-protocols/oidc`, { headers })).json()) as {
    clientId: string;
    clientSecret: string;
  };
  // A user holding an organization role with the API scope, and a SPA (public client, PKCE, app-native on).
  const scim = { ...headers, 'content-type': 'application/scim+json' };
  const user = (await (
    await fetch(`${server.baseUrl}/t/${server.organization}/scim2/Users`, {
      method: 'POST',
      headers: scim,
      body: JSON.stringify({ userName: USER.userName, password: USER.password, name: { givenName: 'Bench' } }),
    })
  ).json()) as { id: string };
  await fetch(`${server.baseUrl}/t/${server.organization}/scim2/v2/Roles`, {
    method: 'POST',
    headers: scim,
    body: JSON.stringify({ displayName: 'bench-reader', users: [{ value: user.id }], permissions: [{ value: 'bench:read' }] }),
  });
  const spaOidc = {
    grantTypes: ['authorization_code', 'refresh_token'],
    callbackURLs: [CALLBACK],
    publicClient: true,
    pkce: { mandatory: true },
    accessToken: { type: 'JWT', accessTokenAttributes: ['given_name'] },
  };
  const spa = await fetch(`${mgmt}/applications`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'bench-spa',
      advancedConfigurations: { enableAPIBasedAuthentication: true },
      inboundProtocolConfiguration: { oidc: spaOidc },
    }),
  });
  const spaId = spa.headers.get('location')!.split('/').pop()!;
  await fetch(`${mgmt}/applications/${spaId}/authorized-apis`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ id: api.id, policyIdentifier: 'RBAC', scopes: ['bench:read'] }),
  });
  const spaConfig = (await (await fetch(`${mgmt}/applications/${spaId}/inbound-protocols/oidc`, { headers })).json()) as {
    clientId: string;
  };
  return { admin, clientId: oidc.clientId, clientSecret: oidc.clientSecret, spaClientId: spaConfig.clientId };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Redeems a code at the token endpoint as a public client; true when a JWT with the API scope came back. */
async function redeem(base: string, clientId: string, code: string, verifier: string): Promise<boolean> {
  const r = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      client_id: clientId,
    }).toString(),
  });
  const body = (await r.json()) as { scope?: string };
  return r.status === 200 && body.scope === 'bench:read';
}

async function main(): Promise<void> {
  const requests = option('requests', 2000);
  const concurrency = option('concurrency', 32);
  const server = await startLocalAsgardeo({ organization: 'bench' });
  try {
    const { admin, clientId, clientSecret, spaClientId } = await setup(server);
    const base = `${server.baseUrl}/t/bench`;
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const bearer = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const results: Result[] = [];
    results.push(
      await run(server, 'POST /oauth2/token (RS256 JWT)', requests, concurrency, async () => {
        const r = await fetch(`${base}/oauth2/token`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&scope=bench:read',
        });
        await r.arrayBuffer();
        return r.status === 200;
      }),
    );
    results.push(
      await run(server, 'GET /applications?filter=name eq (51 apps)', requests, concurrency, async () => {
        const r = await fetch(
          `${base}/api/server/v1/applications?filter=${encodeURIComponent('name eq bench-client')}&attributes=clientId`,
          { headers: bearer },
        );
        await r.arrayBuffer();
        return r.status === 200;
      }),
    );
    results.push(
      await run(server, 'POST+DELETE /api-resources (pair)', Math.max(1, Math.floor(requests / 2)), concurrency, async (i) => {
        const r = await fetch(`${base}/api/server/v1/api-resources`, {
          method: 'POST',
          headers: bearer,
          body: JSON.stringify({ name: `b${i}`, identifier: `urn:b:${i}`, scopes: [{ name: `b${i}:read` }] }),
        });
        const body = (await r.json()) as { id: string };
        const d = await fetch(`${base}/api/server/v1/api-resources/${body.id}`, { method: 'DELETE', headers: bearer });
        await d.arrayBuffer();
        return r.status === 201 && d.status === 204;
      }),
    );
    const signIns = Math.max(1, Math.floor(requests / 4));
    results.push(
      await run(server, 'user sign-in: login page, post, code+PKCE', signIns, concurrency, async () => {
        const { verifier, challenge } = pkce();
        const url = `${base}/oauth2/authorize?${new URLSearchParams({
          client_id: spaClientId,
          response_type: 'code',
          redirect_uri: CALLBACK,
          scope: 'bench:read',
          state: 's',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        })}`;
        const page = await (await fetch(url)).text();
        const key = /name="sessionDataKey" value="([^"]+)"/.exec(page)?.[1];
        if (!key) return false;
        const posted = await fetch(url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username: USER.userName, password: USER.password, sessionDataKey: key }).toString(),
        });
        await posted.arrayBuffer();
        const code = new URL(posted.headers.get('location') ?? 'http://x/').searchParams.get('code');
        return posted.status === 302 && !!code && (await redeem(base, spaClientId, code, verifier));
      }),
    );
    results.push(
      await run(server, 'app-native sign-in: authorize, authn, token', signIns, concurrency, async () => {
        const { verifier, challenge } = pkce();
        const started = await fetch(`${base}/oauth2/authorize`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({
            client_id: spaClientId,
            response_type: 'code',
            redirect_uri: CALLBACK,
            scope: 'bench:read',
            response_mode: 'direct',
            code_challenge: challenge,
            code_challenge_method: 'S256',
          }).toString(),
        });
        const flow = (await started.json()) as { flowId: string };
        const authn = await fetch(`${base}/oauth2/authn`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            flowId: flow.flowId,
            selectedAuthenticator: {
              authenticatorId: 'QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM',
              params: { username: USER.userName, password: USER.password },
            },
          }),
        });
        const done = (await authn.json()) as { authData?: { code: string } };
        return !!done.authData && (await redeem(base, spaClientId, done.authData.code, verifier));
      }),
    );
    console.log(`local Asgardeo benchmark: node ${process.version}, ${concurrency} concurrent clients, loopback`);
    for (const r of results) {
      console.log(
        `  ${r.name.padEnd(44)} ${r.requests} ops in ${r.seconds.toFixed(2)} s = ${(r.requests / r.seconds).toFixed(0)} ops/s; ` +
          `latency p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ` +
          `in-server p50 ${r.serverP50.toFixed(2)} ms, p99 ${r.serverP99.toFixed(2)} ms; errors ${r.errors}`,
      );
    }
    if (results.some((r) => r.errors > 0)) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

void main().catch((err: unknown) => {
  console.error(`bench:asgardeo failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
