/**
 * `tollgate rotate-secret`: rotation without downtime for a client whose credentials are delivered
 * to Secrets Manager. Step one issues a second Asgardeo secret, writes it to the client's secret
 * (the old value stays as AWSPREVIOUS) and proves it gets a token; both secrets work until step
 * two (`--retire-previous`) deletes the older Asgardeo secret once AWSCURRENT holds the newest.
 * A server without the multiple-secrets endpoints gets `regenerate-secret` only with `yes`.
 * Nothing here prints or returns a secret.
 */
import type { ResolvedConfig } from '../config';
import type { AdminCredentials, TransportOptions } from '../asgardeo';
import {
  createClientSecret,
  deleteClientSecret,
  findClientApp,
  listClientSecrets,
  readCurrentSecret,
  regenerateClientSecret,
  secretSession,
  SECRET_CREATE_SCOPE,
  SECRET_DELETE_SCOPE,
  SECRET_VIEW_SCOPE,
  tokenFromCredentials,
  credentialsAuthenticate,
} from '../asgardeo/client-secrets';
import { UserError } from '../errors';
import { credentialValue, parseDelivered } from './secret-delivery';
import type { SecretStore } from './secrets-manager-store';

export interface RotateOptions {
  config: ResolvedConfig;
  credentials: AdminCredentials;
  client: string;
  store: SecretStore;
  /** Seconds until the new Asgardeo secret expires; undefined: never. */
  expiresInSeconds?: number;
  /** Accept `regenerate-secret` (old secret and its tokens stop at once) where the server has no multiple-secrets endpoints. */
  yes?: boolean;
  transport?: TransportOptions;
  signal?: AbortSignal;
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
  write: (line: string) => void;
}

export class RotationError extends UserError {}

