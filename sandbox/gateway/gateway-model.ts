import * as path from 'node:path';
import { readCorsConfiguration, type CorsModel } from './cors';
import { GatewayStackError } from './errors';
import { evaluate, evaluateString, type ReferenceResolver } from './interpolation';
import { checkRequestParameters, type HttpIntegrationModel } from './http-integration';
import type { InvokePermission } from './lambda-permissions';
import type { TerraformBlock, TerraformStackJson } from './stack-file';

/** What Terraform would deploy, read from the stack and evaluated with the local values. */
export interface GatewayModel {
  readonly stackName: string;
  /** The aws provider's region. */
  readonly region: string;
  readonly stageName: string;
  /** The API's execution ARN, with the local account and API id. */
  readonly executionArn: string;
  readonly routes: readonly RouteModel[];
  /** `aws_lambda_permission`s that let API Gateway invoke a function of the stack. */
  readonly permissions: readonly InvokePermission[];
  readonly authorizers: ReadonlyMap<string, JwtAuthorizerModel>;
  readonly functions: ReadonlyMap<string, LambdaFunctionModel>;
  /** The API's `cors_configuration`; undefined when it has none. */
  readonly cors: CorsModel | undefined;
  /** Non-sensitive outputs, evaluated: what `cdktf deploy --outputs-file` would write for this stack. */
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface RouteModel {
  readonly routeKey: string;
  /** Undefined for `$default`. */
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly authorizationType: 'NONE' | 'JWT';
  readonly scopes: readonly string[];
  /** Key into `GatewayModel.authorizers`, for JWT routes. */
  readonly authorizer: string | undefined;
  /** Key into `GatewayModel.functions`; undefined for a route to an HTTP backend. */
  readonly functionKey: string | undefined;
  /** The HTTP backend (`HTTP_PROXY`) of the route; undefined for a Lambda route. */
  readonly http: HttpIntegrationModel | undefined;
}

/** What a route's `integrations/<id>` target resolves to. */
export type IntegrationTarget =
  { readonly functionKey: string; readonly http?: undefined } | { readonly functionKey?: undefined; readonly http: HttpIntegrationModel };

export interface JwtAuthorizerModel {
  readonly key: string;
  readonly issuer: string;
  readonly audiences: readonly string[];
  /** Lower-cased header names from `$request.header.<Name>` identity sources. */
  readonly identityHeaders: readonly string[];
}

export interface LambdaFunctionModel {
  readonly key: string;
  readonly functionName: string;
  /** Absolute path of the asset zip. */
  readonly archive: string;
  readonly handler: string;
  readonly runtime: string | undefined;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly invokeArn: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function buildGatewayModel(stack: TerraformStackJson, resolve: ReferenceResolver): GatewayModel {
  const where = (type: string, name: string, attribute: string) => `${stack.file}: resource.${type}.${name}.${attribute}`;
  const str = (type: string, name: string, block: TerraformBlock, attribute: string, required: boolean): string | undefined => {
    const value = block[attribute];
    if (value === undefined || value === null) {
      if (required) throw new GatewayStackError(`${where(type, name, attribute)} is missing; the local gateway needs it to serve the API`);
      return undefined;
    }
    if (typeof value !== 'string')
      throw new GatewayStackError(`${where(type, name, attribute)} should be a string, got ${JSON.stringify(value)}`);
    return evaluateString(value, resolve, where(type, name, attribute));
  };
  const strings = (type: string, name: string, block: TerraformBlock, attribute: string): string[] => {
    const value = block[attribute];
    if (value === undefined || value === null) return [];
    const evaluated = evaluate(value, resolve, where(type, name, attribute));
    if (!Array.isArray(evaluated) || evaluated.some((v) => typeof v !== 'string')) {
      throw new GatewayStackError(`${where(type, name, attribute)} should be a list of strings, got ${JSON.stringify(value)}`);
    }
    return evaluated as string[];
  };

  const providerRegion = stack.providers.aws?.[0]?.region;
  if (typeof providerRegion !== 'string')
    throw new GatewayStackError(`${stack.file} has no provider.aws region; configure the AwsProvider with a region`);
  const region = evaluateString(providerRegion, resolve, `${stack.file}: provider.aws.region`);

  const apis = Object.keys(stack.resources.aws_apigatewayv2_api ?? {});
  if (apis.length !== 1) {
    throw new GatewayStackError(
      `${stack.file} has ${apis.length} aws_apigatewayv2_api resources; the local gateway serves a stack with exactly one HTTP API`,
    );
  }
  const api = stack.resources.aws_apigatewayv2_api[apis[0]];
  const protocol = str('aws_apigatewayv2_api', apis[0], api, 'protocol_type', false);
  if (protocol !== undefined && protocol !== 'HTTP') {
    throw new GatewayStackError(
      `${where('aws_apigatewayv2_api', apis[0], 'protocol_type')} is "${protocol}"; the local gateway serves HTTP APIs only`,
    );
  }
  const cors = readCorsConfiguration(api.cors_configuration, where('aws_apigatewayv2_api', apis[0], 'cors_configuration'), (value, at) =>
    evaluate(value, resolve, at),
  );

  const stages = Object.entries(stack.resources.aws_apigatewayv2_stage ?? {});
  if (stages.length === 0)
    throw new GatewayStackError(
      `${stack.file} has no aws_apigatewayv2_stage: without a stage API Gateway serves nothing; add one (auto_deploy = true)`,
    );
  const [stageKey, stage] = stages[0];
  const stageName = str('aws_apigatewayv2_stage', stageKey, stage, 'name', true) as string;

  const functions = new Map<string, LambdaFunctionModel>();
  for (const [key, block] of Object.entries(stack.resources.aws_lambda_function ?? {})) {
    const t = 'aws_lambda_function';
    const filename = str(t, key, block, 'filename', false);
    if (filename === undefined) {
      throw new GatewayStackError(
        `${where(t, key, 'filename')} is missing: ` +
          'the local gateway runs Lambda code from a local asset zip (TerraformAsset of type ARCHIVE), not from S3 or an image',
      );
    }
    const env = block.environment as { variables?: Record<string, unknown> } | undefined;
    const variables = (evaluate(env?.variables ?? {}, resolve, where(t, key, 'environment.variables')) ?? {}) as Record<string, unknown>;
    const resolvedEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) resolvedEnv[name] = String(value);
    const functionName = str(t, key, block, 'function_name', true) as string;
    const invokeArn = resolve({ mode: 'resource', type: t, name: key, attribute: 'invoke_arn', expression: `${t}.${key}.invoke_arn` });
    if (invokeArn === undefined)
      throw new GatewayStackError(`cannot work out the invoke ARN of ${t}.${key}: is the aws provider's region set in the stack?`);
    functions.set(key, {
      key,
      functionName,
      archive: path.resolve(stack.stackDir, filename),
      handler: str(t, key, block, 'handler', true) as string,
      runtime: str(t, key, block, 'runtime', false),
      timeoutSeconds: typeof block.timeout === 'number' ? block.timeout : 3,
      memoryMb: typeof block.memory_size === 'number' ? block.memory_size : 128,
      environment: resolvedEnv,
      invokeArn,
    });
  }

