import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { buildApp, STACK_OUTPUT_NAMES, type TollgateStack } from '../stacks/synth';
import { ConfigFiles, validConfig } from '../config/__tests__/support';
import { PHARMACY_CONFIG, PHARMACY_HANDLER } from './pharmacy-fixture';

const REPO_ROOT = path.resolve(__dirname, '..');
const EXAMPLE = PHARMACY_CONFIG;
const SECRET = 'sEcReT-value-that-must-not-leak';
const TF_TOKEN = 'tf-token-that-must-not-leak';
/** What a developer's shell might hold while synthesizing; none of it may reach the Terraform. */
const SHELL_SECRETS = { ASGARDEO_CLIENT_ID: 'admin-client-id', ASGARDEO_CLIENT_SECRET: SECRET, TF_TOKEN_app_terraform_io: TF_TOKEN };

type StackJson = {
  output: Record<string, { value: unknown; sensitive?: boolean }>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  terraform: { backend?: Record<string, unknown>; cloud?: Record<string, unknown> };
};

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function only<T>(record: Record<string, T> | undefined): T {
  const values = Object.values(record ?? {});
  expect(values).toHaveLength(1);
  return values[0] as T;
}

describe('the app, synthesized in-process (all environments)', () => {
  let outdir: string;
  let stateDir: string;
  let stacks: Record<string, StackJson>;
  let rawFiles: string;

  beforeAll(() => {
    outdir = tempDir('tollgate-app-');
    stateDir = tempDir('tollgate-state-');
    const { app } = buildApp({ file: EXAMPLE, outdir, env: { ...SHELL_SECRETS, TOLLGATE_STATE_DIR: stateDir } });
    app.synth();
    stacks = {};
    rawFiles = '';
    for (const name of fs.readdirSync(path.join(outdir, 'stacks'))) {
      const raw = fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
      rawFiles += raw;
      stacks[name] = JSON.parse(raw);
    }
  });

  it('writes one stack per environment, named {apiName}-{env}', () => {
    expect(Object.keys(stacks).sort()).toEqual(['pharmacy-user-api-dev', 'pharmacy-user-api-prod']);
  });

  it('defines exactly the contract outputs, at the top level, none sensitive', () => {
    for (const stack of Object.values(stacks)) {
      expect(Object.keys(stack.output).sort()).toEqual([...STACK_OUTPUT_NAMES].sort());
      for (const output of Object.values(stack.output)) expect(output.sensitive).toBeUndefined();
    }
    const dev = stacks['pharmacy-user-api-dev'] as StackJson;
    const apiId = Object.keys(dev.resource.aws_apigatewayv2_api ?? {})[0];
    expect(dev.output.stack_name?.value).toBe('pharmacy-user-api-dev');
    expect(dev.output.environment?.value).toBe('dev');
    expect(dev.output.region?.value).toBe('us-east-1');
    expect(dev.output.issuer?.value).toBe('https://api.asgardeo.io/t/pharmacy/oauth2/token');
    expect(dev.output.api_id?.value).toBe(`\${aws_apigatewayv2_api.${apiId}.id}`);
    expect(dev.output.api_endpoint?.value).toBe(`\${aws_apigatewayv2_api.${apiId}.api_endpoint}`);
    expect(dev.output.stage_invoke_url?.value).toBe(`\${aws_apigatewayv2_api.${apiId}.api_endpoint}/dev`);
    // The API identifier is the configuration's (never the invoke URL, which changes when the HTTP API is re-created).
    expect(dev.output.api_identifier?.value).toBe('urn:tollgate:pharmacy:pharmacy-user-api:dev');
    expect(dev.output.function_name?.value).toMatch(/^\$\{aws_lambda_function\.[^.]+\.function_name\}$/);
  });

  it('sets the authorizer audience to the API identifier output and the issuer from the configuration', () => {
    for (const stack of Object.values(stacks)) {
      const authorizer = only(stack.resource.aws_apigatewayv2_authorizer) as { jwt_configuration: { audience: string[]; issuer: string } };
      expect(authorizer.jwt_configuration.audience).toEqual([stack.output.api_identifier?.value]);
      expect(authorizer.jwt_configuration.issuer).toBe(stack.output.issuer?.value);
    }
  });

  it("applies each environment's overrides", () => {
    const dev = stacks['pharmacy-user-api-dev'] as StackJson;
    const prod = stacks['pharmacy-user-api-prod'] as StackJson;
    expect(only(dev.resource.aws_apigatewayv2_stage)).toEqual(
      expect.objectContaining({ name: 'dev', default_route_settings: { throttling_rate_limit: 50, throttling_burst_limit: 100 } }),
    );
    expect(only(prod.resource.aws_apigatewayv2_stage)).toEqual(
      expect.objectContaining({ name: 'prod', default_route_settings: { throttling_rate_limit: 200, throttling_burst_limit: 400 } }),
    );
    expect(prod.output.stage_invoke_url?.value).toMatch(/\/prod$/);
    expect(Object.values(prod.resource.aws_cloudwatch_log_group ?? {}).map((g) => g.retention_in_days)).toEqual([90, 90]);
    expect(Object.values(dev.resource.aws_cloudwatch_log_group ?? {}).map((g) => g.retention_in_days)).toEqual([14, 14]);
  });

  it("allows the demo page's origin in CORS, for the routes' methods, and lets it read why a call was refused", () => {
    for (const stack of Object.values(stacks)) {
      const api = only(stack.resource.aws_apigatewayv2_api) as { cors_configuration?: unknown };
      expect(api.cors_configuration).toEqual({
        allow_origins: ['http://localhost:4190'],
        allow_methods: ['GET', 'POST', 'PUT'],
        allow_headers: ['authorization', 'content-type'],
        expose_headers: ['www-authenticate'],
        max_age: 300,
        allow_credentials: false,
      });
    }
  });

  it('routes GET/POST/PUT /user with their scopes', () => {
    const dev = stacks['pharmacy-user-api-dev'] as StackJson;
    const routes = Object.values(dev.resource.aws_apigatewayv2_route ?? {}).map((r) => [
      r.route_key,
      r.authorization_type,
      r.authorization_scopes,
    ]);
    expect(routes.sort()).toEqual(
      [
        ['GET /user', 'JWT', ['get_pharmacy_user']],
        ['POST /user', 'JWT', ['create_pharmacy_user']],
        ['PUT /user', 'JWT', ['update_pharmacy_user']],
      ].sort(),
    );
  });

  it('ships the bundled handler as an archive next to the stack', () => {
    for (const [name, stack] of Object.entries(stacks)) {
      const fn = only(stack.resource.aws_lambda_function) as {
        filename: string;
        handler: string;
        source_code_hash: string;
        runtime: string;
        architectures: string[];
      };
      expect(fn.filename).toMatch(/^assets\/[^/]+\/[0-9A-F]+\/archive\.zip$/);
      expect(fn.filename).toContain(fn.source_code_hash);
      expect(fn.handler).toBe('index.handler');
      expect(fn.runtime).toBe('nodejs22.x');
      expect(fn.architectures).toEqual(['arm64']);
      expect(fs.statSync(path.join(outdir, 'stacks', name, fn.filename)).size).toBeGreaterThan(100);
    }
    // The bundle was written under the outdir, not into the source tree.
    expect(fs.existsSync(path.join(outdir, '.bundles'))).toBe(true);
    expect(fs.existsSync(path.join(REPO_ROOT, 'lambda', 'index.js'))).toBe(false);
  });

  it('zips the code at synth as a TerraformAsset: no archive provider, no archive_file (the README states why)', () => {
    for (const stack of Object.values(stacks)) {
      const json = stack as unknown as {
        provider?: Record<string, unknown>;
        data?: Record<string, unknown>;
        terraform: { required_providers: object };
      };
      expect(Object.keys(json.provider ?? {})).toEqual(['aws']);
      expect(Object.keys(json.terraform.required_providers)).toEqual(['aws']);
      expect(Object.keys(json.data ?? {})).not.toContain('archive_file');
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).not.toContain('@cdktf/provider-archive');
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'design.md'), 'utf8');
    const decision = readme.slice(readme.indexOf('## Design decision: the Lambda zip is a TerraformAsset'));
    expect(decision).toMatch(/Terraform Cloud/);
    expect(decision).toMatch(/archive_file/);
    expect(decision).toMatch(/at plan\s+time/);
    expect(decision).toMatch(/split plan\/apply/);
  });

  it('keeps local state in TOLLGATE_STATE_DIR, one file per stack', () => {
    for (const [name, stack] of Object.entries(stacks)) {
      expect(stack.terraform.backend).toEqual({ local: { path: path.join(stateDir, `terraform.${name}.tfstate`) } });
    }
  });

  it('puts no secret into the synthesized Terraform', () => {
    expect(rawFiles).not.toContain(SECRET);
    expect(rawFiles).not.toContain(TF_TOKEN);
    expect(rawFiles).not.toContain('admin-client-id');
    expect(rawFiles).not.toMatch(/client_secret|clientSecret|password/i);
  });
});

