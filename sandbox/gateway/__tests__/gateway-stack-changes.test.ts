import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalGateway, type LocalGateway } from '..';
import { prepareStackDir, type EditableStackJson } from './helpers/stack-fixture';
import { startTestIssuer, type TestIssuer } from './helpers/test-issuer';

let issuer: TestIssuer;
const dirs: string[] = [];
const running: LocalGateway[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await Promise.all(running.map((gateway) => gateway.stop()));
  await issuer.stop();
  dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

async function gatewayFor(
  edit?: (json: EditableStackJson) => void,
  handlerDir?: string,
  log: (line: string) => void = () => undefined,
): Promise<LocalGateway> {
  const dir = prepareStackDir(issuer.issuer, edit, handlerDir);
  dirs.push(dir);
  const gateway = await startLocalGateway({ stackDir: dir, log });
  running.push(gateway);
  return gateway;
}

const route = (json: EditableStackJson, name: string) => json.resource.aws_apigatewayv2_route[name];

describe('the gateway serves what the Terraform says, not what the configuration meant', () => {
  test('a route the stack makes public is served without a token', async () => {
    const gateway = await gatewayFor((json) => {
      const getUser = route(json, 'HttpApi_Route_GET_user_11AA22BB');
      getUser.authorization_type = 'NONE';
      delete getUser.authorizer_id;
      delete getUser.authorization_scopes;
    });
    expect(gateway.routes.find((r) => r.routeKey === 'GET /user')).toEqual({
      routeKey: 'GET /user',
      authorizationType: 'NONE',
      scopes: [],
    });
    const response = await fetch(`${gateway.stageInvokeUrl}/user`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { message: string }).message).toBe('Welcome guest!');
  });

  test('a scope change in the stack changes the answer for the same token', async () => {
    const changed = await gatewayFor((json) => {
      route(json, 'HttpApi_Route_GET_user_11AA22BB').authorization_scopes = ['read_pharmacy_user'];
    });
    const sign = (gateway: LocalGateway) => issuer.sign({ sub: 'reader', aud: gateway.stageInvokeUrl, scope: 'get_pharmacy_user' });
    const before = await gatewayFor();
    expect((await fetch(`${before.stageInvokeUrl}/user`, { headers: { authorization: `Bearer ${await sign(before)}` } })).status).toBe(200);
    const after = await fetch(`${changed.stageInvokeUrl}/user`, { headers: { authorization: `Bearer ${await sign(changed)}` } });
    expect(after.status).toBe(403);
    expect(after.headers.get('www-authenticate')).toContain('expected scopes: [read_pharmacy_user]');
  });

  test('an audience written as a literal is compared as written', async () => {
    const gateway = await gatewayFor((json) => {
      (json.resource.aws_apigatewayv2_authorizer.HttpApi_Authorizer_0A1B2C3D.jwt_configuration as { audience: string[] }).audience = [
        'pharmacy-api',
      ];
    });
    const ok = await issuer.sign({ sub: 'r', aud: 'pharmacy-api', scope: 'get_pharmacy_user' });
    const stage = await issuer.sign({ sub: 'r', aud: gateway.stageInvokeUrl, scope: 'get_pharmacy_user' });
    expect((await fetch(`${gateway.stageInvokeUrl}/user`, { headers: { authorization: ok } })).status).toBe(200);
    expect((await fetch(`${gateway.stageInvokeUrl}/user`, { headers: { authorization: stage } })).status).toBe(401);
  });

  test('the $default stage is served at the root', async () => {
    const gateway = await gatewayFor((json) => {
      json.resource.aws_apigatewayv2_stage.HttpApi_Stage_5E6F7A8B.name = '$default';
    });
    expect(gateway.stageInvokeUrl).toBe(gateway.url);
    expect(gateway.outputsFile()['pharmacy-user-api-dev'].stage_invoke_url).toBe(`${gateway.url}/`);
    const response = await fetch(`${gateway.url}/health`);
    const body = (await response.json()) as { event: { rawPath: string; requestContext: { stage: string } } };
    expect(body.event.rawPath).toBe('/health');
    expect(body.event.requestContext.stage).toBe('$default');
  });

  test('sensitive outputs are left out of the outputs file, as cdktf does', async () => {
    const gateway = await gatewayFor((json) => {
      json.output.internal = { value: 'hidden', sensitive: true };
    });
    expect(gateway.outputsFile()['pharmacy-user-api-dev']).not.toHaveProperty('internal');
  });
});

