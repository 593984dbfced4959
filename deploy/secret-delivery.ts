/**
 * Credential delivery: after the reconciler has applied Asgardeo, each client that asks for it gets
 * its credentials written to its Secrets Manager secret (created by the stack, without a value) as
 * JSON: client_id, client_secret, token_endpoint, scope, audience. Written only when the stored
 * value is stale: a stored value whose non-secret fields match and whose secret still gets a token
 * is left alone, so a rerun writes nothing and reads no client secret (the secret-view scope is
 * used only when a value must be written).
 */
import type { ResolvedClient, ResolvedConfig } from '../config';
import {
  credentialsAuthenticate,
  findClientApp,
  readCurrentSecret,
  secretSession,
  SECRET_VIEW_SCOPE,
  tokenFromCredentials,
} from '../asgardeo/client-secrets';
import { transportFromEnv, type AdminCredentials, type TransportOptions } from '../asgardeo';
import type { InfraRunner } from './infra-runner';
import { SecretStoreError, secretsManagerStore, type SecretStore } from './secrets-manager-store';

/** The secret's JSON, keys in this order. */
export interface DeliveredCredentials {
  client_id: string;
  client_secret: string;
  token_endpoint: string;
  scope: string;
  audience: string;
}

export interface DeliveryResult {
  client: string;
  secret: string;
  action: 'written' | 'unchanged';
}

/** Clients that ask for delivery, with their secret names. */
export function deliveringClients(config: ResolvedConfig): { client: ResolvedClient; secret: string }[] {
  return config.clients.flatMap((client) => (client.credentials ? [{ client, secret: client.credentials.awsSecretsManager.name }] : []));
}

/** The plan's lines: where credentials go, never what they are. */
export function deliveryPlanLines(config: ResolvedConfig): string[] {
  return deliveringClients(config).map(
    ({ client, secret }) => `credentials: will be written to ${secret} (client ${client.name}; only if the stored value is stale)`,
  );
}

export function credentialValue(config: ResolvedConfig, client: ResolvedClient, clientId: string, clientSecret: string): string {
  const value: DeliveredCredentials = {
    client_id: clientId,
    client_secret: clientSecret,
    token_endpoint: config.asgardeo.tokenEndpoint,
    scope: client.scopes.join(' '),
    audience: config.apiResource.identifier,
  };
  return JSON.stringify(value);
}

export function parseDelivered(raw: string | undefined): DeliveredCredentials | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<DeliveredCredentials>;
    const fields = ['client_id', 'client_secret', 'token_endpoint', 'scope', 'audience'] as const;
    return fields.every((f) => typeof v[f] === 'string') ? (v as DeliveredCredentials) : undefined;
  } catch {
    return undefined;
  }
}

export interface DeliveryOptions {
  config: ResolvedConfig;
  credentials: AdminCredentials;
  store: SecretStore;
  transport?: TransportOptions;
  signal?: AbortSignal;
  progress?: (line: string) => void;
  /** Hears each client's result as soon as it is known. */
  delivered?: (result: DeliveryResult) => void;
}

export async function deliverCredentials(o: DeliveryOptions): Promise<DeliveryResult[]> {
  const targets = deliveringClients(o.config);
  if (targets.length === 0) return [];
  const results: DeliveryResult[] = [];
  // View scope only: finding the apps reads no secret.
  const viewer = await secretSession({
    config: o.config,
    credentials: o.credentials,
    scopes: [],
    transport: o.transport,
    signal: o.signal,
  });
  let secretReader: Awaited<ReturnType<typeof secretSession>> | undefined;
  for (const { client, secret } of targets) {
    const app = await findClientApp(viewer, o.config, client.name);
    const stored = parseDelivered(await o.store.read(secret));
    const fresh =
      stored !== undefined &&
      stored.client_id === app.clientId &&
      stored.token_endpoint === o.config.asgardeo.tokenEndpoint &&
      stored.scope === client.scopes.join(' ') &&
      stored.audience === o.config.apiResource.identifier &&
      (await credentialsAuthenticate({
        config: o.config,
        clientId: stored.client_id,
        clientSecret: stored.client_secret,
        clientName: client.name,
        scopes: client.scopes,
        transport: o.transport,
        signal: o.signal,
      }));
    if (fresh) {
      const result: DeliveryResult = { client: client.name, secret, action: 'unchanged' };
      results.push(result);
      o.delivered?.(result);
      o.progress?.(`credentials of ${client.name}: ${secret} is up to date`);
      continue;
    }
    secretReader ??= await secretSession({
      config: o.config,
      credentials: o.credentials,
      scopes: [SECRET_VIEW_SCOPE],
      transport: o.transport,
      signal: o.signal,
    });
    const value = credentialValue(o.config, client, app.clientId, await readCurrentSecret(secretReader, app));
    await o.store.write(secret, value);
    const result: DeliveryResult = { client: client.name, secret, action: 'written' };
    results.push(result);
    o.delivered?.(result);
    o.progress?.(`credentials of ${client.name}: written to ${secret}`);
  }
  return results;
}

