import { GetApisCommand, type Api } from '@aws-sdk/client-apigatewayv2';
import { allItems } from './clients';
import { STACK_TAG } from '../../stacks/stack-location';
import type { AdoptableType } from './types';

/**
 * An HTTP API: API names need not be unique, so the one API with the stack's name that carries the
 * stack's tag. Import ID: the API ID.
 */
export const httpApi: AdoptableType = {
  type: 'aws_apigatewayv2_api',
  async find(resource, ctx) {
    const name = await ctx.value(resource, 'name');
    if (!name) return undefined;
    const apis = await allItems<Api>((t) => ctx.aws.apigateway.send(new GetApisCommand({ NextToken: t })));
    const matching = apis.filter((api) => api.Name === name && api.Tags?.[STACK_TAG] === ctx.stack && api.ApiId);
    // Two tagged APIs of the same name: which one is the stack's cannot be told; adopting neither creates a new one.
    if (matching.length !== 1) return undefined;
    const api = matching[0]!;
    const id = api.ApiId!;
    return {
      importId: id,
      object: `HTTP API ${name} (${id})`,
      why: `name ${name} and tag ${STACK_TAG}=${ctx.stack}`,
      attributes: { id, name, api_endpoint: api.ApiEndpoint ?? '' },
    };
  },
};
