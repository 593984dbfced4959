import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { unlessMissing } from './clients';
import type { AdoptableType } from './types';

/** A Lambda function, by its function name. Import ID: the name. */
export const lambdaFunction: AdoptableType = {
  type: 'aws_lambda_function',
  async find(resource, ctx) {
    const name = await ctx.value(resource, 'function_name');
    if (!name) return undefined;
    const res = await unlessMissing(ctx.aws.lambda.send(new GetFunctionCommand({ FunctionName: name })), ['ResourceNotFoundException']);
    const arn = res?.Configuration?.FunctionArn;
    if (!arn) return undefined;
    return {
      importId: name,
      object: `Lambda function ${name}`,
      why: 'same function name',
      attributes: { id: name, function_name: name, arn, role: res.Configuration?.Role ?? '', invoke_arn: invokeArn(arn) },
    };
  },
};

/** The ARN API Gateway invokes a function by (the provider's `invoke_arn`). */
export function invokeArn(functionArn: string): string {
  const [, partition, , region] = functionArn.split(':');
  return `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}