describe('environment selection and state backends', () => {
  function synthOne(env: NodeJS.ProcessEnv) {
    const { app, stacks } = buildApp({ file: EXAMPLE, outdir: tempDir('tollgate-app-'), env });
    return { app, stacks, json: stacks.map((s) => JSON.parse(Testing.synth(s)) as StackJson) };
  }

  it('builds only TOLLGATE_ENV when it is set', () => {
    const { stacks } = synthOne({ TOLLGATE_ENV: 'prod' });
    expect(stacks.map((s) => s.node.id)).toEqual(['pharmacy-user-api-prod']);
  });

  it('refuses an unknown TOLLGATE_ENV', () => {
    expect(() => synthOne({ TOLLGATE_ENV: 'staging' })).toThrow(/unknown environment "staging"/);
  });

  it('honours ASGARDEO_BASE_URL for the issuer', () => {
    const { json } = synthOne({ TOLLGATE_ENV: 'dev', ASGARDEO_BASE_URL: 'https://id.pharmacy.example' });
    expect(json[0]?.output.issuer?.value).toBe('https://id.pharmacy.example/t/pharmacy/oauth2/token');
  });

  it('honours TOLLGATE_TARGET=local with the sandbox issuer', () => {
    const { json } = synthOne({ TOLLGATE_ENV: 'dev', TOLLGATE_TARGET: 'local', ASGARDEO_BASE_URL: 'http://127.0.0.1:4567' });
    const authorizer = only(json[0]?.resource.aws_apigatewayv2_authorizer) as { jwt_configuration: { issuer: string } };
    expect(authorizer.jwt_configuration.issuer).toBe('http://127.0.0.1:4567/t/pharmacy/oauth2/token');
  });

  it('uses Terraform Cloud with a named workspace when TF_CLOUD_ORGANIZATION and TF_WORKSPACE are set', () => {
    const { app, json } = synthOne({
      TOLLGATE_ENV: 'prod',
      TF_CLOUD_ORGANIZATION: 'pharmacy-org',
      TF_WORKSPACE: 'pharmacy-api',
      TF_CLOUD_PROJECT: 'tollgate',
      TF_CLOUD_HOSTNAME: 'tfe.example.com',
      TF_TOKEN_app_terraform_io: TF_TOKEN,
    });
    expect(json[0]?.terraform.cloud).toEqual({
      organization: 'pharmacy-org',
      hostname: 'tfe.example.com',
      workspaces: { name: 'pharmacy-api', project: 'tollgate' },
    });
    expect(json[0]?.terraform.backend).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain(TF_TOKEN);
    // Otherwise synth would run `terraform version`.
    expect(app.skipValidation).toBe(true);
  });

  it('gives each environment its own workspace through {env}', () => {
    const { json } = synthOne({ TF_CLOUD_ORGANIZATION: 'pharmacy-org', TF_WORKSPACE: 'pharmacy-{env}' });
    expect(json.map((j) => (j.terraform.cloud?.workspaces as { name: string }).name)).toEqual(['pharmacy-dev', 'pharmacy-prod']);
  });

  it('refuses to share one workspace between environments', () => {
    expect(() => synthOne({ TF_CLOUD_ORGANIZATION: 'pharmacy-org', TF_WORKSPACE: 'pharmacy-api' })).toThrow(
      /would hold the state of 2 stacks[\s\S]*TOLLGATE_ENV=<env>[\s\S]*\{env\}/,
    );
  });

  it('refuses half a Terraform Cloud setting', () => {
    expect(() => synthOne({ TF_CLOUD_ORGANIZATION: 'pharmacy-org' })).toThrow(
      /needs both TF_CLOUD_ORGANIZATION and TF_WORKSPACE; only TF_CLOUD_ORGANIZATION is set/,
    );
    expect(() => synthOne({ TF_WORKSPACE: 'w' })).toThrow(/only TF_WORKSPACE is set/);
  });

  it('uses a configured API identifier as audience and api_identifier, and serves public routes without a token', () => {
    const files = new ConfigFiles();
    try {
      const config = validConfig();
      config.aws.lambda.entry = PHARMACY_HANDLER;
      config.apiResource.identifier = 'https://pharmacy.example/api/users';
      config.routes.push({ method: 'GET', path: '/health', public: true });
      const { app, stacks } = buildApp({ file: files.write(config), outdir: tempDir('tollgate-app-'), env: { TOLLGATE_ENV: 'dev' } });
      expect(stacks).toHaveLength(1);
      const json = JSON.parse(Testing.synth(stacks[0] as TollgateStack)) as StackJson;
      expect(json.output.api_identifier?.value).toBe('https://pharmacy.example/api/users');
      expect(json.output.stage_invoke_url?.value).toMatch(/\/dev$/);
      const authorizer = only(json.resource.aws_apigatewayv2_authorizer) as { jwt_configuration: { audience: string[] } };
      expect(authorizer.jwt_configuration.audience).toEqual(['https://pharmacy.example/api/users']);
      const health = Object.values(json.resource.aws_apigatewayv2_route ?? {}).find((r) => r.route_key === 'GET /health');
      expect(health).toEqual(expect.objectContaining({ authorization_type: 'NONE' }));
      // No application allows a browser origin: no CORS at all.
      expect(only(json.resource.aws_apigatewayv2_api)).not.toHaveProperty('cors_configuration');
      expect(app.outdir).toBeTruthy();
    } finally {
      files.remove();
    }
  });

  it('defaults to local state in the working directory', () => {
    const { app, json } = synthOne({ TOLLGATE_ENV: 'dev' });
    expect(json[0]?.terraform.backend).toEqual({ local: { path: path.join(process.cwd(), 'terraform.pharmacy-user-api-dev.tfstate') } });
    expect(app.skipValidation).toBe(false);
  });
});

