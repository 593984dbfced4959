import { SANDBOX_RATE_LIMIT_PER_MINUTE } from '../local/asgardeo-port';
import { startAsgardeoOnPreferredPort } from '../local';

/*
 * `npm start` runs the local Asgardeo with the real service's limit, 200 requests per minute per API
 * family, so every sandbox run exercises the reconciler's pacing. The 201 requests go out at once:
 * far inside one minute's window.
 */
test(
  "npm start's local Asgardeo answers the 201st request of a minute in one family with 429; " + 'other families keep their own count',
  async () => {
    expect(SANDBOX_RATE_LIMIT_PER_MINUTE).toBe(200);
    const { asgardeo } = await startAsgardeoOnPreferredPort('pharmacy', 0);
    try {
      const scim = `${asgardeo.baseUrl}/t/pharmacy/scim2/Users`;
      const statuses = await Promise.all(Array.from({ length: 200 }, () => fetch(scim).then((r) => r.status)));
      expect(statuses.filter((s) => s === 429)).toHaveLength(0);
      expect((await fetch(scim)).status).toBe(429);
      expect((await fetch(`${asgardeo.issuer}/.well-known/openid-configuration`)).status).toBe(200);
    } finally {
      await asgardeo.stop();
    }
  },
);

test('the limit is off only when asked (null), as a test that needs it off does', async () => {
  const { asgardeo } = await startAsgardeoOnPreferredPort('pharmacy', 0, null);
  try {
    const scim = `${asgardeo.baseUrl}/t/pharmacy/scim2/Users`;
    const statuses = await Promise.all(Array.from({ length: 201 }, () => fetch(scim).then((r) => r.status)));
    expect(statuses.filter((s) => s === 429)).toHaveLength(0);
  } finally {
    await asgardeo.stop();
  }
});
