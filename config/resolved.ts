import type { ResolvedCredentialDelivery } from './credentials';
import type { ApplicationKind, GrantType, HttpMethod, UserGrantType } from './schema';

/**
 * One environment's configuration with every default filled in: what the CDKTF app, the
 * reconciler and the deploy pipeline read. Nothing downstream re-derives a default.
 */
export interface ResolvedConfig {
  /** Absolute path of the configuration file it came from. */
  readonly file: string;
  readonly environment: string;
  /** `aws` for a real deployment; `local` for the sandbox, where an http loopback issuer is allowed. */
  readonly target: DeployTarget;
  /** Terraform stack name: `{apiName}-{environment}`. */
  readonly stackName: string;
  readonly asgardeo: ResolvedAsgardeo;
  readonly aws: ResolvedAws;
  readonly scopes: readonly ResolvedScope[];
  readonly routes: readonly ResolvedRoute[];
  readonly apiResource: ResolvedApiResource;
  readonly clients: readonly ResolvedClient[];
  /** User-facing applications (`spa`, `web`); names are unique across clients and applications. */
  readonly applications: readonly ResolvedApplication[];
  readonly roles: readonly ResolvedRole[];
  readonly users: readonly ResolvedUser[];
}

export type DeployTarget = 'aws' | 'local';

export interface ResolvedAsgardeo {
  readonly organization: string;
  /** e.g. `https://api.asgardeo.io`; no trailing slash. */
  readonly baseUrl: string;
  /** Exactly what Asgardeo puts in `iss`; the JWT authorizer compares it byte for byte. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly discoveryUrl: string;
  /** Which SCIM2 Roles API manages roles (asgardeo/roles-api.ts); default `auto`. */
  readonly rolesApi: 'auto' | 'v2' | 'v3';
}

export interface ResolvedAws {
  readonly region: string;
  readonly apiName: string;
  readonly stage: string;
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetentionDays: number;
  /** CORS of the HTTP API: present when some application allows browser origins, else undefined (no CORS). */
  readonly cors: ResolvedCors | undefined;
  /** One Lambda function per distinct handler file the routes use (the default entry first when used). */
  readonly functions: readonly ResolvedFunction[];
  /** The API-level function settings: each function's defaults, and the entry of routes that name no handler. */
  readonly lambda: {
    /** Absolute path of the handler source. */
    readonly entry: string;
    readonly handler: string;
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    readonly architecture: 'arm64' | 'x86_64';
    readonly runtime: 'nodejs22.x' | 'nodejs24.x' | 'nodejs20.x';
    readonly environment: Readonly<Record<string, string>>;
  };
}

/** A Lambda function of the stack: what one handler file becomes. */
export interface ResolvedFunction {
  /**
   * Stable per stack: `handler` for `aws.lambda.entry` (the name the single-function stack always had),
   * else from the file name (`handlers/orders.ts` -> `orders`). Names the construct and the function.
   */
  readonly id: string;
  /** `{stackName}-{id}`. */
  readonly functionName: string;
  /** Absolute path of the entry file. */
  readonly entry: string;
  /** The entry as the configuration names it, for messages. */
  readonly configuredEntry: string;
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly architecture: 'arm64' | 'x86_64';
  readonly runtime: 'nodejs22.x' | 'nodejs24.x' | 'nodejs20.x';
  readonly environment: Readonly<Record<string, string>>;
}

/** Header names an HTTP backend gets the caller's identity under. */
export interface ResolvedIdentityHeaders {
  readonly sub: string;
  readonly clientId: string;
  readonly scope: string;
}

/** Where a route goes: a function of the stack, or an existing HTTP backend. */
export type ResolvedRouteTarget =
  | { readonly kind: 'function'; /** `ResolvedFunction.id`. */ readonly functionId: string }
  | {
      readonly kind: 'http';
      /** As configured; `{param}`s are filled from the route's path parameters. */
      readonly url: string;
      /** `ANY` sends the caller's method. */
      readonly method: HttpMethod;
      /** Lower-case names. */
      readonly identityHeaders: ResolvedIdentityHeaders;
    };

/** The HTTP API's `cors_configuration`, derived from the applications' allowed origins and the routes. */
export interface ResolvedCors {
  /** The union of every application's `allowedOrigins`, sorted. */
  readonly allowOrigins: readonly string[];
  /** The routes' methods, sorted (`*` when a route uses ANY). */
  readonly allowMethods: readonly string[];
  /** `authorization` (the bearer token) and `content-type`. */
  readonly allowHeaders: readonly string[];
  /** `www-authenticate`: a browser app can read why the gateway refused a call (401/403: the missing scope). */
  readonly exposeHeaders: readonly string[];
  /** How long a browser may cache a preflight answer. */
  readonly maxAgeSeconds: number;
  /** Always false: tokens travel in the Authorization header, never in cookies. */
  readonly allowCredentials: false;
}

