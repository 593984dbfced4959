/**
 * Secrets Manager on the local control plane, driven by the real `@aws-sdk/client-secrets-manager`
 * (the client the reconciler writes values with): versions and staging labels, idempotency
 * tokens, the deletion window, and AWS's errors.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startLocalAws, type LocalAws } from '../index';
import { DUMMY_CREDENTIALS } from '../provider-override';

describe('local AWS: Secrets Manager through the AWS SDK', () => {
  let aws: LocalAws;
  let sm: SecretsManagerClient;
  let now = new Date('2026-12-01T12:00:00Z');

  beforeAll(async () => {
    aws = await startLocalAws({ now: () => now });
    sm = new SecretsManagerClient({
      endpoint: aws.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: DUMMY_CREDENTIALS.access_key, secretAccessKey: DUMMY_CREDENTIALS.secret_key },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    sm.destroy();
    await aws.stop();
  });

  const errorName = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (err) {
      return (err as Error).name;
    }
    return 'no error';
  };

  it('creates without a value, then PutSecretValue moves AWSCURRENT and keeps the prior value as AWSPREVIOUS', async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: 'tollgate/dev/reader', Description: 'reader credentials' }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:000000000000:secret:tollgate\/dev\/reader-[A-Za-z]{6}$/);
    expect(created.VersionId).toBeUndefined();
    expect(await errorName(sm.send(new GetSecretValueCommand({ SecretId: 'tollgate/dev/reader' })))).toBe('ResourceNotFoundException');

    await sm.send(new PutSecretValueCommand({ SecretId: 'tollgate/dev/reader', SecretString: '{"v":1}' }));
    const second = await sm.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: '{"v":2}' }));
    expect(second.VersionStages).toEqual(['AWSCURRENT']);
    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'tollgate/dev/reader' }));
    expect(current.SecretString).toBe('{"v":2}');
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: 'tollgate/dev/reader', VersionStage: 'AWSPREVIOUS' }));
    expect(previous.SecretString).toBe('{"v":1}');
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'tollgate/dev/reader' }));
    expect(Object.values(described.VersionIdsToStages ?? {}).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
    expect(described.CreatedDate).toEqual(now);
  });

  it('a ClientRequestToken is idempotent with the same value and refused with another', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'idem' }));
    const token = 'a'.repeat(32);
    const first = await sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'x', ClientRequestToken: token }));
    const again = await sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'x', ClientRequestToken: token }));
    expect(again.VersionId).toBe(first.VersionId);
    expect(await errorName(sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'y', ClientRequestToken: token })))).toBe(
      'ResourceExistsException',
    );
  });

  it('errors: unknown secret, duplicate name, resource policy syntax', async () => {
    expect(await errorName(sm.send(new DescribeSecretCommand({ SecretId: 'nope' })))).toBe('ResourceNotFoundException');
    await sm.send(new CreateSecretCommand({ Name: 'dup' }));
    expect(await errorName(sm.send(new CreateSecretCommand({ Name: 'dup' })))).toBe('ResourceExistsException');
    expect(await errorName(sm.send(new PutResourcePolicyCommand({ SecretId: 'dup', ResourcePolicy: '{' })))).toBe(
      'MalformedPolicyDocumentException',
    );
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:role/r' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' },
      ],
    });
    await sm.send(new PutResourcePolicyCommand({ SecretId: 'dup', ResourcePolicy: policy }));
    expect((await sm.send(new GetResourcePolicyCommand({ SecretId: 'dup' }))).ResourcePolicy).toBe(policy);
  });

  it('the deletion window: a deleted secret keeps its name (DeletedDate; reads, re-creates refused) until purged/restored', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'windowed', SecretString: 'v' }));
    expect(await errorName(sm.send(new DeleteSecretCommand({ SecretId: 'windowed', RecoveryWindowInDays: 3 })))).toBe(
      'InvalidParameterException',
    );
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: 'windowed', RecoveryWindowInDays: 7 }));
    expect(deleted.DeletionDate).toEqual(new Date(now.getTime() + 7 * 86_400_000));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'windowed' }))).DeletedDate).toEqual(now);
    expect(await errorName(sm.send(new GetSecretValueCommand({ SecretId: 'windowed' })))).toBe('InvalidRequestException');
    expect(await errorName(sm.send(new CreateSecretCommand({ Name: 'windowed' })))).toBe('InvalidRequestException');
    await sm.send(new RestoreSecretCommand({ SecretId: 'windowed' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'windowed' }))).SecretString).toBe('v');

    await sm.send(new DeleteSecretCommand({ SecretId: 'windowed' }));
    now = new Date(now.getTime() + 30 * 86_400_000);
    expect(await errorName(sm.send(new DescribeSecretCommand({ SecretId: 'windowed' })))).toBe('ResourceNotFoundException');
    await sm.send(new CreateSecretCommand({ Name: 'windowed' }));
  });

  it('ForceDeleteWithoutRecovery removes at once, and succeeds for a secret that does not exist', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'forced' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'forced', ForceDeleteWithoutRecovery: true }));
    expect(await errorName(sm.send(new DescribeSecretCommand({ SecretId: 'forced' })))).toBe('ResourceNotFoundException');
    await sm.send(new DeleteSecretCommand({ SecretId: 'forced', ForceDeleteWithoutRecovery: true }));
    await sm.send(new CreateSecretCommand({ Name: 'forced' }));
  });
});
