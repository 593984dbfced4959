import type { GrantType, HttpMethod } from './schema';

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
}

export interface ResolvedAws {
  readonly region: string;
  readonly apiName: string;
  readonly stage: string;
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetentionDays: number;
  readonly lambda: {
    /** Absolute path of the handler source. */
    readonly entry: string;
    readonly handler: string;
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    readonly architecture: 'arm64' | 'x86_64';
    readonly runtime: 'nodejs22.x' | 'nodejs24.x' | 'nodejs20.x';
  };
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
}

export interface ResolvedApiResource {
  /** Undefined means: the stage invoke URL, read from the Terraform outputs. */
  readonly identifier: string | undefined;
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
}

export type RoleAudience = { readonly type: 'organization' } | { readonly type: 'application'; readonly client: string };

export interface ResolvedRole {
  readonly name: string;
  readonly audience: RoleAudience;
  readonly scopes: readonly string[];
  /** User names, from each user's `roles`. */
  readonly users: readonly string[];
}

export type UserPassword = { readonly kind: 'invite' } | { readonly kind: 'env'; readonly variable: string };

export interface ResolvedUser {
  readonly userName: string;
  readonly email: string;
  readonly givenName: string | undefined;
  readonly familyName: string | undefined;
  readonly roles: readonly string[];
  readonly password: UserPassword;
}
