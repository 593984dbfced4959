import { generateSandboxPasswords, type ResolvedConfig } from '../config';

/** A test user's password this run generated (local target only), and the variable that holds it. */
export interface GeneratedPassword {
  readonly userName: string;
  readonly variable: string;
  readonly password: string;
}

/**
 * A local-target run's test users' passwords (npm start, `tollgate deploy --target local`): for
 * each user whose `password.fromEnv` variable is unset, a generated one (Asgardeo's default
 * policy), merged into the run's environment so the reconciler sets it on create (never an
 * invitation) and the smoke test signs the user in. A variable the shell already sets is used as it is.
 * Nothing is printed here: only the Asgardeo step knows whether the password reached Asgardeo.
 */
export function provideSandboxPasswords(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
  random?: (n: number) => Buffer,
): GeneratedPassword[] {
  const generated = generateSandboxPasswords(config, random);
  Object.assign(env, generated);
  return config.users.flatMap((user) =>
    user.password.kind === 'generated' && user.password.variable in generated
      ? [{ userName: user.userName, variable: user.password.variable, password: generated[user.password.variable]! }]
      : [],
  );
}

/**
 * After the Asgardeo step: each generated password is printed once, for the users this run created
 * (the reconciler set it). A user who already existed (a redeploy to a local Asgardeo that outlives
 * the command) keeps the password an earlier run printed; the new one never reached Asgardeo, so it
 * is dropped from the environment (the smoke test then skips the user, saying why) and the line says how
 * to sign in as that user. `created` undefined: the step failed part-way, so whether the user was created is unknown.
 */
export function reportSandboxPasswords(
  generated: readonly GeneratedPassword[],
  created: ReadonlySet<string> | undefined,
  env: NodeJS.ProcessEnv,
  write: (text: string) => void,
): void {
  for (const g of generated) {
    if (!created || created.has(g.userName)) {
      const when = created ? 'set when this run created the user' : 'set if this run got as far as creating the user';
      // Not "in $VARIABLE": the variable is in this run's environment, not the user's shell.
      write(
        `Test user ${g.userName}: password ${g.password} (generated for this run, ${when}; not stored anywhere; ` +
          `\`npx tollgate token --user ${g.userName}\` reads it from $${g.variable})\n`,
      );
    } else {
      delete env[g.variable];
      write(
        `Test user ${g.userName}: already in Asgardeo, with the password the run that created the user printed; ` +
          `export ${g.variable}=<that password> to sign in as ${g.userName} here (or delete the user to get a new one)\n`,
      );
    }
  }
}
