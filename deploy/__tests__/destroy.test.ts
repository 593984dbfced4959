import { runDestroy, DestroyError, type DestroyOptions } from '../destroy';
import { UserError } from '../../errors';
import { FakeRunner, FakeSide, exampleConfig } from './helpers';

const config = exampleConfig('dev');

function setup(overrides: Partial<DestroyOptions> = {}) {
  const calls: string[] = [];
  const runner = new FakeRunner(config, calls);
  const side = new FakeSide(undefined, calls);
  const prompts: string[] = [];
  let out = '';
  const options: DestroyOptions = {
    config,
    runner,
    side,
    credentials: { clientId: 'a', clientSecret: 'b' },
    yes: true,
    interactive: false,
    prompt: async (q) => {
      prompts.push(q);
      return 'yes';
    },
    command: 'tollgate destroy --env dev',
    write: (t) => (out += t),
    ...overrides,
  };
  return { options, runner, side, calls, prompts, out: () => out };
}

describe('runDestroy', () => {
  test('deletes the owned Asgardeo objects first, then the AWS stack', async () => {
    const s = setup();
    await runDestroy(s.options);
    expect(s.calls).toEqual(['asgardeo destroy', `destroy ${config.stackName}`]);
    expect(s.out()).toMatch(/\[1\/2\] Asgardeo[\s\S]*\[2\/2\] AWS: destroy pharmacy-user-api-dev/);
  });

  test('without a runner (nothing on the AWS side to destroy here): the Asgardeo objects only, the skip says why', async () => {
    const s = setup({ runner: undefined, noAwsSide: 'local target: its process destroyed it' });
    await runDestroy(s.options);
    expect(s.calls).toEqual(['asgardeo destroy']);
    expect(s.out()).toContain('[2/2] AWS: skipped (local target: its process destroyed it)');
  });

  test('asks on a terminal; anything but "yes" destroys nothing', async () => {
    const s = setup({ yes: false, interactive: true, prompt: async (q) => (s.prompts.push(q), 'no') });
    await expect(runDestroy(s.options)).rejects.toThrow('Not approved (answer "no"): nothing was changed.');
    expect(s.prompts[0]).toContain('DESTROY the Asgardeo objects owned by pharmacy-user-api-dev');
    expect(s.calls).toEqual([]);
  });

  test('without a terminal it refuses unless --yes', async () => {
    const s = setup({ yes: false, interactive: false });
    await expect(runDestroy(s.options)).rejects.toMatchObject({
      message: expect.stringContaining('no terminal to ask for approval'),
      hint: expect.stringContaining('tollgate destroy --env dev --yes'),
    });
    expect(s.calls).toEqual([]);
  });

  test('an Asgardeo failure leaves the AWS stack untouched and says how to resume', async () => {
    const s = setup();
    s.side.failDestroy = new Error('DELETE /api/server/v1/applications/1 failed: HTTP 503');
    const err = (await runDestroy(s.options).catch((e: unknown) => e)) as DestroyError;
    expect(err).toBeInstanceOf(DestroyError);
    expect(err.step).toBe('asgardeo');
    expect(err.state.asgardeo).toEqual({ kind: 'delete-failed', stack: config.stackName, deleted: 0, unanswered: 0 });
    expect(err.message).toContain('Asgardeo: nothing deleted: the owned Asgardeo objects of pharmacy-user-api-dev remain');
    expect(err.state.aws).toEqual({ kind: 'unchanged' });
    expect(err.message).toContain('run `tollgate destroy --env dev`');
    expect(s.calls).toEqual(['asgardeo destroy']);
  });

  test('an Asgardeo destroy cut off after some deletions says how many the server accepted', async () => {
    const s = setup();
    s.side.failDestroy = new Error('DELETE /api/server/v1/applications/2 failed: HTTP 503');
    s.side.failAfter = [{ write: 'accepted' }, { write: 'accepted' }, { write: 'unanswered' }, { write: 'refused' }];
    const err = (await runDestroy(s.options).catch((e: unknown) => e)) as DestroyError;
    expect(err.state.asgardeo).toEqual({ kind: 'delete-failed', stack: config.stackName, deleted: 2, unanswered: 1 });
    expect(err.message).toContain(
      'Asgardeo: partly deleted: 2 writes accepted before the failure, 1 write sent and never answered (they may have happened); ' +
        "the rest of pharmacy-user-api-dev's owned objects remain",
    );
  });

  test('an AWS failure after Asgardeo is reported at the aws step', async () => {
    const s = setup();
    s.runner.failDestroy = new UserError('`terraform apply` failed: Error: deleting Lambda', { hint: 'retry' });
    const held = { resources: ['aws_lambda_function.handler', 'aws_iam_role.role'], tainted: [], declared: 9 };
    s.runner.held = held;
    const err = (await runDestroy(s.options).catch((e: unknown) => e)) as DestroyError;
    expect(err.step).toBe('aws');
    expect(err.message).toContain('the owned Asgardeo objects are deleted');
    // What is left is read from the state after the failure.
    expect(err.message).toContain(
      "AWS:      Terraform's state holds 2 of the stack's 9 resources (aws_lambda_function.handler, aws_iam_role.role); " +
        'rerun destroy to remove them',
    );
    expect(err.state).toEqual({ aws: { kind: 'destroy-failed', stack: config.stackName, held }, asgardeo: { kind: 'deleted' } });
  });
});