  const permissions: InvokePermission[] = [];
  for (const [key, block] of Object.entries(stack.resources.aws_lambda_permission ?? {})) {
    const t = 'aws_lambda_permission';
    const principal = str(t, key, block, 'principal', false);
    const action = str(t, key, block, 'action', false);
    if (principal !== 'apigateway.amazonaws.com' || (action !== 'lambda:InvokeFunction' && action !== 'lambda:*')) continue;
    if (block.qualifier !== undefined) continue; // A permission on an alias or version does not cover the unqualified function.
    const target = str(t, key, block, 'function_name', true) as string;
    const fn = [...functions.values()].find(
      (f) => target === f.functionName || target === f.invokeArn || target.endsWith(`:function:${f.functionName}`),
    );
    if (fn) permissions.push({ functionKey: fn.key, sourceArn: str(t, key, block, 'source_arn', false) });
  }

  const integrations = new Map<string, IntegrationTarget>();
  for (const [key, block] of Object.entries(stack.resources.aws_apigatewayv2_integration ?? {})) {
    const t = 'aws_apigatewayv2_integration';
    const type = str(t, key, block, 'integration_type', true);
    if (type === 'HTTP_PROXY') {
      const parameters = evaluate(block.request_parameters ?? {}, resolve, where(t, key, 'request_parameters')) as Record<string, string>;
      checkRequestParameters(parameters, where(t, key, 'request_parameters'));
      integrations.set(key, {
        http: {
          uri: checkBackendUri(str(t, key, block, 'integration_uri', true) as string, where(t, key, 'integration_uri')),
          method: str(t, key, block, 'integration_method', true) as string,
          requestParameters: parameters,
          timeoutMs: typeof block.timeout_milliseconds === 'number' ? block.timeout_milliseconds : 30000,
        },
      });
      continue;
    }
    if (type !== 'AWS_PROXY')
      throw new GatewayStackError(
        `${where(t, key, 'integration_type')} is "${type}"; ` +
          'the local gateway serves Lambda (AWS_PROXY) and HTTP (HTTP_PROXY) proxy integrations',
      );
    const payload = str(t, key, block, 'payload_format_version', false) ?? '1.0';
    if (payload !== '2.0') {
      throw new GatewayStackError(
        `${where(t, key, 'payload_format_version')} is ` +
          `${payload === '1.0' && block.payload_format_version === undefined ? 'not set, so Terraform uses "1.0"' : `"${payload}"`}; ` +
          'the handler expects payload 2.0 events: set payload_format_version = "2.0" (the local gateway serves 2.0 only)',
      );
    }
    const uri = str(t, key, block, 'integration_uri', true) as string;
    const fn = [...functions.values()].find((f) => f.invokeArn === uri || uri.endsWith(`:function:${f.functionName}`));
    if (!fn)
      throw new GatewayStackError(
        `${where(t, key, 'integration_uri')} ("${uri}") is not the invoke ARN of a Lambda function in this stack`,
      );
    integrations.set(key, { functionKey: fn.key });
  }

