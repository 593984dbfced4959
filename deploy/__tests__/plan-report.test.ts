import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from '../../config';
import { buildAccessMatrix, renderAccessMatrix } from '../access-matrix';
import { planExitCode, renderPlanReport, runPlan } from '../plan-report';
import type { SideOptions } from '../asgardeo-side';
import type { InfraPlan, StackOperation } from '../infra-runner';
import { FakeRunner, FakeSide, exampleConfig, tmpDir } from './helpers';

const config = exampleConfig('dev');

/** A synthesized stack folder holding just the authorizer, as cdktf writes it. */
function stackDir(
  jwt: { issuer: string; audience: string[] },
  routes = config.routes.map((r) => ({ route_key: r.routeKey, authorization_type: 'JWT', authorization_scopes: [...r.scopes] })),
): string {
  const dir = tmpDir();
  const json = {
    resource: {
      aws_apigatewayv2_authorizer: {
        api_jwt_authorizer_1234: {
          api_id: '${aws_apigatewayv2_api.api.id}',
          authorizer_type: 'JWT',
          identity_sources: ['$request.header.Authorization'],
          jwt_configuration: jwt,
          name: 'asgardeo',
        },
      },
      aws_apigatewayv2_route: Object.fromEntries(routes.map((r, i) => [`route_${i}`, r])),
    },
  };
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json));
  return dir;
}
const goodStack = () => stackDir({ issuer: config.asgardeo.issuer, audience: ['${aws_apigatewayv2_stage.api_stage.invoke_url}'] });

async function plan(o: { runner?: FakeRunner; side?: FakeSide; dir?: string; cfg?: ResolvedConfig } = {}) {
  const cfg = o.cfg ?? config;
  const calls: string[] = [];
  const runner = o.runner ?? new FakeRunner(cfg, calls);
  const side = o.side ?? new FakeSide(undefined, calls);
  const report = await runPlan({
    config: cfg,
    runner,
    side,
    credentials: { clientId: 'a', clientSecret: 'b' },
    stackDir: o.dir ?? goodStack(),
  });
  return { report, calls, runner, side };
}

