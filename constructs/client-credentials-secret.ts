import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';

export interface ClientCredentialsSecretProps {
  /** The secret's name in Secrets Manager. */
  readonly secretName: string;
  /** The Asgardeo client whose credentials it holds. */
  readonly clientName: string;
  /** IAM principal ARNs granted `secretsmanager:GetSecretValue` by a resource policy (none: no policy). */
  readonly readers: readonly string[];
}

/**
 * The Secrets Manager secret a client's credentials are delivered to. Only the secret: there is
 * deliberately no `aws_secretsmanager_secret_version`, so the value (written by the reconciler
 * with the AWS SDK) never enters Terraform's plan or state, and no placeholder version can ever
 * overwrite it (asgardeo-secrets-and-roles.md, C.3).
 */
export class ClientCredentialsSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly policy?: SecretsmanagerSecretPolicy;

  constructor(scope: Construct, id: string, props: ClientCredentialsSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.secretName,
      description: `Asgardeo client credentials of "${props.clientName}" (value written by tollgate, not by Terraform)`,
      // Nothing to recover after a destroy (the Asgardeo client is deleted first, so the value is dead),
      // and a recovery window would keep the name taken: the next deploy could not create it again.
      recoveryWindowInDays: 0,
      tags: { 'tollgate:client': props.clientName },
    });
    if (props.readers.length > 0) {
      this.policy = new SecretsmanagerSecretPolicy(this, 'readers', {
        secretArn: this.secret.arn,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'TollgateCredentialReaders',
              Effect: 'Allow',
              Principal: { AWS: [...props.readers] },
              Action: 'secretsmanager:GetSecretValue',
              Resource: '*',
            },
          ],
        }),
      });
    }
  }
}
