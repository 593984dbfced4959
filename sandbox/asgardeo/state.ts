import { randomBytes, randomUUID } from 'node:crypto';

/** Everything the local Asgardeo remembers, in memory, for one organization. */

export interface ScopeRecord {
  id: string;
  name: string;
  displayName: string;
  description?: string;
}

export interface ApiResourceRecord {
  id: string;
  /** Cursor key: the order resources were created in, as the real server pages them. */
  seq: number;
  name: string;
  identifier: string;
  description?: string;
  requiresAuthorization: boolean;
  type: 'BUSINESS' | 'SYSTEM';
  scopes: ScopeRecord[];
  properties: { name: string; value: string }[];
}

export interface AuthorizedApiRecord {
  apiId: string;
  policyId: string;
  scopeNames: string[];
}

export type OidcConfig = Record<string, unknown> & {
  clientId: string;
  clientSecret: string;
  grantTypes: string[];
  callbackURLs: string[];
  allowedOrigins: string[];
  publicClient: boolean;
  pkce: { mandatory: boolean; supportPlainTransformAlgorithm: boolean };
  accessToken: Record<string, unknown> & {
    type: string;
    applicationAccessTokenExpiryInSeconds: number;
    userAccessTokenExpiryInSeconds?: unknown;
    accessTokenAttributes: string[];
    enableJwtScopeAsArray?: boolean;
  };
  refreshToken: Record<string, unknown>;
  idToken: Record<string, unknown> & { audience: string[] };
};

/** One of an OIDC app's client secrets (multiple-secrets model; newest first in {@link AsgardeoState.clientSecrets}). */
export interface ClientSecretRecord {
  id: string;
  value: string;
  /** Epoch seconds; 0 = never expires. */
  expiresAt: number;
  /** Epoch seconds; null for the legacy secret migrated on the first rotation. */
  createdAt: number | null;
}

/** The fixed id the server lists the one legacy secret under until the first POST …/oidc/secrets. */
export const DEFAULT_SECRET_ID = '25399749-8916-4625-b39d-c53ccf51666b';

export interface ApplicationRecord {
  id: string;
  seq: number;
  name: string;
  description?: string;
  /** Other top-level fields given at create/patch time (templateId, imageUrl, claimConfiguration, ...). */
  extra: Record<string, unknown>;
  associatedRoles: { allowedAudience: 'ORGANIZATION' | 'APPLICATION'; roleIds: string[] };
  oidc?: OidcConfig;
  authorizedApis: Map<string, AuthorizedApiRecord>;
}

export interface UserRecord {
  id: string;
  seq: number;
  /** Stored with its user-store prefix, e.g. `DEFAULT/kim@example.com`. */
  userName: string;
  password?: string;
  /** Every other SCIM attribute, as given. */
  attributes: Record<string, unknown>;
  created: string;
  lastModified: string;
}

export interface RoleRecord {
  id: string;
  seq: number;
  displayName: string;
  audienceType: 'organization' | 'application';
  audienceValue: string;
  userIds: string[];
  groupIds: string[];
  permissions: string[];
  created: string;
  lastModified: string;
}

export interface ManagementClient {
  clientSecret: string;
  scopes: ReadonlySet<string>;
}

/** A token the server issued; management calls look their bearer token up here. */
export interface IssuedToken {
  clientId: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
  /** User tokens: who signed in, in which login session, and from which authorization code. */
  userId?: string;
  sessionId?: string;
  code?: string;
}

/** A validated authorization request (`/oauth2/authorize`), kept while the user signs in. */
export interface AuthorizationRequest {
  appId: string;
  clientId: string;
  redirectUri: string;
  requestedScopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
}

/** A sign-in in progress: the login page's `sessionDataKey`, or the app-native `flowId`. */
export interface LoginFlow extends AuthorizationRequest {
  id: string;
  kind: 'browser' | 'app-native';
  expiresAt: number;
}

export interface AuthorizationCodeRecord extends AuthorizationRequest {
  userId: string;
  sessionId: string;
  /** Scopes approved at /authorize (the role check happens there). */
  approvedScopes: string[];
  authTime: number;
  expiresAt: number;
  used: boolean;
}

export interface RefreshTokenRecord {
  clientId: string;
  appId: string;
  userId: string;
  sessionId?: string;
  scopes: string[];
  expiresAt: number;
  authTime: number;
  /** The authorization code it came from, so a replayed code revokes it. */
  code?: string;
}

/** A signed-in user's session at the identity provider (ended by /oidc/logout). */
export interface LoginSession {
  id: string;
  userId: string;
  createdAt: number;
}

