import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigIssue } from './errors';
import type { DeployTarget, ResolvedFunction, ResolvedIdentityHeaders, ResolvedRouteTarget } from './resolved';
import type { BaseConfig } from './schema';

/**
 * Where each route goes: a function built from a handler file (one per distinct file), or an
 * existing HTTP backend. Validated at load time, resolved into the functions the stack creates.
 */

/** The headers an HTTP backend receives the caller's identity under, unless the route names others. */
export const DEFAULT_IDENTITY_HEADERS: ResolvedIdentityHeaders = {
  sub: 'x-tollgate-sub',
  clientId: 'x-tollgate-client-id',
  scope: 'x-tollgate-scope',
};

/** What the smoke test puts into a path parameter the route gives no sample for. */
export const DEFAULT_PATH_SAMPLE = 'smoke-test';

/** The id of the function built from `aws.lambda.entry`: the name the single-function stack always had. */
export const DEFAULT_FUNCTION_ID = 'handler';

// API Gateway refuses parameter mappings of these (developer guide, "Transform API requests and
// responses for HTTP APIs", Reserved headers).
const RESERVED_HEADERS = new Set([
  'authorization',
  'connection',
  'content-encoding',
  'content-length',
  'content-location',
  'forwarded',
  'keep-alive',
  'origin',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'via',
]);
const RESERVED_HEADER_PREFIXES = ['access-control-', 'apigw-', 'x-amz-', 'x-amzn-'];
// RFC 7230 token.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Lambda: a letter, then letters, digits and "_"; these names belong to the runtime.
const ENV_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_ENV = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const MAX_FUNCTION_NAME = 64;

/** `/orders/{id}/items/{proxy+}` -> `['id', 'proxy']`: the names as a URL or a sample refers to them. */
export function pathParameterNames(routePath: string): string[] {
  return [...routePath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!.replace(/\+$/, ''));
}

/** The entry file each route runs, absolute; undefined for an HTTP route. */
function entryOf(route: BaseConfig['routes'][number], config: BaseConfig, configDir: string): string | undefined {
  if (route.http) return undefined;
  return path.resolve(configDir, route.handler ?? config.aws.lambda.entry);
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'fn'
  );
}

/** One id per distinct entry file, in route order: `handler` for the default entry, else from the file's name. */
function functionIds(config: BaseConfig, configDir: string): Map<string, string> {
  const defaultEntry = path.resolve(configDir, config.aws.lambda.entry);
  const entries = [...new Set(config.routes.map((r) => entryOf(r, config, configDir)).filter((e): e is string => e !== undefined))];
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  if (entries.includes(defaultEntry)) {
    ids.set(defaultEntry, DEFAULT_FUNCTION_ID);
    taken.add(DEFAULT_FUNCTION_ID);
  }
  for (const entry of entries) {
    if (ids.has(entry)) continue;
    const withoutExtension = entry.replace(/\.[^./\\]+$/, '');
    let id = slug(path.basename(withoutExtension));
    if (taken.has(id)) id = slug(path.relative(configDir, withoutExtension));
    for (let n = 2; taken.has(id); n++) id = `${slug(path.basename(withoutExtension))}-${n}`;
    ids.set(entry, id);
    taken.add(id);
  }
  return ids;
}

/** The `aws.functions` entry for an entry file, matched by absolute path. */
function settingsFor(config: BaseConfig, configDir: string, entry: string) {
  const found = Object.entries(config.aws.functions ?? {}).find(([file]) => path.resolve(configDir, file) === entry);
  return found?.[1];
}

export function routeTargetIssues(config: BaseConfig, configDir: string, target: DeployTarget, stackName: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (at: string, message: string, fix: string) => issues.push({ path: at, message, fix });
  const ids = functionIds(config, configDir);

  config.routes.forEach((route, i) => {
    const at = `routes[${i}]`;
    const key = `${route.method} ${route.path}`;
    const params = pathParameterNames(route.path);
    if (route.handler !== undefined && route.http !== undefined) {
      add(
        at,
        `route "${key}" names both a handler and an http backend`,
        'keep one: "handler" for a function of this stack, "http" for an existing service',
      );
      return;
    }
    if (route.handler !== undefined) {
      const file = path.resolve(configDir, route.handler);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        add(
          `${at}.handler`,
          `handler file "${route.handler}" of route "${key}" does not exist (looked for ${file})`,
          "create it, or fix the path: it is relative to the configuration file's folder",
        );
      }
    }
    const entry = entryOf(route, config, configDir);
    if (entry !== undefined) {
      const name = `${stackName}-${ids.get(entry)}`;
      if (name.length > MAX_FUNCTION_NAME) {
        add(
          route.handler !== undefined ? `${at}.handler` : 'aws.lambda.entry',
          `the function name "${name}" is longer than Lambda's ${MAX_FUNCTION_NAME} characters`,
          'shorten aws.apiName, the environment name or the handler file name',
        );
      }
    }
    if (route.http) checkHttpBackend(route.http, `${at}.http`, key, params, target, add);
    Object.entries(route.smoke?.pathParameters ?? {}).forEach(([name, value]) => {
      if (!params.includes(name)) {
        add(
          `${at}.smoke.pathParameters.${name}`,
          `route "${key}" has no path parameter "${name}"`,
          params.length ? `give samples for ${params.map((p) => `"${p}"`).join(', ')} only` : 'remove "pathParameters"',
        );
      } else if (!route.path.includes(`{${name}+}`) && value.includes('/')) {
        add(
          `${at}.smoke.pathParameters.${name}`,
          `the sample "${value}" holds "/", which a {${name}} parameter cannot match`,
          'use one path segment (only a greedy {name+} parameter spans several)',
        );
      }
    });
  });

  const used = new Set(ids.keys());
  for (const [file, settings] of Object.entries(config.aws.functions ?? {})) {
    const at = `aws.functions["${file}"]`;
    if (!used.has(path.resolve(configDir, file))) {
      add(
        at,
        `no route runs "${file}"`,
        `name it in a route's "handler" (or aws.lambda.entry for routes without one), or remove this entry; ` +
          `the keys are entry files relative to the configuration file`,
      );
    }
    checkEnvironment(settings.environment ?? {}, `${at}.environment`, add);
  }
  checkEnvironment(config.aws.lambda.environment ?? {}, 'aws.lambda.environment', add);
  return issues;
}

