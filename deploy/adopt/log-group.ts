import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { AdoptableType } from './types';

/** A CloudWatch Logs group, by its name. Import ID: the name. */
export const logGroup: AdoptableType = {
  type: 'aws_cloudwatch_log_group',
  async find(resource, ctx) {
    const name = await ctx.value(resource, 'name');
    if (!name) return undefined;
    // The name is a prefix filter: only an exact match is this group.
    const res = await ctx.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
    const group = res.logGroups?.find((g) => g.logGroupName === name);
    if (!group) return undefined;
    // The provider's `arn` is the group's ARN without the `:*` DescribeLogGroups appends.
    const arn = (group.arn ?? '').replace(/:\*$/, '');
    return { importId: name, object: `log group ${name}`, why: 'same log group name', attributes: { id: name, name, arn } };
  },
};
