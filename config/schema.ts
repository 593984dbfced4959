import { z } from 'zod';
import { credentialsSchema } from './credentials';

/**
 * The shape of `tollgate.config.ts`. Field-level rules live here; rules that relate one part of
 * the configuration to another (a route naming an undeclared scope, ...) live in `validate.ts`.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

const scopeSchema = z
  .object({
    /** The scope as it appears in tokens, e.g. `get_pharmacy_user`. */
    name: z.string().min(1),
    /** Shown in the Asgardeo console. Default: the name. */
    displayName: z.string().min(1).optional(),
    description: z.string().optional(),
  })
  .strict();

/** Header names an HTTP backend receives the caller's identity under; each overwrites a same-named incoming header. */
const identityHeadersSchema = z
  .object({
    /** The token's `sub`. Default: `x-tollgate-sub`. */
    sub: z.string().min(1).optional(),
    /** The token's `client_id` (the calling application). Default: `x-tollgate-client-id`. */
    clientId: z.string().min(1).optional(),
    /** The token's granted `scope` (space-separated). Default: `x-tollgate-scope`. */
    scope: z.string().min(1).optional(),
  })
  .strict();

const httpBackendSchema = z
  .object({
    /** The backend's URL: https (http only on a loopback address with the local target). May use the route's `{param}`s. */
    url: z.string().min(1),
    /** The method sent to the backend. Default: `ANY` (the caller's method). */
    method: z.enum(HTTP_METHODS).optional(),
    /** Names of the identity headers. Defaults: `x-tollgate-sub`, `x-tollgate-client-id`, `x-tollgate-scope`. */
    identityHeaders: identityHeadersSchema.optional(),
  })
  .strict();

const routeSmokeSchema = z
  .object({
    /** The status the right token gets. Default: any 2xx. */
    status: z.number().int().min(100).max(599).optional(),
    /** Sample values for the path's `{param}`s. Default: `smoke-test` for each. */
    pathParameters: z.record(z.string().min(1)).optional(),
  })
  .strict();

const routeSchema = z
  .object({
    method: z.enum(HTTP_METHODS),
    /** `/user`, `/users/{id}`, `/files/{proxy+}`. */
    path: z.string().min(1),
    /** Any one of these grants access. Required unless `public: true`. */
    scopes: z.array(z.string().min(1)).optional(),
    /** Serve the route without a token. Must be said explicitly. Default: false. */
    public: z.boolean().optional(),
    /**
     * The Lambda entry file serving this route, relative to the configuration file; routes naming one
     * file share one function. Default: `aws.lambda.entry`.
     */
    handler: z.string().min(1).optional(),
    /** Send the route to an existing HTTP backend instead of a function. */
    http: httpBackendSchema.optional(),
    /** What the smoke test sends and expects on this route. */
    smoke: routeSmokeSchema.optional(),
  })
  .strict();

const throttlingSchema = z
  .object({
    /** Steady-state requests per second. */
    rateLimit: z.number().positive(),
    /** Burst size. */
    burstLimit: z.number().int().positive(),
  })
  .strict();

const lambdaSchema = z
  .object({
    /** Handler source, relative to the configuration file. */
    entry: z.string().min(1),
    /** Exported function name in `entry`. Default: `handler`. */
    handler: z.string().min(1).optional(),
    /** Default: 256. */
    memoryMb: z.number().int().min(128).max(10240).optional(),
    /** Default: 10. */
    timeoutSeconds: z.number().int().min(1).max(900).optional(),
    /** Default: `arm64`. */
    architecture: z.enum(['arm64', 'x86_64']).optional(),
    /** Default: `nodejs22.x`. */
    runtime: z.enum(['nodejs22.x', 'nodejs24.x', 'nodejs20.x']).optional(),
    /** Plain environment variables of every function (never secrets: they land in Terraform state). Default: none. */
    environment: z.record(z.string()).optional(),
  })
  .strict();

/** One function's own settings; the API-level `aws.lambda` values are the defaults. */
const functionSchema = z
  .object({
    /** Exported function name. Default: `aws.lambda.handler`. */
    handler: z.string().min(1).optional(),
    memoryMb: z.number().int().min(128).max(10240).optional(),
    timeoutSeconds: z.number().int().min(1).max(900).optional(),
    /** Merged over `aws.lambda.environment`. */
    environment: z.record(z.string()).optional(),
  })
  .strict();

const awsSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'must be an AWS region such as us-east-1'),
    apiName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,62}$/, 'must start with a letter and hold only letters, digits and "-"'),
    /** Default: `dev`. */
    stage: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must hold only letters, digits, "-" and "_"')
      .optional(),
    /** Default: 50 requests/s, burst 100. */
    throttling: throttlingSchema.optional(),
    /** CloudWatch retention in days for the function's and the stage's logs. Default: 14. */
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => LOG_RETENTION_DAYS.includes(d), {
        message: 'must be one of CloudWatch retention values',
      })
      .optional(),
    lambda: lambdaSchema,
    /** Per-function settings, keyed by the entry file as routes name it (`handler`), or `aws.lambda.entry`. */
    functions: z.record(functionSchema).optional(),
  })
  .strict();

export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const asgardeoSchema = z
  .object({
    /** The root organization name, as in `https://console.asgardeo.io/t/<organization>`. */
    organization: z.string().min(1),
    /** Default: `https://api.asgardeo.io`, or `ASGARDEO_BASE_URL`. */
    baseUrl: z.string().url().optional(),
    /** Default: `{baseUrl}/t/{organization}/oauth2/token`. Set it for a custom domain. */
    issuer: z.string().url().optional(),
    /**
     * The SCIM2 Roles API roles are managed through: `v3` (`/scim2/v3/Roles`), `v2` (`/scim2/v2/Roles`,
     * deprecated by Asgardeo), or `auto` (default): v3 when the admin application is authorized for it.
     */
    rolesApi: z.enum(['auto', 'v2', 'v3']).optional(),
  })
  .strict();

const apiResourceSchema = z
  .object({
    /** Default: the stage's invoke URL, known after the AWS side is deployed. */
    identifier: z.string().min(1).optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    /** Default: true. */
    requiresAuthorization: z.boolean().optional(),
  })
  .strict();

const clientSchema = z
  .object({
    name: z.string().min(1).max(100),
    description: z.string().optional(),
    /** Default: `['client_credentials']`. */
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).optional(),
    /** Required with `authorization_code`. */
    callbackUrls: z.array(z.string().url()).optional(),
    /** API scopes this client is authorized for. */
    scopes: z.array(z.string().min(1)),
    /** Access token lifetime in seconds. Default: 3600. */
    accessTokenLifetimeSeconds: z.number().int().min(60).max(86400).optional(),
    /** Which roles count for this client's user tokens. Default: `application`. */
    roleAudience: z.enum(['application', 'organization']).optional(),
    /** Deliver this client's credentials to where its workload reads them (config/credentials.ts). */
    credentials: credentialsSchema.optional(),
  })
  .strict();

const roleSchema = z
  .object({
    name: z.string().min(1),
    /** `organization` (default), or `{ client: '<name>' }` for an application role of a client or an application. */
    audience: z.union([z.literal('organization'), z.object({ client: z.string().min(1) }).strict()]).optional(),
    scopes: z.array(z.string().min(1)),
  })
  .strict();

