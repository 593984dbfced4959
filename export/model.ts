/**
 * What `tollgate export` reads from an Asgardeo organization about one API resource: everything a
 * `tollgate.config.ts` needs to take the setup over, and nothing secret. It holds no client id,
 * client secret, token or password, and no Asgardeo object ids (they differ per organization and
 * the configuration names objects by name).
 *
 * The reader (organization → this model) fills it; `renderConfigFragment` turns it into
 * configuration source. Values are kept as Asgardeo has them, mistakes included (an opaque token
 * type, an empty audience): the renderer, not the reader, decides what the configuration can say.
 */
export interface ExportedSetup {
  /** The root organization name, as in `https://console.asgardeo.io/t/<organization>`. */
  readonly organization: string;
  readonly apiResource: ExportedApiResource;
  /** Applications authorized for the API resource. */
  readonly applications: readonly ExportedApplication[];
  /** Roles whose permissions include at least one scope of the API resource. */
  readonly roles: readonly ExportedRole[];
}

export interface ExportedApiResource {
  readonly name: string;
  /** As stored in Asgardeo; the configuration keeps it so that adopting never re-keys the API. */
  readonly identifier: string;
  readonly description?: string;
  readonly requiresAuthorization: boolean;
  /** In Asgardeo's order. */
  readonly scopes: readonly ExportedScope[];
}

export interface ExportedScope {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
}

export interface ExportedApplication {
  readonly name: string;
  readonly description?: string;
  /** The console template it was made from (`m2m-application`, the SPA template's UUID, ...), when known. */
  readonly templateId?: string;
  /** Scopes of this API resource the application is authorized for. */
  readonly authorizedScopes: readonly string[];
  /** Identifiers of other API resources the application is also authorized for (not exported). */
  readonly otherAuthorizedApis: readonly string[];
  /** `inboundProtocolConfiguration.oidc.grantTypes`, as stored. */
  readonly grantTypes: readonly string[];
  readonly callbackUrls: readonly string[];
  /** `oidc.allowedOrigins`: browser origins allowed to call the token endpoint (user-facing apps). */
  readonly allowedOrigins?: readonly string[];
  readonly publicClient: boolean;
  /** `oidc.accessToken.type`: `JWT`, or `Default` (opaque, which no JWT authorizer can validate). */
  readonly accessTokenType: string;
  /** `oidc.accessToken.enableJwtScopeAsArray`: the `scope` claim as a JSON array, which API Gateway's scope check does not read. */
  readonly jwtScopeAsArray: boolean;
  /** `oidc.accessToken.applicationAccessTokenExpiryInSeconds`: tokens a client gets for itself (client_credentials). */
  readonly accessTokenLifetimeSeconds?: number;
  /** `oidc.accessToken.userAccessTokenExpiryInSeconds`: tokens issued for a signed-in user (what a user-facing app's lifetime is). */
  readonly userAccessTokenLifetimeSeconds?: number;
  /** `oidc.accessToken.accessTokenAttributes`: OIDC claim names Asgardeo puts into users' access tokens, as stored. */
  readonly accessTokenAttributes: readonly string[];
  /** `claimConfiguration.requestedClaims[].claim.uri`: the local claim URIs the application requests, sorted. */
  readonly requestedClaims: readonly string[];
  /** `oidc.refreshToken.expiryInSeconds`. */
  readonly refreshTokenLifetimeSeconds?: number;
  /** `oidc.pkce`. */
  readonly pkce: { readonly mandatory: boolean; readonly supportPlainTransformAlgorithm: boolean };
  /** `advancedConfigurations.enableAPIBasedAuthentication`: app-native sign-in (`response_mode=direct` + `/oauth2/authn`). */
  readonly appNativeAuthentication: boolean;
  /** `oidc.idToken.audience`: what Asgardeo adds to `aud` after the client id. */
  readonly audience: readonly string[];
  /** `associatedRoles.allowedAudience`: which roles count for the application's user tokens. */
  readonly roleAudience: 'ORGANIZATION' | 'APPLICATION';
}

export interface ExportedRole {
  readonly name: string;
  /** An organization role, or an application role of the application with this name. */
  readonly audience: { readonly type: 'organization' } | { readonly type: 'application'; readonly application: string };
  /** Its permissions that are scopes of this API resource. */
  readonly scopes: readonly string[];
  /** Its permissions that are scopes of other API resources (not exported). */
  readonly otherScopes: readonly string[];
  /** Members (direct), by user name without the user-store prefix. */
  readonly users: readonly ExportedUser[];
}

export interface ExportedUser {
  /** Without the user-store prefix (`kim@gmail.com`, not `DEFAULT/kim@gmail.com`). */
  readonly userName: string;
  /** The primary e-mail address, when the user has one. */
  readonly email?: string;
  readonly givenName?: string;
  readonly familyName?: string;
}
