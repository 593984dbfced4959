import type { DeployedSnapshot } from '../../aws';
import { buildDeployedModel } from '../deployed-model';
import { GatewayStackError } from '../errors';

/** A control-plane snapshot as `sandbox/aws` returns it for the example stack (plain data). */
/** Mutable copies, so a test can break one field. */
type Mutable<T> = {
  -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? Mutable<U>[] : T[K] extends object ? Mutable<T[K]> : T[K];
};

function snapshot(change: (s: Mutable<DeployedSnapshot>) => void = () => undefined): DeployedSnapshot {
  const fnArn = 'arn:aws:lambda:us-east-1:000000000000:function:api-dev-handler';
  const s: Mutable<DeployedSnapshot> = {
    account: '000000000000',
    logGroups: [],
    roles: [],
    apis: [
      {
        apiId: 'abc123defg',
        name: 'api-dev',
        region: 'us-east-1',
        protocolType: 'HTTP',
        apiEndpoint: 'http://127.0.0.1:5555',
        executionArn: 'arn:aws:execute-api:us-east-1:000000000000:abc123defg',
        tags: {},
        corsConfiguration: { allowOrigins: ['http://localhost:5173'], allowMethods: ['get'], maxAge: 300, allowCredentials: false },
        routes: [
          {
            routeId: 'r1',
            routeKey: 'GET /user',
            method: 'GET',
            path: '/user',
            authorizationType: 'JWT',
            authorizerId: 'au1',
            authorizationScopes: ['get_pharmacy_user'],
            integrationId: 'i1',
          },
          {
            routeKey: 'GET /health',
            routeId: 'r2',
            method: 'GET',
            path: '/health',
            authorizationType: 'NONE',
            authorizationScopes: [],
            integrationId: 'i1',
          },
          { routeKey: 'GET /unwired', routeId: 'r3', method: 'GET', path: '/unwired', authorizationType: 'NONE', authorizationScopes: [] },
        ],
        integrations: [
          {
            integrationId: 'i1',
            integrationType: 'AWS_PROXY',
            integrationUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
            payloadFormatVersion: '2.0',
            timeoutInMillis: 30000,
            requestParameters: {},
            functionName: 'api-dev-handler',
          },
        ],
        authorizers: [
          {
            authorizerId: 'au1',
            name: 'jwt',
            authorizerType: 'JWT',
            identitySource: ['$request.header.Authorization'],
            issuer: 'http://127.0.0.1:4180/t/pharmacy/oauth2/token',
            audience: ['http://127.0.0.1:5555/dev'],
          },
        ],
        stages: [{ stageName: 'dev', autoDeploy: true, throttling: {}, invokeUrl: 'http://127.0.0.1:5555/dev' }],
      },
    ],
    functions: [
      {
        functionName: 'api-dev-handler',
        arn: fnArn,
        region: 'us-east-1',
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        timeout: 10,
        memorySize: 256,
        architectures: ['arm64'],
        environment: { STAGE: 'dev' },
        logGroup: '/aws/lambda/api-dev-handler',
        codeSha256: 'x',
        codeSize: 1,
        tags: {},
        permissions: [
          {
            sid: 'p1',
            qualifier: '',
            principal: 'apigateway.amazonaws.com',
            action: 'lambda:InvokeFunction',
            sourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/GET/user',
          },
          {
            sid: 'p2',
            qualifier: 'live',
            principal: 'apigateway.amazonaws.com',
            action: 'lambda:InvokeFunction',
            sourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/*',
          },
          { sid: 'p3', qualifier: '', principal: 's3.amazonaws.com', action: 'lambda:InvokeFunction' },
        ],
      },
    ],
  };
  change(s);
  return s;
}

const build = (s: DeployedSnapshot) =>
  buildDeployedModel({ snapshot: s, stackName: 'api-dev', outputs: { api_id: 'abc123defg' }, archiveOf: (n) => `/code/${n}.zip` });

describe('the gateway model from what the control plane holds', () => {
  it('serves the deployed routes, authorizer, integration, stage, permissions and uploaded code', () => {
    const model = build(snapshot());
    expect(model.stageName).toBe('dev');
    expect(model.executionArn).toBe('arn:aws:execute-api:us-east-1:000000000000:abc123defg');
    expect(model.routes.map((r) => `${r.routeKey} ${r.authorizationType} ${r.scopes.join(',')} ${r.functionKey}`)).toEqual([
      'GET /user JWT get_pharmacy_user api-dev-handler',
      'GET /health NONE  api-dev-handler',
    ]);
    expect(model.authorizers.get('au1')).toEqual({
      key: 'au1',
      issuer: 'http://127.0.0.1:4180/t/pharmacy/oauth2/token',
      audiences: ['http://127.0.0.1:5555/dev'],
      identityHeaders: ['authorization'],
    });
    expect(model.functions.get('api-dev-handler')).toMatchObject({
      archive: '/code/api-dev-handler.zip',
      handler: 'index.handler',
      timeoutSeconds: 10,
      memoryMb: 256,
      environment: { STAGE: 'dev' },
    });
    // Only API Gateway's statements on the unqualified function count.
    expect(model.permissions).toEqual([
      { functionKey: 'api-dev-handler', sourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/GET/user' },
    ]);
    expect(model.cors).toEqual({
      allowOrigins: ['http://localhost:5173'],
      allowMethods: ['GET'],
      allowHeaders: [],
      exposeHeaders: [],
      maxAgeSeconds: 300,
      allowCredentials: false,
    });
    expect(model.outputs).toEqual({ api_id: 'abc123defg' });
  });

  it('refuses what the local gateway cannot serve, saying what and where', () => {
    expect(() => build(snapshot((s) => (s.apis[0].integrations[0].payloadFormatVersion = '1.0')))).toThrow(
      /integration i1 .*payload format 1\.0; the handler expects 2\.0/,
    );
    expect(() => build(snapshot((s) => s.apis.push({ ...s.apis[0], apiId: 'other' })))).toThrow(
      new GatewayStackError('the local AWS control plane holds 2 HTTP APIs; the local gateway serves a deployment with exactly one'),
    );
    expect(() => build(snapshot((s) => (s.apis[0].routes[0].authorizerId = 'gone')))).toThrow(
      /route GET \/user .*names no deployed JWT authorizer/,
    );
    expect(() => build(snapshot((s) => (s.apis[0].stages = [])))).toThrow(/has no stage/);
  });
});
