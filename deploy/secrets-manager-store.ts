/**
 * The one place tollgate talks to AWS Secrets Manager, with `@aws-sdk/client-secrets-manager`:
 * AWS credentials from the SDK's default chain (as Terraform's), or the endpoint and credentials the
 * deploy target names (the local AWS control plane). Errors become UserErrors naming the action.
 */
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { UserError } from '../errors';
import { awsSdkClientConfig, type AwsSdkTarget } from './aws-sdk-config';

// The SDK client loads on the first call: every deploy loads this module, few of them deliver secrets.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = (): typeof SecretsManager => require('@aws-sdk/client-secrets-manager') as typeof SecretsManager;

export type { AwsSdkTarget } from './aws-sdk-config';

/** A secret's current (AWSCURRENT) or previous (AWSPREVIOUS) value, by name. */
export interface SecretStore {
  /** The value under `stage` (default AWSCURRENT); undefined when the secret has no such value yet. */
  read(name: string, stage?: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined>;
  /** Writes a new version: it becomes AWSCURRENT and the prior value AWSPREVIOUS. */
  write(name: string, value: string): Promise<void>;
  /** How many reads and writes this store made (for reports and tests). */
  readonly counts: { reads: number; writes: number };
}

export class SecretStoreError extends UserError {}

export function secretsManagerStore(o: { region: string; target?: AwsSdkTarget }): SecretStore {
  const config: SecretsManagerClientConfig = awsSdkClientConfig(o);
  // A client per call: a handful of calls per deploy, and no open connections left behind.
  const withClient = async <T>(fn: (client: SecretsManagerClient) => Promise<T>): Promise<T> => {
    const client = new (sdk().SecretsManagerClient)(config);
    try {
      return await fn(client);
    } finally {
      client.destroy();
    }
  };
  const counts = { reads: 0, writes: 0 };
  const where = o.target ? ` at ${o.target.endpoint}` : ` in ${o.region}`;
  return {
    counts,
    async read(name, stage = 'AWSCURRENT') {
      counts.reads += 1;
      try {
        const res = await withClient((client) => client.send(new (sdk().GetSecretValueCommand)({ SecretId: name, VersionStage: stage })));
        return res.SecretString;
      } catch (err) {
        // A secret that exists without a value yet (just created by Terraform) answers ResourceNotFoundException too.
        if ((err as Error).name === 'ResourceNotFoundException') {
          if (stage === 'AWSCURRENT') await withClient((client) => checkExists(client, name, where));
          return undefined;
        }
        throw awsFailure(err, 'secretsmanager:GetSecretValue', name, where);
      }
    },
    async write(name, value) {
      counts.writes += 1;
      try {
        await withClient((client) => client.send(new (sdk().PutSecretValueCommand)({ SecretId: name, SecretString: value })));
      } catch (err) {
        throw awsFailure(err, 'secretsmanager:PutSecretValue', name, where);
      }
    },
  };
}

/** GetSecretValue cannot tell "no secret" from "no value yet": a missing secret means the stack is not deployed. */
async function checkExists(client: SecretsManagerClient, name: string, where: string): Promise<void> {
  try {
    await client.send(new (sdk().DescribeSecretCommand)({ SecretId: name }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException')
      throw new SecretStoreError(`the Secrets Manager secret "${name}" does not exist${where}`, {
        hint: 'deploy the AWS side first (`npx tollgate deploy`): the stack creates the secret, tollgate then writes its value',
      });
    throw awsFailure(err, 'secretsmanager:DescribeSecret', name, where);
  }
}

function awsFailure(err: unknown, action: string, name: string, where: string): UserError {
  const e = err as Error & { $metadata?: { httpStatusCode?: number } };
  if (e.name === 'AccessDeniedException' || e.name === 'AccessDenied' || e.$metadata?.httpStatusCode === 403)
    return new SecretStoreError(`AWS denied ${action} on the secret "${name}"${where}: ${e.message}`, {
      hint: `allow ${action} on that secret to the identity tollgate runs as (the same one Terraform uses)`,
    });
  if (e.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message))
    return new SecretStoreError(`no AWS credentials for ${action} on "${name}": ${e.message}`, {
      hint: 'give tollgate AWS credentials as you give them to Terraform (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role)',
    });
  if (e.name === 'InvalidRequestException' && /deletion/i.test(e.message))
    return new SecretStoreError(`the secret "${name}"${where} is scheduled for deletion: ${e.message}`, {
      hint: `restore it (\`aws secretsmanager restore-secret --secret-id ${name}\`) or wait until AWS has deleted it, then deploy again`,
    });
  return new SecretStoreError(`${action} on the secret "${name}"${where} failed: ${e.name}: ${e.message}`);
}
