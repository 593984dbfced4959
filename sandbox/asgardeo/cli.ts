/**
 * `npm run asgardeo:local -- [--port 4180] [--org pharmacy] [--rate-limit 200] [--roles-api v3]`
 * Starts the local Asgardeo in the foreground and prints how to reach it. Ctrl-C stops it.
 */
import { startLocalAsgardeo } from './index';

const DEFAULT_PORT = 4180;

interface CliOptions {
  port: number;
  organization: string;
  host: string;
  rateLimitPerMinute: number | null;
  /** The Roles API the admin application is authorized for (`--roles-api`, or ASGARDEO_ROLES_API). */
  adminRolesApi: 'v2' | 'v3';
}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const options: CliOptions = {
    port: env.PORT ? Number(env.PORT) : DEFAULT_PORT,
    organization: env.ASGARDEO_ORG || 'pharmacy',
    host: '127.0.0.1',
    rateLimitPerMinute: null,
    adminRolesApi: env.ASGARDEO_ROLES_API === 'v3' ? 'v3' : 'v2',
  };
  if (env.ASGARDEO_ROLES_API && env.ASGARDEO_ROLES_API !== 'v2' && env.ASGARDEO_ROLES_API !== 'v3')
    throw new Error(`ASGARDEO_ROLES_API must be v2 or v3, got '${env.ASGARDEO_ROLES_API}'.`);
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value.`);
      return v;
    };
    switch (flag) {
      case '--port':
        options.port = Number(value());
        break;
      case '--org':
      case '--organization':
        options.organization = value();
        break;
      case '--host':
        options.host = value();
        break;
      case '--rate-limit':
        options.rateLimitPerMinute = Number(value());
        break;
      case '--roles-api': {
        const v = value();
        if (v !== 'v2' && v !== 'v3')
          throw new Error(`--roles-api must be v2 or v3 (the SCIM2 Roles API the admin is authorized for), got '${v}'.`);
        options.adminRolesApi = v;
        break;
      }
      case '--help':
      case '-h':
        throw new HelpRequested();
      default:
        throw new Error(
          `Unknown option '${arg}'. Options: --port <n> (or PORT), --org <name> (or ASGARDEO_ORG), --host <ip>, ` +
            '--rate-limit <per minute>, --roles-api v2|v3 (or ASGARDEO_ROLES_API).',
        );
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
    throw new Error(`Invalid port '${options.port}': use 0-65535.`);
  if (options.rateLimitPerMinute !== null && (!Number.isInteger(options.rateLimitPerMinute) || options.rateLimitPerMinute <= 0)) {
    throw new Error('--rate-limit must be a positive integer (requests per minute per client and API family).');
  }
  return options;
}

class HelpRequested extends Error {}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(
        'Usage: npm run asgardeo:local -- [--port 4180] [--org pharmacy] [--host 127.0.0.1] [--rate-limit 200] [--roles-api v2|v3]',
      );
      console.log('Admin credentials come from ASGARDEO_CLIENT_ID / ASGARDEO_CLIENT_SECRET, or are generated.');
      return;
    }
    console.error(`asgardeo:local: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const fromEnv = Boolean(process.env.ASGARDEO_CLIENT_ID && process.env.ASGARDEO_CLIENT_SECRET);
  let server;
  try {
    server = await startLocalAsgardeo({
      organization: options.organization,
      host: options.host,
      port: options.port,
      rateLimitPerMinute: options.rateLimitPerMinute,
      adminRolesApi: options.adminRolesApi,
      adminClientId: process.env.ASGARDEO_CLIENT_ID,
      adminClientSecret: process.env.ASGARDEO_CLIENT_SECRET,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ` Port ${options.port} is in use: pick another with --port or PORT (0 = any free port).` : '';
    console.error(`asgardeo:local: could not start: ${e.message}.${hint}`);
    process.exitCode = 1;
    return;
  }
  const org = server.organization;
  console.log(`Local Asgardeo for organization '${org}' is listening.`);
  console.log(`  base URL        ${server.baseUrl}`);
  console.log(`  issuer          ${server.issuer}`);
  console.log(`  token endpoint  ${server.baseUrl}/t/${org}/oauth2/token`);
  console.log(`  JWKS            ${server.baseUrl}/t/${org}/oauth2/jwks`);
  console.log(
    `  sign-in         ${server.baseUrl}/t/${org}/oauth2/authorize (login page), /oauth2/authn (app-native), ` +
      `${server.baseUrl}/t/${org}/oidc/logout`,
  );
  // The admin secret is printed deliberately: this is a throwaway local server and the person needs it.
  console.log(`  admin client id ${server.admin.clientId}${fromEnv ? ' (from ASGARDEO_CLIENT_ID)' : ''}`);
  console.log(`  admin secret    ${fromEnv ? '(from ASGARDEO_CLIENT_SECRET)' : server.admin.clientSecret}`);
  console.log(`  admin roles API SCIM2 Roles ${server.adminRolesApi} (/scim2/${server.adminRolesApi}/Roles)`);
  console.log('');
  console.log('Use it with:');
  // One complete line: the target too, since the local Asgardeo's http issuer is refused on the aws target.
  console.log(`  ${exportLine(server.baseUrl, server.admin, fromEnv)}`);
  console.log('  npx tollgate plan      # or apply / destroy / token; --target local works in place of TOLLGATE_TARGET');
  console.log(
    `  curl -s -u "$ASGARDEO_CLIENT_ID:$ASGARDEO_CLIENT_SECRET" -d grant_type=client_credentials -d scope=SYSTEM ` +
      `${server.baseUrl}/t/${org}/oauth2/token`,
  );
  console.log('Press Ctrl-C to stop.');
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The shell line that points every tollgate command at this local Asgardeo (the secret only when generated here). */
export function exportLine(baseUrl: string, admin: { clientId: string; clientSecret: string }, secretFromEnv: boolean): string {
  const secret = secretFromEnv ? '' : ` ASGARDEO_CLIENT_SECRET=${admin.clientSecret}`;
  return `export TOLLGATE_TARGET=local ASGARDEO_BASE_URL=${baseUrl} ASGARDEO_CLIENT_ID=${admin.clientId}${secret}`;
}

if (require.main === module) void main();
