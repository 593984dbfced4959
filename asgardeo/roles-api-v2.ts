import { createdId, parse, quote, roleSchema, SCIM, SCIM_MAX_PAGE, type AsgardeoApi, type RoleBody } from './api';
import { PATCH_OP_SCHEMA, ROLE_SCHEMA, ROLES_API_SCOPES, type RoleToCreate, type RolesApi, type RoleUpdate } from './roles-api';

const BASE = '/scim2/v2/Roles';
const S = ROLES_API_SCOPES.v2;

/** SCIM2 Roles v2 (`/scim2/v2/Roles`): users go on the create body and in the role's own PATCH. */
export class RolesApiV2 implements RolesApi {
  readonly version = 'v2' as const;
  constructor(private readonly api: AsgardeoApi) {}

  async find(displayName: string): Promise<RoleBody[]> {
    // One name may be used by many roles (one per application audience): every page.
    const all = await this.api.scimList(BASE, `displayName eq ${quote(displayName)}`, S.view);
    return all.map((r) => roleSchema.parse(r)).filter((r) => r.displayName === displayName);
  }

  async listIds(): Promise<string[]> {
    return (await this.api.scimList(BASE, undefined, S.view, SCIM_MAX_PAGE)).map(
      (r) => roleSchema.pick({ id: true }).passthrough().parse(r).id,
    );
  }

  async get(id: string): Promise<RoleBody | undefined> {
    const res = await this.api.request({ method: 'GET', path: `${BASE}/${encodeURIComponent(id)}`, accept: [404], scope: S.view });
    return res.status === 404 ? undefined : parse(roleSchema, res, 'GET scim2/v2/Roles/{id}');
  }

  async create(role: RoleToCreate): Promise<string | undefined> {
    const res = await this.api.request({
      method: 'POST',
      path: BASE,
      body: {
        schemas: [ROLE_SCHEMA],
        displayName: role.displayName,
        ...(role.application ? { audience: { type: 'application', value: role.application } } : {}),
        permissions: role.permissions.map((value) => ({ value })),
        ...(role.users ? { users: role.users.map((value) => ({ value })) } : {}),
      },
      contentType: SCIM,
      accept: [409],
      scope: S.create,
    });
    return res.status === 409 ? undefined : createdId(res);
  }

  async update(id: string, u: RoleUpdate): Promise<void> {
    const ops: object[] = [];
    if (u.permissions) ops.push({ op: 'replace', path: 'permissions', value: u.permissions.map((value) => ({ value })) });
    if (u.addUsers.length) ops.push({ op: 'add', path: 'users', value: u.addUsers.map((value) => ({ value })) });
    for (const x of u.removeUsers) ops.push({ op: 'remove', path: `users[value eq "${x}"]` });
    if (!ops.length) return;
    await this.api.request({
      method: 'PATCH',
      path: `${BASE}/${encodeURIComponent(id)}`,
      body: { schemas: [PATCH_OP_SCHEMA], Operations: ops },
      contentType: SCIM,
      scope: S.update,
    });
  }

  async delete(id: string): Promise<void> {
    await this.api.request({ method: 'DELETE', path: `${BASE}/${encodeURIComponent(id)}`, accept: [404], scope: S.delete });
  }
}
