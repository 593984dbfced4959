import { startLocalAsgardeo, adminScopes, type LocalAsgardeo } from '../index';
import { parseCliArgs } from '../cli';
import { startTestServer, type TestClient } from './helpers';

const ROLES = '/scim2/v3/Roles';
const SCIM = 'application/scim+json';
const ROLE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:2.0:Role';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The rules of /scim2/v3/Roles (asgardeo-secrets-and-roles.md part B); README "Roles v3" names this file for each. */
describe('local Asgardeo: SCIM 2.0 Roles v3', () => {
  let server: LocalAsgardeo;
  let client: TestClient;
  let admin: string;
  let kim: string;
  let lee: string;

  beforeAll(async () => {
    ({ server, client } = await startTestServer({ adminRolesApi: 'v3' }));
    admin = await client.adminToken();
    await client.createApiResource(admin, {
      name: 'Pharmacy',
      identifier: 'urn:pharmacy',
      scopes: [{ name: 'get_pharmacy_user' }, { name: 'update_pharmacy_user' }],
    });
    const user = async (userName: string) =>
      (
        await client.request('POST', '/scim2/Users', {
          token: admin,
          contentType: SCIM,
          body: { userName, password: 'Secret#123', emails: [{ value: userName, primary: true }] },
        })
      ).body.id as string;
    kim = await user('kim@example.com');
    lee = await user('lee@example.com');
  });
  afterAll(() => server.stop());

  const send = (method: string, path: string, body?: unknown, token = admin) =>
    client.request(method, path, { token, body, contentType: SCIM });
  const create = async (displayName: string, extra: Record<string, unknown> = {}) => {
    const reply = await send('POST', ROLES, {
      schemas: [ROLE_SCHEMA],
      displayName,
      permissions: [{ value: 'get_pharmacy_user' }],
      ...extra,
    });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };
  const read = async (id: string) => (await send('GET', `${ROLES}/${id}`)).body;
  const tokenWith = async (...scopes: string[]) => {
    const id = `client-${scopes.join('-').replace(/[^a-z]/g, '')}`;
    server.addManagementClient({ clientId: id, clientSecret: 's', scopes });
    return (await client.token(id, 's', scopes.join(' '))).body.access_token as string;
  };

  it('create: 201 with Location under /scim2/v3/Roles; users and groups in the body are dropped without an error', async () => {
    const reply = await send('POST', ROLES, {
      schemas: [ROLE_SCHEMA],
      displayName: 'dropped-members',
      permissions: [{ value: 'get_pharmacy_user' }],
      users: [{ value: kim }],
      groups: [{ value: 'g1' }],
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe(`${server.baseUrl}/t/pharmacy${ROLES}/${reply.body.id}`);
    const role = await read(reply.body.id);
    expect(role.users).toEqual([]);
    expect(role.groups).toEqual([]);
    expect(role.permissions.map((p: { value: string }) => p.value)).toEqual(['get_pharmacy_user']);
    expect(role.meta.location).toContain('/scim2/v3/Roles/');
  });

  it('role PATCH: only displayName and permissions apply (replace sets exactly; one object or an array); users are dropped', async () => {
    const id = await create('patch-meta', { permissions: [{ value: 'get_pharmacy_user' }] });
    const reply = await send('PATCH', `${ROLES}/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'add', path: 'users', value: [{ value: kim }] },
        { op: 'replace', path: 'permissions', value: [{ value: 'update_pharmacy_user' }] },
        { op: 'add', path: 'permissions', value: { value: 'get_pharmacy_user' } },
        { op: 'replace', path: 'displayName', value: 'first' },
        { op: 'replace', path: 'displayName', value: 'patch-meta-2' },
      ],
    });
    expect(reply.status).toBe(200);
    const role = await read(id);
    expect(role.displayName).toBe('patch-meta-2');
    expect(role.users).toEqual([]);
    expect(role.permissions.map((p: { value: string }) => p.value).sort()).toEqual(['get_pharmacy_user', 'update_pharmacy_user']);
    await send('PATCH', `${ROLES}/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'remove', path: 'permissions[value eq get_pharmacy_user]' }],
    });
    expect((await read(id)).permissions.map((p: { value: string }) => p.value)).toEqual(['update_pharmacy_user']);
    // PUT: name and permissions only; members in the body are ignored.
    expect((await send('PUT', `${ROLES}/${id}`, { displayName: 'patch-meta-3', permissions: [], users: [{ value: kim }] })).status).toBe(
      200,
    );
    expect(await read(id)).toMatchObject({ displayName: 'patch-meta-3', users: [], permissions: [] });
  });

  it('PUT /{id}/Users replaces the list with a bare array; PATCH adds without a path and removes by "value eq <id>"', async () => {
    const id = await create('members');
    expect((await send('PUT', `${ROLES}/${id}/Users`, [{ value: kim }, { value: lee }])).status).toBe(200);
    expect((await read(id)).users.map((u: { value: string }) => u.value).sort()).toEqual([kim, lee].sort());
    expect((await send('PUT', `${ROLES}/${id}/Users`, [{ value: lee }])).status).toBe(200);
    expect((await read(id)).users.map((u: { value: string }) => u.value)).toEqual([lee]);
    expect((await send('PUT', `${ROLES}/${id}/Users`, { users: [{ value: kim }] })).status).toBe(400);
    const patch = await send('PATCH', `${ROLES}/${id}/Users`, {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'add', value: [{ value: kim }] },
        { op: 'remove', path: `value eq ${lee}` },
      ],
    });
    expect(patch.status).toBe(200);
    expect((await read(id)).users.map((u: { value: string }) => u.value)).toEqual([kim]);
    await send('PATCH', `${ROLES}/${id}/Users`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'remove', path: `users[value eq ${kim}]` }],
    });
    expect((await read(id)).users).toEqual([]);
    // An unknown user: 400, nothing changed.
    expect((await send('PUT', `${ROLES}/${id}/Users`, [{ value: 'nobody' }])).status).toBe(400);
    // Groups: their own sub-resource, PUT answers 200.
    expect((await send('PUT', `${ROLES}/${id}/Groups`, [{ value: 'g1' }])).status).toBe(200);
    await send('PATCH', `${ROLES}/${id}/Groups`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', value: [{ value: 'g2' }] }] });
    expect((await read(id)).groups.map((g: { value: string }) => g.value)).toEqual(['g1', 'g2']);
  });

  it('checks the scope of what each write touches: meta_create, meta_update, users_update, groups_update, delete', async () => {
    const id = await create('scoped');
    const metaOnly = await tokenWith('internal_role_mgt_view', 'internal_role_mgt_meta_update');
    const usersOnly = await tokenWith('internal_role_mgt_view', 'internal_role_mgt_users_update');
    const v2 = await tokenWith(
      'internal_role_mgt_view',
      'internal_role_mgt_create',
      'internal_role_mgt_update',
      'internal_role_mgt_delete',
    );
    const patchPermissions = {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'permissions', value: [{ value: 'update_pharmacy_user' }] }],
    };
    expect((await send('PATCH', `${ROLES}/${id}`, patchPermissions, usersOnly)).status).toBe(403);
    expect((await send('PATCH', `${ROLES}/${id}`, patchPermissions, metaOnly)).status).toBe(200);
    expect((await send('PUT', `${ROLES}/${id}/Users`, [{ value: kim }], metaOnly)).status).toBe(403);
    expect((await send('PUT', `${ROLES}/${id}/Users`, [{ value: kim }], usersOnly)).status).toBe(200);
    expect((await send('PUT', `${ROLES}/${id}/Groups`, [{ value: 'g' }], usersOnly)).status).toBe(403);
    // A v2 token: its create/update scopes open nothing here.
    const denied = await send('POST', ROLES, { schemas: [ROLE_SCHEMA], displayName: 'v2-made' }, v2);
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('internal_role_mgt_meta_create');
    expect((await send('PATCH', `${ROLES}/${id}`, patchPermissions, v2)).status).toBe(403);
    expect((await send('GET', `${ROLES}/${id}`, undefined, v2)).status).toBe(200);
    expect((await send('DELETE', `${ROLES}/${id}`, undefined, usersOnly)).status).toBe(403);
    expect((await send('DELETE', `${ROLES}/${id}`, undefined, v2)).status).toBe(204);
  });

  it('filters on displayName and audience with eq ne co sw ew and `and`; refuses `or` and other attributes with 400', async () => {
    await create('filter-alpha');
    await create('filter-beta');
    const list = (filter: string) => send('GET', `${ROLES}?filter=${encodeURIComponent(filter)}`);
    expect((await list('displayName sw filter-')).body.totalResults).toBe(2);
    expect(
      (await list('displayName eq filter-alpha and audience.type eq organization')).body.Resources.map(
        (r: { displayName: string }) => r.displayName,
      ),
    ).toEqual(['filter-alpha']);
    const or = await list('displayName eq filter-alpha or displayName eq filter-beta');
    expect(or.status).toBe(400);
    expect(or.body.detail).toBe('Filter operator: or is not supported for role filtering.');
    expect((await list('permissions eq get_pharmacy_user')).status).toBe(400);
    expect((await list('displayName gt a')).status).toBe(400);
  });

  it('error codes: 404 unknown role, 409 duplicate name, 400 bad permission or audience, 406 bad Accept, 415 no Content-Type', async () => {
    expect((await send('GET', `${ROLES}/nope`)).status).toBe(404);
    expect((await send('DELETE', `${ROLES}/nope`)).status).toBe(404);
    await create('dup');
    const dup = await send('POST', ROLES, { schemas: [ROLE_SCHEMA], displayName: 'dup' });
    expect(dup.status).toBe(409);
    expect(dup.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect((await send('POST', ROLES, { schemas: [ROLE_SCHEMA], displayName: 'x', permissions: [{ value: 'no_such' }] })).status).toBe(400);
    expect(
      (await send('POST', ROLES, { schemas: [ROLE_SCHEMA], displayName: 'x', audience: { type: 'application', value: 'nope' } })).status,
    ).toBe(400);
    expect((await client.request('GET', ROLES, { token: admin, headers: { accept: 'text/html' } })).status).toBe(406);
    const noType = await fetch(client.url(ROLES), {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ schemas: [ROLE_SCHEMA], displayName: 'untyped' }),
    });
    expect(noType.status).toBe(415);
  });

  it('refuses a management client authorized for both Roles APIs, as the console does; the v3 admin holds no v2-only scope', async () => {
    expect(() =>
      server.addManagementClient({
        clientId: 'both',
        clientSecret: 's',
        scopes: ['internal_role_mgt_create', 'internal_role_mgt_meta_create'],
      }),
    ).toThrow(/can't register SCIM2 Roles V1\/V2 API and SCIM2 Roles V3 API under the same application/);
    expect(server.adminRolesApi).toBe('v3');
    const granted = (await client.token(server.admin.clientId, server.admin.clientSecret, 'SYSTEM')).body.scope.split(' ');
    expect(granted).toContain('internal_role_mgt_users_update');
    expect(granted).not.toContain('internal_role_mgt_create');
    expect(adminScopes('v2')).not.toContain('internal_role_mgt_meta_create');
    await expect(startLocalAsgardeo({ organization: 'x', adminRolesApi: 'v4' as 'v3' })).rejects.toThrow(/adminRolesApi/);
    expect(parseCliArgs(['--roles-api', 'v3'], {}).adminRolesApi).toBe('v3');
    expect(parseCliArgs([], { ASGARDEO_ROLES_API: 'v3' }).adminRolesApi).toBe('v3');
    expect(parseCliArgs([], {}).adminRolesApi).toBe('v2');
    expect(() => parseCliArgs(['--roles-api', 'v1'], {})).toThrow(/--roles-api must be v2 or v3/);
  });
});
