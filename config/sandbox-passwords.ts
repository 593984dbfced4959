import { randomBytes } from 'node:crypto';
import type { ResolvedConfig } from './resolved';

/**
 * A password for each configured user whose password variable the local sandbox found unset
 * (`password.kind === 'generated'`), keyed by that variable. The sandbox merges them into the
 * environment of its run (so the reconciler and `tollgate token --user` read them like any
 * other), reloads the configuration, and prints each once. Never for a real deployment.
 */
export function generateSandboxPasswords(config: ResolvedConfig, random: (bytes: number) => Buffer = randomBytes): Record<string, string> {
  if (config.target !== 'local') return {};
  const out: Record<string, string> = {};
  for (const user of config.users) {
    if (user.password.kind === 'generated' && !(user.password.variable in out)) out[user.password.variable] = sandboxPassword(random);
  }
  return out;
}

/**
 * Meets Asgardeo's default password policy (8+ characters with an upper-case letter, a lower-case
 * letter, a digit and a special character): 24 random base64url characters behind a fixed
 * `Aa1!` prefix that guarantees each class whatever the random part holds.
 */
export function sandboxPassword(random: (bytes: number) => Buffer = randomBytes): string {
  const body = random(18).toString('base64url');
  return `Aa1!${body}`;
}
