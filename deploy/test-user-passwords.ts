import { generateSandboxPasswords, type ResolvedConfig } from '../config';

/**
 * A local-target run's test users' passwords (npm start, `tollgate deploy --target local`): for
 * each user whose `password.fromEnv` variable is unset, a generated one (Asgardeo's default
 * policy), merged into the run's environment so the reconciler sets it on create (never an
 * invitation) and the smoke test signs her in. Each is printed once, here, and nowhere else; a
 * variable the shell already sets is used as it is and never printed.
 */
export function provideSandboxPasswords(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
  write: (text: string) => void,
  random?: (n: number) => Buffer,
): void {
  const generated = generateSandboxPasswords(config, random);
  Object.assign(env, generated);
  for (const user of config.users) {
    if (user.password.kind === 'generated' && user.password.variable in generated) {
      write(
        `Test user ${user.userName}: password ${generated[user.password.variable]} (generated ` +
          `for this run, shown once; in $${user.password.variable} for the sandbox's commands)\n`,
      );
    }
  }
}
