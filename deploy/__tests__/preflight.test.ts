import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../config';
import { UserError } from '../../errors';
import { managementScopesFor } from '../asgardeo-side';
import { findAwsCredentials } from '../aws-credentials';
import { InfraToolError } from '../infra-runner';
import { PreflightError, runPreflight, type PreflightOptions } from '../preflight';
import { FakeRunner, FakeSide, GOOD_ENV, exampleConfig, startStandIn, tmpDir, type StandIn } from './helpers';

const config = exampleConfig('dev');
let standIn: StandIn;
beforeAll(async () => {
  standIn = await startStandIn(config);
});
afterAll(() => standIn.stop());
afterEach(() => {
  standIn.discovery.issuer = undefined;
  standIn.discovery.jwksKeys = undefined;
});

function options(overrides: Partial<PreflightOptions> = {}): PreflightOptions & { runner: FakeRunner; side: FakeSide } {
  const home = tmpDir();
  return {
    loadConfig: () => config,
    runner: new FakeRunner(config),
    side: new FakeSide(standIn),
    env: GOOD_ENV,
    home,
    fetch: standIn.fetch,
    ...overrides,
  } as PreflightOptions & { runner: FakeRunner; side: FakeSide };
}

async function failure(o: PreflightOptions): Promise<PreflightError> {
  const err = await runPreflight(o).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PreflightError);
  return err as PreflightError;
}

function failed(err: PreflightError) {
  return err.checks.filter((c) => c.status === 'failed').map((c) => c.name);
}

describe('preflight', () => {
  test('says when the checks that need no network have passed, and only then', async () => {
    const ready: string[] = [];
    const onLocalChecksPassed = ({ config: c, runner }: { config: { stackName: string }; runner: { tools: string } }) =>
      ready.push(`${c.stackName} ${runner.tools}`);
    await runPreflight(options({ onLocalChecksPassed }));
    expect(ready).toEqual([`${config.stackName} terraform 1.11.4`]);
    // No AWS credentials, no Terraform, no admin credentials: the caller starts nothing.
    const noAws = { ...GOOD_ENV, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: undefined };
    await failure(options({ env: noAws, onLocalChecksPassed }));
    const withoutTerraform = options({ onLocalChecksPassed });
    withoutTerraform.runner.missingTool = new InfraToolError('terraform was not found on PATH', 'install it');
    await failure(withoutTerraform);
    await failure(options({ env: { ...GOOD_ENV, ASGARDEO_CLIENT_ID: undefined }, onLocalChecksPassed }));
    expect(ready).toHaveLength(1);
  });

  test('passes with every check reported, including tool versions and where the AWS credentials come from', async () => {
    const r = await runPreflight(options());
    expect(r.checks.map((c) => [c.name, c.status])).toEqual([
      ['configuration', 'ok'],
      ['terraform', 'ok'],
      ['AWS credentials', 'ok'],
      ['Asgardeo admin credentials', 'ok'],
      ['issuer discovery', 'ok'],
    ]);
    expect(r.checks[1].detail).toBe('terraform 1.11.4');
    expect(r.checks[2].detail).toBe('environment (AWS_ACCESS_KEY_ID)');
    expect(r.checks[4].detail).toContain('issuer matches, 1 RSA key(s)');
    expect(r.credentials).toEqual({ clientId: 'admin-id', clientSecret: 'admin-secret' });
  });

  test('an invalid configuration is reported with its fix', async () => {
    const o = options({
      loadConfig: () => {
        throw new ConfigError('tollgate.config.ts', [
          { path: 'routes[0].scopes[0]', message: 'unknown scope "get_user"', fix: 'declare it under scopes' },
        ]);
      },
    });
    const err = await failure(o);
    expect(failed(err)).toEqual(['configuration']);
    expect(err.message).toContain('unknown scope "get_user"');
    expect(err.message).toMatch(/^Preflight found 1 problem; nothing was changed:/);
  });

  test('a missing terraform says how to install it', async () => {
    const o = options();
    o.runner.missingTool = new InfraToolError(
      '`terraform` was not found on PATH.',
      'install Terraform ≥ 1.5 (https://developer.hashicorp.com/terraform/install)',
    );
    const err = await failure(o);
    expect(failed(err)).toEqual(['terraform']);
    expect(err.message).toContain('✗ terraform: `terraform` was not found on PATH.\n      fix: install Terraform');
  });

  test('no AWS credentials anywhere', async () => {
    const err = await failure(options({ env: { ASGARDEO_CLIENT_ID: 'a', ASGARDEO_CLIENT_SECRET: 'b' } }));
    expect(failed(err)).toEqual(['AWS credentials']);
    expect(err.message).toContain('no AWS credentials found');
    expect(err.message).toContain('AWS_PROFILE');
  });

  test('Terraform Cloud runs with the workspace credentials, so local AWS credentials are not required', async () => {
    const r = await runPreflight(
      options({
        env: { ASGARDEO_CLIENT_ID: 'a', ASGARDEO_CLIENT_SECRET: 'b', TF_CLOUD_ORGANIZATION: 'acme', TF_WORKSPACE: 'pharmacy-{env}' },
      }),
    );
    expect(r.checks.find((c) => c.name === 'AWS credentials')).toMatchObject({ status: 'skipped' });
  });

  test('missing Asgardeo admin credentials', async () => {
    const err = await failure(options({ env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } }));
    expect(failed(err)).toEqual(['Asgardeo admin credentials']);
    expect(err.message).toContain('ASGARDEO_CLIENT_ID is not set');
  });

  test('admin credentials without a needed management scope, and the scopes asked for', async () => {
    const o = options();
    const scopesAsked: string[][] = [];
    o.side.checkAdminAccess = async (a) => {
      scopesAsked.push(managementScopesFor(a.config));
      throw new UserError(
        'the admin application was not granted a scope this run needs:\n    - internal_role_mgt_create (SCIM2 Roles API)',
        {
          hint: 'authorize it in the console',
        },
      );
    };
    const err = await failure(o);
    expect(failed(err)).toEqual(['Asgardeo admin credentials']);
    expect(err.message).toContain('internal_role_mgt_create (SCIM2 Roles API)');
    expect(err.message).toContain('fix: authorize it in the console');
    // The example has roles and users: both role and user management scopes are needed.
    expect(scopesAsked[0]).toContain('internal_application_business_api_update');
    expect(scopesAsked[0]).toContain('internal_role_mgt_create');
    expect(scopesAsked[0].some((s) => s.startsWith('internal_user_mgt'))).toBe(true);
  });

  test('an unreachable issuer', async () => {
    const err = await failure(
      options({ fetch: (input, init) => fetch(String(input).replace('https://api.asgardeo.io', 'http://127.0.0.1:1'), init) }),
    );
    expect(failed(err)).toEqual(['issuer discovery']);
    expect(err.message).toContain(
      'Could not reach the discovery document at https://api.asgardeo.io/t/pharmacy/oauth2/token/.well-known/openid-configuration',
    );
  });

  test('a discovery document naming another issuer (the trailing-slash trap)', async () => {
    standIn.discovery.issuer = `${config.asgardeo.issuer}/`;
    const err = await failure(options());
    expect(failed(err)).toEqual(['issuer discovery']);
    expect(err.message).toContain('names the issuer "https://api.asgardeo.io/t/pharmacy/oauth2/token/"');
    expect(err.message).toContain('set asgardeo.issuer in tollgate.config.ts to "https://api.asgardeo.io/t/pharmacy/oauth2/token/"');
  });

  test('a JWKS without RSA keys', async () => {
    standIn.discovery.jwksKeys = [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'ec1' }];
    const err = await failure(options());
    expect(failed(err)).toEqual(['issuer discovery']);
    expect(err.message).toContain('serves no RSA signing key (found: EC)');
  });

  test('independent problems are all reported in one run', async () => {
    const o = options({ env: {} });
    o.runner.missingTool = new InfraToolError('`terraform` was not found', 'install Terraform');
    const err = await failure(o);
    expect(failed(err)).toEqual(['terraform', 'AWS credentials', 'Asgardeo admin credentials']);
    expect(err.message).toMatch(/^Preflight found 3 problems/);
  });
});

