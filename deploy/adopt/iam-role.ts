import { GetRoleCommand, ListRolesCommand, type Role } from '@aws-sdk/client-iam';
import { unlessMissing } from './clients';
import { STACK_TAG } from '../../stacks/stack-location';
import type { AdoptableType, FindContext } from './types';

/**
 * An IAM role: by its name, or, when the stack gives only a name prefix (AWS adds a unique suffix),
 * the one role with that prefix tagged with the stack. Import ID: the role name.
 */
export const iamRole: AdoptableType = {
  type: 'aws_iam_role',
  async find(resource, ctx) {
    const name = await ctx.value(resource, 'name');
    if (name) {
      const res = await unlessMissing(ctx.aws.iam.send(new GetRoleCommand({ RoleName: name })), ['NoSuchEntity', 'NoSuchEntityException']);
      return res?.Role && found(res.Role, 'same role name');
    }
    const prefix = await ctx.value(resource, 'name_prefix');
    if (!prefix) return undefined;
    const tagged = await rolesTaggedWithStack(prefix, ctx);
    // Two candidates: which one the stack's is cannot be told from AWS; adopting neither creates a new one.
    if (tagged.length !== 1) return undefined;
    return found(tagged[0]!, `name prefix ${prefix} and tag ${STACK_TAG}=${ctx.stack}`);
  },
};

/** The roles whose name starts with `prefix` and that carry the stack's tag (ListRoles returns no tags: GetRole does). */
async function rolesTaggedWithStack(prefix: string, ctx: FindContext): Promise<Role[]> {
  const named: string[] = [];
  let marker: string | undefined;
  do {
    const page = await ctx.aws.iam.send(new ListRolesCommand({ Marker: marker, MaxItems: 1000 }));
    for (const r of page.Roles ?? []) if (r.RoleName?.startsWith(prefix)) named.push(r.RoleName);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const tagged: Role[] = [];
  for (const roleName of named) {
    const res = await unlessMissing(ctx.aws.iam.send(new GetRoleCommand({ RoleName: roleName })), [
      'NoSuchEntity',
      'NoSuchEntityException',
    ]);
    if (res?.Role?.Tags?.some((t) => t.Key === STACK_TAG && t.Value === ctx.stack)) tagged.push(res.Role);
  }
  return tagged;
}

function found(role: Role, why: string) {
  const name = role.RoleName!;
  return {
    importId: name,
    object: `IAM role ${name}`,
    why,
    attributes: { id: name, name, arn: role.Arn ?? '', unique_id: role.RoleId ?? '' },
  };
}
