/**
 * Credential delivery against the local Asgardeo and the local AWS's Secrets Manager (through the
 * real AWS SDK): the first run writes the value, a rerun writes nothing anywhere and reads no client
 * secret, a secret replaced in Asgardeo is noticed and rewritten, a missing secret is a clear error.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { applyAsgardeo } from '../../asgardeo';
import { startHarness, fastTransport, type Harness } from '../../asgardeo/__tests__/helpers';
import type { ResolvedConfig } from '../../config';
import { startLocalAws, type LocalAws } from '../../sandbox/aws';
import { DUMMY_CREDENTIALS } from '../../sandbox/aws/provider-override';
import { GatewayRunner } from '../../sandbox/local/gateway-runner';
import { UserError } from '../../errors';
import { DeployError, runDeploy } from '../pipeline';
import { DeployDelivery, deliverCredentials, deliveredClientToken, deliveryPlanLines, parseDelivered } from '../secret-delivery';
import { FakeRunner, FakeSide, GOOD_ENV, exampleConfig, startStandIn, tmpDir } from './helpers';
import { decodeJwt } from 'jose';
import { secretsManagerStore, SecretStoreError, type AwsSdkTarget } from '../secrets-manager-store';

const SECRET = 'tollgate/test/pharmacy-reader';

describe('credential delivery to Secrets Manager', () => {
  let h: Harness;
  let aws: LocalAws;
  let config: ResolvedConfig;
  let target: AwsSdkTarget;

  beforeAll(async () => {
    h = await startHarness();
    aws = await startLocalAws();
    target = {
      endpoint: aws.endpoint,
      credentials: { accessKeyId: DUMMY_CREDENTIALS.access_key, secretAccessKey: DUMMY_CREDENTIALS.secret_key },
    };
    config = {
      ...h.config,
      clients: h.config.clients.map((c) =>
        c.name === 'pharmacy-reader'
          ? { ...c, credentials: { awsSecretsManager: { name: SECRET, nameSource: 'configured', readers: [] } } }
          : c,
      ),
    };
    await applyAsgardeo(h.options({ config }));
    const sm = new SecretsManagerClient({ endpoint: aws.endpoint, region: config.aws.region, credentials: target.credentials });
    await sm.send(new CreateSecretCommand({ Name: SECRET }));
    sm.destroy();
  }, 60_000);
  afterAll(async () => {
    await aws?.stop();
    await h?.stop();
  });

  const appId = async (name: string): Promise<string> =>
    (await h.call('GET', `/api/server/v1/applications?filter=${encodeURIComponent(`name eq ${name}`)}`)).body.applications[0].id as string;

  const tokenRequestScopes = () =>
    h.la.requests
      .entries()
      .filter((e) => e.path.endsWith('/oauth2/token'))
      .map((e) => String((e.requestBody as Record<string, unknown> | undefined)?.scope ?? ''));

  it('the plan line names the secret and no value', () => {
    expect(deliveryPlanLines(config)).toEqual([
      `credentials: will be written to ${SECRET} (client pharmacy-reader; only if the stored value is stale)`,
    ]);
  });

  it('writes once; a rerun writes nothing to Asgardeo or Secrets Manager and never asks for the secret-view scope', async () => {
    const store = secretsManagerStore({ region: config.aws.region, target });
    const lines: string[] = [];
    const first = await deliverCredentials({
      config,
      credentials: h.la.admin,
      store,
      transport: fastTransport(),
      progress: (l) => lines.push(l),
    });
    expect(first).toEqual([{ client: 'pharmacy-reader', secret: SECRET, action: 'written' }]);
    expect(store.counts.writes).toBe(1);

    const value = parseDelivered(await store.read(SECRET))!;
    const oidc = (await h.call('GET', `/api/server/v1/applications?filter=${encodeURIComponent('name eq pharmacy-reader')}`)).body;
    const appId = oidc.applications[0].id as string;
    const inAsgardeo = (await h.call('GET', `/api/server/v1/applications/${appId}/inbound-protocols/oidc`)).body;
    expect(value).toEqual({
      client_id: inAsgardeo.clientId,
      client_secret: inAsgardeo.clientSecret,
      token_endpoint: config.asgardeo.tokenEndpoint,
      scope: 'get_pharmacy_user',
      audience: config.apiResource.identifier,
    });
    expect(lines.join('\n')).not.toContain(value.client_secret);

    h.la.requests.clear();
    const before = { ...store.counts };
    const rerun = await deliverCredentials({ config, credentials: h.la.admin, store, transport: fastTransport() });
    expect(rerun).toEqual([{ client: 'pharmacy-reader', secret: SECRET, action: 'unchanged' }]);
    expect(store.counts.writes).toBe(before.writes);
    expect(h.la.requests.writes()).toBe(0);
    expect(tokenRequestScopes().some((s) => s.includes('internal_application_mgt_client_secret_view'))).toBe(false);
  });

  it('a secret replaced in Asgardeo (regenerate-secret) is noticed by its failing token and rewritten', async () => {
    const store = secretsManagerStore({ region: config.aws.region, target });
    const old = parseDelivered(await store.read(SECRET))!;
    const apps = (await h.call('GET', `/api/server/v1/applications?filter=${encodeURIComponent('name eq pharmacy-reader')}`)).body;
    await h.call('POST', `/api/server/v1/applications/${apps.applications[0].id}/inbound-protocols/oidc/regenerate-secret`, {});
    const result = await deliverCredentials({ config, credentials: h.la.admin, store, transport: fastTransport() });
    expect(result[0]!.action).toBe('written');
    const fresh = parseDelivered(await store.read(SECRET))!;
    expect(fresh.client_secret).not.toBe(old.client_secret);
    expect(fresh.client_id).toBe(old.client_id);
    expect(await store.read(SECRET, 'AWSPREVIOUS')).toContain(old.client_secret);
  });

  it("the smoke test's token for a delivering client comes from the delivered value, read from Secrets Manager", async () => {
    const store = secretsManagerStore({ region: config.aws.region, target });
    const stored = parseDelivered(await store.read(SECRET))!;
    const reads = store.counts.reads;
    h.la.requests.clear();
    const token = await deliveredClientToken({ config, client: 'pharmacy-reader', store, transport: fastTransport() });
    expect(store.counts.reads).toBe(reads + 1);
    expect(decodeJwt(token!.accessToken).client_id).toBe(stored.client_id);
    // Only the token endpoint was called: no management API read of the client's secret.
    expect(h.la.requests.entries().map((e) => e.path)).toEqual(['/t/pharmacy/oauth2/token']);
    expect(await deliveredClientToken({ config, client: 'pharmacy-admin', store })).toBeUndefined();
  });

  it("the deploy's delivery writes where the runner's AWS SDK target is, and reports what is not delivered yet", async () => {
    const store = secretsManagerStore({ region: config.aws.region, target });
    const before = parseDelivered(await store.read(SECRET))!;
    await h.call('POST', `/api/server/v1/applications/${await appId('pharmacy-reader')}/inbound-protocols/oidc/regenerate-secret`, {});
    let asked = 0;
    const undelivered: (readonly string[])[] = [];
    const delivery = new DeployDelivery({
      runner: { awsSdkTarget: async () => (asked++, target) },
      env: {},
      write: () => undefined,
    });
    await delivery.deliver(config, h.la.admin, (u) => undelivered.push(u));
    expect(undelivered).toEqual([[SECRET], []]);
    expect(parseDelivered(await store.read(SECRET))!.client_secret).not.toBe(before.client_secret);
    // One store per run: the smoke test's read goes to the same target without asking the runner again.
    expect(await delivery.clientToken(config, 'pharmacy-reader')).toMatchObject({ scope: 'get_pharmacy_user' });
    expect(asked).toBe(1);
  });

  it('the gateway-only runner refuses delivery instead of real AWS; without deliveries it is never asked', async () => {
    const gateway = new GatewayRunner({ config: () => config, outdir: tmpDir() });
    const undelivered: (readonly string[])[] = [];
    const delivery = new DeployDelivery({ runner: gateway, env: {}, write: () => undefined });
    const err = await delivery.deliver(config, h.la.admin, (u) => undelivered.push(u)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain('has no Secrets Manager');
    expect((err as UserError).hint).toContain('terraform');
    expect(undelivered).toEqual([[SECRET]]);
    const none = { ...config, clients: config.clients.map(({ credentials: _, ...c }) => c) };
    await expect(delivery.deliver(none, h.la.admin, () => undefined)).resolves.toBeUndefined();
    await expect(delivery.clientToken(none, 'pharmacy-reader')).resolves.toBeUndefined();
  });

  it('a failed delivery stops the deploy at the Asgardeo step, saying which secrets are not delivered yet', async () => {
    const example = exampleConfig('dev');
    const delivering = {
      ...example,
      clients: example.clients.map((c) =>
        c.name === 'pharmacy-reader'
          ? { ...c, credentials: { awsSecretsManager: { name: SECRET, nameSource: 'configured' as const, readers: [] } } }
          : c,
      ),
    };
    const standIn = await startStandIn(delivering);
    try {
      const runner = new FakeRunner(delivering);
      runner.awsSdkTarget = async () => {
        throw new UserError('no Secrets Manager here', { hint: 'use the real path' });
      };
      const cwd = tmpDir();
      const err = await runDeploy({
        loadConfig: () => delivering,
        runner,
        side: new FakeSide(standIn),
        env: GOOD_ENV,
        cwd,
        home: cwd,
        yes: true,
        interactive: false,
        prompt: async () => 'yes',
        smoke: true,
        resumeCommand: (from) => `tollgate deploy${from ? ` --from ${from}` : ''}`,
        write: () => undefined,
        fetch: standIn.fetch,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeployError);
      const e = err as DeployError;
      expect(e.step).toBe('asgardeo');
      expect(e.message).toContain('no Secrets Manager here');
      expect(e.state.asgardeo).toMatchObject({ kind: 'applied', undelivered: [SECRET] });
      expect(e.message).toContain(`client credentials not yet delivered to ${SECRET}`);
      expect(e.resume).toContain('--from asgardeo');
    } finally {
      await standIn.stop();
    }
  });

  it('a secret the stack has not created is a UserError saying to deploy the AWS side', async () => {
    const store = secretsManagerStore({ region: config.aws.region, target });
    const missing = {
      ...config,
      clients: config.clients.map((c) =>
        c.credentials ? { ...c, credentials: { awsSecretsManager: { ...c.credentials.awsSecretsManager, name: 'not/created' } } } : c,
      ),
    };
    const err = await deliverCredentials({ config: missing, credentials: h.la.admin, store, transport: fastTransport() }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SecretStoreError);
    expect((err as Error).message).toContain('"not/created" does not exist');
    expect((err as SecretStoreError).hint).toContain('deploy the AWS side first');
  });
});
