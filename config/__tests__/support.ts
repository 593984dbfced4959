import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, type ConfigIssue } from '..';

/** Untyped on purpose: tests write invalid shapes that TollgateConfig would not let them express. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseConfig = Record<string, any>;

/** A valid configuration in plain data, shaped like the Pharmacy example; tests change one thing at a time. */
export function validConfig(): LooseConfig {
  return {
    asgardeo: { organization: 'pharmacy' },
    aws: {
      region: 'us-east-1',
      apiName: 'pharmacy-user-api',
      lambda: { entry: 'lambda/handler.ts' },
    },
    scopes: [
      { name: 'get_pharmacy_user', displayName: 'Read pharmacy users', description: 'Read a pharmacy user' },
      { name: 'create_pharmacy_user' },
      { name: 'update_pharmacy_user' },
    ],
    routes: [
      { method: 'GET', path: '/user', scopes: ['get_pharmacy_user'] },
      { method: 'POST', path: '/user', scopes: ['create_pharmacy_user'] },
      { method: 'PUT', path: '/user', scopes: ['update_pharmacy_user'] },
    ],
    apiResource: { name: 'Pharmacy User API' },
    clients: [
      { name: 'pharmacy-reader', scopes: ['get_pharmacy_user'] },
      { name: 'pharmacy-admin', scopes: ['create_pharmacy_user', 'update_pharmacy_user'], accessTokenLifetimeSeconds: 900 },
    ],
    roles: [{ name: 'pharmacist', audience: 'organization', scopes: ['get_pharmacy_user'] }],
    environments: { dev: {}, prod: { aws: { stage: 'prod', throttling: { rateLimit: 200, burstLimit: 400 }, logRetentionDays: 90 } } },
  };
}

/** Writes configuration files into one temporary folder; each file gets a fresh name (require caches by path). */
export class ConfigFiles {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-config-'));
  private count = 0;

  write(config: unknown): string {
    return this.writeRaw(`module.exports = ${JSON.stringify(config, null, 2)};\n`);
  }

  writeRaw(source: string, extension = 'js'): string {
    const file = path.join(this.dir, `config-${++this.count}.${extension}`);
    fs.writeFileSync(file, source);
    return file;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `load` and returns the ConfigError it throws; fails the test if it does not throw one. */
export function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw new Error(`expected a ConfigError, got: ${String(err)}`);
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

export function issueAt(error: ConfigError, issuePath: string): ConfigIssue {
  const issue = error.issues.find((i) => i.path === issuePath);
  if (!issue) throw new Error(`no issue at "${issuePath}"; issues: ${JSON.stringify(error.issues, null, 2)}`);
  return issue;
}
