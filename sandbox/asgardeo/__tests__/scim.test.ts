import type { LocalAsgardeo } from '../index';
import { m2mApp, startTestServer, type TestClient } from './helpers';

const USERS = '/scim2/Users';
const ROLES = '/scim2/v2/Roles';
const SCIM = 'application/scim+json';
const ROLE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:2.0:Role';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('local Asgardeo: SCIM 2.0 users and roles v2', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;

  beforeAll(async () => {
    ({ server, client } = await startTestServer());
    admin = await client.adminToken();
    await client.createApiResource(admin, {
      name: 'Pharmacy',
      identifier: 'urn:pharmacy',
      scopes: [{ name: 'get_pharmacy_user', displayName: 'Get' }, { name: 'update_pharmacy_user' }],
    });
  });
  afterAll(() => server.stop());

  const newUser = (userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    password: 'Secret#123',
    name: { givenName: 'Kim', familyName: 'Berry' },
    emails: [{ value: userName, primary: true }],
    ...extra,
  });

  describe('users', () => {
    it('creates (201, Location, DEFAULT/ prefix, no password back), gets, filters and pages', async () => {
      const created = await client.request('POST', USERS, { token: admin, body: newUser('kim@example.com'), contentType: SCIM });
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toContain(SCIM);
      expect(created.headers.get('location')).toBe(`${server.baseUrl}/t/pharmacy${USERS}/${created.body.id}`);
      expect(created.body).toMatchObject({
        userName: 'DEFAULT/kim@example.com',
        name: { givenName: 'Kim' },
        meta: { resourceType: 'User', location: created.headers.get('location') },
      });
      expect(created.text).not.toContain('Secret#123');
      expect(created.body.password).toBeUndefined();
      const fetched = await client.request('GET', `${USERS}/${created.body.id}`, { token: admin });
      expect(fetched.status).toBe(200);
      expect(fetched.body.id).toBe(created.body.id);

      const invited = await client.request('POST', USERS, {
        token: admin,
        body: { userName: 'lee@example.com', 'urn:scim:wso2:schema': { askPassword: true } },
        contentType: SCIM,
      });
      expect(invited.status).toBe(201);
      const neither = await client.request('POST', USERS, { token: admin, body: { userName: 'x@example.com' }, contentType: SCIM });
      expect(neither.status).toBe(400);
      expect(neither.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400' });

      const byName = await client.request('GET', `${USERS}?filter=${encodeURIComponent('userName eq kim@example.com')}`, { token: admin });
      expect(byName.body).toMatchObject({
        totalResults: 1,
        startIndex: 1,
        itemsPerPage: 1,
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      });
      expect(byName.body.Resources[0].userName).toBe('DEFAULT/kim@example.com');
      const prefixed = await client.request('GET', `${USERS}?filter=${encodeURIComponent('userName eq DEFAULT/kim@example.com')}`, {
        token: admin,
      });
      expect(prefixed.body.totalResults).toBe(1);
      const both = await client.request(
        'GET',
        `${USERS}?filter=${encodeURIComponent('userName ew example.com and name.givenName eq Kim')}`,
        { token: admin },
      );
      expect(both.body.totalResults).toBe(1);
      const paged = await client.request('GET', `${USERS}?startIndex=2&count=1`, { token: admin });
      expect(paged.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
      expect(paged.body.Resources[0].userName).toBe('DEFAULT/lee@example.com');
    });

    it("answers an 'or' filter with 500, as the real server does (not 400)", async () => {
      const orFilter = await client.request(
        'GET',
        `${USERS}?filter=${encodeURIComponent('userName eq a@example.com or userName eq b@example.com')}`,
        { token: admin },
      );
      expect(orFilter.status).toBe(500);
      expect(orFilter.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500' });
      const badAttribute = await client.request('GET', `${USERS}?filter=${encodeURIComponent('shoeSize eq 9')}`, { token: admin });
      expect(badAttribute.status).toBe(400);
    });

    it('refuses a userName that is not an e-mail address (400 invalidValue)', async () => {
      for (const userName of ['kim', 'kim@', 'kim@example', 'kim smith@example.com']) {
        const reply = await client.request('POST', USERS, { token: admin, body: newUser(userName), contentType: SCIM });
        expect([userName, reply.status, reply.body.scimType]).toEqual([userName, 400, 'invalidValue']);
      }
      expect(
        (await client.request('POST', USERS, { token: admin, body: newUser('DEFAULT/store@example.com'), contentType: SCIM })).status,
      ).toBe(201);
    });

    it(
      'applies the default password policy (8+ characters, upper, lower, digit, special) on create, PUT and PATCH, ' +
        'never echoing the password',
      async () => {
        for (const password of ['Sh#1rt', 'alllower#123', 'ALLUPPER#123', 'NoDigits#here', 'NoSpecial123']) {
          const reply = await client.request('POST', USERS, {
            token: admin,
            body: { ...newUser('policy@example.com'), password },
            contentType: SCIM,
          });
          expect([password, reply.status, reply.body.scimType]).toEqual([password, 400, 'invalidValue']);
          expect(reply.text).not.toContain(password);
        }
        const user = (
          await client.request('POST', USERS, {
            token: admin,
            body: { ...newUser('policy@example.com'), password: 'Good#Pass1' },
            contentType: SCIM,
          })
        ).body;
        expect(user.id).toBeTruthy();
        expect(
          (
            await client.request('PUT', `${USERS}/${user.id}`, {
              token: admin,
              body: { userName: 'policy@example.com', password: 'weak' },
              contentType: SCIM,
            })
          ).status,
        ).toBe(400);
        const patch = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: 'weakpassword' }] };
        expect((await client.request('PATCH', `${USERS}/${user.id}`, { token: admin, body: patch, contentType: SCIM })).status).toBe(400);
      },
    );

    it('answers 409 to a duplicate userName and 404 (SCIM error, string status) to an unknown id', async () => {
      await client.request('POST', USERS, { token: admin, body: newUser('dup@example.com'), contentType: SCIM });
      const dup = await client.request('POST', USERS, { token: admin, body: newUser('dup@example.com'), contentType: SCIM });
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        scimType: 'uniqueness',
        detail: expect.any(String),
        status: '409',
      });
      const missing = await client.request('GET', `${USERS}/nope`, { token: admin });
      expect(missing.status).toBe(404);
      expect(missing.body.status).toBe('404');
      expect((await client.request('DELETE', `${USERS}/nope`, { token: admin })).status).toBe(404);
    });

    it('replaces with PUT, patches with PatchOp and deletes with 204', async () => {
      const user = (await client.request('POST', USERS, { token: admin, body: newUser('pat@example.com'), contentType: SCIM })).body;
      const put = await client.request('PUT', `${USERS}/${user.id}`, {
        token: admin,
        body: { userName: 'pat@example.com', name: { givenName: 'Pat', familyName: 'Doe' } },
        contentType: SCIM,
      });
      expect(put.status).toBe(200);
      expect(put.body.name).toEqual({ givenName: 'Pat', familyName: 'Doe' });
      expect(put.body.emails).toBeUndefined();
      const renamed = await client.request('PUT', `${USERS}/${user.id}`, {
        token: admin,
        body: { userName: 'other@example.com' },
        contentType: SCIM,
      });
      expect(renamed.status).toBe(400);
      const patched = await client.request('PATCH', `${USERS}/${user.id}`, {
        token: admin,
        contentType: SCIM,
        body: {
          schemas: [PATCH_SCHEMA],
          Operations: [
            { op: 'replace', path: 'name.givenName', value: 'Patricia' },
            { op: 'add', value: { nickName: 'trish' } },
            { op: 'remove', path: 'name.familyName' },
          ],
        },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.name).toEqual({ givenName: 'Patricia' });
      expect(patched.body.nickName).toBe('trish');
      expect(
        (await client.request('PATCH', `${USERS}/${user.id}`, { token: admin, contentType: SCIM, body: { Operations: [{ op: 'move' }] } }))
          .status,
      ).toBe(400);
      expect((await client.request('DELETE', `${USERS}/${user.id}`, { token: admin })).status).toBe(204);
      expect((await client.request('GET', `${USERS}/${user.id}`, { token: admin })).status).toBe(404);
    });
  });

  describe('roles v2', () => {
    let userId: string;
    let appId: string;
    beforeAll(async () => {
      userId = (await client.request('POST', USERS, { token: admin, body: newUser('pharmacist@example.com'), contentType: SCIM })).body.id;
      appId = await client.createApp(admin, m2mApp('role-app'));
    });

    it('creates an organization role (audience omitted) with API-scope permissions and users', async () => {
      const created = await client.request('POST', ROLES, {
        token: admin,
        contentType: SCIM,
        body: {
          schemas: [ROLE_SCHEMA],
          displayName: 'pharmacist',
          users: [{ value: userId }],
          permissions: [{ value: 'get_pharmacy_user' }],
        },
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`${server.baseUrl}/t/pharmacy${ROLES}/${created.body.id}`);
      expect(created.body).toMatchObject({
        displayName: 'pharmacist',
        audience: { type: 'organization', display: 'pharmacy' },
        meta: { location: created.headers.get('location') },
      });
      const role = await client.request('GET', `${ROLES}/${created.body.id}`, { token: admin });
      expect(role.body.users).toEqual([
        { value: userId, display: 'DEFAULT/pharmacist@example.com', $ref: `${server.baseUrl}/t/pharmacy${USERS}/${userId}` },
      ]);
      expect(role.body.permissions).toEqual([{ value: 'get_pharmacy_user', display: 'Get' }]);
      const dup = await client.request('POST', ROLES, {
        token: admin,
        contentType: SCIM,
        body: { schemas: [ROLE_SCHEMA], displayName: 'pharmacist', audience: { type: 'organization', value: created.body.audience.value } },
      });
      expect(dup.status).toBe(409);
      expect(dup.body.status).toBe('409');
    });

    it('creates application roles (same name allowed per audience) and refuses unknown permissions, apps and users', async () => {
      const appRole = await client.request('POST', ROLES, {
        token: admin,
        contentType: SCIM,
        body: {
          schemas: [ROLE_SCHEMA],
          displayName: 'pharmacist',
          audience: { type: 'application', value: appId },
          permissions: [{ value: 'update_pharmacy_user' }],
        },
      });
      expect(appRole.status).toBe(201);
      expect(appRole.body.audience).toEqual({ type: 'application', value: appId, display: 'role-app' });
      const badScope = await client.request('POST', ROLES, {
        token: admin,
        contentType: SCIM,
        body: { schemas: [ROLE_SCHEMA], displayName: 'x', permissions: [{ value: '/permission/admin' }] },
      });
      expect(badScope.status).toBe(400);
      expect(badScope.body.status).toBe('400');
      expect(
        (
          await client.request('POST', ROLES, {
            token: admin,
            contentType: SCIM,
            body: { schemas: [ROLE_SCHEMA], displayName: 'x', audience: { type: 'application', value: 'nope' } },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await client.request('POST', ROLES, {
            token: admin,
            contentType: SCIM,
            body: { schemas: [ROLE_SCHEMA], displayName: 'x', users: [{ value: 'nope' }] },
          })
        ).status,
      ).toBe(400);

      const filtered = await client.request(
        'GET',
        `${ROLES}?filter=${encodeURIComponent(`displayName eq pharmacist and audience.value eq ${appId}`)}`,
        { token: admin },
      );
      expect(filtered.body.totalResults).toBe(1);
      expect(filtered.body.Resources[0].id).toBe(appRole.body.id);
      const byType = await client.request('GET', `${ROLES}?filter=${encodeURIComponent('audience.type ne application')}`, { token: admin });
      expect(byType.body.Resources.every((r: { audience: { type: string } }) => r.audience.type === 'organization')).toBe(true);
      expect(
        (await client.request('GET', `${ROLES}?filter=${encodeURIComponent('displayName eq a or displayName eq b')}`, { token: admin }))
          .status,
      ).toBe(400);

      // the role goes with its application
      const app2 = await client.createApp(admin, m2mApp('role-app-2'));
      const r2 = await client.request('POST', ROLES, {
        token: admin,
        contentType: SCIM,
        body: { schemas: [ROLE_SCHEMA], displayName: 'temp', audience: { type: 'application', value: app2 } },
      });
      await client.request('DELETE', `/api/server/v1/applications/${app2}`, { token: admin });
      expect((await client.request('GET', `${ROLES}/${r2.body.id}`, { token: admin })).status).toBe(404);
    });

    it('patches users, permissions (replace = whole set) and displayName; PUT replaces; DELETE is 204', async () => {
      const role = (
        await client.request('POST', ROLES, {
          token: admin,
          contentType: SCIM,
          body: { schemas: [ROLE_SCHEMA], displayName: 'editor', permissions: [{ value: 'get_pharmacy_user' }] },
        })
      ).body;
      const patch = (Operations: unknown[]): Promise<import('./helpers').Reply> =>
        client.request('PATCH', `${ROLES}/${role.id}`, { token: admin, contentType: SCIM, body: { schemas: [PATCH_SCHEMA], Operations } });
      expect(
        (
          await patch([
            { op: 'add', path: 'users', value: [{ value: userId }] },
            { op: 'add', path: 'permissions', value: [{ value: 'update_pharmacy_user' }] },
          ])
        ).status,
      ).toBe(200);
      let full = (await client.request('GET', `${ROLES}/${role.id}`, { token: admin })).body;
      expect(full.users.map((u: { value: string }) => u.value)).toEqual([userId]);
      expect(full.permissions.map((p: { value: string }) => p.value)).toEqual(['get_pharmacy_user', 'update_pharmacy_user']);
      expect(
        (
          await patch([
            { op: 'replace', value: { permissions: [{ value: 'update_pharmacy_user' }] } },
            { op: 'remove', path: `users[value eq ${userId}]` },
          ])
        ).status,
      ).toBe(200);
      full = (await client.request('GET', `${ROLES}/${role.id}`, { token: admin })).body;
      expect(full.permissions.map((p: { value: string }) => p.value)).toEqual(['update_pharmacy_user']);
      expect(full.users).toEqual([]);
      const renamed = await patch([{ op: 'replace', path: 'displayName', value: 'senior-editor' }]);
      expect(renamed.body.displayName).toBe('senior-editor');
      // an invalid operation changes nothing
      expect(
        (
          await patch([
            { op: 'add', path: 'permissions', value: [{ value: 'get_pharmacy_user' }] },
            { op: 'add', path: 'permissions', value: [{ value: 'nope' }] },
          ])
        ).status,
      ).toBe(400);
      expect((await client.request('GET', `${ROLES}/${role.id}`, { token: admin })).body.permissions).toHaveLength(1);
      const put = await client.request('PUT', `${ROLES}/${role.id}`, {
        token: admin,
        contentType: SCIM,
        body: { displayName: 'put-name', users: [{ value: userId }], permissions: [] },
      });
      expect(put.status).toBe(200);
      full = (await client.request('GET', `${ROLES}/${role.id}`, { token: admin })).body;
      expect(full).toMatchObject({ displayName: 'put-name', permissions: [], users: [{ value: userId }] });
      expect((await client.request('DELETE', `${ROLES}/${role.id}`, { token: admin })).status).toBe(204);
      expect((await client.request('DELETE', `${ROLES}/${role.id}`, { token: admin })).status).toBe(404);
    });

    it('removes deleted users and API scopes from roles', async () => {
      const api = await client.createApiResource(admin, { name: 'Temp', identifier: 'urn:temp', scopes: [{ name: 'temp:x' }] });
      const user = (await client.request('POST', USERS, { token: admin, body: newUser('temp@example.com'), contentType: SCIM })).body;
      const role = (
        await client.request('POST', ROLES, {
          token: admin,
          contentType: SCIM,
          body: { schemas: [ROLE_SCHEMA], displayName: 'temp-role', users: [{ value: user.id }], permissions: [{ value: 'temp:x' }] },
        })
      ).body;
      await client.request('DELETE', `${USERS}/${user.id}`, { token: admin });
      await client.request('DELETE', `/api/server/v1/api-resources/${api.id}`, { token: admin });
      const full = (await client.request('GET', `${ROLES}/${role.id}`, { token: admin })).body;
      expect(full.users).toEqual([]);
      expect(full.permissions).toEqual([]);
    });
  });
});
