import { createHash } from 'node:crypto';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { HttpJwtAuthorizer } from './http-jwt-authorizer';

export type HttpRouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

/** One method + path, served by a Lambda function or an HTTP backend. */
export interface SecuredHttpRoute {
  readonly method: HttpRouteMethod;
  /** `/user`, `/users/{id}`, `/files/{proxy+}`. */
  readonly path: string;
  /** Any one of them grants access. Required (at least one) unless `public` is true. */
  readonly scopes?: readonly string[];
  /** Serve without a token. Must be said explicitly. @default false */
  readonly public?: boolean;
  /** Where the route goes. @default the API's `handler` */
  readonly target?: HttpApiLambdaTarget | HttpApiHttpBackend;
}

/** A Lambda function behind routes: a `LambdaFunction` resource fits. */
export interface HttpApiLambdaTarget {
  readonly functionName: string;
  readonly invokeArn: string;
  /**
   * Names the function's integration construct (`lambda-integration-<key>`); keep it stable, or the
   * integration is replaced. @default the function name when it is a plain string, else its order of first use
   */
  readonly key?: string;
}

/**
 * An existing HTTP service behind routes (an `HTTP_PROXY` integration). The caller's identity reaches
 * it as request headers through parameter mapping, overwriting any same-named header the caller sent.
 */
export interface HttpApiHttpBackend {
  /** The backend's URL; `{param}` is filled from the route's path parameter of that name. */
  readonly url: string;
  /** @default 'ANY': the caller's method */
  readonly method?: HttpRouteMethod;
  /** @default {@link DEFAULT_BACKEND_IDENTITY_HEADERS} */
  readonly identityHeaders?: { readonly sub: string; readonly clientId: string; readonly scope: string };
}

/** The headers an HTTP backend receives the caller's identity under, by default. */
export const DEFAULT_BACKEND_IDENTITY_HEADERS = { sub: 'x-tollgate-sub', clientId: 'x-tollgate-client-id', scope: 'x-tollgate-scope' };

/**
 * The token claims forwarded to HTTP backends. `client_id` (RFC 9068), which Asgardeo sets next to `azp`
 * with the same value. API Gateway writes each as JSON text (`"abc"` for a string claim).
 */
export const IDENTITY_CLAIMS = { sub: 'sub', clientId: 'client_id', scope: 'scope' } as const;

/**
 * Cross-origin access for browser pages (the API's `cors_configuration`). API Gateway then answers
 * preflight requests itself, before any route or authorizer, and adds the CORS headers to every
 * response for an allowed origin (ignoring CORS headers the Lambda returns).
 */
export interface HttpApiCorsOptions {
  /**
   * Origins allowed to call the API: `scheme://host[:port]`, exactly as browsers send them (no path,
   * no trailing slash), or `*` for any origin. At least one.
   */
  readonly allowOrigins: readonly string[];
  /** Methods allowed cross-origin. @default the methods of the routes (`*` when a route uses ANY) */
  readonly allowMethods?: readonly string[];
  /** Request headers allowed cross-origin. @default ['authorization', 'content-type'] */
  readonly allowHeaders?: readonly string[];
  /** Response headers a page may read besides the safelisted ones. @default none */
  readonly exposeHeaders?: readonly string[];
  /** How long a browser may cache a preflight answer, 0-86400 seconds. @default 300 */
  readonly maxAgeSeconds?: number;
  /** Let pages send cookies (`credentials: 'include'`); not allowed with origin `*`. Bearer tokens do not need it. @default false */
  readonly allowCredentials?: boolean;
}

/** Properties of a {@link SecuredHttpApi}. */
export interface SecuredHttpApiProps {
  readonly apiName: string;
  /** @default none */
  readonly description?: string;
  /** Routes without their own `target` proxy to this function (payload format 2.0). Required when such a route exists. */
  readonly handler?: HttpApiLambdaTarget;
  readonly routes: readonly SecuredHttpRoute[];
  /**
   * Issuer of the tokens, exactly as in their `iss`. Ignored when `authorizer` is given.
   * One of `jwtIssuer` and `authorizer` is required.
   */
  readonly jwtIssuer?: string;
  /**
   * Accepted `aud` values; ignored when `authorizer` is given.
   * @default the stage invoke URL, `${apiEndpoint}/${stageName}`, computed by Terraform
   */
  readonly jwtAudience?: readonly string[];
  /** Bring your own authorizer instead of `jwtIssuer`/`jwtAudience`. @default one built from `jwtIssuer` */
  readonly authorizer?: HttpJwtAuthorizer;
  /** @default 'dev' */
  readonly stageName?: string;
  /** Default route throttling of the stage. @default { rateLimit: 50, burstLimit: 100 } */
  readonly throttling?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Retention of the access-log group. @default 14 */
  readonly logRetentionDays?: number;
  /** @default none */
  readonly tags?: Readonly<Record<string, string>>;
  /** Cross-origin access for browser pages. @default no CORS: browsers refuse cross-origin calls */
  readonly cors?: HttpApiCorsOptions;
}

