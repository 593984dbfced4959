import * as fs from 'node:fs';
import * as path from 'node:path';
import { adminCredentialsFromEnv, transportFromEnv } from '../../asgardeo';
import { DEFAULT_ASGARDEO_BASE_URL } from '../../config';
import { readExportedSetup, renderConfigFragment } from '../../export';
import { BASE_OPTIONS, parseCommandArgs, reportError, UsageError } from '../args';
import { configFile, configFromFlags } from '../context';
import { EXIT_OK, type CliIo } from '../io';

export const summary = 'Print a tollgate.config.ts fragment for an API resource set up by hand in Asgardeo (reads only)';

const USAGE = `Usage: tollgate export --api <identifier or name> [--out <file>] [--organization <name>] [--env <name>] [--config <file>]

Reads one API resource of the organization with view-only management scopes, and prints the
properties of a \`defineConfig({...})\` that take it over: asgardeo, scopes, apiResource, the
applications authorized for it (machine clients as \`clients\`, single-page and web apps as
\`applications\`), the roles granting its scopes and their users. Never a client secret or password.
Each "NOTE:" comment is something tollgate would change when it takes the setup over; add aws,
routes and environments, then run \`npx tollgate plan --adopt\` to see those changes before applying.

  --api <id or name>     the API resource: its identifier (e.g. the invoke URL) or its name
  --out <file>           write the fragment to this file instead of stdout (never overwrites one)
  --organization <name>  the Asgardeo organization; default: asgardeo.organization of the configuration
Environment: ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET (admin M2M app with the view scopes of the
API Resource, Application, SCIM2 Roles and SCIM2 Users management APIs), ASGARDEO_BASE_URL
`;

const EXPORT_OPTIONS = {
  api: { type: 'string' },
  out: { type: 'string' },
  organization: { type: 'string' },
} as const;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, EXPORT_OPTIONS, BASE_OPTIONS);
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    if (typeof values.api !== 'string' || !values.api.trim())
      throw new UsageError('--api is required: the identifier or the name of the API resource to export');
    const out = typeof values.out === 'string' ? path.resolve(io.cwd, values.out) : undefined;
    if (out && fs.existsSync(out)) {
      throw new UsageError(`${values.out} already exists; export never overwrites a file: choose another --out, or remove it first`);
    }
    if (out && !fs.statSync(path.dirname(out), { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`the folder of --out ${values.out} does not exist: create it first, or choose another --out`);
    }
    const { organization, baseUrl } = organizationOf(values, io);
    const { setup, requests } = await readExportedSetup({
      baseUrl,
      organization,
      credentials: adminCredentialsFromEnv(io.env),
      api: values.api.trim(),
      transport: transportFromEnv(io.env),
      signal: io.signal,
      progress: (line) => io.stderr.write(`  ${line}\n`),
    });
    const { text, notes } = renderConfigFragment(setup);
    if (out) {
      // Written whole or not at all: a temporary file beside it, then a rename.
      const tmp = `${out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, out);
    } else {
      io.stdout.write(text);
    }
    const where = out ? `written to ${path.relative(io.cwd, out) || out}` : 'printed above';
    io.stderr.write(
      `Exported "${setup.apiResource.name}": ${setup.applications.length} application(s), ${setup.roles.length} role(s) ` +
        `(${requests} read-only requests), ${where}.\n`,
    );
    if (notes.length > 0) {
      io.stderr.write(
        `Taking it over would change ${notes.length} thing(s) (the NOTE comments):\n${notes.map((n) => `  - ${n}\n`).join('')}`,
      );
    }
    io.stderr.write('Next: put it in tollgate.config.ts with aws, routes and environments, then run `npx tollgate plan --adopt`.\n');
    return EXIT_OK;
  } catch (err) {
    return reportError('export', err, io, USAGE);
  }
}

/** --organization (with ASGARDEO_BASE_URL), else the configuration's asgardeo settings. */
function organizationOf(
  values: { organization?: unknown; env?: unknown; config?: unknown },
  io: CliIo,
): { organization: string; baseUrl: string } {
  const baseFromEnv = io.env.ASGARDEO_BASE_URL?.replace(/\/+$/, '');
  if (typeof values.organization === 'string' && values.organization) {
    return { organization: values.organization, baseUrl: baseFromEnv || DEFAULT_ASGARDEO_BASE_URL };
  }
  if (!fs.existsSync(configFile(values, io))) {
    throw new UsageError('--organization is required when there is no tollgate.config.ts (or --config) to read asgardeo.organization from');
  }
  const config = configFromFlags(values, io);
  return { organization: config.asgardeo.organization, baseUrl: config.asgardeo.baseUrl };
}
