/**
 * The reads tollgate's adoption (deploy/adopt) makes, on the local control plane through the real SDK
 * clients it uses: IAM ListRoles as AWS pages it (no tags on a listed role), and a role found by its
 * name prefix and the stack's tag among roles that share the prefix.
 */
import { CreateRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { awsClients, findAdoptable } from '../../../deploy/adopt';
import { startLocalAws, type LocalAws } from '../index';
import { localAwsSdkTarget, LOCAL_AWS_SDK_CREDENTIALS } from '../provider-override';

describe('local AWS: the reads of adoption', () => {
  let aws: LocalAws;
  let iam: IAMClient;
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });

  beforeAll(async () => {
    aws = await startLocalAws({});
    iam = new IAMClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: { ...LOCAL_AWS_SDK_CREDENTIALS }, maxAttempts: 1 });
    const role = (RoleName: string, stack?: string) =>
      iam.send(
        new CreateRoleCommand({
          RoleName,
          AssumeRolePolicyDocument: trust,
          ...(stack ? { Tags: [{ Key: 'tollgate:stack', Value: stack }] } : {}),
        }),
      );
    await role('shop-dev-handler-0002', 'shop-dev');
    await role('shop-dev-handler-0001', 'shop-staging');
    await role('shop-dev-handler-0003');
    await role('another-role', 'shop-dev');
  });
  afterAll(async () => {
    iam.destroy();
    await aws.stop();
  });

  test('ListRoles: name order, pages of MaxItems with an opaque Marker, no tags on a listed role; bad MaxItems refused', async () => {
    const first = await iam.send(new ListRolesCommand({ MaxItems: 3 }));
    expect(first.Roles?.map((r) => r.RoleName)).toEqual(['another-role', 'shop-dev-handler-0001', 'shop-dev-handler-0002']);
    expect(first.IsTruncated).toBe(true);
    expect(first.Roles?.every((r) => r.Tags === undefined && r.Arn?.startsWith('arn:aws:iam::'))).toBe(true);
    const second = await iam.send(new ListRolesCommand({ MaxItems: 3, Marker: first.Marker }));
    expect(second.Roles?.map((r) => r.RoleName)).toEqual(['shop-dev-handler-0003']);
    expect(second.IsTruncated).toBe(false);
    expect(second.Marker).toBeUndefined();
    const refused = await iam.send(new ListRolesCommand({ MaxItems: 1001 })).catch((e: Error) => e);
    expect((refused as Error).name).toBe('ValidationError');
  });

  test('a role with a name prefix is adopted only when exactly one role with that prefix carries the stack’s tag', async () => {
    const clients = awsClients({ region: 'us-east-1', target: localAwsSdkTarget(aws.endpoint) });
    try {
      const resources = new Map([
        [
          'aws_iam_role.role',
          { type: 'aws_iam_role', name: 'role', address: 'aws_iam_role.role', config: { name_prefix: 'shop-dev-handler-' } },
        ],
      ]);
      const dev = await findAdoptable({ resources, creates: ['aws_iam_role.role'], stack: 'shop-dev', aws: clients });
      expect(dev.objects).toEqual([
        {
          address: 'aws_iam_role.role',
          object: 'IAM role shop-dev-handler-0002',
          why: 'name prefix shop-dev-handler- and tag tollgate:stack=shop-dev',
          importId: 'shop-dev-handler-0002',
        },
      ]);
      // ListRoles once, then GetRole for each of the three with the prefix (its tags are only there).
      expect(clients.calls).toBe(4);
      const prod = await findAdoptable({ resources, creates: ['aws_iam_role.role'], stack: 'shop-prod', aws: clients });
      expect(prod.objects).toEqual([]);
    } finally {
      clients.destroy();
    }
  });
});