describe('findAwsCredentials', () => {
  test('half a key pair', () => {
    expect(findAwsCredentials({ AWS_ACCESS_KEY_ID: 'AKID' }, tmpDir())).toEqual({
      found: false,
      problem: 'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not.',
      fix: expect.stringContaining('set both'),
    });
  });

  test('a named profile from ~/.aws/config, and a profile that does not exist', () => {
    const home = tmpDir();
    fs.mkdirSync(path.join(home, '.aws'));
    fs.writeFileSync(path.join(home, '.aws', 'config'), '[default]\nregion=us-east-1\n[profile deployer]\nsso_session = x\n');
    expect(findAwsCredentials({ AWS_PROFILE: 'deployer' }, home)).toEqual({
      found: true,
      source: `profile "deployer" (${path.join(home, '.aws', 'config')})`,
    });
    expect(findAwsCredentials({}, home)).toMatchObject({ found: true, source: expect.stringContaining('profile "default"') });
    const missing = findAwsCredentials({ AWS_PROFILE: 'prod' }, home);
    expect(missing).toMatchObject({
      found: false,
      problem: expect.stringContaining('AWS_PROFILE is "prod" but neither'),
      fix: expect.stringContaining('aws configure --profile prod'),
    });
  });

  test('web identity (GitHub Actions OIDC)', () => {
    expect(findAwsCredentials({ AWS_WEB_IDENTITY_TOKEN_FILE: '/tmp/t', AWS_ROLE_ARN: 'arn:aws:iam::1:role/deploy' }, tmpDir())).toEqual({
      found: true,
      source: 'web identity (AWS_ROLE_ARN arn:aws:iam::1:role/deploy)',
    });
  });
});
