import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { PAGE_SIZE } from '../../asgardeo/api';
import { ExportError, readExportedSetup } from '../read';
import {
  QUICK_START,
  buildPortalApplication,
  buildQuickStartSetup,
  expectedPortalExport,
  expectedQuickStartExport,
} from './quick-start-setup';

jest.setTimeout(60000);

/** Raw management calls with a SYSTEM token, for filler objects the reader has to page past. */
async function adminSender(la: LocalAsgardeo): Promise<(path: string, body: unknown, contentType?: string) => Promise<void>> {
  const tokenResponse = await fetch(`${la.baseUrl}/t/${la.organization}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${la.admin.clientId}:${la.admin.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=SYSTEM',
  });
  const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
  return async (path, body, contentType = 'application/json') => {
    const r = await fetch(`${la.baseUrl}/t/${la.organization}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: JSON.stringify(body),
    });
    if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
  };
}

describe('readExportedSetup (local Asgardeo)', () => {
  let la: LocalAsgardeo;
  beforeAll(async () => {
    la = await startLocalAsgardeo({ organization: 'pharmacy' });
    // Filler made first, so the quick-start's application and role sit on later pages of their lists
    // (at most 30 a page).
    const post = await adminSender(la);
    for (let i = 0; i < 31; i++) {
      await post('/api/server/v1/applications', {
        name: `filler-app-${i}`,
        templateId: 'm2m-application',
        inboundProtocolConfiguration: { oidc: { grantTypes: ['client_credentials'] } },
      });
    }
    for (let i = 0; i < 101; i++) {
      await post(
        '/scim2/v2/Roles',
        {
          schemas: ['urn:ietf:params:scim:schemas:extension:2.0:Role'],
          displayName: `filler-role-${i}`,
          audience: { type: 'organization' },
        },
        'application/scim+json',
      );
    }
    await buildPortalApplication(la, await buildQuickStartSetup(la));
  });
  afterAll(() => la.stop());

  const read = (api: string) =>
    readExportedSetup({ baseUrl: la.baseUrl, organization: 'pharmacy', credentials: la.admin, api, transport: { pacing: false } });

  it('reads the quick-start setup into the expected model, following every page, by name or identifier', async () => {
    const before = la.requests.entries().length;
    const { setup, requests } = await read(QUICK_START.apiName);
    const expected = expectedQuickStartExport('pharmacy');
    // The portal: its attributes, requested claims, user and refresh token lifetimes and app-native sign-in as stored.
    expect(setup).toEqual({ ...expected, applications: [...expected.applications, expectedPortalExport()] });
    expect((await read(QUICK_START.identifier)).setup).toEqual(setup);
    const sent = la.requests.entries().slice(before);
    const lists = (p: string) => sent.filter((e) => e.method === 'GET' && e.path === `/t/pharmacy${p}`).length;
    // Two reads, each two pages of applications, and every page of roles past the 101 fillers.
    expect(lists('/api/server/v1/applications')).toBe(4);
    const roleStarts = sent
      .filter((e) => e.method === 'GET' && e.path === '/t/pharmacy/scim2/v2/Roles')
      .map((e) => Number(new URLSearchParams(e.query).get('startIndex')));
    expect(roleStarts.filter((s) => s === 1)).toHaveLength(2);
    // The last page read holds what was made after the 101 fillers.
    expect(Math.max(...roleStarts) + PAGE_SIZE).toBeGreaterThan(101);
    expect(sent.some((e) => e.write)).toBe(false);
    expect(requests).toBeGreaterThan(0);
  });

  it('an unknown API lists the API resources there are; the other API exports without the quick-start objects', async () => {
    const unknown = await read('nothing').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ExportError);
    expect(unknown).toMatchObject({
      message: 'no API resource has the identifier or name "nothing"',
      hint: expect.stringContaining('"Pharmacy User API"'),
    });
    const other = (await read(QUICK_START.unrelated.identifier)).setup;
    expect(other.applications.map((a) => a.name)).toEqual([QUICK_START.unrelated.app]);
    expect(other.applications[0]).toMatchObject({
      accessTokenType: 'JWT',
      publicClient: false,
      grantTypes: ['client_credentials'],
      audience: [],
    });
    expect(other.roles).toEqual([]);
  });
});
