/**
 * `tollgate rotate-secret` through the CLI against the local Asgardeo and the local AWS's Secrets
 * Manager: step one leaves both secrets working and the workload's value new; step two refuses the
 * old one; a second step one before retiring is refused without writing; a server without the
 * multiple-secrets endpoints needs --yes. No secret in anything the command prints.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../../config';
import { validConfig } from '../../config/__tests__/support';
import { deliverCredentials, parseDelivered } from '../../deploy/secret-delivery';
import { secretsManagerStore } from '../../deploy/secrets-manager-store';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { startLocalAws } from '../../sandbox/aws';
import { LOCAL_AWS_SDK_CREDENTIALS } from '../../sandbox/local';
import { main } from '../main';
import { memoryIo } from '../io';

jest.setTimeout(60_000);
const SECRET = 'tollgate/rotate-test/reader';

async function tokenStatus(la: LocalAsgardeo, clientId: string, clientSecret: string): Promise<number> {
  const res = await fetch(`${la.baseUrl}/t/pharmacy/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=get_pharmacy_user',
  });
  return res.status;
}

async function setUp(multipleClientSecrets: boolean) {
  const la = await startLocalAsgardeo({ organization: 'pharmacy', multipleClientSecrets });
  const aws = await startLocalAws();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-rotate-'));
  const config = validConfig();
  config.clients[0].credentials = { awsSecretsManager: { name: SECRET } };
  fs.writeFileSync(path.join(dir, 'tollgate.config.js'), `module.exports = ${JSON.stringify(config)};\n`);
  const env: NodeJS.ProcessEnv = {
    ASGARDEO_CLIENT_ID: la.admin.clientId,
    ASGARDEO_CLIENT_SECRET: la.admin.clientSecret,
    ASGARDEO_BASE_URL: la.baseUrl,
    TOLLGATE_TARGET: 'local',
    TOLLGATE_CONFIG: path.join(dir, 'tollgate.config.js'),
    TOLLGATE_LOCAL_AWS_URL: aws.endpoint,
  };
  const run = async (...argv: string[]) => {
    const io = memoryIo({ env, cwd: dir });
    const code = await main(argv, io);
    return { code, out: io.out(), err: io.err() };
  };
  expect((await run('apply')).code).toBe(0);
  const resolved = loadConfig({ file: env.TOLLGATE_CONFIG!, environment: env });
  // What the deploy does: the stack creates the secret, the delivery step writes its value.
  const sm = new SecretsManagerClient({ endpoint: aws.endpoint, region: resolved.aws.region, credentials: LOCAL_AWS_SDK_CREDENTIALS });
  await sm.send(new CreateSecretCommand({ Name: SECRET }));
  sm.destroy();
  const store = secretsManagerStore({
    region: resolved.aws.region,
    target: { endpoint: aws.endpoint, credentials: LOCAL_AWS_SDK_CREDENTIALS },
  });
  await deliverCredentials({ config: resolved, credentials: la.admin, store });
  const stop = async () => {
    await la.stop();
    await aws.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { la, aws, run, store, stop };
}

describe('tollgate rotate-secret', () => {
  it('step one: both secrets work and the workload value is new; step two: the old one is refused', async () => {
    const { la, aws, run, store, stop } = await setUp(true);
    try {
      const old = parseDelivered(await store.read(SECRET))!;
      la.requests.clear();
      aws.requests.clear();
      const rotated = await run('rotate-secret', '--client', 'pharmacy-reader', '--expires-in', '90d');
      expect(rotated.code).toBe(0);
      expect(rotated.err).toContain('created a new Asgardeo secret for pharmacy-reader');
      expect(rotated.err).toContain('--retire-previous');
      const rotateCounts = {
        asgardeo: la.requests.count(),
        asgardeoWrites: la.requests.writes(),
        secretsManager: aws.requests.entries().length,
      };
      const current = parseDelivered(await store.read(SECRET))!;
      expect(current.client_secret).not.toBe(old.client_secret);
      expect(current.client_id).toBe(old.client_id);
      expect(parseDelivered(await store.read(SECRET, 'AWSPREVIOUS'))!.client_secret).toBe(old.client_secret);
      expect(await tokenStatus(la, old.client_id, old.client_secret)).toBe(200);
      expect(await tokenStatus(la, current.client_id, current.client_secret)).toBe(200);
      for (const text of [rotated.out, rotated.err]) {
        expect(text).not.toContain(old.client_secret);
        expect(text).not.toContain(current.client_secret);
      }

      // A second step one before retiring: refused before anything is written.
      la.requests.clear();
      const again = await run('rotate-secret', '--client', 'pharmacy-reader');
      expect(again.code).toBe(1);
      expect(again.err).toContain('already holds 2 secrets');
      expect(la.requests.writes()).toBe(0);

      la.requests.clear();
      aws.requests.clear();
      const retired = await run('rotate-secret', '--client', 'pharmacy-reader', '--retire-previous');
      expect(retired.code).toBe(0);
      expect(retired.err).toContain('deleted 1 older Asgardeo secret');
      expect(retired.err).toContain('now refused by the token endpoint');
      const retireCounts = {
        asgardeo: la.requests.count(),
        asgardeoWrites: la.requests.writes(),
        secretsManager: aws.requests.entries().length,
      };
      expect(await tokenStatus(la, old.client_id, old.client_secret)).toBe(401);
      expect(await tokenStatus(la, current.client_id, current.client_secret)).toBe(200);
      expect(parseDelivered(await store.read(SECRET))!.client_secret).toBe(current.client_secret);
      expect(retired.err).not.toContain(current.client_secret);
      // One write each to Asgardeo (POST …/secrets, DELETE …/secrets/{id}); Secrets Manager: a read and a write, then two reads.
      // Measured: step one 6 Asgardeo requests, step two 7.
      expect(rotateCounts.secretsManager).toBe(2);
      expect(retireCounts.secretsManager).toBe(2);
      expect(rotateCounts.asgardeoWrites).toBe(1);
      expect(retireCounts.asgardeoWrites).toBe(1);
      expect(aws.requests.served().filter((s) => s === 'secretsmanager:PutSecretValue')).toHaveLength(0);

      const nothing = await run('rotate-secret', '--client', 'pharmacy-reader', '--retire-previous');
      expect(nothing.code).toBe(0);
      expect(nothing.err).toContain('nothing to retire');
    } finally {
      await stop();
    }
  });

  it('without multiple-secrets endpoints: refused without --yes (nothing changes); with --yes, regenerate and a warning', async () => {
    const { la, run, store, stop } = await setUp(false);
    try {
      const old = parseDelivered(await store.read(SECRET))!;
      la.requests.clear();
      const refused = await run('rotate-secret', '--client', 'pharmacy-reader');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('has no multiple-client-secrets endpoints');
      expect(refused.err).toContain('--yes');
      expect(la.requests.writes()).toBe(0);
      expect(await tokenStatus(la, old.client_id, old.client_secret)).toBe(200);

      const forced = await run('rotate-secret', '--client', 'pharmacy-reader', '--yes');
      expect(forced.code).toBe(0);
      expect(forced.err).toContain('warning: no multiple-secrets support');
      const current = parseDelivered(await store.read(SECRET))!;
      expect(await tokenStatus(la, old.client_id, old.client_secret)).toBe(401);
      expect(await tokenStatus(la, current.client_id, current.client_secret)).toBe(200);
      expect(forced.err).not.toContain(current.client_secret);
    } finally {
      await stop();
    }
  });

  it('refuses a client without delivery, with how to add it', async () => {
    const { run, stop } = await setUp(true);
    try {
      const r = await run('rotate-secret', '--client', 'pharmacy-admin');
      expect(r.code).toBe(1);
      expect(r.err).toContain('has no credential delivery');
      expect(r.err).toContain('awsSecretsManager');
    } finally {
      await stop();
    }
  });
});
