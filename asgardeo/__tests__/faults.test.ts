import { applyAsgardeo, planAsgardeo, planHasChanges, AsgardeoError } from '..';
import { fastTransport, inventory, startHarness, type Harness } from './helpers';

jest.setTimeout(30000);

describe('reconciler under faults of the local Asgardeo', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  async function assertConverged(): Promise<void> {
    expect(await inventory(h)).toEqual({ apis: 1, apps: { 'pharmacy-admin': 1, 'pharmacy-reader': 1 }, roles: 1 });
    h.la.requests.clear();
    const again = await applyAsgardeo(h.options());
    expect(planHasChanges(again.plan)).toBe(false);
    expect(h.la.requests.writes()).toBe(0);
  }

  it('rides out a 429 storm without Retry-After using jittered exponential backoff', async () => {
    const sleeps: number[] = [];
    h.la.faults.failNext(4, 429);
    // One request meets all four 429s: a forced Roles API sends no probe beside the first token request.
    const config = { ...h.config, asgardeo: { ...h.config.asgardeo, rolesApi: 'v2' as const } };
    await applyAsgardeo(h.options({ config, transport: { ...fastTransport(sleeps), random: () => 1 } }));
    expect(h.la.requests.entries().filter((e) => e.status === 429)).toHaveLength(4);
    // Full jitter with random() = 1 shows the exponential ceiling: base 2 ms doubling, capped at 10 ms.
    expect(sleeps.filter((ms) => ms > 0)).toEqual([2, 4, 8, 10]);
    await assertConverged();
  });

  it('honours Retry-After on 429', async () => {
    const sleeps: number[] = [];
    h.la.faults.failNext(2, 429, { retryAfterSeconds: 3 });
    await applyAsgardeo(h.options({ transport: fastTransport(sleeps) }));
    expect(sleeps.filter((ms) => ms === 3000)).toHaveLength(2);
    await assertConverged();
  });

  it('gives up after the bounded attempts with the code, message and what to do', async () => {
    h.la.faults.failNext(50, 503);
    const err = (await planAsgardeo(h.options({ transport: { ...fastTransport(), maxAttempts: 3 } })).catch(
      (e: unknown) => e,
    )) as AsgardeoError;
    expect(err).toBeInstanceOf(AsgardeoError);
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/after 3 attempts/);
    expect(err.hint).toMatch(/run again later/);
    h.la.faults.reset();
  });

  it('retries 5xx answers (500, 502, 503) and converges', async () => {
    h.la.faults.failNext(2, 500);
    h.la.faults.failNext(1, 502);
    h.la.faults.failNext(2, 503);
    const first = await applyAsgardeo(h.options());
    expect(first.stats.requests).toBeGreaterThan(12);
    await assertConverged();
  });

  it('retries connection resets', async () => {
    h.la.faults.dropNext(3);
    await applyAsgardeo(h.options());
    await assertConverged();
  });

  it('does not duplicate a create whose answer was lost: it looks before sending it again', async () => {
    let lost = 0;
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const url = String(input);
      if (init?.method === 'POST' && /\/applications$|\/api-resources$/.test(new URL(url).pathname) && lost < 2) {
        lost++;
        await res.text();
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
      }
      return res;
    };
    h.la.requests.clear();
    const result = await applyAsgardeo(h.options({ transport: { ...fastTransport(), fetch: lossy } }));
    expect(lost).toBe(2);
    // The run counts what the server accepted, the two creates it found on re-read included, and says how many answers it lost.
    expect(result.stats.writes).toBe(h.la.requests.writes());
    expect(result.stats.lostAnswers).toBe(2);
    await assertConverged();
  });

  it('times out a slow request, retries, and reports a timeout when it stays slow', async () => {
    h.la.faults.setLatency(60);
    const err = (await planAsgardeo(h.options({ transport: { ...fastTransport(), timeoutMs: 20, maxAttempts: 2 } })).catch(
      (e: unknown) => e,
    )) as AsgardeoError;
    expect(err).toBeInstanceOf(AsgardeoError);
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/timed out after 2 attempts/);
    expect(err.hint).toMatch(/ASGARDEO_BASE_URL/);
  });

  it('works under latency, and parallel reads keep the round trips (not the requests) on the clock', async () => {
    h.la.faults.setLatency(40);
    await applyAsgardeo(h.options());
    const start = Date.now();
    const again = await applyAsgardeo(h.options());
    const elapsed = Date.now() - start;
    expect(again.stats.roundTrips).toBe(3);
    // 3 sequential round trips of >= 40 ms each; 10 requests one by one would take >= 400 ms.
    expect(elapsed).toBeGreaterThanOrEqual(120);
    expect(elapsed).toBeLessThan(40 * again.stats.requests);
  });

  it('stays under the real rate limit (200/minute per API family) with the default pacing', async () => {
    h.la.faults.setRateLimit(200);
    await applyAsgardeo(h.options());
    await applyAsgardeo(h.options());
    expect(h.la.requests.entries().filter((e) => e.status === 429)).toHaveLength(0);
  });
});

describe('a management token revoked in the middle of a run', () => {
  it('is renewed once and the run converges', async () => {
    const h = await startHarness();
    try {
      const creds = { clientId: 'ci-admin', clientSecret: 'ci-admin-secret' };
      const { ALL_INTERNAL_SCOPES } = await import('../../sandbox/asgardeo');
      h.la.addManagementClient({ ...creds, scopes: ALL_INTERNAL_SCOPES });
      let revoked = false;
      const transport = {
        ...fastTransport(),
        beforeWrite: () => {
          if (!revoked) {
            revoked = true;
            // Re-registering the client revokes its tokens, as rotating the secret in the console would.
            h.la.addManagementClient({ ...creds, scopes: ALL_INTERNAL_SCOPES });
          }
        },
      };
      await applyAsgardeo(h.options({ credentials: creds, transport }));
      expect(revoked).toBe(true);
      expect(h.la.requests.entries().filter((e) => e.status === 401).length).toBeGreaterThan(0);
      expect(await inventory(h)).toEqual({ apis: 1, apps: { 'pharmacy-admin': 1, 'pharmacy-reader': 1 }, roles: 1 });
    } finally {
      await h.stop();
    }
  });
});
