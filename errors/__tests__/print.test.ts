import { errorText, printError, UsageError, UserError } from '..';

function sink() {
  let text = '';
  return { write: (t: string) => (text += t), text: () => text };
}

class StepFailed extends UserError {
  constructor() {
    super('deploy failed at step "aws"; what is applied: AWS partly', { describesState: true });
  }
}

describe('UserError', () => {
  test('keeps message and hint apart, with an exit status and its class name; errorText joins them', () => {
    const e = new UserError('the outputs file is missing', { hint: 'run the deploy first', exitStatus: 3 });
    expect(e.message).toBe('the outputs file is missing');
    expect(errorText(e)).toBe('the outputs file is missing\n  what to do: run the deploy first');
    expect(errorText(new UserError('no hint'))).toBe('no hint');
    expect(errorText(new TypeError('x is undefined'))).toBe('x is undefined');
    expect(e).toMatchObject({ hint: 'run the deploy first', exitStatus: 3, name: 'UserError', describesState: false });
    expect(new StepFailed().name).toBe('StepFailed');
    expect(new UserError('x').exitStatus).toBe(1);
  });
});

describe('printError prints by type', () => {
  test('a usage error with the usage text', () => {
    const s = sink();
    expect(
      printError('tollgate plan', new UsageError('--json and --markdown cannot be used together'), {
        stderr: s,
        usage: 'Usage: tollgate plan',
      }),
    ).toBe(1);
    expect(s.text()).toBe('tollgate plan: --json and --markdown cannot be used together\n\nUsage: tollgate plan');
  });

  test('a user error as its message and hint, with its exit status, no stack', () => {
    const s = sink();
    expect(
      printError('tollgate apply', new UserError('bad credentials', { hint: 'check ASGARDEO_CLIENT_ID', exitStatus: 4 }), { stderr: s }),
    ).toBe(4);
    expect(s.text()).toBe('tollgate apply: bad credentials\n  what to do: check ASGARDEO_CLIENT_ID\n');
  });

  test('anything else is a bug: printed with its stack', () => {
    const s = sink();
    expect(printError('tollgate apply', new TypeError('x is undefined'), { stderr: s })).toBe(1);
    expect(s.text()).toMatch(/^tollgate apply: TypeError: x is undefined\n\s+at /);
  });

  test('an interrupted run exits 130, and says what is left when the error describes it and that outlives the run', () => {
    const controller = new AbortController();
    controller.abort();
    const s = sink();
    expect(printError('tollgate plan', new UserError('request aborted'), { stderr: s, signal: controller.signal })).toBe(130);
    expect(s.text()).toContain('tollgate plan: interrupted');
    const d = sink();
    expect(printError('tollgate deploy', new StepFailed(), { stderr: d, signal: controller.signal })).toBe(130);
    expect(d.text()).toContain('tollgate deploy: interrupted: deploy failed at step "aws"; what is applied: AWS partly');
    const l = sink();
    expect(printError('npm start', new StepFailed(), { stderr: l, signal: controller.signal, stateOutlivesRun: false })).toBe(130);
    expect(l.text()).toContain('npm start: interrupted');
  });
});
