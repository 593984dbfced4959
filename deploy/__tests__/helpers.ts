import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { loadConfig, type ResolvedConfig } from '../../config';
import { UserError } from '../../errors';
import type { AdminCredentials, ApplySummary, AsgardeoSide, SideOptions, StackOutputs, WriteOutcome } from '../asgardeo-side';
import { managementScopesFor } from '../asgardeo-side';
import type { InfraPlan, InfraRunner, RunnerDescription, StackOperation, StackOutputValues, StateHeld } from '../infra-runner';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ASGARDEO = 'https://api.asgardeo.io';
export const API_ENDPOINT = 'https://abc123.execute-api.us-east-1.amazonaws.com';

export function exampleConfig(env = 'dev', target: 'aws' | 'local' = 'aws'): ResolvedConfig {
  return loadConfig({ file: PHARMACY_CONFIG, env, target, environment: {} });
}

const madeFolders: string[] = [];

export function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-deploy-'));
  madeFolders.push(dir);
  return dir;
}

// Each test file that imports these helpers removes the folders it made with tmpDir().
afterAll(() => {
  for (const dir of madeFolders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The outputs file tollgate writes for the example stack (`{"<stack>": {…}}`). */
export function outputsFor(config: ResolvedConfig, overrides: Record<string, string> = {}): Record<string, Record<string, string>> {
  return {
    [config.stackName]: {
      api_id: 'abc123',
      api_endpoint: API_ENDPOINT,
      stage_invoke_url: `${API_ENDPOINT}/${config.aws.stage}`,
      api_identifier: `${API_ENDPOINT}/${config.aws.stage}`,
      issuer: config.asgardeo.issuer,
      region: config.aws.region,
      function_name: `${config.stackName}-handler`,
      stack_name: config.stackName,
      environment: config.environment,
      ...overrides,
    },
  };
}

/** Records every call, in order, across the fake runner and the fake side. */
export type CallLog = string[];

/** An InfraRunner that returns realistic outputs instead of running Terraform. */
export class FakeRunner implements InfraRunner {
  failDeploy?: Error;
  failDestroy?: Error;
  missingTool?: Error;
  /** What stateHeld reads from the stack's state (after a failed apply or destroy); an Error: it cannot be read. */
  held: StateHeld | Error = { resources: [], tainted: [], declared: 9, changed: false };
  /** The plan each stateHeld call was asked about. */
  readonly heldAsked: (InfraPlan | undefined)[] = [];
  description: RunnerDescription = {
    title: 'AWS: Terraform',
    tools: 'terraform 1.11.4',
    awsCredentials: 'check',
  };
  planResult: Omit<InfraPlan, 'stack'> = {
    changes: true,
    text: 'Plan: 9 to add, 0 to change, 0 to destroy.',
    summary: 'Plan: 9 to add, 0 to change, 0 to destroy.',
  };
  outputOverrides: Record<string, string> = {};
  closed = false;
  /** Every plan this runner returned, and every plan it was asked to apply, in order. */
  readonly madePlans: InfraPlan[] = [];
  readonly appliedPlans: InfraPlan[] = [];
  constructor(
    private readonly config: ResolvedConfig,
    readonly calls: CallLog = [],
  ) {}
  async describe(): Promise<RunnerDescription> {
    this.calls.push('describe');
    if (this.missingTool) throw this.missingTool;
    return this.description;
  }
  async plan(o: StackOperation): Promise<InfraPlan> {
    this.calls.push(`plan ${o.stack}`);
    const plan = { stack: o.stack, ...this.planResult };
    this.madePlans.push(plan);
    return plan;
  }
  async apply(plan: InfraPlan, o: StackOperation): Promise<StackOutputValues> {
    this.calls.push(`apply ${plan.stack}`);
    this.appliedPlans.push(plan);
    o.onOutput?.(`${o.stack}  aws_apigatewayv2_api.api: Creating...\n`);
    // One turn of the event loop, as a real apply takes: whatever runs at the same time gets to start first.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failDeploy) throw this.failDeploy;
    this.calls.push(`applied ${plan.stack}`);
    return outputsFor(this.config, this.outputOverrides)[this.config.stackName]!;
  }
  async destroy(o: StackOperation): Promise<void> {
    this.calls.push(`destroy ${o.stack}`);
    if (this.failDestroy) throw this.failDestroy;
  }
  async stateHeld(o: StackOperation, since?: InfraPlan): Promise<StateHeld> {
    this.calls.push(`stateHeld ${o.stack}`);
    this.heldAsked.push(since);
    if (this.held instanceof Error) throw this.held;
    return this.held;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** AWS itself, as the real runner: tests that deliver credentials inject a secret store instead. */
  async awsSdkTarget(): Promise<undefined> {
    return undefined;
  }
}

/** An identity provider + HTTP API stand-in: discovery, JWKS, and routes enforcing API Gateway's JWT rules. */
export interface StandIn {
  url: string;
  /** Rewrites the real Asgardeo and API Gateway hosts to the stand-in. */
  fetch: typeof fetch;
  sign(claims: Record<string, unknown>): Promise<string>;
  /** Swaps route behaviour to simulate a broken deployment. */
  breakRoute(routeKey: string, answer: { status: number; body: string } | undefined): void;
  discovery: { issuer?: string; jwksKeys?: JWK[] };
  stop(): Promise<void>;
}

export async function startStandIn(config: ResolvedConfig): Promise<StandIn> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' };
  const org = config.asgardeo.organization;
  const issuer = config.asgardeo.issuer;
  const audience = `${API_ENDPOINT}/${config.aws.stage}`;
  const broken = new Map<string, { status: number; body: string }>();
  const discovery: StandIn['discovery'] = {};
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (url.pathname === `/t/${org}/oauth2/token/.well-known/openid-configuration`) {
      return send(200, {
        issuer: discovery.issuer ?? issuer,
        jwks_uri: `${ASGARDEO}/t/${org}/oauth2/jwks`,
        token_endpoint: config.asgardeo.tokenEndpoint,
      });
    }
    if (url.pathname === `/t/${org}/oauth2/jwks`) return send(200, { keys: discovery.jwksKeys ?? [jwk] });
    const route = config.routes.find((r) => `/${config.aws.stage}${r.path}` === url.pathname && r.method === req.method);
    if (!route) return send(404, { message: 'Not Found' });
    const b = broken.get(route.routeKey);
    if (b) return send(b.status, b.body);
    const raw = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!raw)
      return send(
        401,
        { message: 'Unauthorized' },
        { 'www-authenticate': 'Bearer scope="" error="invalid_token" error_description="missing token"' },
      );
    try {
      const { payload } = await jwtVerify(raw, createLocalJWKSet({ keys: [jwk] }), { issuer, audience });
      const scopes = String(payload.scope ?? '').split(' ');
      if (!route.scopes.some((s) => scopes.includes(s)))
        return send(
          403,
          { message: 'Forbidden' },
          { 'www-authenticate': `Bearer scope="${route.scopes.join(' ')}" error="insufficient_scope"` },
        );
      return send(200, { message: 'Welcome User!' });
    } catch {
      return send(401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer scope="" error="invalid_token"' });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rewrite: typeof fetch = (input, init) => {
    const target = String(input instanceof Request ? input.url : input)
      .replace(ASGARDEO, url)
      .replace(API_ENDPOINT, url);
    return fetch(target, init);
  };
  return {
    url,
    fetch: rewrite,
    discovery,
    sign: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
    breakRoute: (key, answer) => (answer ? broken.set(key, answer) : broken.delete(key)),
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** An AsgardeoSide that records calls and issues stand-in tokens with each client's configured scopes. */
export class FakeSide implements AsgardeoSide<{ changes: boolean }> {
  failApply?: Error;
  /** What a failing apply does before it throws: progress lines, and writes with the server's answer. */
  failAfter: ({ progress: string } | { write: WriteOutcome })[] = [];
  failDestroy?: Error;
  failAccess?: Error;
  planChanges = true;
  applyCount = 0;
  lastOutputs?: StackOutputs;
  /** What `refusal` answers for every plan (objects of another owner). */
  refusalOf?: Error;
  /** Every plan this side returned, and the approved plan each apply got, in order. */
  readonly madePlans: { changes: boolean }[] = [];
  readonly approvedPlans: ({ changes: boolean } | undefined)[] = [];
  constructor(
    private readonly standIn: StandIn | undefined,
    readonly calls: CallLog = [],
  ) {}
  credentialsFromEnv(env: NodeJS.ProcessEnv): AdminCredentials {
    if (!env.ASGARDEO_CLIENT_ID || !env.ASGARDEO_CLIENT_SECRET) {
      throw new UserError('ASGARDEO_CLIENT_ID is not set.', { hint: 'export the admin M2M application credentials' });
    }
    return { clientId: env.ASGARDEO_CLIENT_ID, clientSecret: env.ASGARDEO_CLIENT_SECRET };
  }
  async checkAdminAccess(o: { config: ResolvedConfig }): Promise<{ scopes: readonly string[] }> {
    const scopes = managementScopesFor(o.config);
    this.calls.push(`checkAdminAccess ${scopes.length}`);
    if (this.failAccess) throw this.failAccess;
    return { scopes };
  }
  readStackOutputs(file: string, config: ResolvedConfig): StackOutputs {
    // The real reader is the reconciler's; the fake keeps the same shape checks that matter here.
    if (!fs.existsSync(file)) throw new Error(`The Terraform outputs file ${file} does not exist.`);
    const flat = (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string>>)[config.stackName];
    if (!flat) throw new Error(`${file} has no outputs for stack "${config.stackName}"`);
    return {
      stackName: flat.stack_name,
      apiId: flat.api_id,
      apiEndpoint: flat.api_endpoint,
      stageInvokeUrl: flat.stage_invoke_url,
      apiIdentifier: flat.api_identifier,
      issuer: flat.issuer,
      region: flat.region,
      functionName: flat.function_name,
      environment: flat.environment,
    };
  }
  async plan(o: SideOptions): Promise<{ changes: boolean }> {
    this.calls.push(`plan ${o.outputs ? 'with outputs' : 'without outputs'}`);
    const plan = { changes: this.planChanges };
    this.madePlans.push(plan);
    return plan;
  }
  refusal(): Error | undefined {
    return this.refusalOf;
  }
  async apply(o: SideOptions & { approved?: { changes: boolean } }): Promise<ApplySummary> {
    this.calls.push('apply');
    this.applyCount++;
    this.lastOutputs = o.outputs;
    this.approvedPlans.push(o.approved);
    if (this.failApply) {
      for (const step of this.failAfter) {
        if ('progress' in step) o.progress?.(step.progress);
        else o.onWrite?.(step.write);
      }
      throw this.failApply;
    }
    o.progress?.('creating API resource Pharmacy User API');
    o.onWrite?.('accepted');
    return {
      outputs: { audience: o.outputs?.apiIdentifier, clients: o.config.clients.map((c) => ({ name: c.name, clientId: `id-${c.name}` })) },
    };
  }
  async destroy(o: SideOptions): Promise<ApplySummary> {
    this.calls.push('asgardeo destroy');
    if (this.failDestroy) {
      for (const step of this.failAfter) if ('write' in step) o.onWrite?.(step.write);
      throw this.failDestroy;
    }
    return {};
  }
  renderPlan(plan: { changes: boolean }, format: 'text' | 'json' | 'markdown'): string {
    if (format === 'json') return JSON.stringify({ changes: plan.changes });
    return plan.changes ? `${format === 'markdown' ? '- ' : ''}+ create api resource "Pharmacy User API"` : 'No changes.';
  }
  planData(plan: { changes: boolean }): unknown {
    return { changes: plan.changes };
  }
  planHasChanges(plan: { changes: boolean }): boolean {
    return plan.changes;
  }
  async requestClientToken(o: {
    config: ResolvedConfig;
    client: string;
  }): Promise<{ accessToken: string; scope: string; expiresIn: number }> {
    this.calls.push(`token ${o.client}`);
    const client = o.config.clients.find((c) => c.name === o.client);
    if (!client || !this.standIn) throw new Error(`no client ${o.client}`);
    const scope = client.scopes.join(' ');
    return { accessToken: await this.standIn.sign({ scope, client_id: `id-${client.name}` }), scope, expiresIn: 300 };
  }
}

/** A preflight-passing environment: admin credentials and AWS keys (dummy values, never real). */
export const GOOD_ENV: NodeJS.ProcessEnv = {
  ASGARDEO_CLIENT_ID: 'admin-id',
  ASGARDEO_CLIENT_SECRET: 'admin-secret',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example-secret',
};

/** Sets the memory of every function in a synthesized stack file: what another synth or an edit does while a plan is shown. */
export function changeFunctionMemory(stackFile: string, memorySize: number): void {
  const doc = JSON.parse(fs.readFileSync(stackFile, 'utf8')) as {
    resource: { aws_lambda_function: Record<string, { memory_size: number }> };
  };
  for (const fn of Object.values(doc.resource.aws_lambda_function)) fn.memory_size = memorySize;
  fs.writeFileSync(stackFile, JSON.stringify(doc));
}
