import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ZodIssue } from 'zod';
import { ConfigError, formatPath, type ConfigIssue } from './errors';
import { baseConfigSchema, topLevelSchema, type BaseConfig } from './schema';
import type { DeployTarget, ResolvedApplication, ResolvedConfig, ResolvedCors, UserPassword } from './resolved';
import { scopeAsArrayIssue } from './server-names';
import { checkBaseUrl, crossCheck } from './validate';
import { evaluateConfigFile } from './load-module';
import { cacheRoot } from './build-cache';
import { DEFAULT_PATH_SAMPLE, pathParameterNames, resolveRouteTargets, routeTargetIssues } from './route-targets';
import { credentialIssues, resolveCredentials } from './credentials';

export const DEFAULT_CONFIG_FILE = 'tollgate.config.ts';
export const DEFAULT_ASGARDEO_BASE_URL = 'https://api.asgardeo.io';

export interface LoadConfigOptions {
  /** Default: `TOLLGATE_CONFIG`, else `tollgate.config.ts` in the working directory. */
  readonly file?: string;
  /** Default: `TOLLGATE_ENV`, else the file's `defaultEnvironment`, else `dev`. */
  readonly env?: string;
  /** Default: `TOLLGATE_TARGET`, else `aws`. */
  readonly target?: DeployTarget;
  /** Overrides `ASGARDEO_BASE_URL` and `asgardeo.baseUrl`; the sandbox passes its local Asgardeo here. */
  readonly asgardeoBaseUrl?: string;
  /** Default: `process.env`. */
  readonly environment?: NodeJS.ProcessEnv;
}

/** Loads one environment of the configuration, validated, with every default resolved. */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const vars = options.environment ?? process.env;
  const file = resolveConfigFile(options.file, vars);
  const raw = readConfigModule(file, vars);
  const env = options.env ?? vars.TOLLGATE_ENV ?? raw.defaultEnvironment ?? 'dev';
  return resolveEnvironment(file, raw, env, options, vars);
}

/** Loads every environment the file declares: the CDKTF app builds one stack for each. */
export function loadAllEnvironments(options: Omit<LoadConfigOptions, 'env'> = {}): ResolvedConfig[] {
  const vars = options.environment ?? process.env;
  const file = resolveConfigFile(options.file, vars);
  const raw = readConfigModule(file, vars);
  return Object.keys(raw.environments).map((env) => resolveEnvironment(file, raw, env, options, vars));
}

/** Names of the environments a configuration file declares. */
export function listEnvironments(options: Pick<LoadConfigOptions, 'file' | 'environment'> = {}): string[] {
  const vars = options.environment ?? process.env;
  return Object.keys(readConfigModule(resolveConfigFile(options.file, vars), vars).environments);
}

interface RawConfig {
  readonly environments: Record<string, Record<string, unknown>>;
  readonly defaultEnvironment?: string;
  readonly base: Record<string, unknown>;
}

function resolveConfigFile(file: string | undefined, vars: NodeJS.ProcessEnv): string {
  return path.resolve(file ?? vars.TOLLGATE_CONFIG ?? DEFAULT_CONFIG_FILE);
}

function readConfigModule(file: string, vars: NodeJS.ProcessEnv): RawConfig {
  if (!fs.existsSync(file)) {
    throw new ConfigError(file, [
      {
        path: '',
        message: 'the configuration file does not exist',
        fix: `create ${path.basename(file)} (see README "Configuration"), or pass --config <file> / set TOLLGATE_CONFIG`,
      },
    ]);
  }
  const exported = evaluateConfigFile(file, { cacheDir: cacheRoot(path.dirname(file), vars) });
  const top = topLevelSchema.safeParse(exported);
  if (!top.success)
    throw new ConfigError(
      file,
      top.error.issues.map((i) => zodToIssue(i)),
    );
  const { environments, defaultEnvironment, ...base } = top.data;
  if (Object.keys(environments).length === 0) {
    throw new ConfigError(file, [
      { path: 'environments', message: 'no environment is declared', fix: 'add at least one, e.g. `environments: { dev: {} }`' },
    ]);
  }
  return { environments: environments as Record<string, Record<string, unknown>>, defaultEnvironment, base };
}

