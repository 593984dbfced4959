import { loadConfig } from '../../config';
import { generateTestUserPasswords, passwordValues, reportGeneratedPasswords } from '../test-user-passwords';
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

  it('generates one per unset variable, as values (the environment is left alone); a set variable is kept', () => {
    const env: NodeJS.ProcessEnv = { TOLLGATE_USER_LEE_PASSWORD: 'Lee-Own-Passw0rd!' };
    const generated = generateTestUserPasswords(load(env), random);
    expect(generated.map((g) => `${g.userName} ${g.variable}`)).toEqual(['kim@gmail.com TOLLGATE_USER_KIM_PASSWORD']);
    expect(generated[0]!.password).toMatch(/^Aa1!/);
    expect(passwordValues(generated)).toEqual({ TOLLGATE_USER_KIM_PASSWORD: generated[0]!.password });
    expect(env).toEqual({ TOLLGATE_USER_LEE_PASSWORD: 'Lee-Own-Passw0rd!' });
  });

  it('prints each password exactly once, for the users this run created, and returns them', () => {
    const generated = generateTestUserPasswords(load({}), random);
    let printed = '';
    const kept = reportGeneratedPasswords(generated, new Set(['kim@gmail.com', 'lee@example.com']), (t) => (printed += t));
    for (const g of generated) {
      expect(printed.split(g.password).length - 1).toBe(1);
      expect(kept[g.variable]).toBe(g.password);
    }
    expect(printed).toContain('Test user kim@gmail.com: password ');
    expect(printed).toContain(
      'set when this run created the user; not stored anywhere; ' +
        '`npx tollgate token --user kim@gmail.com` reads it from $TOLLGATE_USER_KIM_PASSWORD)',
    );
    // Neutral wording, and no claim that the variable is in the user's shell.
    expect(printed).not.toMatch(/\b(her|she)\b|for the sandbox's commands/);
  });

  it('a user who already existed (a redeploy to a lasting local Asgardeo): no new password printed or used, and how to sign in', () => {
    const generated = generateTestUserPasswords(load({}), random);
    let printed = '';
    const kept = reportGeneratedPasswords(generated, new Set(['lee@example.com']), (t) => (printed += t));
    const kim = generated.find((g) => g.userName === 'kim@gmail.com')!;
    expect(printed).not.toContain(kim.password);
    expect(kept.TOLLGATE_USER_KIM_PASSWORD).toBeUndefined();
    expect(printed).toContain(
      'Test user kim@gmail.com: already in Asgardeo, with the password the run that created the user printed; ' +
        'export TOLLGATE_USER_KIM_PASSWORD=<that password> to sign in as kim@gmail.com here (or delete the user to get a new one)',
    );
    expect(kept.TOLLGATE_USER_LEE_PASSWORD).toMatch(/^Aa1!/);
  });

  it('after a failed Asgardeo step every generated password is printed once, saying it was set only if the user was created', () => {
    const generated = generateTestUserPasswords(load({}), random);
    let printed = '';
    reportGeneratedPasswords(generated, undefined, (t) => (printed += t));
    for (const g of generated) expect(printed.split(g.password).length - 1).toBe(1);
    expect(printed).toContain('set if this run got as far as creating the user');
  });

  it('never for a real deployment', () => {
    const config = loadConfig({ file: PHARMACY_CONFIG, env: 'dev', target: 'aws', environment: {} });
    expect(generateTestUserPasswords(config)).toEqual([]);
  });
});
