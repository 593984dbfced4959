import { classifyFailure, existingObjects, lockInfo, providerMessage } from '../classify';

const LOCKED = `
Error: Error acquiring the state lock

Error message: resource temporarily unavailable
Lock Info:
  ID:        4f1a2a5e-2c36-bd3a-7b8a-0c5e3f9d1a22
  Path:      /work/.tollgate/local/cdktf.out/terraform.pharmacy-user-api-dev.tfstate
  Operation: OperationTypeApply
  Who:       dev@laptop
  Version:   1.11.4
  Created:   2026-12-07 12:00:00.123 +0000 UTC
  Info:

Terraform acquires a state lock to protect the state from being written
by multiple users at the same time. Please resolve the issue above and try
again. For most commands, you can disable locking with the "-lock=false"
flag, but this is not recommended.
`;

// Terraform prints each provider error on one line.
const LAMBDA_EXISTS =
  'Error: creating Lambda Function (pharmacy-user-api-dev-handler): operation error Lambda: CreateFunction, ' +
  'https response error StatusCode: 409, RequestID: 0b3c, ResourceConflictException: Function already exist: pharmacy-user-api-dev-handler';
const LOG_GROUP_EXISTS =
  'Error: creating CloudWatch Logs Log Group (/aws/lambda/pharmacy-user-api-dev-handler): operation error CloudWatch Logs: ' +
  'CreateLogGroup, https response error StatusCode: 400, RequestID: 77aa, ' +
  'ResourceAlreadyExistsException: The specified log group already exists';
const DENIAL = 'AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole';
const ROLE_DENIED =
  'Error: creating IAM Role (pharmacy-user-api-dev-handler-): operation error IAM: CreateRole, ' +
  `https response error StatusCode: 403, RequestID: 9f, api error ${DENIAL}`;

const EXISTS = `
${LAMBDA_EXISTS}

  with aws_lambda_function.handler_fn_C0FFEE,
  on cdk.tf.json line 200, in resource "aws_lambda_function" "handler_fn_C0FFEE":
 200:       }

${LOG_GROUP_EXISTS}

  with aws_cloudwatch_log_group.handler_logs_BEEF,
  on cdk.tf.json line 120, in resource "aws_cloudwatch_log_group" "handler_logs_BEEF":
`;

const DENIED = `
${ROLE_DENIED}
`;

const result = (stdout: string, o: { code?: number | null; interrupted?: boolean } = {}) => ({
  code: o.code === undefined ? 1 : o.code,
  stdout,
  stderr: '',
  ...(o.interrupted ? { interrupted: true } : {}),
});
const failed = (stdout: string, o: { interrupted?: boolean; localState?: boolean } = {}) =>
  classifyFailure({
    command: 'apply',
    stackDir: '/work/cdktf.out/stacks/pharmacy-user-api-dev',
    result: result(stdout, o),
    fix: 'the caller’s advice',
    localState: o.localState ?? true,
  });

