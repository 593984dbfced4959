import { generateSandboxPasswords, type ResolvedConfig } from '../config';

/** A test user's password this run generated (local target only), and the variable that would hold it. */
export interface GeneratedPassword {
  readonly userName: string;
  readonly variable: string;
  readonly password: string;
}

/** Passwords by the variable `password.fromEnv` names: what the reconciler and the smoke test read besides the environment. */
export type PasswordValues = Readonly<Record<string, string>>;

/**
 * A local-target run's test users' passwords (npm start, `tollgate deploy --target local`): for
 * each user whose `password.fromEnv` variable is unset, a generated one (Asgardeo's default
 * policy), passed as a value to the reconciler (it sets it on create, never an invitation) and the
 * smoke test (which signs the user in). A variable the shell already sets is used as it is.
 * Nothing is printed here: only the Asgardeo step knows whether the password reached Asgardeo.
 */
export function generateTestUserPasswords(config: ResolvedConfig, random?: (n: number) => Buffer): GeneratedPassword[] {
  const generated = generateSandboxPasswords(config, random);
  return config.users.flatMap((user) =>
    user.password.kind === 'generated' && user.password.variable in generated
      ? [{ userName: user.userName, variable: user.password.variable, password: generated[user.password.variable]! }]
      : [],
  );
}

export function passwordValues(generated: readonly GeneratedPassword[]): PasswordValues {
  return Object.fromEntries(generated.map((g) => [g.variable, g.password]));
}

/**
 * After the Asgardeo step: each generated password is printed once, for the users this run created
 * (the reconciler set it). A user who already existed (a redeploy to a local Asgardeo that outlives
 * the command) keeps the password an earlier run printed; the new one never reached Asgardeo, so it
 * is left out of what is returned (the smoke test then skips the user, saying why) and the line says how
 * to sign in as that user. `created` undefined: the step failed part-way, so whether the user was created is unknown.
 * Returns the passwords that now belong to the users.
 */
export function reportGeneratedPasswords(
  generated: readonly GeneratedPassword[],
  created: ReadonlySet<string> | undefined,
  write: (text: string) => void,
): PasswordValues {
  const kept: GeneratedPassword[] = [];
  for (const g of generated) {
    if (!created || created.has(g.userName)) {
      kept.push(g);
      const when = created ? 'set when this run created the user' : 'set if this run got as far as creating the user';
      // Not "in $VARIABLE": the variable is in this run's environment, not the user's shell.
      write(
        `Test user ${g.userName}: password ${g.password} (generated for this run, ${when}; not stored anywhere; ` +
          `\`npx tollgate token --user ${g.userName}\` reads it from $${g.variable})\n`,
      );
    } else {
      write(
        `Test user ${g.userName}: already in Asgardeo, with the password the run that created the user printed; ` +
          `export ${g.variable}=<that password> to sign in as ${g.userName} here (or delete the user to get a new one)\n`,
      );
    }
  }
  return passwordValues(kept);
}
