import * as path from 'node:path';
import { loadConfig } from '../../config';
import { provideSandboxPasswords } from '../test-user-passwords';

const REPO = path.resolve(__dirname, '..', '..');
const load = (environment: NodeJS.ProcessEnv) =>
  loadConfig({
    file: path.join(REPO, 'tollgate.config.ts'),
    env: 'dev',
    target: 'local',
    asgardeoBaseUrl: 'http://127.0.0.1:1',
    environment,
  });

describe("the sandbox's test-user passwords", () => {
  it(
    "generates one per unset variable into the run's environment and " +
      'prints each exactly once; a set variable is kept and never printed',
    () => {
      const env: NodeJS.ProcessEnv = { TOLLGATE_USER_LEE_PASSWORD: 'Lee-Own-Passw0rd!' };
      let printed = '';
      let n = 0;
      provideSandboxPasswords(
        load(env),
        env,
        (t) => (printed += t),
        (bytes) => Buffer.alloc(bytes, ++n),
      );
      expect(env.TOLLGATE_USER_KIM_PASSWORD).toMatch(/^Aa1!/);
      expect(env.TOLLGATE_USER_LEE_PASSWORD).toBe('Lee-Own-Passw0rd!');
      expect(printed.split(env.TOLLGATE_USER_KIM_PASSWORD!).length - 1).toBe(1);
      expect(printed).toContain('Test user kim@gmail.com: password ');
      expect(printed).not.toContain('Lee-Own-Passw0rd!');
      // Reloaded with the generated value, the user's password is an ordinary variable: the plan says "(sensitive) from $…".
      expect(load(env).users.find((u) => u.userName === 'kim@gmail.com')!.password).toEqual({
        kind: 'env',
        variable: 'TOLLGATE_USER_KIM_PASSWORD',
      });
    },
  );

  it('never for a real deployment', () => {
    const env: NodeJS.ProcessEnv = {};
    let printed = '';
    const config = loadConfig({ file: path.join(REPO, 'tollgate.config.ts'), env: 'dev', target: 'aws', environment: env });
    provideSandboxPasswords(config, env, (t) => (printed += t));
    expect(env).toEqual({});
    expect(printed).toBe('');
  });
});
