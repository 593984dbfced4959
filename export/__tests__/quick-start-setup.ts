import { randomBytes } from 'node:crypto';
import type { LocalAsgardeo } from '../../sandbox/asgardeo';
import type { ExportedApplication, ExportedSetup } from '../model';

/**
 * The setup Asgardeo's quick-start for the Pharmacy User API has a team build by hand in the
 * console, made here with the same raw management calls the console sends — mistakes included:
 *
 * - the application is made from the single-page-app template and keeps its default **opaque**
 *   ("Default") access tokens, which API Gateway's JWT authorizer cannot validate;
 * - it has **no shared audience** (`idToken.audience` empty), so its tokens' `aud` is only its
 *   client id and an authorizer configured with the API identifier refuses them.
 *
 * What it builds: the API resource "Pharmacy User API" (scope `get_pharmacy_user`), the SPA
 * "Pharmacy App" authorized for that scope, the user Kim Henry (`kim@gmail.com`) and the
 * organization role "PharmacyUser" granting `get_pharmacy_user`, with Kim as its member. Plus one
 * object that is not part of the setup and must not be exported: an M2M app authorized for another
 * API resource only.
 */
export const QUICK_START = {
  apiName: 'Pharmacy User API',
  /** The tutorial uses the HTTP API's invoke URL as the identifier. */
  identifier: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
  scope: { name: 'get_pharmacy_user', displayName: 'Get pharmacy user', description: 'Read the signed-in pharmacy user' },
  app: { name: 'Pharmacy App', callbackUrl: 'http://localhost:5173', description: 'Pharmacy single-page app' },
  spaTemplateId: '6a90e4b0-fbff-42d7-bfde-1efd98f07cd7',
  user: { userName: 'kim@gmail.com', givenName: 'Kim', familyName: 'Henry' },
  role: 'PharmacyUser',
  unrelated: { apiName: 'Inventory API', identifier: 'https://inventory.example.com', scope: 'read_inventory', app: 'inventory-sync' },
} as const;

export interface QuickStartIds {
  readonly apiResourceId: string;
  readonly appId: string;
  readonly userId: string;
  readonly roleId: string;
}

/** Builds the quick-start's setup in a local Asgardeo. Returns the ids Asgardeo gave the objects. */
export async function buildQuickStartSetup(asgardeo: LocalAsgardeo): Promise<QuickStartIds> {
  const api = new ManagementCalls(asgardeo);
  await api.signIn();

  // "API Resources → New API Resource": identifier, name, one scope, authorization required.
  const apiResource = await api.send('POST', '/api/server/v1/api-resources', 201, {
    identifier: QUICK_START.identifier,
    name: QUICK_START.apiName,
    requiresAuthorization: true,
    scopes: [QUICK_START.scope],
  });
  const apiResourceId = String(apiResource.body.id);

  // "Applications → New Application → Single-Page Application": the template's defaults, so no
  // accessToken (opaque "Default" tokens) and no idToken.audience.
  const app = await api.send('POST', '/api/server/v1/applications', 201, {
    name: QUICK_START.app.name,
    description: QUICK_START.app.description,
    templateId: QUICK_START.spaTemplateId,
    associatedRoles: { allowedAudience: 'ORGANIZATION', roles: [] },
    inboundProtocolConfiguration: {
      oidc: {
        grantTypes: ['authorization_code', 'refresh_token'],
        callbackURLs: [QUICK_START.app.callbackUrl],
        allowedOrigins: [QUICK_START.app.callbackUrl],
        publicClient: true,
        pkce: { mandatory: true, supportPlainTransformAlgorithm: false },
      },
    },
  });
  const appId = lastPathSegment(app.location);

  // The application's "API Authorization" tab: authorize the API resource with its scope.
  await api.send('POST', `/api/server/v1/applications/${appId}/authorized-apis`, 200, {
    id: apiResourceId,
    policyIdentifier: 'RBAC',
    scopes: [QUICK_START.scope.name],
  });

  // "User Management → Users → Add user". The password is random and kept nowhere.
  const user = await api.send(
    'POST',
    '/scim2/Users',
    201,
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: QUICK_START.user.userName,
      name: { givenName: QUICK_START.user.givenName, familyName: QUICK_START.user.familyName },
      emails: [{ value: QUICK_START.user.userName, primary: true }],
      password: `Aa1!${randomBytes(12).toString('base64url')}`,
    },
    'application/scim+json',
  );
  const userId = String(user.body.id);

  // "User Management → Roles → New Role", organization audience, the API scope as permission, Kim assigned.
  const role = await api.send(
    'POST',
    '/scim2/v2/Roles',
    201,
    {
      schemas: ['urn:ietf:params:scim:schemas:extension:2.0:Role'],
      displayName: QUICK_START.role,
      audience: { type: 'organization' },
      users: [{ value: userId }],
      permissions: [{ value: QUICK_START.scope.name }],
    },
    'application/scim+json',
  );
  const roleId = String(role.body.id);

  // Not part of the setup: another API resource and an M2M app authorized only for it.
  const other = await api.send('POST', '/api/server/v1/api-resources', 201, {
    identifier: QUICK_START.unrelated.identifier,
    name: QUICK_START.unrelated.apiName,
    requiresAuthorization: true,
    scopes: [{ name: QUICK_START.unrelated.scope, displayName: QUICK_START.unrelated.scope }],
  });
  const otherApp = await api.send('POST', '/api/server/v1/applications', 201, {
    name: QUICK_START.unrelated.app,
    templateId: 'm2m-application',
    inboundProtocolConfiguration: {
      oidc: { grantTypes: ['client_credentials'], accessToken: { type: 'JWT', applicationAccessTokenExpiryInSeconds: 3600 } },
    },
  });
  await api.send('POST', `/api/server/v1/applications/${lastPathSegment(otherApp.location)}/authorized-apis`, 200, {
    id: String(other.body.id),
    policyIdentifier: 'RBAC',
    scopes: [QUICK_START.unrelated.scope],
  });

  return { apiResourceId, appId, userId, roleId };
}

