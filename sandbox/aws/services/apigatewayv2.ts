/** API Gateway v2 (REST-JSON, lowerCamel members): HTTP APIs, integrations, authorizers, routes, stages, tags. */
import { AwsError } from '../errors';
import type { AwsRequest } from '../protocol';
import type { ApiAuthorizer, ApiIntegration, ApiRoute, ApiStage, HttpApi, LocalAwsState, RouteSettings, Tags } from '../state';
import type { RestRoute, ServiceHandler } from './service';

export const APIGATEWAYV2_ROUTES: readonly RestRoute[] = [
  { method: 'POST', path: '/v2/apis', operation: 'CreateApi' },
  { method: 'GET', path: '/v2/apis', operation: 'GetApis' },
  { method: 'GET', path: '/v2/apis/{apiId}', operation: 'GetApi' },
  { method: 'PATCH', path: '/v2/apis/{apiId}', operation: 'UpdateApi' },
  { method: 'DELETE', path: '/v2/apis/{apiId}', operation: 'DeleteApi' },
  { method: 'DELETE', path: '/v2/apis/{apiId}/cors', operation: 'DeleteCorsConfiguration' },
  { method: 'POST', path: '/v2/apis/{apiId}/integrations', operation: 'CreateIntegration' },
  { method: 'GET', path: '/v2/apis/{apiId}/integrations', operation: 'GetIntegrations' },
  { method: 'GET', path: '/v2/apis/{apiId}/integrations/{integrationId}', operation: 'GetIntegration' },
  { method: 'PATCH', path: '/v2/apis/{apiId}/integrations/{integrationId}', operation: 'UpdateIntegration' },
  { method: 'DELETE', path: '/v2/apis/{apiId}/integrations/{integrationId}', operation: 'DeleteIntegration' },
  { method: 'POST', path: '/v2/apis/{apiId}/authorizers', operation: 'CreateAuthorizer' },
  { method: 'GET', path: '/v2/apis/{apiId}/authorizers', operation: 'GetAuthorizers' },
  { method: 'GET', path: '/v2/apis/{apiId}/authorizers/{authorizerId}', operation: 'GetAuthorizer' },
  { method: 'PATCH', path: '/v2/apis/{apiId}/authorizers/{authorizerId}', operation: 'UpdateAuthorizer' },
  { method: 'DELETE', path: '/v2/apis/{apiId}/authorizers/{authorizerId}', operation: 'DeleteAuthorizer' },
  { method: 'POST', path: '/v2/apis/{apiId}/routes', operation: 'CreateRoute' },
  { method: 'GET', path: '/v2/apis/{apiId}/routes', operation: 'GetRoutes' },
  { method: 'GET', path: '/v2/apis/{apiId}/routes/{routeId}', operation: 'GetRoute' },
  { method: 'PATCH', path: '/v2/apis/{apiId}/routes/{routeId}', operation: 'UpdateRoute' },
  { method: 'DELETE', path: '/v2/apis/{apiId}/routes/{routeId}', operation: 'DeleteRoute' },
  { method: 'GET', path: '/v2/apis/{apiId}/routes/{routeId}/routeresponses', operation: 'GetRouteResponses' },
  { method: 'POST', path: '/v2/apis/{apiId}/stages', operation: 'CreateStage' },
  { method: 'GET', path: '/v2/apis/{apiId}/stages', operation: 'GetStages' },
  { method: 'GET', path: '/v2/apis/{apiId}/stages/{stageName}', operation: 'GetStage' },
  { method: 'PATCH', path: '/v2/apis/{apiId}/stages/{stageName}', operation: 'UpdateStage' },
  { method: 'DELETE', path: '/v2/apis/{apiId}/stages/{stageName}', operation: 'DeleteStage' },
  { method: 'DELETE', path: '/v2/apis/{apiId}/stages/{stageName}/accesslogsettings', operation: 'DeleteAccessLogSettings' },
  { method: 'DELETE', path: '/v2/apis/{apiId}/stages/{stageName}/routesettings/{routeKey}', operation: 'DeleteRouteSettings' },
  { method: 'POST', path: '/v2/apis/{apiId}/deployments', operation: 'CreateDeployment' },
  { method: 'GET', path: '/v2/apis/{apiId}/deployments', operation: 'GetDeployments' },
  { method: 'GET', path: '/v2/apis/{apiId}/deployments/{deploymentId}', operation: 'GetDeployment' },
  { method: 'GET', path: '/v2/tags/{resourceArn+}', operation: 'GetTags' },
  { method: 'POST', path: '/v2/tags/{resourceArn+}', operation: 'TagResource' },
  { method: 'DELETE', path: '/v2/tags/{resourceArn+}', operation: 'UntagResource' },
  { method: 'GET', path: '/v2/domainnames', operation: 'GetDomainNames' },
  { method: 'GET', path: '/v2/vpclinks', operation: 'GetVpcLinks' },
];