describe('main.ts as a process (what `cdktf synth` runs)', () => {
  const tsxCli = require.resolve('tsx/cli');
  function runMain(env: NodeJS.ProcessEnv) {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TOLLGATE_|TF_|ASGARDEO_|CDKTF_)/.test(k)));
    return spawnSync(process.execPath, [tsxCli, 'main.ts'], {
      cwd: REPO_ROOT,
      env: { ...clean, CHECKPOINT_DISABLE: '1', TOLLGATE_CONFIG: PHARMACY_CONFIG, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  it('writes cdktf.out/stacks/<stack>/cdk.tf.json into CDKTF_OUTDIR', () => {
    const outdir = tempDir('tollgate-main-');
    const result = runMain({ CDKTF_OUTDIR: outdir, TOLLGATE_STATE_DIR: outdir });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const name of ['pharmacy-user-api-dev', 'pharmacy-user-api-prod']) {
      expect(fs.existsSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'))).toBe(true);
    }
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks).toEqual(
      expect.objectContaining({ 'pharmacy-user-api-dev': expect.anything(), 'pharmacy-user-api-prod': expect.anything() }),
    );
  });

  it('exits 1 with the configuration problem and its fix, without a stack trace', () => {
    const result = runMain({ CDKTF_OUTDIR: tempDir('tollgate-main-'), TOLLGATE_ENV: 'staging' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown environment "staging"');
    expect(result.stderr).toContain('fix: choose one of: dev, prod');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('provider imports', () => {
  it('no TypeScript file imports the root of @cdktf/provider-aws', () => {
    const offenders: string[] = [];
    // Spelled in pieces so this file does not match itself.
    const root = ['@cdktf', 'provider-aws'].join('/');
    const rootImport = new RegExp(`(?:from\\s+|require\\s*\\(\\s*|import\\s*\\(\\s*|import\\s+)['"]${root.replace('/', '\\/')}['"]`);
    const skip = new Set(['node_modules', 'cdktf.out', '.git', '.gen', 'dist', 'coverage']);
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (skip.has(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && rootImport.test(fs.readFileSync(full, 'utf8')))
          offenders.push(path.relative(REPO_ROOT, full));
      }
    };
    walk(REPO_ROOT);
    expect(offenders).toEqual([]);
    // The pattern itself catches the forms it is meant to.
    for (const line of [`import { x } from '${root}';`, `const p = require("${root}");`, `import '${root}';`, `await import('${root}')`]) {
      expect(rootImport.test(line)).toBe(true);
    }
    expect(rootImport.test(`import { LambdaFunction } from '${root}/lib/lambda-function';`)).toBe(false);
  });
});
