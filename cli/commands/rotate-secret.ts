import { adminCredentialsFromEnv, transportFromEnv } from '../../asgardeo';
import { parseDuration, retirePreviousSecret, rotateSecret } from '../../deploy/rotate-secret';
import { secretsManagerStore, type AwsSdkTarget } from '../../deploy/secrets-manager-store';
import type { ResolvedConfig } from '../../config';
import { BASE_OPTIONS, parseCommandArgs, reportError, UsageError } from '../args';
import { configFromFlags } from '../context';
import { EXIT_OK, type CliIo } from '../io';
import { localSandbox } from '../local-sandbox';
import { UserError } from '../../errors';

export const summary = "Rotate a delivered client's secret without downtime (a second secret, then --retire-previous)";

const USAGE = `Usage: tollgate rotate-secret --client <name> [--env <name>] [--expires-in <duration>] [--target aws|local] [--config <file>]
       tollgate rotate-secret --client <name> --retire-previous [--env <name>]

For a client with credentials: { awsSecretsManager: ... }. Step one creates a new Asgardeo client secret
(the old one keeps working), writes it to the client's Secrets Manager secret (the old value stays as
AWSPREVIOUS) and proves it gets a token. When the workloads use the new value, --retire-previous deletes
the older Asgardeo secret (after checking that AWSCURRENT holds the newest one).

  --expires-in <n>d|h|m|s  the new secret expires then (default: never)
  --retire-previous        step two: delete the older Asgardeo secret
  --yes                    where the server has no multiple-secrets endpoints, regenerate instead: the old
                           secret and every token issued with it stop at once
Never prints a secret. The local target needs a running \`npm run aws:local\` (TOLLGATE_LOCAL_AWS_URL).
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(
      argv,
      {
        client: { type: 'string' },
        'expires-in': { type: 'string' },
        'retire-previous': { type: 'boolean', default: false },
        yes: { type: 'boolean', short: 'y', default: false },
        target: { type: 'string' },
      },
      BASE_OPTIONS,
    );
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const config = configFromFlags(values, io);
    if (typeof values.client !== 'string') {
      const delivering = config.clients.filter((c) => c.credentials).map((c) => c.name);
      throw new UsageError(`--client is required (clients with delivered credentials: ${delivering.join(', ') || 'none'})`);
    }
    if (values['retire-previous'] && values['expires-in'] !== undefined)
      throw new UsageError('--expires-in applies to the new secret of step one, not to --retire-previous');
    const options = {
      config,
      credentials: adminCredentialsFromEnv(io.env),
      client: values.client,
      store: secretsManagerStore({ region: config.aws.region, target: sdkTargetOf(config, io) }),
      expiresInSeconds: typeof values['expires-in'] === 'string' ? parseDuration(values['expires-in']) : undefined,
      yes: values.yes === true,
      transport: transportFromEnv(io.env),
      signal: io.signal,
      write: (line: string) => io.stderr.write(`${line}\n`),
    };
    if (values['retire-previous']) await retirePreviousSecret(options);
    else await rotateSecret(options);
    return EXIT_OK;
  } catch (err) {
    return reportError('rotate-secret', err, io, USAGE);
  }
}

/** The local target's Secrets Manager is the running local AWS (TOLLGATE_LOCAL_AWS_URL); AWS itself otherwise. */
function sdkTargetOf(config: ResolvedConfig, io: CliIo): AwsSdkTarget | undefined {
  if (config.target !== 'local') return undefined;
  const sandbox = localSandbox();
  const url = io.env[sandbox.LOCAL_AWS_URL_VARIABLE]?.trim();
  if (!url)
    throw new UserError('the local target has no Secrets Manager to write to', {
      hint: 'run `npm run aws:local`, export TOLLGATE_LOCAL_AWS_URL as it prints, and deploy with --target local first',
    });
  return sandbox.localAwsSdkTarget(url);
}