/** The internal scopes of the management APIs this server serves (see the contract page). */
export const SYSTEM_APIS: readonly { name: string; identifier: string; scopes: readonly string[] }[] = [
  {
    name: 'API Resource Management API',
    identifier: '/api/server/v1/api-resources',
    scopes: ['internal_api_resource_view', 'internal_api_resource_create', 'internal_api_resource_update', 'internal_api_resource_delete'],
  },
  {
    name: 'Application Management API',
    identifier: '/api/server/v1/applications',
    scopes: [
      'internal_application_mgt_view',
      'internal_application_mgt_create',
      'internal_application_mgt_update',
      'internal_application_mgt_delete',
      'internal_application_business_api_update',
      // Reading and creating client secrets are separate scopes (asgardeo-contract.md, Corrections).
      'internal_application_mgt_client_secret_view',
      'internal_application_mgt_client_secret_create',
      'internal_application_mgt_client_secret_delete',
    ],
  },
  {
    name: 'SCIM2 Users API',
    identifier: '/scim2/Users',
    scopes: [
      'internal_user_mgt_list',
      'internal_user_mgt_view',
      'internal_user_mgt_create',
      'internal_user_mgt_update',
      'internal_user_mgt_delete',
    ],
  },
  {
    name: 'SCIM2 Roles API',
    identifier: '/scim2/v2/Roles',
    scopes: ['internal_role_mgt_view', 'internal_role_mgt_create', 'internal_role_mgt_update', 'internal_role_mgt_delete'],
  },
  {
    // View and delete carry the same names as v2's (the docs list them for both APIs).
    name: 'SCIM2 Roles V3 API',
    identifier: '/scim2/v3/Roles',
    scopes: [
      'internal_role_mgt_view',
      'internal_role_mgt_meta_create',
      'internal_role_mgt_meta_update',
      'internal_role_mgt_users_update',
      'internal_role_mgt_groups_update',
      'internal_role_mgt_delete',
    ],
  },
];

/** Every internal scope of every management API served here (what `SYSTEM` may expand to). */
export const SYSTEM_SCOPES: readonly string[] = [...new Set(SYSTEM_APIS.flatMap((api) => api.scopes))];

/** The Roles API scopes only one of the two versions has: holding some of each means authorized for both. */
const ROLES_V2_ONLY = ['internal_role_mgt_create', 'internal_role_mgt_update'];
const ROLES_V3_ONLY = [
  'internal_role_mgt_meta_create',
  'internal_role_mgt_meta_update',
  'internal_role_mgt_users_update',
  'internal_role_mgt_groups_update',
];

/** Every scope an admin application authorized for every management API holds, roles through `rolesApi`. */
export function adminScopes(rolesApi: 'v2' | 'v3' = 'v2'): string[] {
  const other = rolesApi === 'v2' ? ROLES_V3_ONLY : ROLES_V2_ONLY;
  return SYSTEM_SCOPES.filter((s) => !other.includes(s));
}

/** What an admin authorized for every management API holds (roles through v2). */
export const ALL_INTERNAL_SCOPES: readonly string[] = adminScopes('v2');

/**
 * The console refuses to authorize both Roles APIs on one application (asgardeo-secrets-and-roles.md,
 * B.6): so does this server, for a management client holding scopes only v2 has and scopes only v3 has.
 */
export function checkRolesApiScopes(scopes: Iterable<string>): void {
  const held = new Set(scopes);
  if (ROLES_V2_ONLY.some((s) => held.has(s)) && ROLES_V3_ONLY.some((s) => held.has(s)))
    throw new Error(
      "You can't register SCIM2 Roles V1/V2 API and SCIM2 Roles V3 API under the same application. " +
        'Before you register the SCIM2 Roles V3 API, remove the SCIM2 Roles V1/V2 API resource ' +
        `(this client holds ${ROLES_V2_ONLY.filter((s) => held.has(s)).join(', ')} ` +
        `and ${ROLES_V3_ONLY.filter((s) => held.has(s)).join(', ')}).`,
    );
}

export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function newClientId(): string {
  // Asgardeo client ids are 28 characters of [A-Za-z0-9_]
  return randomBytes(21).toString('base64url').replace(/-/g, '_');
}

export class AsgardeoState {
  readonly organizationId: string = randomUUID();
  readonly apiResources = new Map<string, ApiResourceRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly roles = new Map<string, RoleRecord>();
  readonly managementClients = new Map<string, ManagementClient>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly loginFlows = new Map<string, LoginFlow>();
  readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly sessions = new Map<string, LoginSession>();
  /** By application id, newest first; absent until the first POST …/oidc/secrets (the app then has its one legacy secret). */
  readonly clientSecrets = new Map<string, ClientSecretRecord[]>();
  /** The clock of codes, flows, sessions and refresh tokens; tests inject one. */
  now: () => number = () => Date.now();
  /** Organization-wide options. */
  readonly settings: { enableJwtScopeAsArray: boolean; duplicateApplicationAnswer: 'current' | 'older' } = {
    enableJwtScopeAsArray: false,
    duplicateApplicationAnswer: 'current',
  };
  /** The server's `MaxSecretCount` (default 2; the current secret counts); 0 = an older server without the secrets endpoints. */
  maxClientSecrets = 2;
  private sequence = 0;

  constructor(readonly organization: string) {
    for (const api of SYSTEM_APIS) {
      const id = randomUUID();
      this.apiResources.set(id, {
        id,
        seq: this.nextSeq(),
        name: api.name,
        identifier: api.identifier,
        requiresAuthorization: true,
        type: 'SYSTEM',
        scopes: api.scopes.map((name) => ({ id: randomUUID(), name, displayName: name })),
        properties: [],
      });
    }
  }