/** Parses `90d`, `12h`, `30m`, `45s` into seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([dhms])$/.exec(text.trim());
  const unit = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;
  if (!m || Number(m[1]) <= 0)
    throw new RotationError(`"${text}" is not a duration`, { hint: 'give a positive number with d, h, m or s, e.g. --expires-in 90d' });
  return Number(m[1]) * unit[m[2] as keyof typeof unit];
}

const expiry = (at: number): string => (at ? `, expires ${new Date(at * 1000).toISOString()}` : '');

function deliveryOf(config: ResolvedConfig, client: string): string {
  const found = config.clients.find((c) => c.name === client);
  if (!found) {
    const known = config.clients.map((c) => c.name);
    throw new RotationError(`unknown client "${client}" (environment ${config.environment})`, {
      hint: `use one of: ${known.join(', ') || 'none configured'}`,
    });
  }
  if (!found.credentials)
    throw new RotationError(`client "${client}" has no credential delivery, so no workload would receive a new secret`, {
      hint: `add credentials: { awsSecretsManager: {} } to the client in ${config.file} and deploy, then rotate`,
    });
  return found.credentials.awsSecretsManager.name;
}

export async function rotateSecret(o: RotateOptions): Promise<{ mode: 'overlap' | 'regenerated'; secretId?: string }> {
  const secretName = deliveryOf(o.config, o.client);
  const client = o.config.clients.find((c) => c.name === o.client)!;
  const session = await secretSession({ ...o, scopes: [SECRET_VIEW_SCOPE, SECRET_CREATE_SCOPE] });
  const app = await findClientApp(session, o.config, o.client);
  // Read before any write: the secret must exist and be readable (no half-rotation on a missing permission).
  await o.store.read(secretName);
  const existing = await listClientSecrets(session, app);
  const nowSeconds = Math.floor((o.now ?? Date.now)() / 1000);
  const expiresAt = o.expiresInSeconds ? nowSeconds + o.expiresInSeconds : undefined;
  let mode: 'overlap' | 'regenerated';
  let newSecret: string;
  let secretId: string | undefined;
  if (existing === undefined) {
    if (!o.yes)
      throw new RotationError(
        `Asgardeo at ${o.config.asgardeo.baseUrl} has no multiple-client-secrets endpoints: ` +
          `"${o.client}" cannot hold two secrets at once`,
        {
          hint:
            'the only way left is regenerate-secret, which stops the old secret and every token issued with it at once (downtime until ' +
            'the workload reads the new value); rerun with --yes to accept that',
        },
      );
    o.write(`warning: no multiple-secrets support: regenerating; the old secret of ${o.client} and its tokens stop now`);
    newSecret = await regenerateClientSecret(session, app);
    mode = 'regenerated';
  } else {
    const max = 2;
    if (existing.length >= max)
      throw new RotationError(`client "${o.client}" already holds ${existing.length} secrets (Asgardeo allows ${max})`, {
        hint: `finish the previous rotation first: \`npx tollgate rotate-secret --client ${o.client} --retire-previous\``,
      });
    const created = await createClientSecret(session, app, expiresAt);
    newSecret = created.secretValue;
    secretId = created.secretId;
    mode = 'overlap';
    o.write(`created a new Asgardeo secret for ${o.client} (id ${created.secretId}${expiry(created.expiresAt)})`);
  }
  await o.store.write(secretName, credentialValue(o.config, client, app.clientId, newSecret));
  o.write(`wrote it to ${secretName} (AWSCURRENT; the previous value is AWSPREVIOUS)`);
  const token = await tokenFromCredentials({
    config: o.config,
    clientId: app.clientId,
    clientSecret: newSecret,
    clientName: o.client,
    scopes: client.scopes,
    transport: o.transport,
    signal: o.signal,
  });
  o.write(`the new secret gets a token (scope: ${token.scope || 'none'})`);
  if (mode === 'overlap')
    o.write(
      `next: let the workloads pick up the new value (restart them or wait for their cache to expire); both secrets work until ` +
        `\`npx tollgate rotate-secret --client ${o.client} --env ${o.config.environment} --retire-previous\``,
    );
  return { mode, secretId };
}

export async function retirePreviousSecret(o: RotateOptions): Promise<{ retired: number }> {
  const secretName = deliveryOf(o.config, o.client);
  const client = o.config.clients.find((c) => c.name === o.client)!;
  const session = await secretSession({ ...o, scopes: [SECRET_VIEW_SCOPE, SECRET_DELETE_SCOPE] });
  const app = await findClientApp(session, o.config, o.client);
  const list = await listClientSecrets(session, app);
  if (list === undefined)
    throw new RotationError(
      `Asgardeo at ${o.config.asgardeo.baseUrl} has no multiple-client-secrets endpoints: there is no previous secret to retire`,
      {
        hint: 'nothing to do (regenerate-secret already removed the old one)',
      },
    );
  const older = list.filter((s) => !s.latest);
  if (older.length === 0) {
    o.write(`${o.client} holds one secret: nothing to retire`);
    return { retired: 0 };
  }
  const current = parseDelivered(await o.store.read(secretName));
  const latest = await readCurrentSecret(session, app);
  if (!current || current.client_id !== app.clientId || current.client_secret !== latest)
    throw new RotationError(
      `${secretName} (AWSCURRENT) does not hold the newest secret of "${o.client}": retiring the older one would break its workloads`,
      {
        hint: `run \`npx tollgate rotate-secret --client ${o.client}\` to finish step one (or a deploy: it rewrites a stale value)`,
      },
    );
  for (const s of older) await deleteClientSecret(session, app, s.secretId);
  o.write(`deleted ${older.length} older Asgardeo secret${older.length === 1 ? '' : 's'} of ${o.client}`);
  const previous = parseDelivered(await o.store.read(secretName, 'AWSPREVIOUS'));
  if (previous && previous.client_secret !== latest) {
    const stillWorks = await credentialsAuthenticate({
      config: o.config,
      clientId: previous.client_id,
      clientSecret: previous.client_secret,
      clientName: o.client,
      scopes: client.scopes,
      transport: o.transport,
      signal: o.signal,
    });
    o.write(
      stillWorks
        ? 'warning: the previous value in AWSPREVIOUS still gets a token'
        : 'the previous value (AWSPREVIOUS) is now refused by the token endpoint',
    );
  }
  return { retired: older.length };
}
