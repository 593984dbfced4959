import { createdId, SCIM, type AsgardeoApi } from './api';
import { ScimRolesApi } from './scim-roles';
import { PATCH_OP_SCHEMA, ROLES_API_SCOPES, type RoleToCreate, type RolesApi, type RoleUpdate } from './roles-api';

const BASE = '/scim2/v2/Roles';
const S = ROLES_API_SCOPES.v2;

/** SCIM2 Roles v2 (`/scim2/v2/Roles`): users go on the create body and in the role's own PATCH. */
export class RolesApiV2 extends ScimRolesApi implements RolesApi {
  readonly version = 'v2' as const;
  constructor(api: AsgardeoApi) {
    super(api, BASE, S);
  }

  async create(role: RoleToCreate): Promise<string | undefined> {
    const res = await this.api.request({
      method: 'POST',
      path: BASE,
      body: {
        ...this.createBody(role),
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
      path: this.rolePath(id),
      body: { schemas: [PATCH_OP_SCHEMA], Operations: ops },
      contentType: SCIM,
      scope: S.update,
    });
  }
}