/** Fields of each access-log line. No header, query string or token: they may carry credentials. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
});

/**
 * An integration no route uses any more (a backend URL changed, a function's last route moved) must
 * outlive the route updates: API Gateway refuses to delete one a route still targets (409). Kept in
 * state, this orders the old integration's destroy after the routes moved to the new one.
 */
const REPLACE_AFTER_ROUTES_MOVED = { createBeforeDestroy: true };

const ROUTE_PATH =
  /^\/(?:[A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\}|\{[A-Za-z0-9_]+\+\})?(?:\/(?:[A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\}|\{[A-Za-z0-9_]+\+\}))*$/;
const STAGE_NAME = /^(\$default|[A-Za-z0-9_-]{1,128})$/;

/**
 * An HTTP API whose routes proxy to Lambda functions or HTTP backends (one integration each), guarded
 * by a JWT authorizer with per-route scopes, with a logged and throttled auto-deployed stage, and
 * invoke permissions scoped per function and route.
 */
export class SecuredHttpApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  /** The integration of the default `handler`; undefined when no route uses it. */
  readonly integration: Apigatewayv2Integration | undefined;
  /** Keyed by `lambda <key>` for a function, `http <method> <url> <headers>[ public]` for a backend. */
  readonly integrations: ReadonlyMap<string, Apigatewayv2Integration>;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogGroup: CloudwatchLogGroup;
  /** Keyed by route key, e.g. `GET /user`. */
  readonly routes: ReadonlyMap<string, Apigatewayv2Route>;
  /** Keyed by route key, e.g. `GET /user`. */
  readonly permissions: ReadonlyMap<string, LambdaPermission>;
  readonly stageName: string;
  /** `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}` (a Terraform expression). */
  readonly stageInvokeUrl: string;
  /** What the authorizer accepts in `aud` (Terraform expressions when defaulted). */
  readonly audience: readonly string[];

  constructor(scope: Construct, id: string, props: SecuredHttpApiProps) {
    super(scope, id);
    validateProps(props);
    const stageName = props.stageName ?? 'dev';
    const tags = props.tags ? { ...props.tags } : undefined;
    this.stageName = stageName;

    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.apiName,
      protocolType: 'HTTP',
      description: props.description,
      corsConfiguration: props.cors ? corsConfiguration(props.cors, props.routes) : undefined,
      tags,
    });

    // From the API alone, not the stage's invoke_url: the authorizer (and so the routes) need nothing from the stage.
    this.stageInvokeUrl = stageName === '$default' ? this.api.apiEndpoint : `${this.api.apiEndpoint}/${stageName}`;

    const integrations = new Map<string, Apigatewayv2Integration>();
    const lambdaKeys = new Map<HttpApiLambdaTarget, string>();
    const integrationKey = (target: HttpApiLambdaTarget | HttpApiHttpBackend, isPublic: boolean): string => {
      if ('url' in target) return httpIntegrationKey(target, isPublic);
      let key = lambdaKeys.get(target);
      if (key === undefined) {
        // A token (a LambdaFunction's name) cannot name a construct: Terraform knows it only at apply.
        key = target.key ?? (Token.isUnresolved(target.functionName) ? `${lambdaKeys.size + 1}` : target.functionName);
        lambdaKeys.set(target, key);
      }
      return `lambda ${key}`;
    };
    const integrationFor = (route: SecuredHttpRoute): Apigatewayv2Integration => {
      const target = route.target ?? (props.handler as HttpApiLambdaTarget);
      const key = integrationKey(target, route.public === true);
      const existing = integrations.get(key);
      if (existing) return existing;
      const created =
        'url' in target
          ? new Apigatewayv2Integration(this, `http-integration-${hash(key)}`, {
              apiId: this.api.id,
              integrationType: 'HTTP_PROXY',
              integrationMethod: target.method ?? 'ANY',
              integrationUri: target.url,
              // The only format HTTP_PROXY integrations take.
              payloadFormatVersion: '1.0',
              requestParameters: identityMapping(target, route.public === true),
              lifecycle: REPLACE_AFTER_ROUTES_MOVED,
            })
          : new Apigatewayv2Integration(
              this,
              // The default handler keeps the id the single-function stack always had: no replacement on upgrade.
              target === props.handler ? 'lambda-integration' : `lambda-integration-${key.slice('lambda '.length)}`,
              {
                apiId: this.api.id,
                integrationType: 'AWS_PROXY',
                integrationMethod: 'POST',
                integrationUri: target.invokeArn,
                // Terraform's default is 1.0; the handler reads the 2.0 event.
                payloadFormatVersion: '2.0',
                lifecycle: REPLACE_AFTER_ROUTES_MOVED,
              },
            );
      integrations.set(key, created);
      return created;
    };

    this.authorizer =
      props.authorizer ??
      new HttpJwtAuthorizer('jwt-authorizer', props.jwtIssuer as string, {
        jwtAudience: props.jwtAudience,
        authorizerName: `${props.apiName}-jwt`,
      });

    const routes = new Map<string, Apigatewayv2Route>();
    const permissions = new Map<string, LambdaPermission>();
    for (const route of props.routes) {
      const routeKey = `${route.method} ${route.path}`;
      const idSuffix = `${route.method}-${encodeURIComponent(route.path)}`;
      const auth = route.public
        ? { authorizationType: 'NONE' }
        : {
            ...this.authorizer.bind({ scope: this, apiId: this.api.id, defaultAudience: [this.stageInvokeUrl] }),
            authorizationScopes: [...(route.scopes ?? [])],
          };
      routes.set(
        routeKey,
        new Apigatewayv2Route(this, `route-${idSuffix}`, {
          apiId: this.api.id,
          routeKey,
          target: `integrations/${integrationFor(route).id}`,
          ...auth,
        }),
      );
      const target = route.target ?? (props.handler as HttpApiLambdaTarget);
      if ('url' in target) continue; // API Gateway calls a backend over HTTP: no Lambda permission.
      permissions.set(
        routeKey,
        new LambdaPermission(this, `invoke-${idSuffix}`, {
          statementId: statementIdFor(routeKey),
          action: 'lambda:InvokeFunction',
          functionName: target.functionName,
          principal: 'apigateway.amazonaws.com',
          sourceArn: `${this.api.executionArn}/*/${executeApiResource(route.method, route.path)}`,
        }),
      );
    }
    this.routes = routes;
    this.permissions = permissions;
    this.integrations = integrations;
    this.integration = props.handler ? integrations.get(integrationKey(props.handler, false)) : undefined;
    this.audience = this.authorizer.audience ?? props.jwtAudience ?? [this.stageInvokeUrl];

    this.accessLogGroup = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${props.apiName}/${stageName.replace(/\$/g, '')}/access`,
      retentionInDays: props.logRetentionDays ?? 14,
      tags,
    });

    const throttling = props.throttling ?? { rateLimit: 50, burstLimit: 100 };
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: stageName,
      autoDeploy: true,
      accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
      defaultRouteSettings: {
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
      },
      tags,
    });
  }
}

const DEFAULT_CORS_HEADERS = ['authorization', 'content-type'];
const DEFAULT_CORS_MAX_AGE_SECONDS = 300;
const MAX_CORS_MAX_AGE_SECONDS = 86400;
const CORS_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*']);
// RFC 7230 token: what a header name may hold.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The methods the routes use, sorted; `*` when one of them is ANY. */
export function corsMethodsForRoutes(routes: readonly SecuredHttpRoute[]): string[] {
  if (routes.some((r) => r.method === 'ANY')) return ['*'];
  return [...new Set(routes.map((r) => r.method))].sort();
}

function corsConfiguration(cors: HttpApiCorsOptions, routes: readonly SecuredHttpRoute[]) {
  return {
    allowOrigins: [...cors.allowOrigins],
    allowMethods: cors.allowMethods ? [...cors.allowMethods] : corsMethodsForRoutes(routes),
    allowHeaders: [...(cors.allowHeaders ?? DEFAULT_CORS_HEADERS)],
    exposeHeaders: cors.exposeHeaders?.length ? [...cors.exposeHeaders] : undefined,
    maxAge: cors.maxAgeSeconds ?? DEFAULT_CORS_MAX_AGE_SECONDS,
    allowCredentials: cors.allowCredentials ?? false,
  };
}

/** `*`, `https://*` and `http://*` (AWS's wildcards), or an exact origin. */
function isCorsOrigin(value: string): boolean {
  if (value === '*' || value === 'https://*' || value === 'http://*') return true;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

function corsProblems(cors: HttpApiCorsOptions): string[] {
  const problems: string[] = [];
  if (cors.allowOrigins.length === 0) problems.push('cors.allowOrigins is empty: list at least one origin, or leave cors out');
  for (const origin of cors.allowOrigins) {
    if (!isCorsOrigin(origin))
      problems.push(`cors.allowOrigins: "${origin}" is not an origin; write scheme://host[:port] without a path or trailing slash`);
  }
  if (cors.allowCredentials && cors.allowOrigins.some((o) => o.endsWith('*'))) {
    problems.push('cors.allowCredentials cannot be true with a wildcard origin (API Gateway refuses it): list the exact origins');
  }
  for (const method of cors.allowMethods ?? []) {
    if (!CORS_METHODS.has(method))
      problems.push(
        `cors.allowMethods: "${method}" is not an HTTP method API Gateway knows (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or *)`,
      );
  }
  for (const header of [...(cors.allowHeaders ?? []), ...(cors.exposeHeaders ?? [])]) {
    if (!HEADER_NAME.test(header)) problems.push(`cors: "${header}" is not a header name`);
  }
  const maxAge = cors.maxAgeSeconds;
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0 && maxAge <= MAX_CORS_MAX_AGE_SECONDS)) {
    problems.push(`cors.maxAgeSeconds must be a whole number from 0 to ${MAX_CORS_MAX_AGE_SECONDS}`);
  }
  return problems;
}

