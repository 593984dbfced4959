import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { unlessMissing } from './clients';
import type { AdoptableType } from './types';

/**
 * A Secrets Manager secret, by its name. Import ID: its ARN. A secret scheduled for deletion is not
 * adopted: the provider reads it as gone, so an import of it fails; creating it fails until it is
 * restored or its deletion completes.
 */
export const secretsManagerSecret: AdoptableType = {
  type: 'aws_secretsmanager_secret',
  async find(resource, ctx) {
    const name = await ctx.value(resource, 'name');
    if (!name) return undefined;
    const res = await unlessMissing(ctx.aws.secrets.send(new DescribeSecretCommand({ SecretId: name })), ['ResourceNotFoundException']);
    if (!res?.ARN || res.DeletedDate) return undefined;
    return {
      importId: res.ARN,
      object: `Secrets Manager secret ${name}`,
      why: 'same secret name',
      attributes: { id: res.ARN, arn: res.ARN, name },
    };
  },
};