/**
 * What reading this organization for the "Pharmacy User API" must give: the model the reader (to
 * come) is tested against, and what the renderer's tests render.
 */
export function expectedQuickStartExport(organization: string): ExportedSetup {
  return {
    organization,
    apiResource: {
      name: QUICK_START.apiName,
      identifier: QUICK_START.identifier,
      requiresAuthorization: true,
      scopes: [QUICK_START.scope],
    },
    applications: [
      {
        name: QUICK_START.app.name,
        description: QUICK_START.app.description,
        templateId: QUICK_START.spaTemplateId,
        authorizedScopes: [QUICK_START.scope.name],
        otherAuthorizedApis: [],
        grantTypes: ['authorization_code', 'refresh_token'],
        callbackUrls: [QUICK_START.app.callbackUrl],
        allowedOrigins: [QUICK_START.app.callbackUrl],
        publicClient: true,
        accessTokenType: 'Default',
        jwtScopeAsArray: false,
        accessTokenLifetimeSeconds: 3600,
        userAccessTokenLifetimeSeconds: 3600,
        accessTokenAttributes: [],
        requestedClaims: [],
        refreshTokenLifetimeSeconds: 86400,
        pkce: { mandatory: true, supportPlainTransformAlgorithm: false },
        appNativeAuthentication: false,
        audience: [],
        roleAudience: 'ORGANIZATION',
      },
    ],
    roles: [
      {
        name: QUICK_START.role,
        audience: { type: 'organization' },
        scopes: [QUICK_START.scope.name],
        otherScopes: [],
        users: [
          {
            userName: QUICK_START.user.userName,
            email: QUICK_START.user.userName,
            givenName: QUICK_START.user.givenName,
            familyName: QUICK_START.user.familyName,
          },
        ],
      },
    ],
  };
}

/**
 * A traditional web app the team added later in the console, set up the way tollgate would (JWT
 * tokens, the API identifier as audience) and with what the quick-start's `applications` fields
 * beyond the basics hold: user attributes in the access token (and requested as claims, as the
 * console does), a 15-minute user access token, a 7-day refresh token, app-native sign-in, the
 * password grant, only its own roles.
 */
export const PORTAL = {
  name: 'Pharmacy Portal',
  description: 'Pharmacy staff portal',
  webTemplateId: 'b9c5e11e-fc78-484b-9bec-015d247561b8',
  callbackUrl: 'https://portal.pharmacy.example/callback',
  attributes: ['given_name', 'email'],
  claimUris: ['http://wso2.org/claims/emailaddress', 'http://wso2.org/claims/givenname'],
  userAccessTokenLifetimeSeconds: 900,
  refreshTokenLifetimeSeconds: 7 * 86400,
} as const;