  const authorizers = new Map<string, JwtAuthorizerModel>();
  for (const [key, block] of Object.entries(stack.resources.aws_apigatewayv2_authorizer ?? {})) {
    const t = 'aws_apigatewayv2_authorizer';
    const type = str(t, key, block, 'authorizer_type', true);
    if (type !== 'JWT')
      throw new GatewayStackError(`${where(t, key, 'authorizer_type')} is "${type}"; the local gateway implements JWT authorizers only`);
    const jwt = block.jwt_configuration as TerraformBlock | undefined;
    if (!jwt || typeof jwt !== 'object')
      throw new GatewayStackError(`${where(t, key, 'jwt_configuration')} is missing; a JWT authorizer needs issuer and audience`);
    const issuer = evaluate(jwt.issuer, resolve, where(t, key, 'jwt_configuration.issuer'));
    if (typeof issuer !== 'string' || issuer === '') throw new GatewayStackError(`${where(t, key, 'jwt_configuration.issuer')} is missing`);
    checkIssuerUrl(issuer, where(t, key, 'jwt_configuration.issuer'));
    const audiences = evaluate(jwt.audience ?? [], resolve, where(t, key, 'jwt_configuration.audience'));
    if (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => typeof a !== 'string')) {
      throw new GatewayStackError(`${where(t, key, 'jwt_configuration.audience')} must list at least one audience`);
    }
    const sources = strings(t, key, block, 'identity_sources');
    const identityHeaders = (sources.length ? sources : ['$request.header.Authorization']).map((source) => {
      const match = /^\$request\.header\.([A-Za-z0-9!#$%&'*+.^_`|~-]+)$/.exec(source);
      if (!match)
        throw new GatewayStackError(
          `${where(t, key, 'identity_sources')} has "${source}"; ` +
            'a JWT authorizer takes its token from a header such as $request.header.Authorization',
        );
      return match[1].toLowerCase();
    });
    authorizers.set(key, { key, issuer, audiences: audiences as string[], identityHeaders });
  }

  const routes: RouteModel[] = [];
  for (const [key, block] of Object.entries(stack.resources.aws_apigatewayv2_route ?? {})) {
    const t = 'aws_apigatewayv2_route';
    const routeKey = str(t, key, block, 'route_key', true) as string;
    const target = str(t, key, block, 'target', false);
    if (target === undefined) continue; // A route without a target is not served by API Gateway either.
    const integration = /^integrations\/(.+)$/.exec(target)?.[1];
    const integrated = integration === undefined ? undefined : integrations.get(integration);
    if (integrated === undefined)
      throw new GatewayStackError(`${where(t, key, 'target')} ("${target}") is not "integrations/<id>" of an integration in this stack`);
    const authorizationType = str(t, key, block, 'authorization_type', false) ?? 'NONE';
    if (authorizationType !== 'NONE' && authorizationType !== 'JWT') {
      throw new GatewayStackError(
        `${where(t, key, 'authorization_type')} is "${authorizationType}"; the local gateway implements NONE and JWT`,
      );
    }
    let authorizer: string | undefined;
    if (authorizationType === 'JWT') {
      authorizer = str(t, key, block, 'authorizer_id', true);
      if (!authorizer || !authorizers.has(authorizer))
        throw new GatewayStackError(`${where(t, key, 'authorizer_id')} is not the id of a JWT authorizer in this stack`);
    }
    const parsed = parseRouteKey(routeKey, where(t, key, 'route_key'));
    routes.push({
      routeKey,
      ...parsed,
      authorizationType,
      scopes: authorizationType === 'JWT' ? strings(t, key, block, 'authorization_scopes') : [],
      authorizer,
      functionKey: integrated.functionKey,
      http: integrated.http,
    });
  }
  if (routes.length === 0)
    throw new GatewayStackError(`${stack.file} has no aws_apigatewayv2_route with a target; there is nothing to serve`);

  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(stack.outputs)) {
    if (output.sensitive) continue; // cdktf leaves sensitive outputs out of --outputs-file.
    outputs[name] = evaluate(output.value, resolve, `${stack.file}: output.${name}.value`);
  }