export interface ResolvedScope {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
}

export interface ResolvedRoute {
  readonly method: HttpMethod;
  readonly path: string;
  /** `GET /user`: API Gateway's route key. */
  readonly routeKey: string;
  /** Empty only when `public`. */
  readonly scopes: readonly string[];
  readonly public: boolean;
  readonly target: ResolvedRouteTarget;
  /** What the smoke test expects from this route with the right token. */
  readonly smoke: {
    /** Undefined: any 2xx. */
    readonly status: number | undefined;
    /** A sample value for each of the path's parameters. */
    readonly pathParameters: Readonly<Record<string, string>>;
  };
}

export interface ResolvedApiResource {
  /**
   * The API identifier: the API resource's identifier, the apps' token audience and the JWT
   * authorizer's audience. Configured, else `defaultApiIdentifier` (never from deploy outputs).
   */
  readonly identifier: string;
  /** Whether `identifier` was configured or is the default. */
  readonly identifierSource: 'configured' | 'default';
  readonly name: string;
  readonly description: string;
  readonly requiresAuthorization: boolean;
}

export interface ResolvedClient {
  readonly name: string;
  readonly description: string;
  readonly grantTypes: readonly GrantType[];
  readonly callbackUrls: readonly string[];
  readonly scopes: readonly string[];
  readonly accessTokenLifetimeSeconds: number;
  readonly roleAudience: 'application' | 'organization';
  /** Where tollgate delivers the client's id and secret; absent: nowhere (read them with `tollgate token`). */
  readonly credentials?: ResolvedCredentialDelivery;
}

/**
 * A user-facing application. Its access tokens are always JWTs (the gateway's authorizer cannot
 * read opaque ones), and its `idToken.audience` is the API identifier, as for clients.
 */
export interface ResolvedApplication {
  readonly kind: ApplicationKind;
  readonly name: string;
  readonly description: string;
  /** `authorization_code` and `refresh_token`; plus `password` for a web app with `passwordGrant: true`. */
  readonly grantTypes: readonly UserGrantType[];
  /** spa: true (no secret, `client_id` in the token request); web: false. */
  readonly publicClient: boolean;
  /** spa: PKCE mandatory, S256 only; web: not mandatory, S256 only. */
  readonly pkce: { readonly mandatory: boolean; readonly supportPlainTransformAlgorithm: false };
  readonly callbackUrls: readonly string[];
  /** Exact origins, e.g. `http://localhost:4190`. */
  readonly allowedOrigins: readonly string[];
  readonly scopes: readonly string[];
  readonly accessToken: {
    readonly type: 'JWT';
    readonly lifetimeSeconds: number;
    /** OIDC claim names for `accessTokenAttributes`; never cleared by an update. */
    readonly attributes: readonly string[];
  };
  readonly refreshTokenLifetimeSeconds: number;
  /** The claims to list in `claimConfiguration.requestedClaims`: the access-token attributes. */
  readonly requestedClaims: readonly string[];
  /** `allowedAudience` of `associatedRoles`: ORGANIZATION or APPLICATION. */
  readonly roleAudience: 'application' | 'organization';
  /** `advancedConfigurations.enableAPIBasedAuthentication`. */
  readonly appNativeAuthentication: boolean;
}

export type RoleAudience = { readonly type: 'organization' } | { readonly type: 'application'; readonly client: string };

export interface ResolvedRole {
  readonly name: string;
  readonly audience: RoleAudience;
  readonly scopes: readonly string[];
  /** User names, from each user's `roles`. */
  readonly users: readonly string[];
}

/**
 * `env`: the initial password is read from `variable` when the user is created. `generated`: the
 * local sandbox with `variable` unset; the sandbox generates a password, sets `variable` for the
 * run and prints it once (`generateSandboxPasswords`).
 */
export type UserPassword =
  | { readonly kind: 'invite' }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'generated'; readonly variable: string };

export interface ResolvedUser {
  readonly userName: string;
  readonly email: string;
  readonly givenName: string | undefined;
  readonly familyName: string | undefined;
  readonly roles: readonly string[];
  readonly password: UserPassword;
}
