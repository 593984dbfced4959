/**
 * The gateway model read from what was deployed: the local AWS control plane's snapshot (routes,
 * JWT authorizers, Lambda proxy integrations, the stage, the functions' resource policies) and the
 * function code zips Terraform uploaded. This is what `npm start` serves on the real-Terraform path;
 * `gateway-model.ts` (reading cdk.tf.json) is the fallback without Terraform.
 */
import type { DeployedApi, DeployedSnapshot } from '../aws/snapshot';
import { readCorsConfiguration } from './cors';
import { GatewayStackError } from './errors';
import {
  checkBackendUri,
  type GatewayModel,
  type IntegrationTarget,
  type JwtAuthorizerModel,
  type LambdaFunctionModel,
  type RouteModel,
} from './gateway-model';
import { checkRequestParameters } from './http-integration';
import type { InvokePermission } from './lambda-permissions';

export interface DeployedModelOptions {
  readonly snapshot: DeployedSnapshot;
  readonly stackName: string;
  /** Where the uploaded zip of a function is on disk (the caller writes `functionCode(name)` there). */
  readonly archiveOf: (functionName: string) => string;
  /** The stack's outputs as Terraform reports them (`terraform output -json`, values only). */
  readonly outputs: Readonly<Record<string, unknown>>;
}

const CORS_KEYS: Readonly<Record<string, string>> = {
  allowOrigins: 'allow_origins',
  allowMethods: 'allow_methods',
  allowHeaders: 'allow_headers',
  exposeHeaders: 'expose_headers',
  maxAge: 'max_age',
  allowCredentials: 'allow_credentials',
};