describe('access matrix', () => {
  test('the example: each route, its scopes, the clients and roles that can obtain them', () => {
    const m = buildAccessMatrix(config);
    expect(m.routes.map((r) => [r.routeKey, r.scopes, r.clients.map((c) => c.name), r.roles.map((x) => x.name)])).toEqual([
      ['GET /user', ['get_pharmacy_user'], ['pharmacy-reader'], ['pharmacist', 'PharmacyUser']],
      ['POST /user', ['create_pharmacy_user'], ['pharmacy-admin'], []],
      ['PUT /user', ['update_pharmacy_user'], ['pharmacy-admin'], ['pharmacist']],
    ]);
    expect(m.warnings).toEqual([]);
    const text = renderAccessMatrix(m, 'text');
    expect(text.split('\n')[0]).toMatch(
      /^route\s+required scopes \(any one\)\s+clients \(client credentials\)\s+roles \(users signing in\)$/,
    );
    // The example's spa is a sign-in path admitting organization roles; each role lists its users.
    expect(text).toMatch(
      new RegExp(
        /GET \/user\s+get_pharmacy_user\s+pharmacy-reader \(get_pharmacy_user\)\s+/.source +
          /pharmacist \(get_pharmacy_user via pharmacy-demo; users: none\), /.source +
          /PharmacyUser \(get_pharmacy_user via pharmacy-demo; users: kim@gmail.com\)/.source,
      ),
    );
    expect(text).toMatch(
      new RegExp(
        /PUT \/user\s+update_pharmacy_user\s+pharmacy-admin \(update_pharmacy_user\)\s+/.source +
          /pharmacist \(update_pharmacy_user; no sign-in client admits it; users: none\)/.source,
      ),
    );
  });

  test('a route scope nobody can obtain is a warning naming route and scope', () => {
    const cfg: ResolvedConfig = {
      ...config,
      scopes: [...config.scopes, { name: 'delete_pharmacy_user', displayName: 'Delete', description: '' }],
      routes: [
        ...config.routes,
        { ...config.routes[0]!, method: 'DELETE', path: '/user', routeKey: 'DELETE /user', scopes: ['delete_pharmacy_user'] },
      ],
    };
    const m = buildAccessMatrix(cfg);
    expect(m.warnings).toEqual([
      'DELETE /user: nobody can obtain scope "delete_pharmacy_user" (no client is authorized for it and no role holds it); ' +
        "add it to a client's scopes in tollgate.config.ts",
    ]);
    expect(renderAccessMatrix(m, 'markdown')).toContain('> ⚠️ DELETE /user: nobody can obtain scope "delete_pharmacy_user"');
  });

  test('a role counts through a sign-in client that admits organization roles and is authorized for the scope', () => {
    const cfg: ResolvedConfig = {
      ...config,
      clients: [
        ...config.clients,
        {
          name: 'pharmacy-portal',
          description: '',
          grantTypes: ['authorization_code'],
          callbackUrls: ['https://portal.example.com/cb'],
          scopes: ['get_pharmacy_user'],
          accessTokenLifetimeSeconds: 3600,
          roleAudience: 'organization',
        },
      ],
    };
    const get = buildAccessMatrix(cfg).routes[0];
    expect(get.roles).toEqual([
      { name: 'pharmacist', scopes: ['get_pharmacy_user'], via: ['pharmacy-portal', 'pharmacy-demo'], users: [] },
      { name: 'PharmacyUser', scopes: ['get_pharmacy_user'], via: ['pharmacy-portal', 'pharmacy-demo'], users: ['kim@gmail.com'] },
    ]);
    // The portal is not authorized for update_pharmacy_user, so the role gives no way in there.
    expect(buildAccessMatrix(cfg).routes[2].roles[0].via).toEqual([]);
  });

  test('a user-facing application with its own roles admits only the roles whose audience it is', () => {
    const cfg: ResolvedConfig = {
      ...config,
      applications: config.applications.map((a) => ({ ...a, roleAudience: 'application' as const })),
      roles: [
        ...config.roles,
        {
          name: 'demo-reader',
          audience: { type: 'application', client: 'pharmacy-demo' },
          scopes: ['get_pharmacy_user'],
          users: ['lee@example.com'],
        },
      ],
    };
    const get = buildAccessMatrix(cfg).routes[0];
    expect(get.roles.map((r) => [r.name, r.via, r.users])).toEqual([
      ['pharmacist', [], []],
      ['PharmacyUser', [], ['kim@gmail.com']],
      ['demo-reader', ['pharmacy-demo'], ['lee@example.com']],
    ]);
  });
});

