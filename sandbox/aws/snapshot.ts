/**
 * The read API for whoever serves what was deployed (the local gateway): plain data, copied out of
 * the control plane's state, with every reference resolved (a route names its integration's
 * function, not just `integrations/abc1234`).
 */
import { logGroupArn } from './services/logs';
import type { HttpApi, LambdaFunction, LocalAwsState } from './state';

export interface DeployedSnapshot {
  readonly account: string;
  readonly apis: readonly DeployedApi[];
  readonly functions: readonly DeployedFunction[];
  readonly logGroups: readonly {
    readonly name: string;
    readonly arn: string;
    readonly retentionInDays?: number;
    readonly tags: Readonly<Record<string, string>>;
  }[];
  readonly roles: readonly {
    readonly roleName: string;
    readonly arn: string;
    readonly inlinePolicies: Readonly<Record<string, string>>;
    readonly tags: Readonly<Record<string, string>>;
  }[];
}

export interface DeployedApi {
  readonly apiId: string;
  readonly name: string;
  readonly region: string;
  readonly protocolType: string;
  /** What AWS answers as `apiEndpoint` (see the `apiEndpoint` option of the control plane). */
  readonly apiEndpoint: string;
  /** `arn:aws:execute-api:{region}:{account}:{apiId}`: what Lambda permissions' source ARNs are matched against. */
  readonly executionArn: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `CreateApi`/`UpdateApi`'s `corsConfiguration` as AWS answers it (allowOrigins, allowMethods, maxAge, ...); undefined without one. */
  readonly corsConfiguration?: Readonly<Record<string, unknown>>;
  readonly routes: readonly DeployedRoute[];
  readonly integrations: readonly DeployedIntegration[];
  readonly authorizers: readonly DeployedAuthorizer[];
  readonly stages: readonly DeployedStage[];
}

export interface DeployedRoute {
  readonly routeId: string;
  readonly routeKey: string;
  /** Undefined for `$default`. */
  readonly method?: string;
  readonly path?: string;
  readonly authorizationType: string;
  readonly authorizerId?: string;
  readonly authorizationScopes: readonly string[];
  /** The integration `target` points at, if any. */
  readonly integrationId?: string;
}

export interface DeployedIntegration {
  readonly integrationId: string;
  readonly integrationType: string;
  readonly integrationUri?: string;
  readonly payloadFormatVersion: string;
  readonly timeoutInMillis: number;
  readonly integrationMethod?: string;
  /** The parameter mapping (`overwrite:header.x-caller` -> `$context.authorizer.claims.sub`); empty without one. */
  readonly requestParameters: Readonly<Record<string, string>>;
  /** For Lambda proxy integrations: the function's name, read from the invoke ARN. */
  readonly functionName?: string;
}

export interface DeployedAuthorizer {
  readonly authorizerId: string;
  readonly name: string;
  readonly authorizerType: string;
  readonly identitySource: readonly string[];
  readonly issuer?: string;
  readonly audience: readonly string[];
}

export interface DeployedStage {
  readonly stageName: string;
  readonly autoDeploy: boolean;
  readonly deploymentId?: string;
  readonly throttling: { readonly rateLimit?: number; readonly burstLimit?: number };
  readonly accessLog?: { readonly destinationArn?: string; readonly format?: string };
  /** `{apiEndpoint}/{stage}`, or the endpoint itself for `$default`. */
  readonly invokeUrl: string;
}

export interface DeployedPermission {
  readonly sid: string;
  /** '' for the unqualified function. */
  readonly qualifier: string;
  readonly principal: string;
  readonly action: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
}

export interface DeployedFunction {
  readonly functionName: string;
  readonly arn: string;
  readonly region: string;
  readonly runtime?: string;
  readonly handler?: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly architectures: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly logGroup: string;
  /** base64 SHA-256 of the zip, as Lambda's `CodeSha256`. */
  readonly codeSha256: string;
  readonly codeSize: number;
  readonly permissions: readonly DeployedPermission[];
  readonly tags: Readonly<Record<string, string>>;
}

/** `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations` → the function name. */
export function functionNameOfInvokeArn(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const match = /functions\/arn:aws[\w-]*:lambda:[^:]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[^/]+)?\/invocations$/.exec(uri);
  return match?.[1] ?? /^arn:aws[\w-]*:lambda:[^:]+:\d{12}:function:([A-Za-z0-9_-]+)$/.exec(uri)?.[1];
}

