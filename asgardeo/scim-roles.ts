import { parse, quote, roleSchema, SCIM_MAX_PAGE, type AsgardeoApi, type RoleBody } from './api';
import { ROLE_SCHEMA, type RoleToCreate } from './roles-api';

/**
 * What the two SCIM2 Roles APIs do alike: find by name, list, read and delete. They differ only in
 * their base path and scopes; how users are written (create body and PATCH, or the Users sub-resource)
 * is each version's own.
 */
export abstract class ScimRolesApi {
  protected constructor(
    protected readonly api: AsgardeoApi,
    protected readonly base: string,
    private readonly scopes: { readonly view: string; readonly delete: string },
  ) {}

  async find(displayName: string): Promise<RoleBody[]> {
    // One name may be used by many roles (one per application audience): every page. `eq` only (v3 refuses `or`).
    const all = await this.api.scimList(this.base, `displayName eq ${quote(displayName)}`, this.scopes.view);
    return all.map((r) => roleSchema.parse(r)).filter((r) => r.displayName === displayName);
  }

  async listIds(): Promise<string[]> {
    return (await this.api.scimList(this.base, undefined, this.scopes.view, SCIM_MAX_PAGE)).map(
      (r) => roleSchema.pick({ id: true }).passthrough().parse(r).id,
    );
  }

  async get(id: string): Promise<RoleBody | undefined> {
    const res = await this.api.request({ method: 'GET', path: this.rolePath(id), accept: [404], scope: this.scopes.view });
    return res.status === 404 ? undefined : parse(roleSchema, res, `GET ${this.base.slice(1)}/{id}`);
  }

  async delete(id: string): Promise<void> {
    await this.api.request({ method: 'DELETE', path: this.rolePath(id), accept: [404], scope: this.scopes.delete });
  }

  protected rolePath(id: string): string {
    return `${this.base}/${encodeURIComponent(id)}`;
  }

  /** The create body both versions send: name, audience, permissions (v2 adds its users). */
  protected createBody(role: RoleToCreate): Record<string, unknown> {
    return {
      schemas: [ROLE_SCHEMA],
      displayName: role.displayName,
      ...(role.application ? { audience: { type: 'application', value: role.application } } : {}),
      permissions: role.permissions.map((value) => ({ value })),
    };
  }
}