const badRequest = (message: string) => new AwsError(400, 'BadRequestException', message);
const STAGE_NAME = /^(\$default|[A-Za-z0-9_-]{1,128})$/;
const MAPPING_KEY = /^(?:(?:append|overwrite|remove):(?:header|querystring)\.[^\s]+|overwrite:path)$/;
// "Reserved headers" of HTTP API parameter mapping: AWS refuses any mapping of them.
const RESERVED_MAPPING_HEADERS = new RegExp(
  '^(?:access-control-.*|apigw-.*|authorization|connection|content-encoding|content-length|content-location|forwarded|' +
    'keep-alive|origin|proxy-authenticate|proxy-authorization|te|trailers|transfer-encoding|upgrade|x-amz-.*|x-amzn-.*|' +
    'x-forwarded-for|x-forwarded-host|x-forwarded-proto|via)$',
  'i',
);
// In a `$context.` variable name only "." and "_" are allowed besides letters and digits.
const CONTEXT_VARIABLE = /\$\{?context\.([^\s}$]*)/g;

/** `requestParameters` of an HTTP API integration, as AWS checks them. */
function checkRequestParameters(parameters: unknown): Record<string, string> | undefined {
  if (parameters === undefined || parameters === null) return undefined;
  if (typeof parameters !== 'object' || Array.isArray(parameters)) throw badRequest('Invalid request parameters specified');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters as Record<string, unknown>)) {
    if (typeof value !== 'string') throw badRequest(`Invalid mapping expression specified: ${String(value)}`);
    if (!MAPPING_KEY.test(key)) throw badRequest(`Invalid mapping expression specified: ${key}`);
    const header = /^[a-z]+:header\.(.+)$/.exec(key)?.[1];
    if (header && RESERVED_MAPPING_HEADERS.test(header))
      throw badRequest(
        `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Operations on header ${header} are restricted]`,
      );
    for (const m of value.matchAll(CONTEXT_VARIABLE)) {
      if (!/^[A-Za-z0-9._]+$/.test(m[1]!))
        throw badRequest(
          `Invalid mapping expression specified: Validation Result: warnings : [], ` +
            `errors : [Invalid mapping expression specified: ${value}]`,
        );
    }
    out[key] = value;
  }
  return out;
}
const ROUTE_KEY = /^(\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \/\S*)$/;

function tagsOf(value: unknown): Tags {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string'))
    throw badRequest('tags must be a map of strings');
  return { ...(value as Tags) };
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badRequest(`Invalid ${field}: expected a list of strings`);
  return [...(value as string[])];
}

/** API Gateway timestamps: ISO 8601 to the second, UTC. */
function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function apiArn(api: HttpApi): string {
  return `arn:aws:apigateway:${api.region}::/apis/${api.apiId}`;
}

export function stageArn(api: HttpApi, stage: ApiStage): string {
  return `arn:aws:apigateway:${api.region}::/apis/${api.apiId}/stages/${stage.stageName}`;
}

