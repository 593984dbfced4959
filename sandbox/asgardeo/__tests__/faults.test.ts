import { connect } from 'node:net';
import type { LocalAsgardeo } from '../index';
import { startTestServer, type TestClient } from './helpers';

describe('local Asgardeo: fault injection, rate limit and the request log', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;

  beforeAll(async () => {
    ({ server, client } = await startTestServer());
    admin = await client.adminToken();
    server.requests.clear();
  });
  afterEach(() => {
    server.faults.reset();
    server.requests.clear();
  });
  afterAll(() => server.stop());

  const list = (): ReturnType<TestClient['request']> => client.request('GET', '/api/server/v1/api-resources', { token: admin });

  it('adds latency to every request', async () => {
    server.faults.setLatency(120);
    const started = Date.now();
    expect((await list()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    expect(server.requests.entries().at(-1)!.durationMs).toBeGreaterThanOrEqual(115);
    expect(() => server.faults.setLatency(-1)).toThrow(/non-negative/);
  });

  it('fails the next N requests with 429, with and without Retry-After, then recovers', async () => {
    server.faults.failNext(1, 429, { retryAfterSeconds: 2 });
    server.faults.failNext(1, 429);
    const first = await list();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    const second = await list();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    expect((await list()).status).toBe(200);
    expect(server.requests.entries().map((e) => e.status)).toEqual([429, 429, 200]);
  });

  it.each([500, 502, 503] as const)('fails with %d and leaves state untouched', async (status) => {
    server.faults.failNext(1, status);
    const failed = await client.request('POST', '/api/server/v1/api-resources', {
      token: admin,
      body: { name: `F${status}`, identifier: `urn:f${status}` },
    });
    expect(failed.status).toBe(status);
    expect(failed.body.code).toBeTruthy();
    const check = await client.request('GET', `/api/server/v1/api-resources?filter=${encodeURIComponent(`identifier eq urn:f${status}`)}`, {
      token: admin,
    });
    expect(check.body.totalResults).toBe(0);
  });

  it('drops the connection without answering', async () => {
    server.faults.dropNext(1);
    await expect(list()).rejects.toThrow();
    expect((await list()).status).toBe(200);
    expect(server.requests.entries().map((e) => e.status)).toEqual([0, 200]);
  });

  it('rate-limits per client and API family; the 429s are in the request log', async () => {
    server.faults.setRateLimit(3);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await list()).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await list();
    expect(limited.headers.get('retry-after')).toBeNull();
    // another family has its own budget
    expect((await client.request('GET', '/scim2/Users', { token: admin })).status).toBe(200);
    expect(server.requests.entries().filter((e) => e.status === 429)).toHaveLength(3);
    server.faults.setRateLimit(null);
    expect((await list()).status).toBe(200);
  });

  it('is fast under many concurrent connections', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, () => list()));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(server.requests.count()).toBe(200);
  });

  it('logs method, path, query, status, content type, redacted body and counts writes (token requests are not writes)', async () => {
    await client.token(server.admin.clientId, server.admin.clientSecret, 'SYSTEM', 'form');
    await client.request('GET', '/api/server/v1/applications?limit=5&offset=0', { token: admin });
    expect(server.requests.writes()).toBe(0);
    await client.request('POST', '/api/server/v1/applications', { token: admin, body: { name: 'logged' } });
    await client.request('DELETE', '/api/server/v1/applications/unknown', { token: admin });
    const entries = server.requests.entries();
    expect(server.requests.count()).toBe(4);
    expect(server.requests.writes()).toBe(2);
    expect(entries[0]).toMatchObject({
      method: 'POST',
      path: '/t/pharmacy/oauth2/token',
      status: 200,
      write: false,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect((entries[0]!.requestBody as Record<string, string>).client_secret).toBe('[REDACTED]');
    expect(JSON.stringify(entries)).not.toContain(server.admin.clientSecret);
    expect(entries[1]).toMatchObject({
      method: 'GET',
      path: '/t/pharmacy/api/server/v1/applications',
      query: 'limit=5&offset=0',
      write: false,
    });
    expect(entries[2]).toMatchObject({ method: 'POST', status: 201, write: true, requestBody: { name: 'logged' } });
    expect(entries[3]).toMatchObject({ method: 'DELETE', status: 204, write: true });
    expect(entries.every((e) => typeof e.time === 'number' && e.durationMs >= 0)).toBe(true);
    server.requests.clear();
    expect(server.requests.count()).toBe(0);
  });

  it('stop() closes idle keep-alive connections at once, so the process can exit', async () => {
    const { server: other } = await startTestServer();
    const { port } = new URL(other.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write('GET /t/pharmacy/oauth2/jwks HTTP/1.1\r\nHost: local\r\nConnection: keep-alive\r\n\r\n');
    });
    const started = Date.now();
    await other.stop();
    await closed;
    // without closing idle connections, close() would wait for the 5 s keep-alive timeout
    expect(Date.now() - started).toBeLessThan(1000);
    await other.stop();
  });
});