/** `GET /users/{id}` -> `GET/users/*`: the part of an execute-api ARN after the stage. */
export function executeApiResource(method: HttpRouteMethod, routePath: string): string {
  const verb = method === 'ANY' ? '*' : method;
  const resource = routePath
    .split('/')
    .map((segment) => (segment.startsWith('{') && segment.endsWith('}') ? '*' : segment))
    .join('/');
  return `${verb}${resource}`;
}

function httpIntegrationKey(target: HttpApiHttpBackend, isPublic: boolean): string {
  const headers = target.identityHeaders ?? DEFAULT_BACKEND_IDENTITY_HEADERS;
  return `http ${target.method ?? 'ANY'} ${target.url} ${headers.sub} ${headers.clientId} ${headers.scope}${isPublic ? ' public' : ''}`;
}

/**
 * The backend's identity headers, from the validated token's claims. `overwrite` replaces a header of
 * the same name the caller sent (`append` would keep the forged value); a public route has no token,
 * so the names are removed instead and a caller cannot make one up either.
 */
function identityMapping(target: HttpApiHttpBackend, isPublic: boolean): Record<string, string> {
  const headers = target.identityHeaders ?? DEFAULT_BACKEND_IDENTITY_HEADERS;
  const mapping: Record<string, string> = {};
  for (const field of ['sub', 'clientId', 'scope'] as const) {
    const name = headers[field].toLowerCase();
    if (isPublic) mapping[`remove:header.${name}`] = "''";
    else mapping[`overwrite:header.${name}`] = `$context.authorizer.claims.${IDENTITY_CLAIMS[field]}`;
  }
  return mapping;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/** Unique per route within the function's policy; Lambda allows 1-100 of `A-Za-z0-9-_`. */
function statementIdFor(routeKey: string): string {
  const readable = routeKey
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  const hash = createHash('sha256').update(routeKey).digest('hex').slice(0, 8);
  return `apigw-${readable}-${hash}`;
}

function validateProps(props: SecuredHttpApiProps): void {
  const problems: string[] = [];
  if (!props.authorizer && !props.jwtIssuer) problems.push('give jwtIssuer (or an authorizer)');
  if (props.routes.length === 0) problems.push('routes is empty: declare at least one route');
  if (props.stageName !== undefined && !STAGE_NAME.test(props.stageName)) {
    problems.push(`stageName "${props.stageName}" must be "$default" or 1-128 letters, digits, "-" and "_"`);
  }
  if (props.jwtAudience !== undefined && props.jwtAudience.length === 0) {
    problems.push('jwtAudience is empty: leave it out to use the stage invoke URL, or give at least one value');
  }
  if (
    props.throttling &&
    !(props.throttling.rateLimit > 0 && Number.isInteger(props.throttling.burstLimit) && props.throttling.burstLimit > 0)
  ) {
    problems.push('throttling needs a positive rateLimit and a positive integer burstLimit');
  }
  if (props.cors) problems.push(...corsProblems(props.cors));
  const seen = new Set<string>();
  props.routes.forEach((route, i) => {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) problems.push(`routes[${i}] "${key}" is declared twice`);
    seen.add(key);
    if (!ROUTE_PATH.test(route.path)) problems.push(`routes[${i}] path "${route.path}" is not a valid HTTP API route path`);
    const scopes = route.scopes ?? [];
    if (route.public === true && scopes.length > 0) problems.push(`routes[${i}] "${key}" is public but lists scopes`);
    if (route.public !== true && scopes.length === 0) problems.push(`routes[${i}] "${key}" has no scopes and is not marked public`);
    if (!route.target && !props.handler) problems.push(`routes[${i}] "${key}" has no target and the API has no default handler`);
    if (route.target && 'url' in route.target && !/^https?:\/\/[^/]/.test(route.target.url))
      problems.push(`routes[${i}] "${key}": backend URL "${route.target.url}" is not an http(s) URL`);
  });
  if (problems.length > 0) throw new Error(`SecuredHttpApi: invalid props:\n  - ${problems.join('\n  - ')}`);
}
