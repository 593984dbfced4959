import { GatewayStackError } from './errors';
import { evaluateString, type ReferenceResolver, type TerraformReference } from './interpolation';
import type { TerraformBlock, TerraformStackJson } from './stack-file';

/** What the local stand-ins report where AWS would put a real account or API id. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_API_ID = 'local';

/**
 * Resolves references to the values the local gateway stands in for: the API endpoint is the
 * gateway's own URL, the stage invoke URL is `${url}/${stage}`, and so on. Literal attributes of
 * any block in the stack resolve to themselves (after their own interpolations).
 */
export function localResolver(stack: TerraformStackJson, url: string): ReferenceResolver {
  const resolving = new Set<string>();

  const region = (): string | undefined => {
    const aws = stack.providers.aws?.[0];
    const value = aws?.region;
    return typeof value === 'string' ? literal(value, 'provider.aws.region') : undefined;
  };

  const literal = (value: string, where: string): string => evaluateString(value, resolve, where);

  const literalAttribute = (block: TerraformBlock, reference: TerraformReference): string | undefined => {
    const value = block[reference.attribute];
    if (typeof value !== 'string') return undefined;
    const key = reference.expression;
    if (resolving.has(key)) throw new GatewayStackError(`the Terraform expression "\${${key}}" refers to itself`);
    resolving.add(key);
    try {
      return literal(value, `${reference.type}.${reference.name}.${reference.attribute}`);
    } finally {
      resolving.delete(key);
    }
  };

  const apiExecutionArn = (): string | undefined => {
    const r = region();
    return r && `arn:aws:execute-api:${r}:${LOCAL_ACCOUNT_ID}:${LOCAL_API_ID}`;
  };

  const computed = (block: TerraformBlock, reference: TerraformReference): string | undefined => {
    const { type, name, attribute } = reference;
    const attr = (a: string) => literalAttribute(block, { ...reference, attribute: a, expression: `${type}.${name}.${a}` });
    switch (type) {
      case 'aws_apigatewayv2_api':
        if (attribute === 'id') return LOCAL_API_ID;
        if (attribute === 'api_endpoint') return url;
        if (attribute === 'execution_arn') return apiExecutionArn();
        if (attribute === 'arn') return region() && `arn:aws:apigateway:${region()}::/apis/${LOCAL_API_ID}`;
        return undefined;
      case 'aws_apigatewayv2_stage': {
        const stage = attr('name');
        if (stage === undefined) return undefined;
        if (attribute === 'id') return stage;
        if (attribute === 'invoke_url') return stageInvokeUrl(url, stage);
        if (attribute === 'execution_arn') return apiExecutionArn() && `${apiExecutionArn()}/${stage}`;
        return undefined;
      }
      case 'aws_apigatewayv2_authorizer':
      case 'aws_apigatewayv2_integration':
      case 'aws_apigatewayv2_route':
        // The resource name is unique per type, so it serves as the local id that routes and targets refer to.
        return attribute === 'id' ? name : undefined;
      case 'aws_lambda_function': {
        const functionName = attr('function_name');
        const r = region();
        if (functionName === undefined || r === undefined) return undefined;
        const arn = `arn:aws:lambda:${r}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
        if (attribute === 'arn' || attribute === 'id') return attribute === 'id' ? functionName : arn;
        if (attribute === 'invoke_arn') return lambdaInvokeArn(r, arn);
        if (attribute === 'qualified_arn') return `${arn}:$LATEST`;
        if (attribute === 'qualified_invoke_arn') return lambdaInvokeArn(r, `${arn}:$LATEST`);
        if (attribute === 'version') return '$LATEST';
        return undefined;
      }
      default:
        return undefined;
    }
  };

  const dataValue = (reference: TerraformReference): string | undefined => {
    const { type, attribute } = reference;
    if (type === 'aws_region' && (attribute === 'name' || attribute === 'region' || attribute === 'id')) return region();
    if (type === 'aws_caller_identity' && (attribute === 'account_id' || attribute === 'id')) return LOCAL_ACCOUNT_ID;
    if (type === 'aws_partition' && attribute === 'partition') return 'aws';
    if (type === 'aws_partition' && attribute === 'dns_suffix') return 'amazonaws.com';
    return undefined;
  };

  function resolve(reference: TerraformReference): string | undefined {
    if (reference.mode === 'data') {
      if (!stack.data[reference.type]?.[reference.name]) return undefined;
      return dataValue(reference);
    }
    const block = stack.resources[reference.type]?.[reference.name];
    if (!block) return undefined;
    return computed(block, reference) ?? literalAttribute(block, reference);
  }

  return resolve;
}

/** API Gateway serves the `$default` stage at the root of the endpoint and a named stage under `/<name>`. */
export function stageInvokeUrl(url: string, stage: string): string {
  return stage === '$default' ? `${url}/` : `${url}/${stage}`;
}

function lambdaInvokeArn(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}
