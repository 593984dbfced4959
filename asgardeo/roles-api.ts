import type { RoleBody } from './api';

/**
 * The SCIM2 Roles API a run manages roles through. Asgardeo serves two: v2 (`/scim2/v2/Roles`,
 * deprecated) and v3 (`/scim2/v3/Roles`), and one application may be authorized for only one of them
 * (the console refuses both). Both clients sit behind `RolesApi`, so the role kind never knows which
 * it speaks: plans are the same either way. Facts: asgardeo-secrets-and-roles.md, part B.
 */
export type RolesApiVersion = 'v2' | 'v3';
/** `asgardeo.rolesApi` in the configuration: `auto` reads which one the admin application is authorized for. */
export type RolesApiSetting = 'auto' | RolesApiVersion;

export const ROLE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:2.0:Role';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The management scopes of each Roles API, as the console's API Authorization tab lists them. */
export const ROLES_API_SCOPES = {
  v2: {
    api: 'SCIM2 Roles API',
    view: 'internal_role_mgt_view',
    create: 'internal_role_mgt_create',
    /** v2: the name, the permissions and the assignments. */
    update: 'internal_role_mgt_update',
    delete: 'internal_role_mgt_delete',
  },
  v3: {
    api: 'SCIM2 Roles V3 API',
    view: 'internal_role_mgt_view',
    create: 'internal_role_mgt_meta_create',
    /** v3: the name and the permissions only. */
    update: 'internal_role_mgt_meta_update',
    /** v3: `/Roles/{id}/Users`. */
    users: 'internal_role_mgt_users_update',
    /** v3: `/Roles/{id}/Groups` (tollgate never assigns groups; named for the docs). */
    groups: 'internal_role_mgt_groups_update',
    delete: 'internal_role_mgt_delete',
  },
} as const;

/** Scopes only one of the two APIs has: what a token's granted scopes tell them apart by. */
export const V2_ONLY_SCOPES: readonly string[] = [ROLES_API_SCOPES.v2.create, ROLES_API_SCOPES.v2.update];
export const V3_ONLY_SCOPES: readonly string[] = [
  ROLES_API_SCOPES.v3.create,
  ROLES_API_SCOPES.v3.update,
  ROLES_API_SCOPES.v3.users,
  ROLES_API_SCOPES.v3.groups,
];

/**
 * Which API an application is authorized for, from the scopes a token request granted (Asgardeo
 * silently drops what the application is not authorized for): v3 when it holds any v3-only scope,
 * else v2 (also when it holds neither: a read-only application reads either, and a missing write
 * scope is then named with v2's names).
 */
export function rolesApiFromGrantedScopes(granted: ReadonlySet<string>): RolesApiVersion {
  return V3_ONLY_SCOPES.some((s) => granted.has(s)) ? 'v3' : 'v2';
}

/** What the run knows about the admin application before it plans: the Roles API it may use. */
export interface AdminAccess {
  rolesApi: RolesApiVersion;
}

export const DEFAULT_ADMIN_ACCESS: AdminAccess = { rolesApi: 'v2' };

/** A role as created: the reconciler's view, the same under both APIs. */
export interface RoleToCreate {
  displayName: string;
  /** Absent for an organization role. */
  application?: string;
  permissions: string[];
  /** User ids; absent when the configuration leaves membership to the console. */
  users?: string[];
}

/** What an update rewrites: the whole permission set, and user ids to add or remove. */
export interface RoleUpdate {
  permissions?: string[];
  addUsers: string[];
  removeUsers: string[];
}

/** The role calls the reconciler and export make, whichever API serves them. */
export interface RolesApi {
  readonly version: RolesApiVersion;
  /** Every role named `displayName`, any audience, with what the list returns. */
  find(displayName: string): Promise<RoleBody[]>;
  /** Every role's id (export). */
  listIds(): Promise<string[]>;
  get(id: string): Promise<RoleBody | undefined>;
  /**
   * The created role's id, or undefined when one with this name and audience exists (409). v3
   * creates the role, then sets its users: a second request, sent only after the first succeeded.
   */
  create(role: RoleToCreate): Promise<string | undefined>;
  update(id: string, update: RoleUpdate): Promise<void>;
  delete(id: string): Promise<void>;
}