describe('a failed Terraform command, by its cause', () => {
  test('a held state lock: who holds it and since when, wait and rerun; force-unlock with the ID only when no run is alive', () => {
    const err = failed(LOCKED);
    expect(err.failure).toBe('state-locked');
    expect(err.message).toContain(
      'could not lock the state /work/.tollgate/local/cdktf.out/terraform.pharmacy-user-api-dev.tfstate: a Terraform apply by ' +
        'dev@laptop since 2026-12-07 12:00:00.123 +0000 UTC holds it (lock ID 4f1a2a5e-2c36-bd3a-7b8a-0c5e3f9d1a22). ' +
        'Nothing was changed by this run.',
    );
    expect(err.hint).toMatch(
      /^wait for that run to finish and rerun \(a local state file is locked only while the process holding it runs/,
    );
    expect(err.hint).toContain('`pgrep -fa terraform` on laptop');
    expect(err.hint).toContain('Only when no run is alive');
    expect(err.hint).toContain(
      '`terraform force-unlock 4f1a2a5e-2c36-bd3a-7b8a-0c5e3f9d1a22` in /work/cdktf.out/stacks/pharmacy-user-api-dev',
    );
    expect(err.hint).not.toMatch(/credential/i);
    expect(err.exitStatus).toBe(1);
    // A remote state's lock can outlive its run: the advice says how to tell instead.
    expect(failed(LOCKED, { localState: false }).hint).toContain(
      'it is alive while a tollgate or terraform process of dev@laptop or a CI job deploys',
    );
  });

  test('interrupted: exit 130, "interrupted", what Terraform kept, and that a rerun converges', () => {
    const err = failed('Interrupt received.\nError: execution halted\nError: execution halted\n', { interrupted: true });
    expect(err.failure).toBe('interrupted');
    expect(err.exitStatus).toBe(130);
    expect(err.message).toMatch(
      /^interrupted: `terraform apply` in \S+ was asked to stop and stopped gracefully; Terraform saved its state/,
    );
    expect(err.message).not.toContain('execution halted');
    expect(err.hint).toBe('run the same command again: it plans from that state and converges');
  });

  test('a saved plan made stale by another run: nothing of it applied, plan again', () => {
    const err = failed(
      '\nError: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed by another\n' +
        'operation after the plan was created.\n',
    );
    expect(err.failure).toBe('stale-plan');
    expect(err.message).toMatch(
      /^`terraform apply` in \S+ refused the saved plan as stale: Terraform's state changed after the plan was made/,
    );
    expect(err.message).toContain('nothing of this plan was applied');
    expect(err.hint).toMatch(/^plan again and review the new plan/);
    expect(err.hint).not.toMatch(/credential/i);
  });

  test('objects that exist but are not in the state: each named with the provider’s words, and the --adopt that imports them', () => {
    expect(existingObjects(EXISTS).map((e) => e.address)).toEqual([
      'aws_lambda_function.handler_fn_C0FFEE',
      'aws_cloudwatch_log_group.handler_logs_BEEF',
    ]);
    const err = failed(EXISTS);
    expect(err.failure).toBe('already-exists');
    expect(err.message).toContain(
      '  aws_lambda_function.handler_fn_C0FFEE: ResourceConflictException: Function already exist: pharmacy-user-api-dev-handler ' +
        '(HTTP 409, while creating Lambda Function (pharmacy-user-api-dev-handler))',
    );
    expect(err.message).toContain(
      'aws_cloudwatch_log_group.handler_logs_BEEF: ResourceAlreadyExistsException: The specified log group already exists',
    );
    expect(err.hint).toContain('`npx tollgate deploy --env <env> --adopt`');
    expect(err.hint).not.toContain('terraform import');
    expect(err.hint).not.toMatch(/credential/i);
  });

  test('a provider error: its message first; permission advice for a denial, credentials advice only for credentials', () => {
    expect(providerMessage(DENIED)).toBe(`${DENIAL} (HTTP 403, while creating IAM Role (pharmacy-user-api-dev-handler-))`);
    const denied = failed(DENIED);
    expect(denied.failure).toBe('provider');
    expect(denied.message).toMatch(/^AWS refused a call of `terraform apply` in \S+: AccessDenied: /);
    expect(denied.hint).toMatch(/^give the deploying identity the permission/);
    const expired = failed(
      DENIED.replace('403', '400').replace(
        'api error AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole',
        'api error ExpiredToken: The security token included in the request is expired',
      ),
    );
    expect(expired.hint).toMatch(/credentials are missing, expired or wrong/);
  });

  test('anything else keeps the caller’s advice and Terraform’s words', () => {
    const err = failed('Error: Unsupported argument\n\n  on cdk.tf.json line 3:\n  An argument named "x" is not expected here.\n');
    expect(err.failure).toBe('command');
    expect(err.message).toMatch(/^`terraform apply` in \S+ failed with exit code 1\.\n {4}Error: Unsupported argument/);
    expect(err.hint).toBe('the caller’s advice');
  });

  test('lockInfo reads only the fields present', () => {
    expect(lockInfo('Lock Info:\n  ID: abc\n  Who: x@y\n')).toEqual({ id: 'abc', who: 'x@y' });
  });
});