function checkHttpBackend(
  http: NonNullable<BaseConfig['routes'][number]['http']>,
  at: string,
  key: string,
  params: readonly string[],
  target: DeployTarget,
  add: (at: string, message: string, fix: string) => void,
): void {
  let url: URL | undefined;
  try {
    // Braces are URL syntax here (`{id}`), not part of the address.
    url = new URL(http.url.replace(/\{[^}]*\}/g, 'x'));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    add(`${at}.url`, `"${http.url}" is not an http(s) URL`, 'write the full URL of the backend, e.g. https://orders.example.com/orders');
  } else if (url.hash) {
    add(`${at}.url`, `backend URL "${http.url}" has a fragment`, 'remove the "#..." part: it is never sent to a server');
  } else if (url.protocol === 'http:') {
    const loopback = LOOPBACK_HOSTS.has(url.hostname);
    if (!(loopback && target === 'local')) {
      add(
        `${at}.url`,
        loopback
          ? `backend URL "${http.url}" is http on this machine: API Gateway in AWS cannot reach it`
          : `backend URL "${http.url}" is not https: the caller's identity headers would cross the network in clear text`,
        loopback
          ? 'a loopback http backend works only with the local sandbox (--target local); on AWS use the https URL of the service'
          : 'serve the backend over https (http is accepted only on a loopback address with --target local)',
      );
    }
  }
  for (const m of http.url.matchAll(/\{([^}]*)\}/g)) {
    const name = m[1]!;
    if (!params.includes(name.replace(/\+$/, '')) || name.endsWith('+')) {
      add(
        `${at}.url`,
        `backend URL "${http.url}" uses {${name}}, which the path of route "${key}" does not have`,
        params.length
          ? `use the route's parameters: ${params.map((p) => `{${p}}`).join(', ')} (a greedy {name+} is written {name} in the URL)`
          : 'add the parameter to the route path, or remove it from the URL',
      );
    }
  }
  const names = { ...DEFAULT_IDENTITY_HEADERS, ...http.identityHeaders };
  const seen = new Map<string, string>();
  for (const [field, name] of Object.entries(names)) {
    const where = `${at}.identityHeaders.${field}`;
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) add(where, `"${name}" is not a header name`, 'use letters, digits and "-" (e.g. x-caller-sub)');
    else if (RESERVED_HEADERS.has(lower) || RESERVED_HEADER_PREFIXES.some((p) => lower.startsWith(p))) {
      add(
        where,
        `"${name}" is a header API Gateway reserves; it refuses a parameter mapping of it`,
        'choose another name, e.g. x-caller-' + field.toLowerCase(),
      );
    }
    const other = seen.get(lower);
    if (other) add(where, `"${name}" is also the ${other} header`, 'give each identity header its own name');
    seen.set(lower, field);
  }
}

function checkEnvironment(
  environment: Readonly<Record<string, string>>,
  at: string,
  add: (at: string, message: string, fix: string) => void,
) {
  for (const name of Object.keys(environment)) {
    if (!ENV_NAME.test(name)) {
      add(`${at}.${name}`, `"${name}" is not a Lambda environment variable name`, 'start with a letter; use letters, digits and "_"');
    } else if (RESERVED_ENV.has(name)) {
      add(`${at}.${name}`, `"${name}" is set by the Lambda runtime and cannot be configured`, 'choose another name');
    }
  }
}

/** The stack's functions, and each route's target (in route order). Call after routeTargetIssues found nothing. */
export function resolveRouteTargets(
  config: BaseConfig,
  configDir: string,
  stackName: string,
): { functions: ResolvedFunction[]; targets: ResolvedRouteTarget[] } {
  const ids = functionIds(config, configDir);
  const lambda = config.aws.lambda;
  const functions: ResolvedFunction[] = [...ids].map(([entry, id]) => {
    const own = settingsFor(config, configDir, entry);
    const configured = config.routes.find((r) => entryOf(r, config, configDir) === entry)?.handler ?? lambda.entry;
    return {
      id,
      functionName: `${stackName}-${id}`,
      entry,
      configuredEntry: configured,
      handler: own?.handler ?? lambda.handler ?? 'handler',
      memoryMb: own?.memoryMb ?? lambda.memoryMb ?? 256,
      timeoutSeconds: own?.timeoutSeconds ?? lambda.timeoutSeconds ?? 10,
      architecture: lambda.architecture ?? 'arm64',
      runtime: lambda.runtime ?? 'nodejs22.x',
      environment: { ...lambda.environment, ...own?.environment },
    };
  });
  const targets = config.routes.map((route): ResolvedRouteTarget => {
    if (route.http) {
      const names = { ...DEFAULT_IDENTITY_HEADERS, ...route.http.identityHeaders };
      return {
        kind: 'http',
        url: route.http.url,
        method: route.http.method ?? 'ANY',
        identityHeaders: { sub: names.sub.toLowerCase(), clientId: names.clientId.toLowerCase(), scope: names.scope.toLowerCase() },
      };
    }
    return { kind: 'function', functionId: ids.get(entryOf(route, config, configDir)!)! };
  });
  return { functions, targets };
}
