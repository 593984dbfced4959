import { GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { unlessMissing } from './clients';
import type { AdoptableType } from './types';

/** An inline policy of a role, by role name and policy name. Import ID: `role:policy`. */
export const iamRolePolicy: AdoptableType = {
  type: 'aws_iam_role_policy',
  async find(resource, ctx) {
    const role = await ctx.value(resource, 'role');
    const name = await ctx.value(resource, 'name');
    if (!role || !name) return undefined;
    const res = await unlessMissing(ctx.aws.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name })), [
      'NoSuchEntity',
      'NoSuchEntityException',
    ]);
    if (!res?.PolicyName) return undefined;
    return {
      importId: `${role}:${name}`,
      object: `inline policy ${name} of IAM role ${role}`,
      why: 'same role and policy name',
      attributes: { id: `${role}:${name}`, name, role },
    };
  },
};
