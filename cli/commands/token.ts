import { adminCredentialsFromEnv, requestClientToken, transportFromEnv } from '../../asgardeo';
import { parseCommandArgs, reportError, UsageError } from '../args';
import { configFromFlags } from '../context';
import { EXIT_OK, type CliIo } from '../io';
import { runUserToken } from '../user-token';

export const summary = 'Print an access token for a configured client or test user (for testing the API)';

const USAGE = `Usage: tollgate token --client <name> [--scope <scope>]... [--env <name>] [--config <file>] [--json]
       tollgate token --user <userName> [--app <application>] [--scope <scope>]... [--env <name>] [--config <file>] [--json]

--user signs a configured user in through the app-native flow of a user-facing application (the first
with appNativeAuthentication, or --app); the password comes from the variable the user's password.fromEnv
names, else a prompt on a terminal.

Prints the access token on stdout (with --json: {"access_token","token_type","scope","expires_in"}).
  curl -H "Authorization: Bearer $(npx tollgate token --client pharmacy-reader)" <stage url>/user
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, {
      client: { type: 'string' },
      user: { type: 'string' },
      app: { type: 'string' },
      scope: { type: 'string', multiple: true },
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const config = configFromFlags(values, io);
    if (typeof values.user === 'string') {
      if (values.client !== undefined) throw new UsageError('--user and --client cannot be used together');
      return await runUserToken({ config, userName: values.user, application: values.app, scopes: values.scope, json: !!values.json }, io);
    }
    if (typeof values.client !== 'string') {
      const clients = config.clients.map((c) => c.name);
      const users = config.users.map((u) => u.userName);
      throw new UsageError(
        `--client <name> or --user <userName> is required (configured clients: ${clients.join(', ') || 'none'}; ` +
          `users: ${users.join(', ') || 'none'})`,
      );
    }
    if (!config.clients.some((c) => c.name === values.client)) {
      const known = config.clients.map((c) => c.name);
      throw new UsageError(
        `unknown client "${values.client}" (environment ${config.environment}); configured clients: ${known.join(', ') || 'none'}`,
      );
    }
    const token = await requestClientToken({
      config,
      credentials: adminCredentialsFromEnv(io.env),
      client: values.client,
      scopes: values.scope,
      transport: transportFromEnv(io.env),
      signal: io.signal,
    });
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ access_token: token.accessToken, token_type: 'Bearer', scope: token.scope, expires_in: token.expiresIn })}\n`,
      );
    } else {
      io.stdout.write(`${token.accessToken}\n`);
      io.stderr.write(`scope: ${token.scope || '(none granted)'}; expires in ${token.expiresIn} s\n`);
    }
    return EXIT_OK;
  } catch (err) {
    return reportError('token', err, io, USAGE);
  }
}