export function buildDeployedModel(o: DeployedModelOptions): GatewayModel {
  const where = (what: string) => `the deployed ${what} (local AWS control plane)`;
  if (o.snapshot.apis.length !== 1) {
    throw new GatewayStackError(
      `the local AWS control plane holds ${o.snapshot.apis.length} HTTP APIs; the local gateway serves a deployment with exactly one`,
    );
  }
  const api: DeployedApi = o.snapshot.apis[0];
  if (api.protocolType !== 'HTTP')
    throw new GatewayStackError(`${where(`API ${api.apiId}`)} is a ${api.protocolType} API; the local gateway serves HTTP APIs only`);
  const stage = api.stages[0];
  if (!stage) throw new GatewayStackError(`${where(`API ${api.apiId}`)} has no stage: API Gateway serves nothing without one`);

  const functions = new Map<string, LambdaFunctionModel>();
  const permissions: InvokePermission[] = [];
  for (const fn of o.snapshot.functions) {
    if (!fn.handler) throw new GatewayStackError(`${where(`function ${fn.functionName}`)} has no handler`);
    functions.set(fn.functionName, {
      key: fn.functionName,
      functionName: fn.functionName,
      archive: o.archiveOf(fn.functionName),
      handler: fn.handler,
      runtime: fn.runtime,
      timeoutSeconds: fn.timeout,
      memoryMb: fn.memorySize,
      environment: { ...fn.environment },
      invokeArn: `arn:aws:apigateway:${fn.region}:lambda:path/2015-03-31/functions/${fn.arn}/invocations`,
    });
    for (const p of fn.permissions) {
      // A permission on an alias or version does not cover the unqualified function API Gateway invokes.
      if (
        p.principal !== 'apigateway.amazonaws.com' ||
        p.qualifier !== '' ||
        (p.action !== 'lambda:InvokeFunction' && p.action !== 'lambda:*')
      )
        continue;
      permissions.push({ functionKey: fn.functionName, sourceArn: p.sourceArn });
    }
  }

  const integrations = new Map<string, IntegrationTarget>();
  for (const i of api.integrations) {
    const what = where(`integration ${i.integrationId}`);
    if (i.integrationType === 'HTTP_PROXY') {
      checkRequestParameters(i.requestParameters, what);
      integrations.set(i.integrationId, {
        http: {
          uri: checkBackendUri(i.integrationUri ?? '', what),
          method: i.integrationMethod ?? 'ANY',
          requestParameters: { ...i.requestParameters },
          timeoutMs: i.timeoutInMillis,
        },
      });
      continue;
    }
    if (i.integrationType !== 'AWS_PROXY')
      throw new GatewayStackError(
        `${what} is ${i.integrationType}; the local gateway serves Lambda (AWS_PROXY) and HTTP (HTTP_PROXY) proxy integrations`,
      );
    if (i.payloadFormatVersion !== '2.0')
      throw new GatewayStackError(
        `${what} uses payload format ${i.payloadFormatVersion}; the handler expects 2.0 (set payload_format_version = "2.0")`,
      );
    if (!i.functionName || !functions.has(i.functionName))
      throw new GatewayStackError(`${what} points at ${i.integrationUri ?? 'nothing'}, which is not a deployed function`);
    integrations.set(i.integrationId, { functionKey: i.functionName });
  }

  const authorizers = new Map<string, JwtAuthorizerModel>();
  for (const a of api.authorizers) {
    const what = where(`authorizer ${a.name} (${a.authorizerId})`);
    if (a.authorizerType !== 'JWT')
      throw new GatewayStackError(`${what} is ${a.authorizerType}; the local gateway implements JWT authorizers only`);
    if (!a.issuer) throw new GatewayStackError(`${what} has no issuer`);
    if (a.audience.length === 0) throw new GatewayStackError(`${what} lists no audience`);
    const identityHeaders = (a.identitySource.length ? a.identitySource : ['$request.header.Authorization']).map((source) => {
      const match = /^\$request\.header\.([A-Za-z0-9!#$%&'*+.^_`|~-]+)$/.exec(source);
      if (!match)
        throw new GatewayStackError(
          `${what} takes its token from "${source}"; the local gateway reads it from a header such as $request.header.Authorization`,
        );
      return match[1].toLowerCase();
    });
    authorizers.set(a.authorizerId, { key: a.authorizerId, issuer: a.issuer, audiences: [...a.audience], identityHeaders });
  }

  const routes: RouteModel[] = [];
  for (const r of api.routes) {
    if (r.integrationId === undefined) continue; // A route without a target is not served by API Gateway either.
    const integrated = integrations.get(r.integrationId);
    if (!integrated)
      throw new GatewayStackError(`${where(`route ${r.routeKey}`)} targets integration ${r.integrationId}, which does not exist`);
    if (r.authorizationType !== 'NONE' && r.authorizationType !== 'JWT') {
      throw new GatewayStackError(
        `${where(`route ${r.routeKey}`)} uses ${r.authorizationType} authorization; the local gateway implements NONE and JWT`,
      );
    }
    const jwt = r.authorizationType === 'JWT';
    if (jwt && (!r.authorizerId || !authorizers.has(r.authorizerId)))
      throw new GatewayStackError(`${where(`route ${r.routeKey}`)} names no deployed JWT authorizer`);
    routes.push({
      routeKey: r.routeKey,
      method: r.method,
      path: r.path,
      authorizationType: jwt ? 'JWT' : 'NONE',
      scopes: jwt ? [...r.authorizationScopes] : [],
      authorizer: jwt ? r.authorizerId : undefined,
      functionKey: integrated.functionKey,
      http: integrated.http,
    });
  }
  if (routes.length === 0)
    throw new GatewayStackError(`${where(`API ${api.apiId}`)} has no route with a target; there is nothing to serve`);

  const corsBlock = api.corsConfiguration
    ? Object.fromEntries(Object.entries(api.corsConfiguration).flatMap(([k, v]) => (CORS_KEYS[k] ? [[CORS_KEYS[k], v]] : [])))
    : undefined;
  const cors = readCorsConfiguration(corsBlock, where(`API ${api.apiId} cors configuration`), (value) => value);

  return {
    stackName: o.stackName,
    region: api.region,
    stageName: stage.stageName,
    executionArn: api.executionArn,
    routes,
    permissions,
    authorizers,
    functions,
    cors,
    outputs: { ...o.outputs },
  };
}
