/**
 * The parts of an HTTP API, each found under the API the stack's API resource was found as: a stage
 * by its name, a route by its route key, an integration by its target, an authorizer by its name.
 * Import ID of each: `<api id>/<its id>` (a stage: `<api id>/<stage name>`).
 */
import { GetAuthorizersCommand, GetIntegrationsCommand, GetRoutesCommand, GetStageCommand } from '@aws-sdk/client-apigatewayv2';
import { allItems, unlessMissing } from './clients';
import type { AdoptableType, FoundObject } from './types';

const part = (apiId: string, id: string, object: string, why: string): FoundObject => ({
  importId: `${apiId}/${id}`,
  object: `${object} of HTTP API ${apiId}`,
  why,
  attributes: { id, api_id: apiId },
});

export const apiStage: AdoptableType = {
  type: 'aws_apigatewayv2_stage',
  async find(resource, ctx) {
    const apiId = await ctx.value(resource, 'api_id');
    const name = await ctx.value(resource, 'name');
    if (!apiId || !name) return undefined;
    const res = await unlessMissing(ctx.aws.apigateway.send(new GetStageCommand({ ApiId: apiId, StageName: name })), ['NotFoundException']);
    return res?.StageName
      ? { ...part(apiId, name, `stage ${name}`, 'same stage name'), attributes: { id: name, name, api_id: apiId } }
      : undefined;
  },
};

export const apiRoute: AdoptableType = {
  type: 'aws_apigatewayv2_route',
  async find(resource, ctx) {
    const apiId = await ctx.value(resource, 'api_id');
    const key = await ctx.value(resource, 'route_key');
    if (!apiId || !key) return undefined;
    const routes = await allItems<{ RouteId?: string; RouteKey?: string }>((t) =>
      ctx.aws.apigateway.send(new GetRoutesCommand({ ApiId: apiId, NextToken: t })),
    );
    const route = routes.find((r) => r.RouteKey === key && r.RouteId);
    return route && part(apiId, route.RouteId!, `route ${key}`, 'same route key');
  },
};

export const apiIntegration: AdoptableType = {
  type: 'aws_apigatewayv2_integration',
  async find(resource, ctx) {
    const apiId = await ctx.value(resource, 'api_id');
    const uri = await ctx.value(resource, 'integration_uri');
    if (!apiId || !uri) return undefined;
    const integrations = await allItems<{ IntegrationId?: string; IntegrationUri?: string }>((t) =>
      ctx.aws.apigateway.send(new GetIntegrationsCommand({ ApiId: apiId, NextToken: t })),
    );
    const integration = integrations.find((i) => i.IntegrationUri === uri && i.IntegrationId);
    return integration && part(apiId, integration.IntegrationId!, `integration ${integration.IntegrationId}`, `same target ${uri}`);
  },
};

export const apiAuthorizer: AdoptableType = {
  type: 'aws_apigatewayv2_authorizer',
  async find(resource, ctx) {
    const apiId = await ctx.value(resource, 'api_id');
    const name = await ctx.value(resource, 'name');
    if (!apiId || !name) return undefined;
    const authorizers = await allItems<{ AuthorizerId?: string; Name?: string }>((t) =>
      ctx.aws.apigateway.send(new GetAuthorizersCommand({ ApiId: apiId, NextToken: t })),
    );
    const authorizer = authorizers.find((a) => a.Name === name && a.AuthorizerId);
    return authorizer && part(apiId, authorizer.AuthorizerId!, `authorizer ${name}`, 'same authorizer name');
  },
};