/**
 * The smoke test's token for a delivering client, from the credentials in its secret (as the
 * workload reads them); undefined for a client without delivery.
 */
export async function deliveredClientToken(o: {
  config: ResolvedConfig;
  client: string;
  store: SecretStore;
  transport?: TransportOptions;
  signal?: AbortSignal;
}): Promise<{ accessToken: string; scope: string } | undefined> {
  const target = deliveringClients(o.config).find((t) => t.client.name === o.client);
  if (!target) return undefined;
  const stored = parseDelivered(await o.store.read(target.secret));
  if (!stored)
    throw new SecretStoreError(`the secret ${target.secret} holds no credentials of client ${o.client}`, {
      hint: 'run the whole deploy again: its Asgardeo step writes them',
    });
  const token = await tokenFromCredentials({
    config: o.config,
    clientId: stored.client_id,
    clientSecret: stored.client_secret,
    clientName: o.client,
    scopes: stored.scope.split(' ').filter(Boolean),
    transport: o.transport,
    signal: o.signal,
  });
  return { accessToken: token.accessToken, scope: token.scope };
}

/**
 * Delivery as one deploy runs it: the Asgardeo step delivers after the reconciler's apply, and the
 * smoke test takes a delivering client's token from the delivered value, as its workload would. The
 * store is made on first use, at the runner's AWS SDK target: a configuration without deliveries
 * never reaches AWS from here, and a runner with no AWS API behind it refuses instead of real AWS.
 */
export class DeployDelivery {
  private store?: Promise<SecretStore>;

  constructor(
    private readonly o: {
      runner: Pick<InfraRunner, 'awsSdkTarget'>;
      /** Where delivered credentials are written. @default Secrets Manager at the runner's awsSdkTarget */
      secretStore?: SecretStore;
      env: NodeJS.ProcessEnv;
      signal?: AbortSignal;
      write: (text: string) => void;
    },
  ) {}

  private secretStore(config: ResolvedConfig): Promise<SecretStore> {
    this.store ??= this.o.secretStore
      ? Promise.resolve(this.o.secretStore)
      : this.o.runner.awsSdkTarget().then((target) => secretsManagerStore({ region: config.aws.region, target }));
    return this.store;
  }

  /**
   * Writes each delivering client's stale credentials. `undelivered` hears the secrets not written
   * or confirmed yet (all of them first, none at the end), for the deploy's state report.
   */
  async deliver(config: ResolvedConfig, credentials: AdminCredentials, undelivered: (secrets: readonly string[]) => void): Promise<void> {
    const targets = deliveringClients(config);
    if (targets.length === 0) return;
    const pending = targets.map((t) => t.secret);
    undelivered([...pending]);
    await deliverCredentials({
      config,
      credentials,
      store: await this.secretStore(config),
      transport: transportFromEnv(this.o.env),
      signal: this.o.signal,
      progress: (line) => this.o.write(`  ${line}\n`),
      delivered: (r) => {
        pending.splice(pending.indexOf(r.secret), 1);
        undelivered([...pending]);
      },
    });
  }

  /** The smoke test's token for `client` from its delivered value; undefined for a client without delivery. */
  async clientToken(config: ResolvedConfig, client: string): Promise<{ accessToken: string; scope: string } | undefined> {
    if (!deliveringClients(config).some((t) => t.client.name === client)) return undefined;
    return deliveredClientToken({
      config,
      client,
      store: await this.secretStore(config),
      transport: transportFromEnv(this.o.env),
      signal: this.o.signal,
    });
  }
}
