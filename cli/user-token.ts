import { adminCredentialsFromEnv, configuredUser, passwordFromEnv, requestUserToken, transportFromEnv } from '../asgardeo';
import type { ResolvedConfig } from '../config';
import { UsageError } from './args';
import { EXIT_OK, type CliIo } from './io';

/** Reads a password from the terminal without echoing it; undefined when stdin is not a terminal. */
export type PasswordPrompt = (question: string) => Promise<string | undefined>;

/**
 * `tollgate token --user <userName>`: signs a configured user in through the app-native flow of a
 * user-facing application and prints the access token. The password comes from the variable the
 * user's `password: { fromEnv }` names, else from a prompt on a terminal; it is never printed.
 */
export async function runUserToken(
  o: { config: ResolvedConfig; userName: string; application?: string; scopes?: string[]; json: boolean },
  io: CliIo,
  prompt: PasswordPrompt = terminalPrompt,
): Promise<number> {
  const user = configuredUser(o.config, o.userName);
  const { variable, value } = passwordFromEnv(user, io.env);
  const password = value ?? (await prompt(`Password of ${user.userName}: `));
  if (!password) {
    throw new UsageError(
      `no password ` +
        `for ${user.userName}: ${variable ? `$${variable} is not set` : 'the user is invited (no password in the configuration)'} ` +
        `and stdin is not a terminal`,
      {
        hint: variable
          ? `export ${variable} (never commit it), or run in a terminal to be asked`
          : 'run in a terminal to be asked for the password',
      },
    );
  }
  const token = await requestUserToken({
    config: o.config,
    credentials: adminCredentialsFromEnv(io.env),
    userName: user.userName,
    password,
    application: o.application,
    scopes: o.scopes,
    transport: transportFromEnv(io.env),
    signal: io.signal,
  });
  if (o.json) {
    io.stdout.write(
      `${JSON.stringify({ access_token: token.accessToken, token_type: 'Bearer', scope: token.scope, expires_in: token.expiresIn })}\n`,
    );
  } else {
    io.stdout.write(`${token.accessToken}\n`);
    io.stderr.write(
      `${user.userName} signed in through ${token.application}; ` +
        `scope: ${token.scope || '(none granted)'}; expires in ${token.expiresIn} s\n`,
    );
  }
  return EXIT_OK;
}

/** Asks on the terminal with echo off (stdin raw mode); no terminal → undefined. */
export const terminalPrompt: PasswordPrompt = async (question) => {
  const stdin = process.stdin;
  if (!stdin.isTTY) return undefined;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    let typed = '';
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return typed;
        if (ch === '\u0003') throw new UsageError('interrupted (Ctrl-C)');
        if (ch === '\u007f') typed = typed.slice(0, -1);
        else typed += ch;
      }
    }
    return typed;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
};