/** Adds the portal to a local Asgardeo that has the quick-start's setup; returns the application's id. */
export async function buildPortalApplication(asgardeo: LocalAsgardeo, ids: QuickStartIds): Promise<string> {
  const api = new ManagementCalls(asgardeo);
  await api.signIn();
  // "Applications → New Application → Traditional Web Application", then its Protocol, User
  // Attributes and Advanced (app-native authentication) tabs.
  const app = await api.send('POST', '/api/server/v1/applications', 201, {
    name: PORTAL.name,
    description: PORTAL.description,
    templateId: PORTAL.webTemplateId,
    associatedRoles: { allowedAudience: 'APPLICATION', roles: [] },
    claimConfiguration: { requestedClaims: PORTAL.claimUris.map((uri) => ({ claim: { uri }, mandatory: false })) },
    advancedConfigurations: { enableAPIBasedAuthentication: true },
    inboundProtocolConfiguration: {
      oidc: {
        grantTypes: ['authorization_code', 'refresh_token', 'password'],
        callbackURLs: [PORTAL.callbackUrl],
        publicClient: false,
        pkce: { mandatory: false, supportPlainTransformAlgorithm: false },
        accessToken: {
          type: 'JWT',
          userAccessTokenExpiryInSeconds: PORTAL.userAccessTokenLifetimeSeconds,
          applicationAccessTokenExpiryInSeconds: 3600,
          accessTokenAttributes: [...PORTAL.attributes],
        },
        refreshToken: { expiryInSeconds: PORTAL.refreshTokenLifetimeSeconds, renewRefreshToken: true },
        idToken: { audience: [QUICK_START.identifier] },
      },
    },
  });
  const appId = lastPathSegment(app.location);
  await api.send('POST', `/api/server/v1/applications/${appId}/authorized-apis`, 200, {
    id: ids.apiResourceId,
    policyIdentifier: 'RBAC',
    scopes: [QUICK_START.scope.name],
  });
  return appId;
}

/** What reading the portal must give. */
export function expectedPortalExport(): ExportedApplication {
  return {
    name: PORTAL.name,
    description: PORTAL.description,
    templateId: PORTAL.webTemplateId,
    authorizedScopes: [QUICK_START.scope.name],
    otherAuthorizedApis: [],
    grantTypes: ['authorization_code', 'refresh_token', 'password'],
    callbackUrls: [PORTAL.callbackUrl],
    allowedOrigins: [],
    publicClient: false,
    accessTokenType: 'JWT',
    jwtScopeAsArray: false,
    accessTokenLifetimeSeconds: 3600,
    userAccessTokenLifetimeSeconds: PORTAL.userAccessTokenLifetimeSeconds,
    accessTokenAttributes: [...PORTAL.attributes],
    requestedClaims: [...PORTAL.claimUris],
    refreshTokenLifetimeSeconds: PORTAL.refreshTokenLifetimeSeconds,
    pkce: { mandatory: false, supportPlainTransformAlgorithm: false },
    appNativeAuthentication: true,
    audience: [QUICK_START.identifier],
    roleAudience: 'APPLICATION',
  };
}

interface Reply {
  readonly status: number;
  readonly location: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** Raw management HTTP calls with an admin token, as the console makes them; any other status throws. */
class ManagementCalls {
  private token = '';

  constructor(private readonly asgardeo: LocalAsgardeo) {}

  async signIn(): Promise<void> {
    const { clientId, clientSecret } = this.asgardeo.admin;
    const response = await fetch(this.url('/oauth2/token'), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'SYSTEM' }).toString(),
    });
    if (response.status !== 200) throw new Error(`admin token: HTTP ${response.status} ${await response.text()}`);
    this.token = ((await response.json()) as { access_token: string }).access_token;
  }

  async send(method: string, path: string, expected: number, body: unknown, contentType = 'application/json'): Promise<Reply> {
    const response = await fetch(this.url(path), {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType, accept: contentType },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path}: expected HTTP ${expected}, got ${response.status} ${text}`);
    return { status: response.status, location: response.headers.get('location') ?? '', body: text ? JSON.parse(text) : undefined };
  }

  url(path: string): string {
    return `${this.asgardeo.baseUrl}/t/${this.asgardeo.organization}${path}`;
  }
}

function lastPathSegment(location: string): string {
  const id = location.split('/').pop();
  if (!id) throw new Error(`no id in Location "${location}"`);
  return id;
}
