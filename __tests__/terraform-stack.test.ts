/**
 * Every environment's synthesized stack through the real Terraform and the hashicorp/aws mirror:
 * init (pinned by the committed lock file), an offline plan (which validates the configuration first:
 * a separate `terraform validate` would start the provider once more), and the JSON plan checked
 * for what the gateway's security rests on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../stacks/synth';
import { loadAllEnvironments, type ResolvedConfig } from '../config';
import { describeWithTerraform } from '../deploy/terraform/__tests__/availability';
import { setupTerraform, type TerraformSetup } from '../deploy/terraform/locate';
import { configuredExpression, type ResourceChange, type TerraformPlan } from '../deploy/terraform/plan-json';
import { OFFLINE_OVERRIDE_FILE } from '../deploy/terraform/offline';
import { LOCK_FILE_NAME } from '../deploy/terraform/lock-file';
import { TerraformWorkspace, type SavedPlan } from '../deploy/terraform/workspace';
import { PHARMACY_CONFIG } from './pharmacy-fixture';

const REPO = path.resolve(__dirname, '..');
const CONFIG_FILE = PHARMACY_CONFIG;
const COMMITTED_LOCK = path.join(REPO, LOCK_FILE_NAME);

jest.setTimeout(180_000);

describeWithTerraform('the synthesized stacks through the real Terraform (offline, provider mirror)', { needMirror: true }, () => {
  const configs = loadAllEnvironments({ file: CONFIG_FILE, environment: {} });
  let tmp: string;
  let setup: TerraformSetup;
  const plans = new Map<string, TerraformPlan>();
  const events = new Map<string, SavedPlan['events']>();

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-tf-stack-'));
    const { app } = buildApp({ file: CONFIG_FILE, outdir: path.join(tmp, 'out'), env: { TOLLGATE_STATE_DIR: path.join(tmp, 'state') } });
    app.synth();
    setup = await setupTerraform();
    // Environments one after the other: two cores are shared with the other suites.
    for (const config of configs) {
      const ws = new TerraformWorkspace(setup, {
        stackDir: path.join(tmp, 'out', 'stacks', config.stackName),
        lockFile: { path: COMMITTED_LOCK, mode: 'readonly' },
      });
      await ws.init();
      const saved = await ws.plan({ offline: {} });
      expect(fs.existsSync(path.join(ws.stackDir, OFFLINE_OVERRIDE_FILE))).toBe(false);
      plans.set(config.environment, await ws.show(saved));
      events.set(config.environment, saved.events);
    }
  });

  afterAll(() => {
    setup?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('covers every environment of tollgate.config.ts', () => {
    expect([...plans.keys()].sort()).toEqual(configs.map((c) => c.environment).sort());
    expect(configs.map((c) => c.environment).sort()).toEqual(['dev', 'prod']);
  });

  it('installs the provider version the committed lock file pins, from the mirror', () => {
    const locked = /version\s*=\s*"([^"]+)"/.exec(fs.readFileSync(COMMITTED_LOCK, 'utf8'))?.[1];
    expect(setup.mirror?.awsVersions).toContain(locked);
  });

  describe.each(['dev', 'prod'])('%s', (environment) => {
    let config: ResolvedConfig;
    let plan: TerraformPlan;
    const ofType = (type: string): ResourceChange[] => plan.resourceChanges.filter((r) => r.type === type);
    const one = (type: string): ResourceChange => {
      const all = ofType(type);
      expect(all).toHaveLength(1);
      return all[0]!;
    };
    const after = (rc: ResourceChange) => rc.after as Record<string, unknown>;
    const unknown = (rc: ResourceChange) => rc.afterUnknown as Record<string, unknown>;

    beforeAll(() => {
      config = configs.find((c) => c.environment === environment)!;
      plan = plans.get(environment)!;
    });

    it('plans to create the whole stack and nothing else', () => {
      expect(plan.applyable).toBe(true);
      expect(plan.resourceChanges.every((r) => r.action === 'create')).toBe(true);
      expect(plan.summary).toEqual({ create: plan.resourceChanges.length, update: 0, replace: 0, delete: 0, forget: 0 });
      expect(ofType('aws_apigatewayv2_route')).toHaveLength(config.routes.length);
      expect(ofType('aws_lambda_permission')).toHaveLength(config.routes.length);
      // What plan -json streamed (the quick path of `tollgate plan`) names the same creates.
      const streamed = events.get(environment)!;
      expect(streamed.changes.map((c) => `${c.action} ${c.address}`).sort()).toEqual(
        plan.resourceChanges.map((r) => `create ${r.address}`).sort(),
      );
      expect(streamed.summary).toEqual({ add: plan.resourceChanges.length, change: 0, import: 0, remove: 0 });
    });

    it("the authorizer trusts the configured issuer, and the audience is the API's identifier", () => {
      const authorizer = one('aws_apigatewayv2_authorizer');
      expect(after(authorizer).authorizer_type).toBe('JWT');
      expect(after(authorizer).identity_sources).toEqual(['$request.header.Authorization']);
      const jwt = (after(authorizer).jwt_configuration as { issuer: string }[])[0]!;
      expect(jwt.issuer).toBe(config.asgardeo.issuer);
      const api = one('aws_apigatewayv2_api');
      if (config.apiResource.identifier) {
        expect((after(authorizer).jwt_configuration as { audience: string[] }[])[0]!.audience).toEqual([config.apiResource.identifier]);
      } else {
        // The default identifier is the stage invoke URL, known after apply: check what it is built from.
        expect((unknown(authorizer).jwt_configuration as { audience: boolean }[])[0]!.audience).toBe(true);
        const audience = configuredExpression(plan, authorizer.address, ['jwt_configuration', 0, 'audience']);
        expect(audience?.constant_value).toEqual([`\${${api.address}.api_endpoint}/${config.aws.stage}`]);
        expect(audience?.references).toContain(`${api.address}.api_endpoint`);
      }
    });

    it('every configured route, and only those, requires the JWT authorizer and its scopes', () => {
      const routes = ofType('aws_apigatewayv2_route').map((r) => after(r));
      const byKey = new Map(routes.map((r) => [r.route_key as string, r]));
      expect([...byKey.keys()].sort()).toEqual(config.routes.map((r) => `${r.method} ${r.path}`).sort());
      const authorizer = one('aws_apigatewayv2_authorizer');
      for (const route of config.routes) {
        const planned = byKey.get(`${route.method} ${route.path}`)!;
        if (route.public) {
          expect(planned.authorization_type).toBe('NONE');
          continue;
        }
        expect(planned.authorization_type).toBe('JWT');
        expect([...(planned.authorization_scopes as string[])].sort()).toEqual([...(route.scopes ?? [])].sort());
        const rc = ofType('aws_apigatewayv2_route').find((r) => after(r).route_key === `${route.method} ${route.path}`)!;
        expect(configuredExpression(plan, rc.address, ['authorizer_id'])?.references).toContain(`${authorizer.address}.id`);
      }
    });

    it('the integration proxies to the function with payload format 2.0', () => {
      const integration = after(one('aws_apigatewayv2_integration'));
      expect(integration.integration_type).toBe('AWS_PROXY');
      expect(integration.payload_format_version).toBe('2.0');
      const fn = one('aws_lambda_function');
      expect(configuredExpression(plan, one('aws_apigatewayv2_integration').address, ['integration_uri'])?.references).toContain(
        `${fn.address}.invoke_arn`,
      );
    });

    it('the function runs nodejs22.x on arm64', () => {
      const fn = after(one('aws_lambda_function'));
      expect(fn.runtime).toBe('nodejs22.x');
      expect(fn.architectures).toEqual(['arm64']);
      expect(fn.function_name).toBe(`${config.stackName}-handler`);
    });

    it("each invoke permission is scoped to its own route on this API's execution ARN", () => {
      const api = one('aws_apigatewayv2_api');
      const permissions = ofType('aws_lambda_permission');
      const arns = permissions.map((p) => {
        expect(after(p).principal).toBe('apigateway.amazonaws.com');
        expect(after(p).action).toBe('lambda:InvokeFunction');
        expect(after(p).function_name).toBe(`${config.stackName}-handler`);
        expect(unknown(p).source_arn).toBe(true);
        const expr = configuredExpression(plan, p.address, ['source_arn']);
        expect(expr?.references).toContain(`${api.address}.execution_arn`);
        return expr?.constant_value;
      });
      const expected = config.routes.map((r) => `\${${api.address}.execution_arn}/*/${r.method}${r.path.replace(/\{[^}]+\}/g, '*')}`);
      expect([...arns].sort()).toEqual([...expected].sort());
    });

    it('the stage throttles as configured', () => {
      const stage = after(one('aws_apigatewayv2_stage'));
      expect(stage.name).toBe(config.aws.stage);
      const settings = (stage.default_route_settings as { throttling_rate_limit: number; throttling_burst_limit: number }[])[0]!;
      expect(settings.throttling_rate_limit).toBe(config.aws.throttling.rateLimit);
      expect(settings.throttling_burst_limit).toBe(config.aws.throttling.burstLimit);
    });
  });
});