function resolveEnvironment(
  file: string,
  raw: RawConfig,
  env: string,
  options: LoadConfigOptions,
  vars: NodeJS.ProcessEnv,
): ResolvedConfig {
  const overrides = raw.environments[env];
  if (!overrides) {
    throw new ConfigError(file, [
      {
        path: 'environments',
        message: `unknown environment "${env}"`,
        fix: `choose one of: ${Object.keys(raw.environments).join(', ')} (with --env or TOLLGATE_ENV), or add "${env}" to "environments"`,
      },
    ]);
  }
  const merged = mergeOverrides(raw.base, overrides);
  const parsed = baseConfigSchema.safeParse(merged);
  if (!parsed.success)
    throw new ConfigError(
      file,
      parsed.error.issues.map((i) => zodToIssue(i)),
      env,
    );
  const config = parsed.data;

  const target = options.target ?? parseTarget(vars.TOLLGATE_TARGET);
  // An empty ASGARDEO_BASE_URL (`ASGARDEO_BASE_URL=` in a shell or CI) means unset, not "no URL".
  const baseUrl = trimSlash(options.asgardeoBaseUrl || vars.ASGARDEO_BASE_URL || config.asgardeo.baseUrl || DEFAULT_ASGARDEO_BASE_URL);
  const org = config.asgardeo.organization;
  // The sandbox always trusts its own local Asgardeo; a custom-domain issuer applies to real deployments.
  const issuer = target === 'aws' && config.asgardeo.issuer ? config.asgardeo.issuer : `${baseUrl}/t/${org}/oauth2/token`;

  const issues = [
    ...checkBaseUrl(baseUrl, org),
    ...crossCheck(config, target, issuer),
    ...routeTargetIssues(config, path.dirname(file), target, `${config.aws.apiName}-${env}`),
    ...credentialIssues(config.clients, `${config.aws.apiName}-${env}`),
  ];
  if (issues.length > 0) throw new ConfigError(file, issues, env);

  return buildResolved(file, env, target, baseUrl, issuer, config, vars);
}

function buildResolved(
  file: string,
  env: string,
  target: DeployTarget,
  baseUrl: string,
  issuer: string,
  c: BaseConfig,
  vars: NodeJS.ProcessEnv,
): ResolvedConfig {
  const org = c.asgardeo.organization;
  const usersByRole = new Map<string, string[]>();
  for (const u of c.users ?? []) for (const r of u.roles ?? []) usersByRole.set(r, [...(usersByRole.get(r) ?? []), u.userName]);
  const applications = (c.applications ?? []).map(resolveApplication);
  const stackName = `${c.aws.apiName}-${env}`;
  const { functions, targets } = resolveRouteTargets(c, path.dirname(file), stackName);
  return {
    file,
    environment: env,
    target,
    stackName,
    asgardeo: {
      organization: org,
      baseUrl,
      issuer,
      tokenEndpoint: `${baseUrl}/t/${org}/oauth2/token`,
      jwksUri: `${baseUrl}/t/${org}/oauth2/jwks`,
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      rolesApi: c.asgardeo.rolesApi ?? 'auto',
    },
    aws: {
      region: c.aws.region,
      apiName: c.aws.apiName,
      stage: c.aws.stage ?? 'dev',
      throttling: c.aws.throttling ?? { rateLimit: 50, burstLimit: 100 },
      logRetentionDays: c.aws.logRetentionDays ?? 14,
      cors: corsFor(applications, c.routes),
      functions,
      lambda: {
        entry: path.resolve(path.dirname(file), c.aws.lambda.entry),
        handler: c.aws.lambda.handler ?? 'handler',
        memoryMb: c.aws.lambda.memoryMb ?? 256,
        timeoutSeconds: c.aws.lambda.timeoutSeconds ?? 10,
        architecture: c.aws.lambda.architecture ?? 'arm64',
        runtime: c.aws.lambda.runtime ?? 'nodejs22.x',
        environment: { ...c.aws.lambda.environment },
      },
    },
    scopes: c.scopes.map((s) => ({ name: s.name, displayName: s.displayName ?? s.name, description: s.description ?? '' })),
    routes: c.routes.map((r, i) => ({
      method: r.method,
      path: r.path,
      routeKey: `${r.method} ${r.path}`,
      scopes: r.scopes ?? [],
      public: r.public === true,
      target: targets[i]!,
      smoke: {
        status: r.smoke?.status,
        pathParameters: Object.fromEntries(
          pathParameterNames(r.path).map((name) => [name, r.smoke?.pathParameters?.[name] ?? DEFAULT_PATH_SAMPLE]),
        ),
      },
    })),
    apiResource: {
      identifier: c.apiResource.identifier ?? defaultApiIdentifier(org, c.aws.apiName, env),
      identifierSource: c.apiResource.identifier ? ('configured' as const) : ('default' as const),
      name: c.apiResource.name,
      description: c.apiResource.description ?? '',
      requiresAuthorization: c.apiResource.requiresAuthorization ?? true,
    },
    clients: (c.clients ?? []).map((cl) => ({
      name: cl.name,
      description: cl.description ?? '',
      grantTypes: cl.grantTypes ?? ['client_credentials'],
      callbackUrls: cl.callbackUrls ?? [],
      scopes: cl.scopes,
      accessTokenLifetimeSeconds: cl.accessTokenLifetimeSeconds ?? 3600,
      roleAudience: cl.roleAudience ?? 'application',
      ...(cl.credentials ? { credentials: resolveCredentials(cl.credentials, `${c.aws.apiName}-${env}`, cl.name) } : {}),
    })),
    applications,
    roles: (c.roles ?? []).map((r) => ({
      name: r.name,
      audience:
        !r.audience || r.audience === 'organization'
          ? { type: 'organization' as const }
          : { type: 'application' as const, client: r.audience.client },
      scopes: r.scopes,
      users: usersByRole.get(r.name) ?? [],
    })),
    users: (c.users ?? []).map((u) => ({
      userName: u.userName,
      email: u.email ?? u.userName,
      givenName: u.givenName,
      familyName: u.familyName,
      roles: u.roles ?? [],
      password: resolvePassword(u.password, target, vars),
    })),
  };
}

