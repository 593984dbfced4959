import { z } from 'zod';
import { AsgardeoError } from './errors';
import type { AsgardeoHttp, HttpRequest, HttpResponse } from './http';

/** Typed calls to the three Asgardeo API families the reconciler uses; shapes as in asgardeo-contract.md. */

const SERVER = '/api/server/v1';
export const SCIM = 'application/scim+json';

const scopeSchema = z
  .object({ id: z.string().optional(), name: z.string(), displayName: z.string().optional(), description: z.string().optional() })
  .passthrough();
export const apiResourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    identifier: z.string(),
    description: z.string().optional(),
    requiresAuthorization: z.boolean().optional(),
    scopes: z.array(scopeSchema).optional(),
    type: z.string().optional(),
  })
  .passthrough();
export type ApiResourceBody = z.infer<typeof apiResourceSchema>;
const apiResourceListSchema = z
  .object({
    APIResources: z.array(apiResourceSchema).optional(),
    links: z.array(z.object({ href: z.string(), rel: z.string() }).passthrough()).optional(),
  })
  .passthrough();

const appListItemSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    clientId: z.string().optional(),
    templateId: z.string().optional(),
    associatedRoles: z.object({ allowedAudience: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type AppListItem = z.infer<typeof appListItemSchema>;
/** One application's model (`GET /applications/{id}`): the parts tollgate reads; the rest passes through. */
const applicationModelSchema = z
  .object({
    templateId: z.string().optional(),
    claimConfiguration: z
      .object({
        requestedClaims: z
          .array(
            z
              .object({ claim: z.object({ uri: z.string().optional() }).passthrough().optional(), mandatory: z.boolean().optional() })
              .passthrough(),
          )
          .optional(),
      })
      .passthrough()
      .optional(),
    advancedConfigurations: z.object({ enableAPIBasedAuthentication: z.boolean().optional() }).passthrough().optional(),
  })
  .passthrough();
export type ApplicationModel = z.infer<typeof applicationModelSchema>;
const appListSchema = z
  .object({ totalResults: z.number().optional(), count: z.number().optional(), applications: z.array(appListItemSchema).optional() })
  .passthrough();

/**
 * `inboundProtocolConfiguration.oidc` (OpenIDConnectConfiguration in WSO2's applications.yaml): every
 * field tollgate sets, compares or exports is typed; the rest passes through, so a GET → change → PUT
 * keeps what tollgate does not manage.
 */
const oidcSchema = z
  .object({
    clientId: z.string().optional(),
    /** Only with `internal_application_mgt_client_secret_view` (asgardeo-contract.md). */
    clientSecret: z.string().optional(),
    clientSecretExpiresAt: z.number().optional(),
    multipleClientSecretsConfigured: z.boolean().optional(),
    state: z.string().optional(),
    grantTypes: z.array(z.string()).default([]),
    callbackURLs: z.array(z.string()).optional(),
    allowedOrigins: z.array(z.string()).optional(),
    publicClient: z.boolean().optional(),
    pkce: z.object({ mandatory: z.boolean().optional(), supportPlainTransformAlgorithm: z.boolean().optional() }).passthrough().optional(),
    accessToken: z
      .object({
        type: z.string().optional(),
        userAccessTokenExpiryInSeconds: z.number().optional(),
        applicationAccessTokenExpiryInSeconds: z.number().optional(),
        bindingType: z.string().optional(),
        revokeTokensWhenIDPSessionTerminated: z.boolean().optional(),
        validateTokenBinding: z.boolean().optional(),
        accessTokenAttributes: z.array(z.string()).optional(),
        enableJwtScopeAsArray: z.boolean().optional(),
      })
      .passthrough()
      .optional(),
    refreshToken: z
      .object({
        expiryInSeconds: z.number().optional(),
        extendRenewedRefreshTokenExpiryTime: z.boolean().optional(),
        renewRefreshToken: z.boolean().optional(),
      })
      .passthrough()
      .optional(),
    idToken: z
      .object({ expiryInSeconds: z.number().optional(), audience: z.array(z.string()).optional() })
      .passthrough()
      .optional(),
    // Settings tollgate neither sets nor reads: typed as the documents name them, kept as read by a PUT.
    hybridFlow: z.object({ enable: z.boolean().optional(), responseType: z.string().optional() }).passthrough().optional(),
    subjectToken: z
      .object({ enable: z.boolean().optional(), applicationSubjectTokenExpiryInSeconds: z.number().optional() })
      .passthrough()
      .optional(),
    logout: z
      .object({ backChannelLogoutUrl: z.string().optional(), frontChannelLogoutUrl: z.string().optional() })
      .passthrough()
      .optional(),
    validateRequestObjectSignature: z.boolean().optional(),
    scopeValidators: z.array(z.string()).optional(),
    clientAuthentication: z.object({ tokenEndpointAuthMethod: z.string().optional() }).passthrough().optional(),
    requestObject: z.object({ requestObjectSigningAlg: z.string().optional() }).passthrough().optional(),
    pushAuthorizationRequest: z.object({ requirePushAuthorizationRequest: z.boolean().optional() }).passthrough().optional(),
    subject: z.object({ subjectType: z.string().optional(), sectorIdentifierUri: z.string().optional() }).passthrough().optional(),
    isFAPIApplication: z.boolean().optional(),
    fapiProfile: z.string().optional(),
    cibaAuthenticationRequest: z.object({ authReqExpiryTime: z.number().optional() }).passthrough().optional(),
    issuer: z.object({ value: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type OidcBody = z.infer<typeof oidcSchema>;

const authorizedApiSchema = z
  .object({
    id: z.string(),
    identifier: z.string().optional(),
    authorizedScopes: z.array(z.object({ name: z.string() }).passthrough()).default([]),
  })
  .passthrough();
export type AuthorizedApi = z.infer<typeof authorizedApiSchema>;

export const roleSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    audience: z
      .object({ type: z.string().optional(), value: z.string().optional(), display: z.string().optional() })
      .passthrough()
      .optional(),
    permissions: z.array(z.object({ value: z.string() }).passthrough()).optional(),
    users: z.array(z.object({ value: z.string(), display: z.string().optional() }).passthrough()).optional(),
  })
  .passthrough();
export type RoleBody = z.infer<typeof roleSchema>;

export const userSchema = z
  .object({
    id: z.string(),
    userName: z.string(),
    name: z.object({ givenName: z.string().optional(), familyName: z.string().optional() }).passthrough().optional(),
    emails: z.array(z.union([z.string(), z.object({ value: z.string(), primary: z.boolean().optional() }).passthrough()])).optional(),
  })
  .passthrough();
export type UserBody = z.infer<typeof userSchema>;
const scimListSchema = z.object({ totalResults: z.number().optional(), Resources: z.array(z.unknown()).optional() }).passthrough();

/**
 * Page size of every list call. Asgardeo caps the application list at 30 whatever `limit` says (and
 * pages of other lists may be capped too): ask for no more than that, and always follow the pages to the end.
 */
export const PAGE_SIZE = 30;
/** The largest SCIM page (`count`) the server answers in full: for lists read whole (every role of an export). */
export const SCIM_MAX_PAGE = 100;

export function parse<S extends z.ZodTypeAny>(schema: S, res: HttpResponse, what: string): z.output<S> {
  const r = schema.safeParse(res.body);
  if (!r.success) {
    throw new AsgardeoError({
      message: `unexpected response body for ${what}: ` + `${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      status: res.status,
      hint: 'check ASGARDEO_BASE_URL points at Asgardeo (or a compatible server)',
    });
  }
  return r.data;
}

/** Id of a created object: the last path segment of `Location`, or the body's `id`. */
export function createdId(res: HttpResponse): string | undefined {
  const loc = res.headers.get('location');
  if (loc) return decodeURIComponent(loc.replace(/\/+$/, '').split('/').pop()!);
  const id = (res.body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

export function quote(v: string): string {
  return /[\s"()]/.test(v) ? `"${v.replace(/"/g, '\\"')}"` : v;
}

export class AsgardeoApi {
  constructor(
    readonly http: AsgardeoHttp,
    private readonly token: () => string,
    /** Gets a fresh management token after a 401 (expired or revoked mid-run); one retry per call. */
    private readonly renewToken?: () => Promise<void>,
  ) {}

  /** One management call with the run's token (renewed once after a 401); client-secrets.ts uses it for the secrets endpoints. */
  async send(req: Omit<HttpRequest, 'bearer'>): Promise<HttpResponse> {
    try {
      return await this.http.send({ ...req, bearer: this.token() });
    } catch (err) {
      if (!(err instanceof AsgardeoError) || err.status !== 401 || !this.renewToken) throw err;
      await this.renewToken();
      return this.http.send({ ...req, bearer: this.token() });
    }
  }

  // ---- API resources ----
  async findApiResource(identifier: string): Promise<ApiResourceBody | undefined> {
    let after: string | undefined;
    for (;;) {
      const res = await this.send({
        method: 'GET',
        path: `${SERVER}/api-resources`,
        query: { filter: `identifier eq ` + `${quote(identifier)}`, limit: PAGE_SIZE, after },
        scope: 'internal_api_resource_view',
      });
      const page = parse(apiResourceListSchema, res, 'GET api-resources');
      const hit = (page.APIResources ?? []).find((a) => a.identifier === identifier);
      if (hit) return hit;
      const next = page.links?.find((l) => l.rel === 'next')?.href;
      after = next ? (new URL(next, 'http://x').searchParams.get('after') ?? undefined) : undefined;
      if (!after) return undefined;
    }
  }

  /** Every API resource (paged); for prune/destroy, which find owned ones by their marker. */
  async listApiResources(): Promise<ApiResourceBody[]> {
    const out: ApiResourceBody[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await this.send({
        method: 'GET',
        path: `${SERVER}/api-resources`,
        query: { limit: PAGE_SIZE, after },
        scope: 'internal_api_resource_view',
      });
      const page = parse(apiResourceListSchema, res, 'GET api-resources');
      out.push(...(page.APIResources ?? []));
      const next = page.links?.find((l) => l.rel === 'next')?.href;
      after = next ? (new URL(next, 'http://x').searchParams.get('after') ?? undefined) : undefined;
      if (!after || (page.APIResources ?? []).length === 0) return out;
    }
  }

  /**
   * The names of every scope of every API resource in the organization (`GET /api/server/v1/scopes`,
   * one request): scope names are unique there, so a configured name held by an API resource that is
   * not ours is a conflict the plan can show before any write.
   */
  async listScopeNames(): Promise<string[]> {
    const res = await this.send({ method: 'GET', path: `${SERVER}/scopes`, scope: 'internal_api_resource_view' });
    const list = parse(z.array(z.object({ name: z.string() }).passthrough()), res, 'GET scopes');
    return list.map((s) => s.name);
  }

  async getApiResource(id: string): Promise<ApiResourceBody | undefined> {
    const res = await this.send({
      method: 'GET',
      path: `${SERVER}/api-resources/${encodeURIComponent(id)}`,
      accept: [404],
      scope: 'internal_api_resource_view',
    });
    return res.status === 404 ? undefined : parse(apiResourceSchema, res, 'GET api-resources/{id}');
  }

  /** Returns the created resource, or the existing one when another run created it first (409). */
  async createApiResource(body: object, identifier: string): Promise<ApiResourceBody> {
    const reobserve = async () => {
      const found = await this.findApiResource(identifier);
      return found ? ({ status: 201, headers: new Headers(), body: found } as HttpResponse) : undefined;
    };
    const res = await this.send({
      method: 'POST',
      path: `${SERVER}/api-resources`,
      body,
      accept: [409],
      scope: 'internal_api_resource_create',
      reobserve,
    });
    const found =
      res.status === 409 || !res.body || typeof res.body !== 'object'
        ? await this.findApiResource(identifier)
        : parse(apiResourceSchema, res, 'POST api-resources');
    if (!found && res.status === 409) {
      const b = (res.body ?? {}) as { code?: string; message?: string; description?: string; traceId?: string };
      throw new AsgardeoError({
        message: `API resource ${identifier} could not be created: ${[b.message, b.description].filter(Boolean).join(' - ') || 'conflict'}`,
        status: 409,
        code: b.code,
        traceId: b.traceId,
        hint:
          'scope names are unique across the organization: another API resource already defines one of these scopes. ' +
          'If it is an older API resource of this stack (its identifier changed, e.g. the HTTP API was re-created), run ' +
          '`npx tollgate apply --prune --yes` to replace it; otherwise rename the scopes',
        request: 'POST /api/server/v1/api-resources',
      });
    }
    if (!found)
      throw new AsgardeoError({
        message: `API resource ${identifier} was not found after creating ` + `it`,
        status: res.status,
        hint: 'run again',
      });
    return found;
  }

  async patchApiResource(id: string, body: object): Promise<void> {
    await this.send({
      method: 'PATCH',
      path: `${SERVER}/api-resources/${encodeURIComponent(id)}`,
      body,
      scope: 'internal_api_resource_update',
    });
  }

  async deleteApiScope(id: string, scope: string): Promise<void> {
    await this.send({
      method: 'DELETE',
      path: `${SERVER}/api-resources/${encodeURIComponent(id)}/scopes/${encodeURIComponent(scope)}`,
      scope: 'internal_api_resource_update',
    });
  }

  async patchApiScope(id: string, scope: string, body: object): Promise<void> {
    await this.send({
      method: 'PATCH',
      path: `${SERVER}/api-resources/${encodeURIComponent(id)}/scopes/${encodeURIComponent(scope)}`,
      body,
      scope: 'internal_api_resource_update',
    });
  }

  async deleteApiResource(id: string): Promise<void> {
    await this.send({ method: 'DELETE', path: `${SERVER}/api-resources/${encodeURIComponent(id)}`, scope: 'internal_api_resource_delete' });
  }

  // ---- applications ----
  private static readonly APP_ATTRIBUTES = 'clientId,templateId,associatedRoles.allowedAudience';

  /** Every application whose name is one of `names`, in one filtered list call per page. */
  async findApplications(names: readonly string[]): Promise<AppListItem[]> {
    if (names.length === 0) return [];
    const filter = names.map((n) => `name eq ${quote(n)}`).join(' or ');
    const found = await this.listApplications(filter);
    return found.filter((a) => names.includes(a.name));
  }

  /** All applications (paged); for prune/destroy, which must find owned apps by their marker. */
  async listApplications(filter?: string): Promise<AppListItem[]> {
    const out: AppListItem[] = [];
    for (let offset = 0; ;) {
      const res = await this.send({
        method: 'GET',
        path: `${SERVER}/applications`,
        query: { filter, limit: PAGE_SIZE, offset, attributes: AsgardeoApi.APP_ATTRIBUTES, excludeSystemPortals: 'true' },
        scope: 'internal_application_mgt_view',
      });
      const page = parse(appListSchema, res, 'GET applications');
      const apps = page.applications ?? [];
      out.push(...apps);
      offset += apps.length;
      if (apps.length === 0 || page.totalResults === undefined || offset >= page.totalResults) return out;
    }
  }

  async createApplication(body: { name: string }): Promise<string> {
    const reobserve = async () => {
      const [found] = await this.findApplications([body.name]);
      return found
        ? ({ status: 201, headers: new Headers({ location: `/applications/${found.id}` }), body: undefined } as HttpResponse)
        : undefined;
    };
    const res = await this.send({
      method: 'POST',
      path: `${SERVER}/applications`,
      body,
      accept: [409, 500],
      final: (r) => r.status === 500 && (r.body as { code?: string } | undefined)?.code === 'APP-65001',
      scope: 'internal_application_mgt_create',
      reobserve,
    });
    // Other 500s were retried as transient; what comes back is a create, a 409 or the older server's 500 APP-65001.
    const code = (res.body as { code?: string } | undefined)?.code;
    const id = res.status < 300 ? createdId(res) : undefined;
    if (id) return id;
    const [found] = await this.findApplications([body.name]);
    if (!found)
      throw new AsgardeoError({
        message: `application ${body.name} was not found after creating ` + `it`,
        status: res.status,
        code,
        hint: 'run again',
      });
    return found.id;
  }

  /** One application's top-level model (templateId, claimConfiguration, advancedConfigurations, ...). */
  async getApplication(id: string): Promise<ApplicationModel> {
    const res = await this.send({
      method: 'GET',
      path: `${SERVER}/applications/${encodeURIComponent(id)}`,
      scope: 'internal_application_mgt_view',
    });
    return parse(applicationModelSchema, res, 'GET applications/{id}');
  }

  async patchApplication(id: string, body: object): Promise<void> {
    await this.send({
      method: 'PATCH',
      path: `${SERVER}/applications/${encodeURIComponent(id)}`,
      body,
      scope: 'internal_application_mgt_update',
    });
  }

  async deleteApplication(id: string): Promise<void> {
    await this.send({
      method: 'DELETE',
      path: `${SERVER}/applications/${encodeURIComponent(id)}`,
      scope: 'internal_application_mgt_delete',
    });
  }

  async getOidc(id: string): Promise<OidcBody> {
    const res = await this.send({
      method: 'GET',
      path: `${SERVER}/applications/${encodeURIComponent(id)}/inbound-protocols/oidc`,
      scope: 'internal_application_mgt_view',
    });
    return parse(oidcSchema, res, 'GET applications/{id}/inbound-protocols/oidc');
  }

  async putOidc(id: string, body: object): Promise<void> {
    await this.send({
      method: 'PUT',
      path: `${SERVER}/applications/${encodeURIComponent(id)}/inbound-protocols/oidc`,
      body,
      scope: 'internal_application_mgt_update',
    });
  }

  async getAuthorizedApis(id: string): Promise<AuthorizedApi[]> {
    const res = await this.send({
      method: 'GET',
      path: `${SERVER}/applications/${encodeURIComponent(id)}/authorized-apis`,
      scope: 'internal_application_mgt_view',
    });
    return parse(z.array(authorizedApiSchema), res, 'GET applications/{id}/authorized-apis');
  }

  /** false when it was already authorized (409 APP-60509): the caller then patches the scopes. */
  async authorizeApi(appId: string, apiId: string, scopes: string[]): Promise<boolean> {
    const res = await this.send({
      method: 'POST',
      path: `${SERVER}/applications/${encodeURIComponent(appId)}/authorized-apis`,
      body: { id: apiId, policyIdentifier: 'RBAC', scopes },
      accept: [409],
      scope: 'internal_application_business_api_update',
    });
    return res.status !== 409;
  }

  async patchAuthorizedApi(appId: string, apiId: string, addedScopes: string[], removedScopes: string[]): Promise<void> {
    await this.send({
      method: 'PATCH',
      path: `${SERVER}/applications/${encodeURIComponent(appId)}/authorized-apis/${encodeURIComponent(apiId)}`,
      body: { addedScopes, removedScopes },
      scope: 'internal_application_business_api_update',
    });
  }

  /** Every resource of a SCIM list, page by page (`startIndex` is 1-based) until `totalResults`. */
  async scimList(path: string, filter: string | undefined, scope: string, pageSize = PAGE_SIZE): Promise<unknown[]> {
    const out: unknown[] = [];
    for (;;) {
      const res = await this.send({ method: 'GET', path, query: { filter, startIndex: out.length + 1, count: pageSize }, scope });
      const page = parse(scimListSchema, res, `GET ${path.slice(1)}`);
      const items = page.Resources ?? [];
      out.push(...items);
      if (items.length === 0 || page.totalResults === undefined || out.length >= page.totalResults) return out;
    }
  }

  /** One request with the run's token (renewed once after a 401): for the API clients beside this one (roles-api-v2/-v3). */
  request(req: Omit<HttpRequest, 'bearer'>): Promise<HttpResponse> {
    return this.send(req);
  }

  // ---- users ----
  async findUser(userName: string): Promise<UserBody | undefined> {
    const all = await this.scimList('/scim2/Users', `userName eq ${quote(userName)}`, 'internal_user_mgt_list');
    return all.map((r) => userSchema.parse(r)).find((u) => bareUserName(u.userName) === bareUserName(userName));
  }

  async getUser(id: string): Promise<UserBody | undefined> {
    const res = await this.send({
      method: 'GET',
      path: `/scim2/Users/${encodeURIComponent(id)}`,
      accept: [404],
      scope: 'internal_user_mgt_view',
    });
    return res.status === 404 ? undefined : parse(userSchema, res, 'GET scim2/Users/{id}');
  }

  /** The created user's id, or undefined when the user already exists (409). */
  async createUser(body: object): Promise<string | undefined> {
    const res = await this.send({
      method: 'POST',
      path: '/scim2/Users',
      body,
      contentType: SCIM,
      accept: [409],
      scope: 'internal_user_mgt_create',
    });
    return res.status === 409 ? undefined : createdId(res);
  }

  async patchUser(id: string, operations: object[]): Promise<void> {
    await this.send({
      method: 'PATCH',
      path: `/scim2/Users/${encodeURIComponent(id)}`,
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations },
      contentType: SCIM,
      scope: 'internal_user_mgt_update',
    });
  }
}

/** `DEFAULT/kim@example.com` → `kim@example.com`: Asgardeo may prefix the user store. */
export function bareUserName(userName: string): string {
  const i = userName.indexOf('/');
  return i >= 0 ? userName.slice(i + 1) : userName;
}
