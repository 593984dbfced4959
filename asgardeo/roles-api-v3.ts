import { createdId, SCIM, type AsgardeoApi } from './api';
import { ScimRolesApi } from './scim-roles';
import { PATCH_OP_SCHEMA, ROLES_API_SCOPES, type RoleToCreate, type RolesApi, type RoleUpdate } from './roles-api';

const BASE = '/scim2/v3/Roles';
const S = ROLES_API_SCOPES.v3;

/**
 * SCIM2 Roles v3 (`/scim2/v3/Roles`). The server drops users and groups from a create body and from
 * a role PATCH without an error, so assignments only go through `/Roles/{id}/Users`; each write is
 * checked against the scope of what it touches (metadata, users).
 */
export class RolesApiV3 extends ScimRolesApi implements RolesApi {
  readonly version = 'v3' as const;
  constructor(api: AsgardeoApi) {
    super(api, BASE, S);
  }

  /** Two steps: the role (metadata), then its users, sent only once the role exists. */
  async create(role: RoleToCreate): Promise<string | undefined> {
    const res = await this.api.request({
      method: 'POST',
      path: BASE,
      body: {
        ...this.createBody(role),
      },
      contentType: SCIM,
      accept: [409],
      scope: S.create,
    });
    if (res.status === 409) return undefined;
    const id = createdId(res);
    if (id && role.users?.length) await this.putUsers(id, role.users);
    return id;
  }

  async update(id: string, u: RoleUpdate): Promise<void> {
    if (u.permissions) {
      await this.api.request({
        method: 'PATCH',
        path: this.rolePath(id),
        body: {
          schemas: [PATCH_OP_SCHEMA],
          Operations: [{ op: 'replace', path: 'permissions', value: u.permissions.map((value) => ({ value })) }],
        },
        contentType: SCIM,
        scope: S.update,
      });
    }
    const ops: object[] = [];
    if (u.addUsers.length) ops.push({ op: 'add', value: u.addUsers.map((value) => ({ value })) });
    for (const x of u.removeUsers) ops.push({ op: 'remove', path: `value eq ${x}` });
    if (!ops.length) return;
    await this.api.request({
      method: 'PATCH',
      path: `${this.rolePath(id)}/Users`,
      body: { schemas: [PATCH_OP_SCHEMA], Operations: ops },
      contentType: SCIM,
      scope: S.users,
    });
  }

  /** Replaces the role's whole user list (the body is a bare array). */
  private async putUsers(id: string, users: readonly string[]): Promise<void> {
    await this.api.request({
      method: 'PUT',
      path: `${this.rolePath(id)}/Users`,
      body: users.map((value) => ({ value })),
      contentType: SCIM,
      scope: S.users,
    });
  }
}