describe('tollgate plan report', () => {
  test('one report with the AWS diff, the Asgardeo plan, the access matrix and the boundary checks', async () => {
    const { report, calls } = await plan();
    expect(calls.sort()).toEqual([`plan ${config.stackName}`, 'plan without outputs']);
    const text = renderPlanReport(report, 'text');
    expect(text).toContain('tollgate plan: pharmacy-user-api-dev (dev): changes: AWS yes, Asgardeo yes');
    expect(text).toContain('== Who can call what ==');
    expect(text).toContain('✓ issuer: the authorizer trusts https://api.asgardeo.io/t/pharmacy/oauth2/token, which Asgardeo puts in iss');
    // The fixture's authorizer audience is a Terraform reference; the reconciler's is the configuration's identifier.
    expect(text).toContain(
      "✓ audience: the authorizer's audience is the stack's API identifier (computed by Terraform); " +
        'the reconciler uses urn:tollgate:pharmacy:pharmacy-user-api:dev',
    );
    expect(text).toContain('== AWS: Plan: 9 to add, 0 to change, 0 to destroy. ==');
    expect(text).toContain('+ create api resource "Pharmacy User API"');
  });

  test('--markdown is a PR comment: headings, a table, the Terraform plan folded', async () => {
    const { report } = await plan();
    const md = renderPlanReport(report, 'markdown');
    expect(md).toContain('## tollgate plan: `pharmacy-user-api-dev` (dev)');
    expect(md).toContain('| route | required scopes (any one) | clients (client credentials) | roles (users signing in) |');
    expect(md).toContain('| `GET /user` | get_pharmacy_user | pharmacy-reader (get_pharmacy_user) |');
    expect(md).toMatch(/<details><summary>Terraform plan<\/summary>\n\n```\nPlan: 9 to add/);
    expect(md).toContain('- ✅ **issuer**');
  });

  test('--json carries the same facts', async () => {
    const { report } = await plan();
    const json = JSON.parse(renderPlanReport(report, 'json'));
    expect(json).toMatchObject({
      stackName: 'pharmacy-user-api-dev',
      changes: true,
      aws: { changes: true },
      asgardeo: { changes: true, plan: { changes: true } },
      problems: [],
    });
    expect(json.accessMatrix.routes).toHaveLength(3);
  });

  test('AWS objects that exist but are not in the state are in the JSON report; --adopt reaches the AWS plan', async () => {
    const runner = new FakeRunner(config);
    const objects = [{ address: 'aws_lambda_function.fn', object: 'Lambda function f', why: 'same function name', importId: 'f' }];
    runner.planResult = { ...runner.planResult, adoption: { objects, unchecked: [], imported: false, calls: 1 } };
    const seen: unknown[] = [];
    const runnerPlan = runner.plan.bind(runner);
    runner.plan = (o) => (seen.push(o.adopt), runnerPlan(o));
    const { report } = await plan({ runner });
    expect(JSON.parse(renderPlanReport(report, 'json')).aws.adoption).toEqual({ objects, unchecked: [], imported: false, calls: 1 });
    await runPlan({
      config,
      runner,
      side: new FakeSide(undefined, []),
      credentials: { clientId: 'a', clientSecret: 'b' },
      stackDir: goodStack(),
      adopt: true,
    });
    expect(seen).toEqual([false, true]);
  });

  test('exit codes: 0 without changes, 2 with changes and --detailed-exitcode, 0 with changes without it', async () => {
    const none = new FakeRunner(config);
    none.planResult = { changes: false, text: 'No changes. Your infrastructure matches the configuration.', summary: 'No changes.' };
    const side = new FakeSide(undefined);
    side.planChanges = false;
    const clean = await plan({ runner: none, side });
    expect(clean.report.changes).toBe(false);
    expect(planExitCode(clean.report, true)).toBe(0);
    expect(renderPlanReport(clean.report, 'text')).toContain(': no changes');

    const asgardeoOnly = await plan({ runner: none });
    expect(planExitCode(asgardeoOnly.report, true)).toBe(2);
    expect(planExitCode(asgardeoOnly.report, false)).toBe(0);
  });

  test('a stack trusting another issuer is a problem (exit 1) that says every call would get 401', async () => {
    const { report } = await plan({
      dir: stackDir({
        issuer: 'https://api.asgardeo.io/t/pharmacy/oauth2/token/',
        audience: ['${aws_apigatewayv2_stage.api_stage.invoke_url}'],
      }),
    });
    expect(report.problems).toEqual([
      expect.stringContaining(
        'issuer: the authorizer trusts "https://api.asgardeo.io/t/pharmacy/oauth2/token/" ' +
          'but Asgardeo issues tokens with iss "https://api.asgardeo.io/t/pharmacy/oauth2/token": every call would get 401',
      ),
    ]);
    expect(planExitCode(report, true)).toBe(1);
  });

  test('an audience Asgardeo will not put in aud is a problem', async () => {
    const cfg: ResolvedConfig = { ...config, apiResource: { ...config.apiResource, identifier: 'https://pharmacy.example.com/api' } };
    const { report } = await plan({ cfg, dir: stackDir({ issuer: config.asgardeo.issuer, audience: ['https://other.example.com'] }) });
    expect(report.problems).toEqual([expect.stringContaining('the token does not have a valid audience')]);
    const ok = await plan({ cfg, dir: stackDir({ issuer: config.asgardeo.issuer, audience: ['https://pharmacy.example.com/api'] }) });
    expect(ok.report.problems).toEqual([]);
  });

  test('without a synthesized stack the boundary is reported as unchecked, not as fine', async () => {
    const { report } = await plan({ dir: path.join(tmpDir(), 'missing') });
    expect(report.boundary).toEqual([{ status: 'unknown', name: 'issuer and audience', detail: expect.stringContaining('was not found') }]);
  });

  test('a stack whose routes differ from the configuration is a problem: the access matrix would mislead', async () => {
    const routes = [
      { route_key: 'GET /user', authorization_type: 'NONE', authorization_scopes: [] as string[] },
      { route_key: 'POST /user', authorization_type: 'JWT', authorization_scopes: ['create_pharmacy_user', 'update_pharmacy_user'] },
      { route_key: 'DELETE /user', authorization_type: 'JWT', authorization_scopes: ['create_pharmacy_user'] },
    ];
    const { report } = await plan({
      dir: stackDir({ issuer: config.asgardeo.issuer, audience: ['${aws_apigatewayv2_stage.s.invoke_url}'] }, routes),
    });
    expect(report.problems).toHaveLength(1);
    const detail = report.problems[0];
    expect(detail).toContain(
      'GET /user requires get_pharmacy_user in the configuration but is served without a token (authorization_type NONE)',
    );
    expect(detail).toContain(
      'POST /user requires ["create_pharmacy_user","update_pharmacy_user"] in the stack but ["create_pharmacy_user"] in the configuration',
    );
    expect(detail).toContain('PUT /user is not in the stack');
    expect(detail).toContain('DELETE /user is in the stack but not in the configuration');
    const ok = await plan();
    expect(ok.report.boundary[0]).toEqual({
      status: 'ok',
      name: 'routes',
      detail: "the stack's 3 route(s) require exactly the scopes of the access matrix",
    });
  });
});

describe('one half of the plan failing', () => {
  /** Resolves only when its signal aborts (as a Terraform child does when interrupted), recording that it was stopped. */
  const untilAborted = (signal: AbortSignal | undefined, log: string[], who: string): Promise<never> =>
    new Promise((_, reject) => {
      signal?.addEventListener('abort', () => {
        log.push(`${who} stopped`);
        reject(new Error(`${who} interrupted`));
      });
    });

  test('an Asgardeo failure stops the Terraform plan and waits for it: the Asgardeo error is the one reported', async () => {
    const log: string[] = [];
    class SlowRunner extends FakeRunner {
      override async plan(o: StackOperation): Promise<InfraPlan> {
        return untilAborted(o.signal, log, 'terraform');
      }
    }
    class FailingSide extends FakeSide {
      override async plan(): Promise<{ changes: boolean }> {
        await new Promise((r) => setImmediate(r));
        throw new Error('Asgardeo is unreachable');
      }
    }
    const outcome = await plan({ runner: new SlowRunner(config, []), side: new FailingSide(undefined, []) }).then(
      () => 'resolved',
      (e: Error) => `${e.message}; ${log.join(', ')}`,
    );
    expect(outcome).toBe('Asgardeo is unreachable; terraform stopped');
  });

  test('a Terraform failure stops the Asgardeo plan: the Terraform error is the one reported', async () => {
    const log: string[] = [];
    class FailingRunner extends FakeRunner {
      override async plan(): Promise<InfraPlan> {
        await new Promise((r) => setImmediate(r));
        throw new Error('terraform init failed');
      }
    }
    class SlowSide extends FakeSide {
      override async plan(o: SideOptions): Promise<{ changes: boolean }> {
        return untilAborted(o.signal, log, 'asgardeo');
      }
    }
    const outcome = await plan({ runner: new FailingRunner(config, []), side: new SlowSide(undefined, []) }).then(
      () => 'resolved',
      (e: Error) => `${e.message}; ${log.join(', ')}`,
    );
    expect(outcome).toBe('terraform init failed; asgardeo stopped');
  });
});
