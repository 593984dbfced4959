import { GetPolicyCommand } from '@aws-sdk/client-lambda';
import { unlessMissing } from './clients';
import type { AdoptableType } from './types';

/** A statement of a function's resource policy, by function name and statement ID. Import ID: `function/statement`. */
export const lambdaPermission: AdoptableType = {
  type: 'aws_lambda_permission',
  async find(resource, ctx) {
    const fn = await ctx.value(resource, 'function_name');
    const sid = await ctx.value(resource, 'statement_id');
    if (!fn || !sid) return undefined;
    const res = await unlessMissing(ctx.aws.lambda.send(new GetPolicyCommand({ FunctionName: fn })), ['ResourceNotFoundException']);
    const statements = (JSON.parse(res?.Policy ?? '{}') as { Statement?: { Sid?: string }[] }).Statement ?? [];
    if (!statements.some((s) => s.Sid === sid)) return undefined;
    return {
      importId: `${fn}/${sid}`,
      object: `statement ${sid} of the resource policy of Lambda function ${fn}`,
      why: 'same function and statement ID',
      attributes: { id: sid, statement_id: sid, function_name: fn },
    };
  },
};