const userPasswordSchema = z.union([
  z.object({ invite: z.literal(true) }).strict(),
  z.object({ fromEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name') }).strict(),
]);

const userSchema = z
  .object({
    /** The sign-in name: an e-mail address, as Asgardeo's default user store requires. */
    userName: z.string().email('must be an e-mail address: Asgardeo signs users in with their e-mail by default'),
    /** Default: the userName. */
    email: z.string().email().optional(),
    givenName: z.string().optional(),
    familyName: z.string().optional(),
    /** Names of roles declared in `roles`. */
    roles: z.array(z.string().min(1)).optional(),
    /**
     * Never a plaintext password: an invitation, or the name of an environment variable. In the
     * local sandbox an unset variable is filled with a generated password (printed once).
     */
    password: userPasswordSchema,
  })
  .strict();

/**
 * OIDC claim names Asgardeo knows (its `http://wso2.org/oidc/claim` dialect). An access-token
 * attribute must be one of them; anything else is refused with 400 "Invalid access token claim URI".
 */
export const OIDC_CLAIM_NAMES = [
  'sub',
  'given_name',
  'family_name',
  'middle_name',
  'name',
  'nickname',
  'preferred_username',
  'username',
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'address',
  'birthdate',
  'gender',
  'locale',
  'zoneinfo',
  'website',
  'picture',
  'profile',
  'updated_at',
  'groups',
  'roles',
  'upn',
] as const;

export const APPLICATION_KINDS = ['spa', 'web'] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

/** Grants a user-facing application can hold; `password` only for a `web` app that asks for it. */
export const USER_GRANT_TYPES = ['authorization_code', 'refresh_token', 'password'] as const;
export type UserGrantType = (typeof USER_GRANT_TYPES)[number];

/** Fields every user-facing application has; `kind` decides the OAuth client type and grants. */
const applicationFields = {
  name: z.string().min(1).max(100),
  description: z.string().optional(),
  /** Where Asgardeo may redirect after sign-in: https, or http on a loopback address. At least one. */
  callbackUrls: z.array(z.string().url()).min(1),
  /**
   * Browser origins (`scheme://host[:port]`) allowed to call the token endpoint and the API.
   * spa default: the callback URLs' origins; web default: none.
   */
  allowedOrigins: z.array(z.string().min(1)).optional(),
  /** API scopes the application is authorized for; a user gets those the user's roles grant. */
  scopes: z.array(z.string().min(1)),
  /** OIDC claim names put into the (always JWT) access token, e.g. `given_name`, `email`. Default: none. */
  accessTokenAttributes: z.array(z.string().min(1)).optional(),
  /** User access token lifetime in seconds. Default: 3600. */
  accessTokenLifetimeSeconds: z.number().int().min(60).max(86400).optional(),
  /** Refresh token lifetime in seconds. Default: 86400. */
  refreshTokenLifetimeSeconds: z.number().int().min(60).max(31536000).optional(),
  /** Which roles count for the users' tokens: every organization role, or only this app's own roles. Default: `application`. */
  roleAudience: z.enum(['application', 'organization']).optional(),
  /** Allow app-native sign-in (`response_mode=direct` + `/oauth2/authn`), which `tollgate token --user` uses. Default: false. */
  appNativeAuthentication: z.boolean().optional(),
  /** The password grant. Only a `web` app may enable it, and only explicitly. Default: false. */
  passwordGrant: z.boolean().optional(),
};

const applicationSchema = z.discriminatedUnion('kind', [
  /** Single-page app: a public client (no secret), authorization code + PKCE (S256) mandatory, refresh tokens. */
  z.object({ kind: z.literal('spa'), ...applicationFields }).strict(),
  /** Traditional web app: a confidential client, authorization code and refresh tokens. */
  z.object({ kind: z.literal('web'), ...applicationFields }).strict(),
]);

export const baseConfigSchema = z
  .object({
    asgardeo: asgardeoSchema,
    aws: awsSchema,
    scopes: z.array(scopeSchema).min(1),
    routes: z.array(routeSchema).min(1),
    apiResource: apiResourceSchema,
    clients: z.array(clientSchema).optional(),
    /** User-facing applications (people sign in through them). */
    applications: z.array(applicationSchema).optional(),
    roles: z.array(roleSchema).optional(),
    users: z.array(userSchema).optional(),
  })
  .strict();

export type BaseConfig = z.infer<typeof baseConfigSchema>;

type DeepPartial<T> = T extends (infer _U)[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** An environment's overrides: objects merge key by key, arrays and scalars replace. */
export type EnvironmentOverrides = DeepPartial<BaseConfig>;

export interface TollgateConfig extends BaseConfig {
  /** One entry per environment; `{}` uses the base unchanged. At least one. */
  environments: Record<string, EnvironmentOverrides>;
  /** Used when neither `--env` nor `TOLLGATE_ENV` names one. Default: `dev`. */
  defaultEnvironment?: string;
}

export const topLevelSchema = z
  .object({
    environments: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), z.record(z.unknown())),
    defaultEnvironment: z.string().optional(),
  })
  .passthrough();
