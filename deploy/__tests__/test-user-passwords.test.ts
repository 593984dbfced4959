import { loadConfig } from '../../config';
import { provideSandboxPasswords, reportSandboxPasswords } from '../test-user-passwords';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

const load = (environment: NodeJS.ProcessEnv) =>
  loadConfig({
    file: PHARMACY_CONFIG,
    env: 'dev',
    target: 'local',
    asgardeoBaseUrl: 'http://127.0.0.1:1',
    environment,
  });

describe("the sandbox's test-user passwords", () => {
  let n = 0;
  const random = (bytes: number) => Buffer.alloc(bytes, ++n);

  it("generates one per unset variable into the run's environment; a set variable is kept", () => {
    const env: NodeJS.ProcessEnv = { TOLLGATE_USER_LEE_PASSWORD: 'Lee-Own-Passw0rd!' };
    const generated = provideSandboxPasswords(load(env), env, random);
    expect(generated.map((g) => `${g.userName} ${g.variable}`)).toEqual(['kim@gmail.com TOLLGATE_USER_KIM_PASSWORD']);
    expect(env.TOLLGATE_USER_KIM_PASSWORD).toMatch(/^Aa1!/);
    expect(env.TOLLGATE_USER_KIM_PASSWORD).toBe(generated[0]!.password);
    expect(env.TOLLGATE_USER_LEE_PASSWORD).toBe('Lee-Own-Passw0rd!');
    // Reloaded with the generated value, the user's password is an ordinary variable: the plan says "(sensitive) from $…".
    expect(load(env).users.find((u) => u.userName === 'kim@gmail.com')!.password).toEqual({
      kind: 'env',
      variable: 'TOLLGATE_USER_KIM_PASSWORD',
    });
  });

  it('prints each password exactly once, for the users this run created', () => {
    const env: NodeJS.ProcessEnv = {};
    const generated = provideSandboxPasswords(load(env), env, random);
    let printed = '';
    reportSandboxPasswords(generated, new Set(['kim@gmail.com', 'lee@example.com']), env, (t) => (printed += t));
    for (const g of generated) {
      expect(printed.split(g.password).length - 1).toBe(1);
      expect(env[g.variable]).toBe(g.password);
    }
    expect(printed).toContain('Test user kim@gmail.com: password ');
    expect(printed).toContain('set when this run created her');
  });

  it('a user who already existed (a redeploy to a lasting local Asgardeo): no new password printed or used, and how to sign her in', () => {
    const env: NodeJS.ProcessEnv = {};
    const generated = provideSandboxPasswords(load(env), env, random);
    let printed = '';
    reportSandboxPasswords(generated, new Set(['lee@example.com']), env, (t) => (printed += t));
    const kim = generated.find((g) => g.userName === 'kim@gmail.com')!;
    expect(printed).not.toContain(kim.password);
    expect(env.TOLLGATE_USER_KIM_PASSWORD).toBeUndefined();
    expect(printed).toContain(
      'Test user kim@gmail.com: already in Asgardeo, with the password the run that created her printed; ' +
        'export TOLLGATE_USER_KIM_PASSWORD=<that password> to sign her in here',
    );
    expect(env.TOLLGATE_USER_LEE_PASSWORD).toMatch(/^Aa1!/);
  });

  it('after a failed Asgardeo step every generated password is printed once, saying it was set only if she was created', () => {
    const env: NodeJS.ProcessEnv = {};
    const generated = provideSandboxPasswords(load(env), env, random);
    let printed = '';
    reportSandboxPasswords(generated, undefined, env, (t) => (printed += t));
    for (const g of generated) expect(printed.split(g.password).length - 1).toBe(1);
    expect(printed).toContain('set if this run got as far as creating her');
  });

  it('never for a real deployment', () => {
    const env: NodeJS.ProcessEnv = {};
    const config = loadConfig({ file: PHARMACY_CONFIG, env: 'dev', target: 'aws', environment: env });
    expect(provideSandboxPasswords(config, env)).toEqual([]);
    expect(env).toEqual({});
  });
});