export function snapshotOf(state: LocalAwsState): DeployedSnapshot {
  return {
    account: state.account,
    apis: [...state.apis.values()].map((api) => apiSnapshot(state, api)),
    functions: [...state.functions.values()].map(functionSnapshot),
    logGroups: [...state.logGroups.values()].map((g) => ({
      name: g.logGroupName,
      arn: logGroupArn(state, g),
      retentionInDays: g.retentionInDays,
      tags: { ...g.tags },
    })),
    roles: [...state.roles.values()].map((r) => ({
      roleName: r.roleName,
      arn: r.arn,
      inlinePolicies: Object.fromEntries(r.inlinePolicies),
      tags: { ...r.tags },
    })),
  };
}

function apiSnapshot(state: LocalAwsState, api: HttpApi): DeployedApi {
  const endpoint = state.apiEndpoint(api);
  return {
    apiId: api.apiId,
    name: api.name,
    region: api.region,
    protocolType: api.protocolType,
    apiEndpoint: endpoint,
    executionArn: `arn:aws:execute-api:${api.region}:${state.account}:${api.apiId}`,
    tags: { ...api.tags },
    ...(api.corsConfiguration ? { corsConfiguration: structuredClone(api.corsConfiguration) } : {}),
    routes: [...api.routes.values()].map((r) => {
      const [method, path] = r.routeKey === '$default' ? [undefined, undefined] : r.routeKey.split(' ', 2);
      return {
        routeId: r.routeId,
        routeKey: r.routeKey,
        method,
        path,
        authorizationType: r.authorizationType,
        authorizerId: r.authorizerId,
        authorizationScopes: [...(r.authorizationScopes ?? [])],
        integrationId: r.target?.replace(/^integrations\//, ''),
      };
    }),
    integrations: [...api.integrations.values()].map((i) => ({
      integrationId: i.integrationId,
      integrationType: i.integrationType,
      integrationUri: i.integrationUri,
      payloadFormatVersion: i.payloadFormatVersion,
      timeoutInMillis: i.timeoutInMillis,
      integrationMethod: i.integrationMethod,
      requestParameters: { ...i.requestParameters },
      functionName: functionNameOfInvokeArn(i.integrationUri),
    })),
    authorizers: [...api.authorizers.values()].map((z) => ({
      authorizerId: z.authorizerId,
      name: z.name,
      authorizerType: z.authorizerType,
      identitySource: [...z.identitySource],
      issuer: z.jwtConfiguration?.issuer,
      audience: [...(z.jwtConfiguration?.audience ?? [])],
    })),
    stages: [...api.stages.values()].map((s) => ({
      stageName: s.stageName,
      autoDeploy: s.autoDeploy,
      deploymentId: s.deploymentId,
      throttling: { rateLimit: s.defaultRouteSettings.throttlingRateLimit, burstLimit: s.defaultRouteSettings.throttlingBurstLimit },
      accessLog: s.accessLogSettings ? { ...s.accessLogSettings } : undefined,
      invokeUrl: s.stageName === '$default' ? endpoint : `${endpoint}/${s.stageName}`,
    })),
  };
}

function functionSnapshot(fn: LambdaFunction): DeployedFunction {
  const permissions: DeployedPermission[] = [];
  for (const [qualifier, statements] of fn.policies) {
    for (const s of statements) {
      const principal = 'Service' in s.Principal ? s.Principal.Service : s.Principal.AWS;
      permissions.push({
        sid: s.Sid,
        qualifier,
        principal,
        action: s.Action,
        sourceArn: s.Condition?.ArnLike?.['AWS:SourceArn'],
        sourceAccount: s.Condition?.StringEquals?.['AWS:SourceAccount'],
      });
    }
  }
  return {
    functionName: fn.functionName,
    arn: fn.arn,
    region: fn.region,
    runtime: fn.config.runtime,
    handler: fn.config.handler,
    timeout: fn.config.timeout,
    memorySize: fn.config.memorySize,
    architectures: [...fn.config.architectures],
    environment: { ...(fn.config.environment ?? {}) },
    logGroup: fn.config.logging.logGroup,
    codeSha256: fn.code.sha256,
    codeSize: fn.code.zip.length,
    permissions,
    tags: { ...fn.tags },
  };
}
