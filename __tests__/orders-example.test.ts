/**
 * The Orders example's stack (examples/orders): a function per handler file, a path parameter and an
 * HTTP backend. Synthesized, then through the real Terraform and the hashicorp/aws mirror: init
 * (pinned by the committed lock file) and an offline plan, which validates the configuration first,
 * checked for what the routes rest on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildStack } from '../stacks/synth';
import { loadConfig, type ResolvedConfig } from '../config';
import { describeWithTerraform } from '../deploy/terraform/__tests__/availability';
import { setupTerraform, type TerraformSetup } from '../deploy/terraform/locate';
import { configuredExpression, type ResourceChange, type TerraformPlan } from '../deploy/terraform/plan-json';
import { LOCK_FILE_NAME } from '../deploy/terraform/lock-file';
import { TerraformWorkspace } from '../deploy/terraform/workspace';

const REPO = path.resolve(__dirname, '..');
const CONFIG_FILE = path.join(REPO, 'examples', 'orders', 'tollgate.config.ts');
// On AWS the shipments backend is an https service; the example reads its URL from SHIPMENTS_URL.
const SHIPMENTS_URL = 'https://shipments.example.com';

jest.setTimeout(180_000);

type Block = Record<string, unknown>;
let tmp: string;
let config: ResolvedConfig;
let resources: Record<string, Record<string, Block>>;
let stackDir: string;
const previousUrl = process.env.SHIPMENTS_URL;

beforeAll(() => {
  process.env.SHIPMENTS_URL = SHIPMENTS_URL;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-orders-'));
  config = loadConfig({ file: CONFIG_FILE, env: 'dev', target: 'aws', environment: {} });
  const app = new App({ outdir: path.join(tmp, 'out') });
  buildStack(app, config, { backend: { kind: 'local', path: path.join(tmp, 'terraform.tfstate') }, env: {} });
  app.synth();
  stackDir = path.join(tmp, 'out', 'stacks', config.stackName);
  resources = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).resource;
});

afterAll(() => {
  if (previousUrl === undefined) delete process.env.SHIPMENTS_URL;
  else process.env.SHIPMENTS_URL = previousUrl;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the synthesized Orders stack', () => {
  const all = (type: string) => Object.values(resources[type] ?? {});

  it('has one function per handler file, each with its own settings, log group and role', () => {
    const fns = all('aws_lambda_function').map((f) => ({
      name: f.function_name,
      memory: f.memory_size,
      timeout: f.timeout,
      env: (f.environment as { variables: Record<string, string> }).variables,
    }));
    expect(fns.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
      { name: 'orders-api-dev-create-order', memory: 512, timeout: 5, env: { ORDERS_TABLE: 'orders-dev', ORDER_ID_PREFIX: 'ord' } },
      { name: 'orders-api-dev-handler', memory: 256, timeout: 10, env: { ORDERS_TABLE: 'orders-dev' } },
    ]);
    expect(all('aws_cloudwatch_log_group').map((g) => g.name)).toEqual(
      expect.arrayContaining(['/aws/lambda/orders-api-dev-handler', '/aws/lambda/orders-api-dev-create-order']),
    );
    expect(all('aws_iam_role')).toHaveLength(2);
  });

  it('the shipment route is an HTTP_PROXY to the backend URL with the path parameter and the identity headers', () => {
    const http = all('aws_apigatewayv2_integration').filter((i) => i.integration_type === 'HTTP_PROXY');
    expect(http).toEqual([
      expect.objectContaining({
        integration_uri: `${SHIPMENTS_URL}/shipments/{id}`,
        integration_method: 'ANY',
        request_parameters: {
          'overwrite:header.x-tollgate-sub': '$context.authorizer.claims.sub',
          'overwrite:header.x-tollgate-client-id': '$context.authorizer.claims.client_id',
          'overwrite:header.x-tollgate-scope': '$context.authorizer.claims.scope',
        },
      }),
    ]);
  });

  it('names every function in the function_name output', () => {
    const outputs = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).output;
    const [first, second] = String(outputs.function_name.value).split(',');
    expect(first).toMatch(/^\$\{aws_lambda_function\.handler_function_[A-F0-9]+\.function_name\}$/);
    expect(second).toMatch(/^\$\{aws_lambda_function\.fn-create-order_function_[A-F0-9]+\.function_name\}$/);
  });
});

describeWithTerraform('the Orders stack through the real Terraform (offline, provider mirror)', { needMirror: true }, () => {
  let setup: TerraformSetup;
  let plan: TerraformPlan;
  const ofType = (type: string): ResourceChange[] => plan.resourceChanges.filter((r) => r.type === type);
  const after = (rc: ResourceChange) => rc.after as Record<string, unknown>;

  beforeAll(async () => {
    setup = await setupTerraform();
    const ws = new TerraformWorkspace(setup, { stackDir, lockFile: { path: path.join(REPO, LOCK_FILE_NAME), mode: 'readonly' } });
    await ws.init();
    plan = await ws.show(await ws.plan({ offline: {} }));
  });
  afterAll(() => setup?.dispose());

  it('plans to create the whole stack (the plan validates it first)', () => {
    expect(plan.applyable).toBe(true);
    expect(plan.resourceChanges.every((r) => r.action === 'create')).toBe(true);
    expect(ofType('aws_lambda_function')).toHaveLength(2);
    expect(
      ofType('aws_apigatewayv2_route')
        .map((r) => after(r).route_key)
        .sort(),
    ).toEqual(config.routes.map((r) => r.routeKey).sort());
    expect(ofType('aws_apigatewayv2_integration')).toHaveLength(3);
  });

  it("each route targets its own function's integration, or the backend's", () => {
    const integrationOf = new Map(
      ofType('aws_apigatewayv2_route').map((r) => [
        after(r).route_key as string,
        configuredExpression(plan, r.address, ['target'])?.references?.find((ref) => ref.endsWith('.id')),
      ]),
    );
    const byAddress = new Map(ofType('aws_apigatewayv2_integration').map((i) => [`${i.address}.id`, i]));
    const uriOf = (key: string) => {
      const integration = byAddress.get(integrationOf.get(key)!)!;
      return after(integration).integration_uri ?? configuredExpression(plan, integration.address, ['integration_uri'])?.references?.[0];
    };
    expect(uriOf('GET /orders')).toBe(uriOf('GET /orders/{id}'));
    expect(uriOf('GET /orders')).toMatch(/aws_lambda_function\.handler_function_[A-F0-9]+\.invoke_arn$/);
    expect(uriOf('POST /orders')).toMatch(/aws_lambda_function\.fn-create-order_function_[A-F0-9]+\.invoke_arn$/);
    expect(uriOf('GET /orders/{id}/shipment')).toBe(`${SHIPMENTS_URL}/shipments/{id}`);
  });

  it('invoke permissions are scoped per function to its own routes', () => {
    const permissions = ofType('aws_lambda_permission').map((p) => {
      const fn = configuredExpression(plan, p.address, ['function_name'])?.references?.find((ref) => ref.endsWith('.function_name'));
      const arn = configuredExpression(plan, p.address, ['source_arn'])?.constant_value as string;
      return `${/aws_lambda_function\.([a-z-]+)_function/.exec(fn ?? '')?.[1]} ${arn.split('/*/')[1]}`;
    });
    expect(permissions.sort()).toEqual(['fn-create-order POST/orders', 'handler GET/orders', 'handler GET/orders/*']);
  });

  it('the HTTP backend gets the identity headers from the validated claims', () => {
    const http = ofType('aws_apigatewayv2_integration').find((i) => after(i).integration_type === 'HTTP_PROXY')!;
    expect(after(http).request_parameters).toEqual({
      'overwrite:header.x-tollgate-sub': '$context.authorizer.claims.sub',
      'overwrite:header.x-tollgate-client-id': '$context.authorizer.claims.client_id',
      'overwrite:header.x-tollgate-scope': '$context.authorizer.claims.scope',
    });
    expect(after(http).payload_format_version).toBe('1.0');
  });
});