  const executionArn = resolve({
    mode: 'resource',
    type: 'aws_apigatewayv2_api',
    name: apis[0],
    attribute: 'execution_arn',
    expression: `aws_apigatewayv2_api.${apis[0]}.execution_arn`,
  }) as string;
  return { stackName: stack.stackName, region, stageName, executionArn, permissions, routes, authorizers, functions, cors, outputs };
}

function parseRouteKey(routeKey: string, where: string): { method: string | undefined; path: string | undefined } {
  if (routeKey === '$default') return { method: undefined, path: undefined };
  const match = /^([A-Z]+|ANY) (\/\S*)$/.exec(routeKey);
  if (!match) throw new GatewayStackError(`${where} is "${routeKey}"; a route key is "$default" or "<METHOD> /<path>"`);
  return { method: match[1], path: match[2] };
}

/** AWS reaches public https backends; the sandbox also reaches http on a loopback address. */
export function checkBackendUri(uri: string, where: string): string {
  let url: URL;
  try {
    url = new URL(uri.replace(/\{[^}]*\}/g, 'x'));
  } catch {
    throw new GatewayStackError(`${where} is "${uri}", which is not a URL`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return uri;
  throw new GatewayStackError(`${where} is "${uri}": the local gateway calls https backends, or http on a loopback address`);
}

/** AWS accepts only https issuers; the sandbox also trusts an http issuer on a loopback address. */
function checkIssuerUrl(issuer: string, where: string): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new GatewayStackError(`${where} is "${issuer}", which is not a URL`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return;
  throw new GatewayStackError(
    `${where} is "${issuer}": API Gateway accepts only https issuers (the local gateway also accepts http on a loopback address)`,
  );
}