export function apigatewayv2Service(state: LocalAwsState): ServiceHandler {
  const api = (request: AwsRequest): HttpApi => {
    const apiId = request.params.apiId ?? '';
    const found = state.apis.get(apiId);
    if (!found) throw new AwsError(404, 'NotFoundException', `Invalid API identifier specified ${state.account}:${apiId}`);
    return found;
  };
  const integration = (a: HttpApi, id: string): ApiIntegration => {
    const found = a.integrations.get(id);
    if (!found) throw new AwsError(404, 'NotFoundException', `Invalid Integration identifier specified`);
    return found;
  };
  const authorizer = (a: HttpApi, id: string): ApiAuthorizer => {
    const found = a.authorizers.get(id);
    if (!found) throw new AwsError(404, 'NotFoundException', `Invalid Authorizer identifier specified`);
    return found;
  };
  const route = (a: HttpApi, id: string): ApiRoute => {
    const found = a.routes.get(id);
    if (!found) throw new AwsError(404, 'NotFoundException', `Invalid Route identifier specified`);
    return found;
  };
  const stage = (a: HttpApi, name: string): ApiStage => {
    const found = a.stages.get(name);
    if (!found) throw new AwsError(404, 'NotFoundException', `Invalid stage identifier specified`);
    return found;
  };

  const apiBody = (a: HttpApi) => ({
    apiEndpoint: state.apiEndpoint(a),
    apiId: a.apiId,
    apiKeySelectionExpression: a.apiKeySelectionExpression,
    createdDate: iso(a.createdDate),
    ...(a.corsConfiguration ? { corsConfiguration: a.corsConfiguration } : {}),
    ...(a.description !== undefined ? { description: a.description } : {}),
    disableExecuteApiEndpoint: a.disableExecuteApiEndpoint,
    ipAddressType: a.ipAddressType,
    name: a.name,
    protocolType: a.protocolType,
    routeSelectionExpression: a.routeSelectionExpression,
    tags: { ...a.tags },
    ...(a.version !== undefined ? { version: a.version } : {}),
  });
  const integrationBody = (i: ApiIntegration) => ({
    connectionType: i.connectionType,
    ...(i.credentialsArn ? { credentialsArn: i.credentialsArn } : {}),
    ...(i.description !== undefined ? { description: i.description } : {}),
    integrationId: i.integrationId,
    ...(i.integrationMethod ? { integrationMethod: i.integrationMethod } : {}),
    integrationType: i.integrationType,
    ...(i.integrationUri ? { integrationUri: i.integrationUri } : {}),
    payloadFormatVersion: i.payloadFormatVersion,
    ...(i.requestParameters ? { requestParameters: i.requestParameters } : {}),
    timeoutInMillis: i.timeoutInMillis,
  });
  const authorizerBody = (z: ApiAuthorizer) => ({
    authorizerId: z.authorizerId,
    authorizerType: z.authorizerType,
    identitySource: [...z.identitySource],
    ...(z.jwtConfiguration
      ? {
          jwtConfiguration: {
            audience: [...z.jwtConfiguration.audience],
            ...(z.jwtConfiguration.issuer ? { issuer: z.jwtConfiguration.issuer } : {}),
          },
        }
      : {}),
    ...(z.authorizerUri ? { authorizerUri: z.authorizerUri } : {}),
    ...(z.authorizerPayloadFormatVersion ? { authorizerPayloadFormatVersion: z.authorizerPayloadFormatVersion } : {}),
    ...(z.authorizerResultTtlInSeconds !== undefined ? { authorizerResultTtlInSeconds: z.authorizerResultTtlInSeconds } : {}),
    ...(z.enableSimpleResponses !== undefined ? { enableSimpleResponses: z.enableSimpleResponses } : {}),
    name: z.name,
  });
  const routeBody = (r: ApiRoute) => ({
    apiKeyRequired: r.apiKeyRequired,
    ...(r.authorizationScopes && r.authorizationScopes.length > 0 ? { authorizationScopes: [...r.authorizationScopes] } : {}),
    authorizationType: r.authorizationType,
    ...(r.authorizerId ? { authorizerId: r.authorizerId } : {}),
    ...(r.operationName ? { operationName: r.operationName } : {}),
    routeId: r.routeId,
    routeKey: r.routeKey,
    ...(r.target ? { target: r.target } : {}),
  });
  const stageBody = (s: ApiStage) => ({
    ...(s.accessLogSettings ? { accessLogSettings: { ...s.accessLogSettings } } : {}),
    apiGatewayManaged: false,
    autoDeploy: s.autoDeploy,
    createdDate: iso(s.createdDate),
    defaultRouteSettings: { ...s.defaultRouteSettings },
    ...(s.deploymentId ? { deploymentId: s.deploymentId } : {}),
    ...(s.description !== undefined ? { description: s.description } : {}),
    lastUpdatedDate: iso(s.lastUpdatedDate),
    ...(s.autoDeploy && s.deploymentId
      ? { lastDeploymentStatusMessage: `Successfully deployed stage with deployment ID '${s.deploymentId}'` }
      : {}),
    routeSettings: Object.fromEntries(Object.entries(s.routeSettings).map(([k, v]) => [k, { ...v }])),
    stageName: s.stageName,
    stageVariables: { ...s.stageVariables },
    tags: { ...s.tags },
  });

  /** An auto-deploying stage gets a new deployment after each change to the API, as AWS does. */
  const autoDeploy = (a: HttpApi): void => {
    for (const s of a.stages.values()) {
      if (!s.autoDeploy) continue;
      const deploymentId = state.uniqueId(6, a.deployments);
      a.deployments.set(deploymentId, { deploymentId, createdDate: state.now(), autoDeployed: true });
      s.deploymentId = deploymentId;
    }
  };

  const checkTarget = (a: HttpApi, target: unknown): string | undefined => {
    if (target === undefined || target === null || target === '') return undefined;
    const match = /^integrations\/([a-z0-9]+)$/.exec(String(target));
    if (!match || !a.integrations.has(match[1]!)) throw badRequest(`Invalid target specified: ${String(target)}`);
    return String(target);
  };

  const routeAuth = (a: HttpApi, r: ApiRoute): void => {
    if (!['NONE', 'JWT', 'AWS_IAM', 'CUSTOM'].includes(r.authorizationType))
      throw badRequest(`Invalid authorization type specified: ${r.authorizationType}`);
    if (r.authorizationType === 'JWT' || r.authorizationType === 'CUSTOM') {
      if (!r.authorizerId)
        throw badRequest(`Unable to create Route with authorizationType ${r.authorizationType}: no authorizerId specified`);
      const z = a.authorizers.get(r.authorizerId);
      if (!z)
        throw badRequest(
          `Invalid authorizer ID specified. Setting the authorization type to ${r.authorizationType} requires a valid authorizer.`,
        );
      if ((z.authorizerType === 'JWT') !== (r.authorizationType === 'JWT'))
        throw badRequest(`Authorizer type ${z.authorizerType} does not match authorization type ${r.authorizationType}`);
    } else if (r.authorizerId) {
      throw badRequest(`Unable to set authorizerId when authorizationType is ${r.authorizationType}`);
    }
    if (r.authorizationScopes && r.authorizationScopes.length > 0 && r.authorizationType !== 'JWT') {
      throw badRequest('Authorization scopes are supported only for JWT authorizers (and Cognito user pools).');
    }
  };

  const jwtConfiguration = (value: unknown): ApiAuthorizer['jwtConfiguration'] => {
    const config = value as { issuer?: unknown; audience?: unknown } | undefined;
    const issuer = typeof config?.issuer === 'string' ? config.issuer : undefined;
    if (issuer !== undefined && !acceptedIssuer(issuer)) {
      throw badRequest(`Invalid issuer ${issuer}. Issuer must have https scheme (the local control plane also accepts http on loopback).`);
    }
    return { issuer, audience: config?.audience === undefined ? [] : stringList(config.audience, 'audience') };
  };

  const checkAuthorizer = (z: ApiAuthorizer, protocolType: string): void => {
    if (!['JWT', 'REQUEST'].includes(z.authorizerType)) throw badRequest(`Invalid authorizer type specified: ${z.authorizerType}`);
    if (z.authorizerType === 'JWT') {
      if (protocolType !== 'HTTP') throw badRequest('JWT authorizers are supported only for HTTP APIs.');
      if (!z.jwtConfiguration?.issuer) throw badRequest('JwtConfiguration issuer is required for JWT authorizers.');
      if (z.jwtConfiguration.audience.length === 0) throw badRequest('JwtConfiguration audience must have at least one value.');
      if (z.identitySource.length !== 1) throw badRequest('JWT authorizers need exactly one identity source.');
    }
    if (z.identitySource.some((s) => !/^\$(request|context|stageVariables)\.\S+$/.test(s)))
      throw badRequest(`Invalid identity source: ${z.identitySource.join(', ')}`);
  };

  const routeSettings = (value: unknown, base: RouteSettings): RouteSettings => {
    const input = (value ?? {}) as Record<string, unknown>;
    const next = { ...base };
    if (input.detailedMetricsEnabled !== undefined) next.detailedMetricsEnabled = Boolean(input.detailedMetricsEnabled);
    if (input.throttlingBurstLimit !== undefined) next.throttlingBurstLimit = Number(input.throttlingBurstLimit);
    if (input.throttlingRateLimit !== undefined) next.throttlingRateLimit = Number(input.throttlingRateLimit);
    if (input.dataTraceEnabled !== undefined) next.dataTraceEnabled = Boolean(input.dataTraceEnabled);
    if (input.loggingLevel !== undefined) next.loggingLevel = String(input.loggingLevel);
    if (next.throttlingBurstLimit !== undefined && (!Number.isInteger(next.throttlingBurstLimit) || next.throttlingBurstLimit < 0))
      throw badRequest('throttlingBurstLimit must be a non-negative integer');
    if (next.throttlingRateLimit !== undefined && !(next.throttlingRateLimit >= 0))
      throw badRequest('throttlingRateLimit must be a non-negative number');
    return next;
  };

  const accessLogSettings = (value: unknown): ApiStage['accessLogSettings'] => {
    const input = value as { destinationArn?: unknown; format?: unknown } | undefined;
    if (!input) return undefined;
    const destinationArn = typeof input.destinationArn === 'string' ? input.destinationArn : undefined;
    const format = typeof input.format === 'string' ? input.format : undefined;
    if (destinationArn) {
      const match = /^arn:aws[\w-]*:logs:[^:]+:\d{12}:log-group:([^:]+)$/.exec(destinationArn);
      if (!match) throw badRequest(`Invalid CloudWatch Logs log group ARN: ${destinationArn} (no ':*' at the end)`);
      if (!state.logGroups.has(match[1]!)) throw badRequest(`Cloudwatch Logs log group ${match[1]} does not exist`);
      if (!format || !format.includes('$context.requestId')) throw badRequest('Access log format must include $context.requestId');
    }
    return { destinationArn, format };
  };

  const byArn = (request: AwsRequest): { tags: Tags } => {
    const arn = request.params.resourceArn ?? '';
    const match = /^arn:aws[\w-]*:apigateway:[^:]*::\/apis\/([a-z0-9]+)(?:\/stages\/([^/]+))?$/.exec(arn);
    if (!match) throw new AwsError(404, 'NotFoundException', `Invalid resource ARN ${arn}`);
    const a = state.apis.get(match[1]!);
    if (!a) throw new AwsError(404, 'NotFoundException', `Invalid API identifier specified ${state.account}:${match[1]}`);
    return match[2] ? stage(a, match[2]) : a;
  };

  return {
    service: 'apigateway',
    routes: APIGATEWAYV2_ROUTES,
    operations: {
      CreateApi(request) {
        const input = request.input;
        const name = typeof input.name === 'string' ? input.name : '';
        if (!name || name.length > 128) throw badRequest('Invalid API name specified: must be 1-128 characters');
        const protocolType = String(input.protocolType ?? '');
        if (!['HTTP', 'WEBSOCKET'].includes(protocolType)) throw badRequest(`Invalid protocol type specified: ${protocolType}`);
        if (input.target !== undefined)
          throw badRequest('The local control plane does not serve quick-create APIs (target); create routes and integrations explicitly.');
        const apiId = state.uniqueId(10, state.apis);
        const created: HttpApi = {
          apiId,
          region: request.region,
          createdDate: state.now(),
          name,
          protocolType,
          description: typeof input.description === 'string' ? input.description : undefined,
          disableExecuteApiEndpoint: input.disableExecuteApiEndpoint === true,
          ipAddressType: typeof input.ipAddressType === 'string' ? input.ipAddressType : 'ipv4',
          routeSelectionExpression:
            typeof input.routeSelectionExpression === 'string' ? input.routeSelectionExpression : '${request.method} ${request.path}',
          apiKeySelectionExpression:
            typeof input.apiKeySelectionExpression === 'string' ? input.apiKeySelectionExpression : '$request.header.x-api-key',
          version: typeof input.version === 'string' ? input.version : undefined,
          corsConfiguration: input.corsConfiguration as Record<string, unknown> | undefined,
          tags: tagsOf(input.tags),
          integrations: new Map(),
          authorizers: new Map(),
          routes: new Map(),
          stages: new Map(),
          deployments: new Map(),
        };
        state.apis.set(apiId, created);
        return { status: 201, body: apiBody(created) };
      },
      GetApi(request) {
        return { body: apiBody(api(request)) };
      },
      GetApis() {
        return { body: { items: [...state.apis.values()].map(apiBody) } };
      },
      UpdateApi(request) {
        const a = api(request);
        const input = request.input;
        if (typeof input.name === 'string') a.name = input.name;
        if (input.description !== undefined) a.description = String(input.description);
        if (input.disableExecuteApiEndpoint !== undefined) a.disableExecuteApiEndpoint = input.disableExecuteApiEndpoint === true;
        if (typeof input.ipAddressType === 'string') a.ipAddressType = input.ipAddressType;
        if (typeof input.routeSelectionExpression === 'string') a.routeSelectionExpression = input.routeSelectionExpression;
        if (typeof input.apiKeySelectionExpression === 'string') a.apiKeySelectionExpression = input.apiKeySelectionExpression;
        if (input.version !== undefined) a.version = String(input.version);
        if (input.corsConfiguration !== undefined) a.corsConfiguration = input.corsConfiguration as Record<string, unknown>;
        autoDeploy(a);
        return { body: apiBody(a) };
      },
      DeleteApi(request) {
        state.apis.delete(api(request).apiId);
        return { status: 204 };
      },
      DeleteCorsConfiguration(request) {
        api(request).corsConfiguration = undefined;
        return { status: 204 };
      },

      CreateIntegration(request) {
        const a = api(request);
        const input = request.input;
        const integrationType = String(input.integrationType ?? '');
        if (!['AWS_PROXY', 'HTTP_PROXY', 'MOCK', 'AWS', 'HTTP'].includes(integrationType))
          throw badRequest(`Invalid integration type specified: ${integrationType}`);
        if (a.protocolType === 'HTTP' && !['AWS_PROXY', 'HTTP_PROXY'].includes(integrationType))
          throw badRequest(`Integration type ${integrationType} is not supported for HTTP APIs`);
        const integrationUri = typeof input.integrationUri === 'string' ? input.integrationUri : undefined;
        if (integrationType === 'AWS_PROXY' && !integrationUri) throw badRequest('IntegrationUri is required for AWS_PROXY integrations');
        const payloadFormatVersion = typeof input.payloadFormatVersion === 'string' ? input.payloadFormatVersion : '1.0';
        if (!['1.0', '2.0'].includes(payloadFormatVersion))
          throw badRequest(`Invalid payload format version specified: ${payloadFormatVersion}`);
        if (integrationType === 'HTTP_PROXY') {
          if (!integrationUri || !/^https?:\/\/[^/]/.test(integrationUri))
            throw badRequest(`Invalid integration URI specified: ${integrationUri ?? ''}; an HTTP_PROXY integration needs an http(s) URL`);
          if (typeof input.integrationMethod !== 'string') throw badRequest('IntegrationMethod is required for HTTP_PROXY integrations');
          if (payloadFormatVersion !== '1.0') throw badRequest('HTTP_PROXY integrations support only payload format version 1.0');
        }
        const requestParameters = checkRequestParameters(input.requestParameters);
        const timeoutInMillis =
          typeof input.timeoutInMillis === 'number' ? input.timeoutInMillis : a.protocolType === 'HTTP' ? 30000 : 29000;
        if (a.protocolType === 'HTTP' && (timeoutInMillis < 50 || timeoutInMillis > 30000))
          throw badRequest('Timeout must be between 50 milliseconds and 30 seconds.');
        const created: ApiIntegration = {
          integrationId: state.uniqueId(7, a.integrations),
          integrationType,
          integrationMethod: typeof input.integrationMethod === 'string' ? input.integrationMethod : undefined,
          integrationUri,
          payloadFormatVersion,
          connectionType: typeof input.connectionType === 'string' ? input.connectionType : 'INTERNET',
          timeoutInMillis,
          description: typeof input.description === 'string' ? input.description : undefined,
          requestParameters,
          credentialsArn: typeof input.credentialsArn === 'string' ? input.credentialsArn : undefined,
        };
        a.integrations.set(created.integrationId, created);
        autoDeploy(a);
        return { status: 201, body: integrationBody(created) };
      },
      GetIntegration(request) {
        const a = api(request);
        return { body: integrationBody(integration(a, request.params.integrationId ?? '')) };
      },
      GetIntegrations(request) {
        return { body: { items: [...api(request).integrations.values()].map(integrationBody) } };
      },
      UpdateIntegration(request) {
        const a = api(request);
        const i = integration(a, request.params.integrationId ?? '');
        const input = request.input;
        if (typeof input.integrationType === 'string') i.integrationType = input.integrationType;
        if (typeof input.integrationMethod === 'string') i.integrationMethod = input.integrationMethod;
        if (typeof input.integrationUri === 'string') i.integrationUri = input.integrationUri;
        if (typeof input.payloadFormatVersion === 'string') {
          if (!['1.0', '2.0'].includes(input.payloadFormatVersion))
            throw badRequest(`Invalid payload format version specified: ${input.payloadFormatVersion}`);
          i.payloadFormatVersion = input.payloadFormatVersion;
        }
        if (typeof input.connectionType === 'string') i.connectionType = input.connectionType;
        if (typeof input.timeoutInMillis === 'number') i.timeoutInMillis = input.timeoutInMillis;
        if (input.description !== undefined) i.description = String(input.description);
        if (input.requestParameters !== undefined) {
          // A key with an empty value removes that mapping; other keys are set; unnamed ones stay.
          const merged: Record<string, string> = { ...i.requestParameters };
          for (const [key, value] of Object.entries(checkRequestParameters(input.requestParameters) ?? {})) {
            if (value === '') delete merged[key];
            else merged[key] = value;
          }
          i.requestParameters = Object.keys(merged).length > 0 ? merged : undefined;
        }
        autoDeploy(a);
        return { body: integrationBody(i) };
      },
      DeleteIntegration(request) {
        const a = api(request);
        const i = integration(a, request.params.integrationId ?? '');
        const user = [...a.routes.values()].find((r) => r.target === `integrations/${i.integrationId}`);
        if (user)
          throw new AwsError(
            409,
            'ConflictException',
            `Cannot delete Integration ${i.integrationId}, is referenced by route: ${user.routeKey}`,
          );
        a.integrations.delete(i.integrationId);
        autoDeploy(a);
        return { status: 204 };
      },

      CreateAuthorizer(request) {
        const a = api(request);
        const input = request.input;
        const name = typeof input.name === 'string' ? input.name : '';
        if (!name || name.length > 128) throw badRequest('Invalid authorizer name: must be 1-128 characters');
        if ([...a.authorizers.values()].some((z) => z.name === name))
          throw new AwsError(
            409,
            'ConflictException',
            `Unable to complete operation due to concurrent modification. Authorizer name ${name} already exists`,
          );
        const created: ApiAuthorizer = {
          authorizerId: state.uniqueId(6, a.authorizers),
          name,
          authorizerType: String(input.authorizerType ?? ''),
          identitySource: input.identitySource === undefined ? [] : stringList(input.identitySource, 'identitySource'),
          jwtConfiguration: input.jwtConfiguration !== undefined ? jwtConfiguration(input.jwtConfiguration) : undefined,
          authorizerUri: typeof input.authorizerUri === 'string' ? input.authorizerUri : undefined,
          authorizerPayloadFormatVersion:
            typeof input.authorizerPayloadFormatVersion === 'string' ? input.authorizerPayloadFormatVersion : undefined,
          authorizerResultTtlInSeconds:
            typeof input.authorizerResultTtlInSeconds === 'number' ? input.authorizerResultTtlInSeconds : undefined,
          enableSimpleResponses: typeof input.enableSimpleResponses === 'boolean' ? input.enableSimpleResponses : undefined,
        };
        checkAuthorizer(created, a.protocolType);
        a.authorizers.set(created.authorizerId, created);
        autoDeploy(a);
        return { status: 201, body: authorizerBody(created) };
      },
      GetAuthorizer(request) {
        const a = api(request);
        return { body: authorizerBody(authorizer(a, request.params.authorizerId ?? '')) };
      },
      GetAuthorizers(request) {
        return { body: { items: [...api(request).authorizers.values()].map(authorizerBody) } };
      },
      UpdateAuthorizer(request) {
        const a = api(request);
        const z = authorizer(a, request.params.authorizerId ?? '');
        const input = request.input;
        const next: ApiAuthorizer = {
          ...z,
          identitySource: [...z.identitySource],
          jwtConfiguration: z.jwtConfiguration && { ...z.jwtConfiguration, audience: [...z.jwtConfiguration.audience] },
        };
        if (typeof input.name === 'string') next.name = input.name;
        if (typeof input.authorizerType === 'string') next.authorizerType = input.authorizerType;
        if (input.identitySource !== undefined) next.identitySource = stringList(input.identitySource, 'identitySource');
        if (input.jwtConfiguration !== undefined) next.jwtConfiguration = jwtConfiguration(input.jwtConfiguration);
        if (typeof input.authorizerUri === 'string') next.authorizerUri = input.authorizerUri;
        if (typeof input.authorizerResultTtlInSeconds === 'number') next.authorizerResultTtlInSeconds = input.authorizerResultTtlInSeconds;
        checkAuthorizer(next, a.protocolType);
        a.authorizers.set(z.authorizerId, next);
        autoDeploy(a);
        return { body: authorizerBody(next) };
      },
      DeleteAuthorizer(request) {
        const a = api(request);
        const z = authorizer(a, request.params.authorizerId ?? '');
        const user = [...a.routes.values()].find((r) => r.authorizerId === z.authorizerId);
        if (user)
          throw new AwsError(409, 'ConflictException', `Cannot delete authorizer '${z.name}', is referenced in route: '${user.routeKey}'`);
        a.authorizers.delete(z.authorizerId);
        autoDeploy(a);
        return { status: 204 };
      },

      CreateRoute(request) {
        const a = api(request);
        const input = request.input;
        const routeKey = typeof input.routeKey === 'string' ? input.routeKey : '';
        if (a.protocolType === 'HTTP' && !ROUTE_KEY.test(routeKey)) throw badRequest(`Invalid route key specified: ${routeKey}`);
        if ([...a.routes.values()].some((r) => r.routeKey === routeKey))
          throw new AwsError(
            409,
            'ConflictException',
            `Unable to create Route, a Route already exists with the specified routeKey: ${routeKey}`,
          );
        const created: ApiRoute = {
          routeId: state.uniqueId(7, a.routes),
          routeKey,
          target: checkTarget(a, input.target),
          authorizationType: typeof input.authorizationType === 'string' ? input.authorizationType : 'NONE',
          authorizerId: typeof input.authorizerId === 'string' && input.authorizerId ? input.authorizerId : undefined,
          authorizationScopes:
            input.authorizationScopes === undefined ? undefined : stringList(input.authorizationScopes, 'authorizationScopes'),
          apiKeyRequired: input.apiKeyRequired === true,
          operationName: typeof input.operationName === 'string' ? input.operationName : undefined,
        };
        routeAuth(a, created);
        a.routes.set(created.routeId, created);
        autoDeploy(a);
        return { status: 201, body: routeBody(created) };
      },
      GetRoute(request) {
        const a = api(request);
        return { body: routeBody(route(a, request.params.routeId ?? '')) };
      },
      GetRoutes(request) {
        return { body: { items: [...api(request).routes.values()].map(routeBody) } };
      },
      UpdateRoute(request) {
        const a = api(request);
        const r = route(a, request.params.routeId ?? '');
        const input = request.input;
        const next: ApiRoute = { ...r };
        if (typeof input.routeKey === 'string') {
          if (a.protocolType === 'HTTP' && !ROUTE_KEY.test(input.routeKey))
            throw badRequest(`Invalid route key specified: ${input.routeKey}`);
          if ([...a.routes.values()].some((o) => o.routeId !== r.routeId && o.routeKey === input.routeKey))
            throw new AwsError(409, 'ConflictException', `A Route already exists with the specified routeKey: ${input.routeKey}`);
          next.routeKey = input.routeKey;
        }
        if (input.target !== undefined) next.target = checkTarget(a, input.target);
        if (typeof input.authorizationType === 'string') next.authorizationType = input.authorizationType;
        if (input.authorizerId !== undefined)
          next.authorizerId = typeof input.authorizerId === 'string' && input.authorizerId ? input.authorizerId : undefined;
        if (next.authorizationType === 'NONE' && input.authorizerId === undefined) next.authorizerId = undefined;
        if (input.authorizationScopes !== undefined)
          next.authorizationScopes = stringList(input.authorizationScopes, 'authorizationScopes');
        if (input.apiKeyRequired !== undefined) next.apiKeyRequired = input.apiKeyRequired === true;
        if (input.operationName !== undefined) next.operationName = String(input.operationName) || undefined;
        routeAuth(a, next);
        a.routes.set(r.routeId, next);
        autoDeploy(a);
        return { body: routeBody(next) };
      },
      DeleteRoute(request) {
        const a = api(request);
        const r = route(a, request.params.routeId ?? '');
        a.routes.delete(r.routeId);
        autoDeploy(a);
        return { status: 204 };
      },

      CreateStage(request) {
        const a = api(request);
        const input = request.input;
        const stageName = typeof input.stageName === 'string' ? input.stageName : '';
        if (!STAGE_NAME.test(stageName)) throw badRequest(`Stage name only allows a-zA-Z0-9_- or $default: ${stageName}`);
        if (a.stages.has(stageName)) throw new AwsError(409, 'ConflictException', `Stage already exists`);
        const now = state.now();
        const created: ApiStage = {
          stageName,
          createdDate: now,
          lastUpdatedDate: now,
          autoDeploy: input.autoDeploy === true,
          deploymentId: typeof input.deploymentId === 'string' ? input.deploymentId : undefined,
          description: typeof input.description === 'string' ? input.description : undefined,
          accessLogSettings: accessLogSettings(input.accessLogSettings),
          defaultRouteSettings: routeSettings(input.defaultRouteSettings, { detailedMetricsEnabled: false }),
          routeSettings: {},
          stageVariables: (input.stageVariables as Record<string, string> | undefined) ?? {},
          tags: tagsOf(input.tags),
        };
        for (const [key, value] of Object.entries((input.routeSettings ?? {}) as Record<string, unknown>))
          created.routeSettings[key] = routeSettings(value, { detailedMetricsEnabled: false });
        if (created.autoDeploy && created.deploymentId) throw badRequest('DeploymentId cannot be set when AutoDeploy is enabled');
        a.stages.set(stageName, created);
        if (created.autoDeploy) autoDeploy(a);
        return { status: 201, body: stageBody(created) };
      },
      GetStage(request) {
        const a = api(request);
        return { body: stageBody(stage(a, request.params.stageName ?? '')) };
      },
      GetStages(request) {
        return { body: { items: [...api(request).stages.values()].map(stageBody) } };
      },
      UpdateStage(request) {
        const a = api(request);
        const s = stage(a, request.params.stageName ?? '');
        const input = request.input;
        if (input.autoDeploy !== undefined) s.autoDeploy = input.autoDeploy === true;
        if (typeof input.deploymentId === 'string') s.deploymentId = input.deploymentId;
        if (input.description !== undefined) s.description = String(input.description);
        if (input.accessLogSettings !== undefined) s.accessLogSettings = accessLogSettings(input.accessLogSettings);
        if (input.defaultRouteSettings !== undefined)
          s.defaultRouteSettings = routeSettings(input.defaultRouteSettings, s.defaultRouteSettings);
        if (input.routeSettings !== undefined) {
          for (const [key, value] of Object.entries(input.routeSettings as Record<string, unknown>))
            s.routeSettings[key] = routeSettings(value, s.routeSettings[key] ?? { detailedMetricsEnabled: false });
        }
        if (input.stageVariables !== undefined) s.stageVariables = { ...(input.stageVariables as Record<string, string>) };
        s.lastUpdatedDate = state.now();
        if (s.autoDeploy) autoDeploy(a);
        return { body: stageBody(s) };
      },
      DeleteStage(request) {
        const a = api(request);
        const s = stage(a, request.params.stageName ?? '');
        a.stages.delete(s.stageName);
        return { status: 204 };
      },
      DeleteAccessLogSettings(request) {
        const a = api(request);
        stage(a, request.params.stageName ?? '').accessLogSettings = undefined;
        return { status: 204 };
      },
      DeleteRouteSettings(request) {
        const a = api(request);
        const s = stage(a, request.params.stageName ?? '');
        const key = request.params.routeKey ?? '';
        if (!(key in s.routeSettings)) throw new AwsError(404, 'NotFoundException', `Unable to find Route Settings for route key ${key}`);
        delete s.routeSettings[key];
        return { status: 204 };
      },
      GetDeployments(request) {
        const a = api(request);
        return {
          body: {
            items: [...a.deployments.values()].map((d) => ({
              autoDeployed: d.autoDeployed,
              createdDate: iso(d.createdDate),
              deploymentId: d.deploymentId,
              deploymentStatus: 'DEPLOYED',
            })),
          },
        };
      },

      GetTags(request) {
        return { body: { tags: { ...byArn(request).tags } } };
      },
      TagResource(request) {
        const target = byArn(request);
        target.tags = { ...target.tags, ...tagsOf(request.input.tags) };
        return { status: 201, body: {} };
      },
      UntagResource(request) {
        const target = byArn(request);
        for (const key of request.query.getAll('tagKeys')) delete target.tags[key];
        return { status: 204 };
      },
    },
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** AWS accepts only https issuers; the local sandbox's Asgardeo is http on loopback, which this stand-in also accepts. */
function acceptedIssuer(issuer: string): boolean {
  try {
    const url = new URL(issuer);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
}