  /** The app's client secrets, newest first: before the first rotation, the one legacy secret under its fixed id. */
  secretsOf(app: ApplicationRecord): ClientSecretRecord[] {
    const list = this.clientSecrets.get(app.id);
    if (list) return list;
    if (!app.oidc) return [];
    const expiresAt = typeof app.oidc.clientSecretExpiresAt === 'number' ? app.oidc.clientSecretExpiresAt : 0;
    return [{ id: DEFAULT_SECRET_ID, value: app.oidc.clientSecret, expiresAt, createdAt: null }];
  }

  /** The token endpoint's rule: any of the app's secrets that has not expired authenticates (no skew allowance here: stricter). */
  acceptsClientSecret(app: ApplicationRecord, presented: string): boolean {
    const nowSeconds = this.now() / 1000;
    return this.secretsOf(app).some((s) => s.value === presented && (s.expiresAt === 0 || s.expiresAt > nowSeconds));
  }

  nextSeq(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** The API resource that owns a scope name (unique in the organization, but for the Roles APIs' shared view/delete). */
  scopeOwner(scopeName: string): { api: ApiResourceRecord; scope: ScopeRecord } | undefined {
    for (const api of this.apiResources.values()) {
      const scope = api.scopes.find((s) => s.name === scopeName);
      if (scope) return { api, scope };
    }
    return undefined;
  }

  applicationByClientId(clientId: string): ApplicationRecord | undefined {
    for (const app of this.applications.values()) if (app.oidc?.clientId === clientId) return app;
    return undefined;
  }

  applicationByName(name: string): ApplicationRecord | undefined {
    for (const app of this.applications.values()) if (app.name === name) return app;
    return undefined;
  }

  /** Scopes an application may be granted: the union of what its authorized APIs allow. */
  authorizedScopes(app: ApplicationRecord): Set<string> {
    const result = new Set<string>();
    for (const authorized of app.authorizedApis.values()) for (const name of authorized.scopeNames) result.add(name);
    return result;
  }

  /** Drops scope names that no longer exist from every authorization and role. */
  forgetScopes(names: ReadonlySet<string>): void {
    if (names.size === 0) return;
    for (const app of this.applications.values()) {
      for (const authorized of app.authorizedApis.values()) authorized.scopeNames = authorized.scopeNames.filter((n) => !names.has(n));
    }
    for (const role of this.roles.values()) role.permissions = role.permissions.filter((n) => !names.has(n));
  }

  deleteApiResource(id: string): void {
    const api = this.apiResources.get(id);
    if (!api) return;
    this.apiResources.delete(id);
    this.forgetScopes(new Set(api.scopes.map((s) => s.name)));
    for (const app of this.applications.values()) app.authorizedApis.delete(id);
  }

  deleteApplication(id: string): void {
    const app = this.applications.get(id);
    if (!app) return;
    this.applications.delete(id);
    this.clientSecrets.delete(id);
    // Roles whose audience is the application go with it, as on the real service.
    for (const role of [...this.roles.values()]) {
      if (role.audienceType === 'application' && role.audienceValue === id) this.deleteRole(role.id);
    }
    if (app.oidc) this.revokeTokensOf(app.oidc.clientId);
  }

  deleteRole(id: string): void {
    this.roles.delete(id);
    for (const app of this.applications.values()) app.associatedRoles.roleIds = app.associatedRoles.roleIds.filter((r) => r !== id);
  }

  deleteUser(id: string): void {
    this.users.delete(id);
    for (const [token, grant] of this.refreshTokens) if (grant.userId === id) this.refreshTokens.delete(token);
    for (const role of this.roles.values()) role.userIds = role.userIds.filter((u) => u !== id);
  }

  revokeTokensOf(clientId: string): void {
    for (const [token, issued] of this.tokens) if (issued.clientId === clientId) this.tokens.delete(token);
    for (const [token, grant] of this.refreshTokens) if (grant.clientId === clientId) this.refreshTokens.delete(token);
  }

  /** The user whose user name is `name`, with or without the user-store prefix (case-insensitive). */
  userByName(name: string): UserRecord | undefined {
    const wanted = name.toLowerCase();
    for (const user of this.users.values()) {
      const full = user.userName.toLowerCase();
      if (full === wanted || full.replace(/^[^/]+\//, '') === wanted) return user;
    }
    return undefined;
  }

  /** Ends a login session; with `revokeTokens`, also the tokens issued in it. */
  endSession(sessionId: string, revokeTokens: (clientId: string) => boolean): void {
    this.sessions.delete(sessionId);
    for (const [token, grant] of this.refreshTokens)
      if (grant.sessionId === sessionId && revokeTokens(grant.clientId)) this.refreshTokens.delete(token);
    for (const [token, issued] of this.tokens)
      if (issued.sessionId === sessionId && revokeTokens(issued.clientId)) this.tokens.delete(token);
  }
}
