import { GetResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { unlessMissing } from './clients';
import type { AdoptableType } from './types';

/** The resource policy of a secret, by the secret's ARN. Import ID: the secret's ARN. */
export const secretsManagerSecretPolicy: AdoptableType = {
  type: 'aws_secretsmanager_secret_policy',
  async find(resource, ctx) {
    const arn = await ctx.value(resource, 'secret_arn');
    if (!arn) return undefined;
    const res = await unlessMissing(ctx.aws.secrets.send(new GetResourcePolicyCommand({ SecretId: arn })), ['ResourceNotFoundException']);
    if (!res?.ResourcePolicy) return undefined;
    return {
      importId: arn,
      object: `resource policy of Secrets Manager secret ${res.Name ?? arn}`,
      why: 'a policy on the same secret',
      attributes: { id: arn, secret_arn: arn },
    };
  },
};