function resolvePassword(
  password: NonNullable<BaseConfig['users']>[number]['password'],
  target: DeployTarget,
  vars: NodeJS.ProcessEnv,
): UserPassword {
  if ('invite' in password) return { kind: 'invite' };
  // Only the sandbox invents passwords; a real deployment stops in the plan when the variable is unset.
  if (target === 'local' && !vars[password.fromEnv]) return { kind: 'generated', variable: password.fromEnv };
  return { kind: 'env', variable: password.fromEnv };
}

function resolveApplication(a: NonNullable<BaseConfig['applications']>[number]): ResolvedApplication {
  const spa = a.kind === 'spa';
  const attributes = a.accessTokenAttributes ?? [];
  return {
    kind: a.kind,
    name: a.name,
    description: a.description ?? '',
    grantTypes: ['authorization_code', 'refresh_token', ...(a.kind === 'web' && a.passwordGrant === true ? (['password'] as const) : [])],
    publicClient: spa,
    pkce: { mandatory: spa, supportPlainTransformAlgorithm: false },
    callbackUrls: a.callbackUrls,
    allowedOrigins: a.allowedOrigins ?? (spa ? uniqueOrigins(a.callbackUrls) : []),
    scopes: a.scopes,
    accessToken: { type: 'JWT', lifetimeSeconds: a.accessTokenLifetimeSeconds ?? 3600, attributes },
    refreshTokenLifetimeSeconds: a.refreshTokenLifetimeSeconds ?? 86400,
    requestedClaims: attributes,
    roleAudience: a.roleAudience ?? 'application',
    appNativeAuthentication: a.appNativeAuthentication === true,
  };
}

/** A browser preflight answer may be cached this long (Chromium caps it at 2 hours anyway). */
const CORS_MAX_AGE_SECONDS = 300;

function corsFor(applications: readonly ResolvedApplication[], routes: BaseConfig['routes']): ResolvedCors | undefined {
  const origins = [...new Set(applications.flatMap((a) => a.allowedOrigins))].sort();
  if (origins.length === 0) return undefined;
  const methods = routes.some((r) => r.method === 'ANY') ? ['*'] : [...new Set(routes.map((r) => r.method))].sort();
  return {
    allowOrigins: origins,
    allowMethods: methods,
    allowHeaders: ['authorization', 'content-type'],
    exposeHeaders: ['www-authenticate'],
    maxAgeSeconds: CORS_MAX_AGE_SECONDS,
    allowCredentials: false,
  };
}

function uniqueOrigins(urls: readonly string[]): string[] {
  return [...new Set(urls.map((u) => new URL(u).origin))];
}

/** Objects merge key by key; arrays and scalars in the override replace the base value. */
export function mergeOverrides(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeOverrides(current, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseTarget(value: string | undefined): DeployTarget {
  if (value === undefined || value === '' || value === 'aws') return 'aws';
  if (value === 'local') return 'local';
  throw new ConfigError('TOLLGATE_TARGET', [
    { path: 'TOLLGATE_TARGET', message: `unknown target "${value}"`, fix: 'use "aws" (default) or "local"' },
  ]);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function zodToIssue(issue: ZodIssue): ConfigIssue {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const scopeAsArray = scopeAsArrayIssue(issue.keys, path);
    if (scopeAsArray) return scopeAsArray;
    return {
      path,
      message: `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      fix: 'remove them or fix the spelling (see README "Configuration")',
    };
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') {
    return { path, message: 'is required', fix: `add it (expected ${issue.expected})` };
  }
  if (issue.code === 'invalid_union_discriminator') {
    return { path, message: 'is missing or not a known kind', fix: `set it to one of: ${issue.options.map(String).join(', ')}` };
  }
  if (issue.code === 'invalid_enum_value') {
    return { path, message: `"${String(issue.received)}" is not allowed`, fix: `use one of: ${issue.options.join(', ')}` };
  }
  return { path, message: issue.message, fix: 'see README "Configuration" for the expected value' };
}

/**
 * The API identifier when the configuration sets none: `urn:tollgate:<organization>:<aws.apiName>:<environment>`
 * (`aws.apiName` lower-cased, every run of other characters than [a-z0-9] made one `-`): unique per stack
 * (the stack name is `<apiName>-<environment>`) and per organization.
 * Built from the configuration alone, so a plan needs no deploy outputs and re-creating the HTTP API
 * (a new invoke URL) never re-keys the API resource or the apps' audience.
 */
export function defaultApiIdentifier(organization: string, apiName: string, environment: string): string {
  const slug =
    apiName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'api';
  return `urn:tollgate:${organization}:${slug}:${environment}`;
}