describe('failures on the way', () => {
  test(
    'a route without an aws_lambda_permission that covers it -> 500, as on AWS, ' + 'and the log says which permission is missing',
    async () => {
      const lines: string[] = [];
      const gateway = await gatewayFor(
        (json) => {
          delete json.resource.aws_lambda_permission.HttpApi_Permission_Any_E5F6A7B8;
        },
        undefined,
        (line) => lines.push(line),
      );
      const token = await issuer.sign({ sub: 'r', aud: gateway.stageInvokeUrl, scope: 'get_pharmacy_user' });
      expect((await fetch(`${gateway.stageInvokeUrl}/user`, { headers: { authorization: token } })).status).toBe(200);
      const health = await fetch(`${gateway.stageInvokeUrl}/health`);
      expect(health.status).toBe(500);
      expect(await health.json()).toEqual({ message: 'Internal Server Error' });
      expect(lines.join('\n')).toContain(
        'no aws_lambda_permission (principal apigateway.amazonaws.com) has a source_arn matching ' +
          'arn:aws:execute-api:us-east-1:000000000000:local/dev/GET/health',
      );
    },
  );

  test('an unreachable issuer -> 401, and the log says which URL failed', async () => {
    const lines: string[] = [];
    const gateway = await gatewayFor(
      (json) => {
        (json.resource.aws_apigatewayv2_authorizer.HttpApi_Authorizer_0A1B2C3D.jwt_configuration as { issuer: string }).issuer =
          'http://127.0.0.1:9/t/pharmacy/oauth2/token';
      },
      undefined,
      (line) => lines.push(line),
    );
    const token = await issuer.sign({
      iss: 'http://127.0.0.1:9/t/pharmacy/oauth2/token',
      sub: 'r',
      aud: gateway.stageInvokeUrl,
      scope: 'get_pharmacy_user',
    });
    const response = await fetch(`${gateway.stageInvokeUrl}/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('signing keys of the issuer could not be fetched');
    expect(lines.join('\n')).toContain('http://127.0.0.1:9/t/pharmacy/oauth2/token/.well-known/openid-configuration');
    expect(lines.join('\n')).not.toContain(token);
  });

  test('a handler that runs past the function timeout -> 500, and the next request gets a fresh environment', async () => {
    const handlerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-slow-'));
    dirs.push(handlerDir);
    fs.writeFileSync(
      path.join(handlerDir, 'index.js'),
      'let calls = 0;\nexports.handler = async (event) => { calls += 1; ' +
        "if (event.rawQueryString === 'slow') await new Promise((r) => setTimeout(r, 5000)); return { calls }; };\n",
    );
    const lines: string[] = [];
    const gateway = await gatewayFor(
      (json) => {
        json.resource.aws_lambda_function.HttpApi_Function_9C8D7E6F.timeout = 1;
      },
      handlerDir,
      (line) => lines.push(line),
    );
    expect(await (await fetch(`${gateway.stageInvokeUrl}/health`)).json()).toEqual({ calls: 1 });
    const started = Date.now();
    const slow = await fetch(`${gateway.stageInvokeUrl}/health?slow`);
    expect(slow.status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(lines.join('\n')).toContain('Task timed out after 1 seconds');
    expect(await (await fetch(`${gateway.stageInvokeUrl}/health`)).json()).toEqual({ calls: 1 });
  });
});
