import { createHash } from 'node:crypto';
import { startLocalAws, type LocalAws } from '../index';
import { FAKE_ZIP, TestAwsClient, TRUST_LAMBDA, xmlValue } from './client';

const FIXED_NOW = new Date('2026-12-01T10:00:00.000Z');

describe('local AWS control plane (wire protocols, state, errors)', () => {
  let aws: LocalAws;
  let client: TestAwsClient;
  const unserved: string[] = [];

  beforeEach(async () => {
    unserved.length = 0;
    aws = await startLocalAws({ now: () => FIXED_NOW, onUnserved: (service, operation) => unserved.push(`${service}:${operation}`) });
    client = new TestAwsClient(aws.endpoint);
  });
  afterEach(() => aws.stop());

  async function createRole(name = 'fn-role'): Promise<string> {
    const reply = await client.query('iam', 'CreateRole', {
      RoleName: name,
      AssumeRolePolicyDocument: TRUST_LAMBDA,
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'pharmacy',
    });
    expect(reply.status).toBe(200);
    return xmlValue(reply.text, 'Arn')!;
  }

  async function createFunction(roleArn: string, extra: Record<string, unknown> = {}) {
    return client.rest('lambda', 'POST', '/2015-03-31/functions', {
      FunctionName: 'handler',
      Runtime: 'nodejs22.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: FAKE_ZIP.toString('base64') },
      Architectures: ['arm64'],
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/handler' },
      ...extra,
    });
  }

  it('STS and IAM speak query/XML: caller identity, roles, inline policies (URL-encoded back), AWS error shapes', async () => {
    const identity = await client.query('sts', 'GetCallerIdentity');
    expect(identity.status).toBe(200);
    expect(identity.text).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(xmlValue(identity.text, 'Account')).toBe('000000000000');

    const arn = await createRole();
    expect(arn).toBe('arn:aws:iam::000000000000:role/fn-role');
    const role = await client.query('iam', 'GetRole', { RoleName: 'fn-role' });
    expect(decodeURIComponent(xmlValue(role.text, 'AssumeRolePolicyDocument')!)).toBe(TRUST_LAMBDA);
    expect(xmlValue(role.text, 'CreateDate')).toBe(FIXED_NOW.toISOString());
    expect(role.text).toContain('<Tags><member><Key>team</Key><Value>pharmacy</Value></member></Tags>');

    const again = await client.query('iam', 'CreateRole', { RoleName: 'fn-role', AssumeRolePolicyDocument: TRUST_LAMBDA });
    expect(again.status).toBe(409);
    expect(again.text).toContain(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>EntityAlreadyExists</Code>',
    );
    expect((await client.query('iam', 'GetRole', { RoleName: 'nope' })).status).toBe(404);
    expect(xmlValue((await client.query('iam', 'GetRole', { RoleName: 'nope' })).text, 'Code')).toBe('NoSuchEntity');
    expect(
      xmlValue((await client.query('iam', 'CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: '{not json' })).text, 'Code'),
    ).toBe('MalformedPolicyDocument');

    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }] });
    expect(
      (await client.query('iam', 'PutRolePolicy', { RoleName: 'fn-role', PolicyName: 'write-logs', PolicyDocument: policy })).status,
    ).toBe(200);
    const got = await client.query('iam', 'GetRolePolicy', { RoleName: 'fn-role', PolicyName: 'write-logs' });
    expect(decodeURIComponent(xmlValue(got.text, 'PolicyDocument')!)).toBe(policy);
    expect((await client.query('iam', 'ListRolePolicies', { RoleName: 'fn-role' })).text).toContain(
      '<PolicyNames><member>write-logs</member></PolicyNames>',
    );
    const conflict = await client.query('iam', 'DeleteRole', { RoleName: 'fn-role' });
    expect([conflict.status, xmlValue(conflict.text, 'Code')]).toEqual([409, 'DeleteConflict']);
    await client.query('iam', 'DeleteRolePolicy', { RoleName: 'fn-role', PolicyName: 'write-logs' });
    expect((await client.query('iam', 'DeleteRole', { RoleName: 'fn-role' })).status).toBe(200);
    expect(aws.isEmpty()).toBe(true);
  });

  it('CloudWatch Logs speaks JSON 1.1: groups, retention, tags by ARN, and its error types', async () => {
    expect((await client.logs('CreateLogGroup', { logGroupName: '/aws/lambda/handler', tags: { a: '1' } })).status).toBe(200);
    const dup = await client.logs('CreateLogGroup', { logGroupName: '/aws/lambda/handler' });
    expect([dup.status, dup.json().__type]).toEqual([400, 'ResourceAlreadyExistsException']);
    expect(dup.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const badRetention = await client.logs('PutRetentionPolicy', { logGroupName: '/aws/lambda/handler', retentionInDays: 13 });
    expect(badRetention.json().__type).toBe('InvalidParameterException');
    await client.logs('PutRetentionPolicy', { logGroupName: '/aws/lambda/handler', retentionInDays: 14 });
    const described = (await client.logs('DescribeLogGroups', { logGroupNamePrefix: '/aws/lambda/' })).json<{
      logGroups: Record<string, unknown>[];
    }>();
    expect(described.logGroups).toEqual([
      expect.objectContaining({
        logGroupName: '/aws/lambda/handler',
        retentionInDays: 14,
        creationTime: FIXED_NOW.getTime(),
        arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/handler:*',
        logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/handler',
      }),
    ]);
    const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/handler';
    await client.logs('TagResource', { resourceArn: arn, tags: { b: '2' } });
    expect((await client.logs('ListTagsForResource', { resourceArn: arn })).json()).toEqual({ tags: { a: '1', b: '2' } });
    const missing = await client.logs('DeleteLogGroup', { logGroupName: '/nope' });
    expect([missing.status, missing.json().__type]).toEqual([400, 'ResourceNotFoundException']);
  });

  it('Lambda speaks REST-JSON: role checks, runtime checks, State Pending then Active, the uploaded code, permissions', async () => {
    const unknownRole = await createFunction('arn:aws:iam::000000000000:role/missing');
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    expect(unknownRole.json()).toEqual({ Type: 'User', Message: 'The role defined for the function cannot be assumed by Lambda.' });

    const roleArn = await createRole();
    const oldRuntime = await createFunction(roleArn, { Runtime: 'nodejs18.x' });
    expect(oldRuntime.json<{ Message: string }>().Message).toMatch(/nodejs18\.x is no longer supported/);

    const created = await createFunction(roleArn);
    expect(created.status).toBe(201);
    const sha = createHash('sha256').update(FAKE_ZIP).digest('base64');
    expect(created.json()).toMatchObject({
      State: 'Pending',
      CodeSha256: sha,
      CodeSize: FAKE_ZIP.length,
      Version: '$LATEST',
      Architectures: ['arm64'],
      LastModified: '2026-12-01T10:00:00.000+0000',
    });
    expect((await createFunction(roleArn)).headers.get('x-amzn-errortype')).toBe('ResourceConflictException');
    const got = (await client.rest('lambda', 'GET', '/2015-03-31/functions/handler')).json<{
      Configuration: Record<string, unknown>;
      Code: { Location: string };
    }>();
    expect(got.Configuration).toMatchObject({
      State: 'Active',
      LastUpdateStatus: 'Successful',
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:handler',
    });
    const code = Buffer.from(await (await fetch(got.Code.Location)).arrayBuffer());
    expect(code.equals(FAKE_ZIP)).toBe(true);
    expect(aws.functionCode('handler')!.equals(FAKE_ZIP)).toBe(true);

    const permission = {
      StatementId: 'apigw-get-user',
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc/*/GET/user',
    };
    const added = await client.rest('lambda', 'POST', '/2015-03-31/functions/handler/policy', permission);
    expect(added.status).toBe(201);
    expect(JSON.parse(added.json<{ Statement: string }>().Statement)).toMatchObject({
      Sid: 'apigw-get-user',
      Condition: { ArnLike: { 'AWS:SourceArn': permission.SourceArn } },
    });
    const duplicate = await client.rest('lambda', 'POST', '/2015-03-31/functions/handler/policy', permission);
    expect([duplicate.status, duplicate.headers.get('x-amzn-errortype')]).toEqual([409, 'ResourceConflictException']);
    const policy = JSON.parse(
      (await client.rest('lambda', 'GET', '/2015-03-31/functions/handler/policy')).json<{ Policy: string }>().Policy,
    ) as { Statement: unknown[] };
    expect(policy.Statement).toHaveLength(1);
    expect(aws.snapshot().functions[0]!.permissions).toEqual([
      {
        sid: 'apigw-get-user',
        qualifier: '',
        principal: 'apigateway.amazonaws.com',
        action: 'lambda:InvokeFunction',
        sourceArn: permission.SourceArn,
        sourceAccount: undefined,
      },
    ]);
    expect((await client.rest('lambda', 'DELETE', '/2015-03-31/functions/handler/policy/apigw-get-user')).status).toBe(204);
    const gone = await client.rest('lambda', 'GET', '/2015-03-31/functions/handler/policy');
    expect([gone.status, gone.headers.get('x-amzn-errortype')]).toEqual([404, 'ResourceNotFoundException']);
    expect((await client.rest('lambda', 'DELETE', '/2015-03-31/functions/handler')).status).toBe(204);
    expect((await client.rest('lambda', 'GET', '/2015-03-31/functions/handler')).status).toBe(404);
  });

  it('API Gateway v2: APIs, authorizers, routes, stages; validation and conflicts; the snapshot resolves references', async () => {
    const api = (await client.rest('apigateway', 'POST', '/v2/apis', { name: 'pharmacy', protocolType: 'HTTP', tags: { a: '1' } })).json<{
      apiId: string;
      apiEndpoint: string;
      createdDate: string;
    }>();
    expect(api.apiEndpoint).toBe(`https://${api.apiId}.execute-api.us-east-1.amazonaws.com`);
    expect(api.createdDate).toBe('2026-12-01T10:00:00Z');
    const missing = await client.rest('apigateway', 'GET', '/v2/apis/nope');
    expect([missing.status, missing.headers.get('x-amzn-errortype'), missing.json().message]).toEqual([
      404,
      'NotFoundException',
      'Invalid API identifier specified 000000000000:nope',
    ]);

    const invokeArn =
      'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:handler/invocations';
    const integration = (
      await client.rest('apigateway', 'POST', `/v2/apis/${api.apiId}/integrations`, {
        integrationType: 'AWS_PROXY',
        integrationMethod: 'POST',
        integrationUri: invokeArn,
        payloadFormatVersion: '2.0',
      })
    ).json<{ integrationId: string }>();
    const httpIssuer = await client.rest('apigateway', 'POST', `/v2/apis/${api.apiId}/authorizers`, {
      name: 'jwt',
      authorizerType: 'JWT',
      identitySource: ['$request.header.Authorization'],
      jwtConfiguration: { issuer: 'http://issuer.example.com', audience: ['x'] },
    });
    expect([httpIssuer.status, httpIssuer.headers.get('x-amzn-errortype')]).toEqual([400, 'BadRequestException']);
    const authorizer = (
      await client.rest('apigateway', 'POST', `/v2/apis/${api.apiId}/authorizers`, {
        name: 'jwt',
        authorizerType: 'JWT',
        identitySource: ['$request.header.Authorization'],
        jwtConfiguration: { issuer: 'https://issuer.example.com', audience: ['https://api'] },
      })
    ).json<{ authorizerId: string }>();

    const badAuthorizer = await client.rest('apigateway', 'POST', `/v2/apis/${api.apiId}/routes`, {
      routeKey: 'GET /user',
      authorizationType: 'JWT',
      authorizerId: 'zzzzzz',
      target: `integrations/${integration.integrationId}`,
    });
    expect([badAuthorizer.status, badAuthorizer.headers.get('x-amzn-errortype')]).toEqual([400, 'BadRequestException']);
    const route = {
      routeKey: 'GET /user',
      authorizationType: 'JWT',
      authorizerId: authorizer.authorizerId,
      authorizationScopes: ['get_pharmacy_user'],
      target: `integrations/${integration.integrationId}`,
    };
    expect((await client.rest('apigateway', 'POST', `/v2/apis/${api.apiId}/routes`, route)).status).toBe(201);
    const duplicate = await client.rest('apigateway', 'POST', `/v2/apis/${api.apiId}/routes`, route);
    expect([duplicate.status, duplicate.headers.get('x-amzn-errortype')]).toEqual([409, 'ConflictException']);
    const inUse = await client.rest('apigateway', 'DELETE', `/v2/apis/${api.apiId}/authorizers/${authorizer.authorizerId}`);
    expect([inUse.status, inUse.headers.get('x-amzn-errortype')]).toEqual([409, 'ConflictException']);

    const noGroup = await client.rest('apigateway', 'POST', `/v2/apis/${api.apiId}/stages`, {
      stageName: 'dev',
      autoDeploy: true,
      accessLogSettings: { destinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/access', format: '{"id":"$context.requestId"}' },
    });
    expect(noGroup.json().message).toMatch(/log group \/access does not exist/);
    await client.logs('CreateLogGroup', { logGroupName: '/access' });
    const stage = await client.rest('apigateway', 'POST', `/v2/apis/${api.apiId}/stages`, {
      stageName: 'dev',
      autoDeploy: true,
      accessLogSettings: { destinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/access', format: '{"id":"$context.requestId"}' },
      defaultRouteSettings: { throttlingRateLimit: 50, throttlingBurstLimit: 100 },
    });
    expect(stage.json()).toMatchObject({
      stageName: 'dev',
      autoDeploy: true,
      defaultRouteSettings: { detailedMetricsEnabled: false, throttlingRateLimit: 50, throttlingBurstLimit: 100 },
      deploymentId: expect.stringMatching(/^[a-z0-9]{6}$/),
    });
    const tags = await client.rest(
      'apigateway',
      'GET',
      `/v2/tags/${encodeURIComponent(`arn:aws:apigateway:us-east-1::/apis/${api.apiId}`)}`,
    );
    expect(tags.json()).toEqual({ tags: { a: '1' } });

    const [deployed] = aws.snapshot().apis;
    expect(deployed).toMatchObject({
      apiId: api.apiId,
      executionArn: `arn:aws:execute-api:us-east-1:000000000000:${api.apiId}`,
      integrations: [expect.objectContaining({ functionName: 'handler', payloadFormatVersion: '2.0' })],
      authorizers: [expect.objectContaining({ issuer: 'https://issuer.example.com', audience: ['https://api'] })],
      routes: [
        expect.objectContaining({
          method: 'GET',
          path: '/user',
          authorizationScopes: ['get_pharmacy_user'],
          integrationId: integration.integrationId,
        }),
      ],
      stages: [
        expect.objectContaining({ stageName: 'dev', throttling: { rateLimit: 50, burstLimit: 100 }, invokeUrl: `${api.apiEndpoint}/dev` }),
      ],
    });
    expect((await client.rest('apigateway', 'DELETE', `/v2/apis/${api.apiId}`)).status).toBe(204);
    expect(aws.snapshot().apis).toEqual([]);
  });

  it("answers an unserved operation with each protocol's unknown-operation error, naming it, and logs it by name", async () => {
    const iam = await client.query('iam', 'CreateUser', { UserName: 'x' });
    expect([iam.status, xmlValue(iam.text, 'Code')]).toEqual([400, 'InvalidAction']);
    expect(xmlValue(iam.text, 'Message')).toMatch(
      /^Could not find operation CreateUser for version 2010-05-08: the local AWS control plane/,
    );
    const logs = await client.logs('PutMetricFilter', { logGroupName: '/x' });
    expect([logs.status, logs.json().__type]).toEqual([400, 'UnknownOperationException']);
    const lambda = await client.rest('lambda', 'POST', '/2015-03-31/functions/handler/aliases', { Name: 'live', FunctionVersion: '1' });
    expect([lambda.status, lambda.headers.get('x-amzn-errortype')]).toEqual([404, 'UnknownOperationException']);
    expect(lambda.json<{ Message: string }>().Message).toMatch(/^Unknown operation CreateAlias/);
    const unknownPath = await client.rest('apigateway', 'GET', '/v2/nothing-here');
    expect(unknownPath.status).toBe(404);
    expect(unserved).toEqual(['iam:CreateUser', 'logs:PutMetricFilter', 'lambda:CreateAlias', 'apigateway:GET /v2/nothing-here']);
    expect(aws.requests.unserved()).toEqual(unserved);
  });

  it('refuses unsigned requests and services it does not serve', async () => {
    const unsigned = await client.send('iam', 'POST', '/', {
      unsigned: true,
      body: 'Action=GetRole&Version=2010-05-08&RoleName=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([unsigned.status, xmlValue(unsigned.text, 'Code')]).toEqual([403, 'MissingAuthenticationToken']);
    const s3 = await fetch(`${aws.endpoint}/bucket`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0' },
    });
    expect(s3.status).toBe(400);
    expect(await s3.text()).toMatch(/does not serve the service s3 /);
  });

  it("injects each service's own throttling and server errors for the next matching operations, then serves again", async () => {
    aws.faults.failNext('throttle', 1, { service: 'iam' });
    aws.faults.failNext('throttle', 1, { operation: 'CreateLogGroup' });
    aws.faults.failNext('throttle', 1, { operation: 'GetApis' });
    aws.faults.failNext('server-error', 1, { operation: 'ListFunctions' });
    expect(aws.faults.pending()).toBe(4);
    const iam = await client.query('iam', 'GetRole', { RoleName: 'x' });
    expect([iam.status, xmlValue(iam.text, 'Code')]).toEqual([400, 'Throttling']);
    const logs = await client.logs('CreateLogGroup', { logGroupName: '/g' });
    expect([logs.status, logs.json().__type]).toEqual([400, 'ThrottlingException']);
    const apis = await client.rest('apigateway', 'GET', '/v2/apis');
    expect([apis.status, apis.headers.get('x-amzn-errortype')]).toEqual([429, 'TooManyRequestsException']);
    // ListFunctions is not served: the fault never matches an operation that is refused first.
    await client.rest('lambda', 'GET', '/2015-03-31/functions');
    expect(aws.faults.pending()).toBe(1);
    aws.faults.reset();
    aws.faults.failNext('server-error', 1, { service: 'lambda' });
    const lambda = await client.rest('lambda', 'GET', '/2015-03-31/functions/x');
    expect([lambda.status, lambda.headers.get('x-amzn-errortype')]).toEqual([500, 'ServiceException']);
    expect((await client.logs('CreateLogGroup', { logGroupName: '/g' })).status).toBe(200);
    expect(
      aws.requests
        .entries()
        .filter((e) => e.injected)
        .map((e) => e.operation),
    ).toEqual(['GetRole', 'CreateLogGroup', 'GetApis', 'GetFunction']);
    expect(() => aws.faults.failNext('throttle', 0)).toThrow(/positive integer/);
    expect(() => aws.faults.setLatency(-1)).toThrow(/non-negative/);
  });

  it('its revision moves with each successful change, not with reads, failures or clearing the request log', async () => {
    const start = aws.revision();
    await createRole();
    const afterCreate = aws.revision();
    expect(afterCreate).toBeGreaterThan(start);
    expect((await client.query('iam', 'GetRole', { RoleName: 'fn-role' })).status).toBe(200);
    expect((await client.query('iam', 'CreateRole', { RoleName: 'fn-role', AssumeRolePolicyDocument: TRUST_LAMBDA })).status).toBe(409);
    aws.requests.clear();
    expect(aws.revision()).toBe(afterCreate);
    expect((await client.query('iam', 'DeleteRole', { RoleName: 'fn-role' })).status).toBe(200);
    expect(aws.revision()).toBeGreaterThan(afterCreate);
  });

  it('serves its state and the uploaded zips on the debug endpoints', async () => {
    const roleArn = await createRole();
    await createFunction(roleArn);
    const state = (await (await fetch(`${aws.endpoint}/_local/state`)).json()) as {
      functions: { functionName: string; codeUrl: string; codeSha256: string }[];
    };
    expect(state.functions).toEqual([
      expect.objectContaining({ functionName: 'handler', codeSha256: createHash('sha256').update(FAKE_ZIP).digest('base64') }),
    ]);
    const zip = await fetch(state.functions[0]!.codeUrl);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await zip.arrayBuffer()).equals(FAKE_ZIP)).toBe(true);
    expect((await fetch(`${aws.endpoint}/_local/functions/nope/code.zip`)).status).toBe(404);
    expect((await fetch(`${aws.endpoint}/_local/functions/%E0%A4%A/code.zip`)).status).toBe(400);
    const health = (await (await fetch(`${aws.endpoint}/_local/health`)).json()) as { counts: Record<string, number> };
    expect(health.counts).toMatchObject({ roles: 1, functions: 1 });
  });
});

describe('local AWS control plane: HTTP_PROXY integrations and parameter mapping', () => {
  let aws: LocalAws;
  let client: TestAwsClient;
  let apiId: string;
  beforeEach(async () => {
    aws = await startLocalAws({ now: () => FIXED_NOW });
    client = new TestAwsClient(aws.endpoint);
    apiId = (await client.rest('apigateway', 'POST', '/v2/apis', { name: 'orders', protocolType: 'HTTP' })).json<{ apiId: string }>().apiId;
  });
  afterEach(() => aws.stop());
  const create = (body: Record<string, unknown>) =>
    client.rest('apigateway', 'POST', `/v2/apis/${apiId}/integrations`, {
      integrationType: 'HTTP_PROXY',
      integrationMethod: 'ANY',
      integrationUri: 'https://shipments.example.com/shipments/{id}',
      payloadFormatVersion: '1.0',
      ...body,
    });

  it('keeps the mapping, shows it in the snapshot, and merges updates (an empty value removes a key)', async () => {
    const created = await create({
      requestParameters: {
        'overwrite:header.x-sub': '$context.authorizer.claims.sub',
        'overwrite:header.x-scope': '$context.authorizer.claims.scope',
      },
    });
    expect(created.status).toBe(201);
    const { integrationId } = created.json<{ integrationId: string }>();
    const updated = await client.rest('apigateway', 'PATCH', `/v2/apis/${apiId}/integrations/${integrationId}`, {
      requestParameters: { 'overwrite:header.x-scope': '', 'overwrite:header.x-client': '$context.authorizer.claims.client_id' },
    });
    expect(updated.json<{ requestParameters: Record<string, string> }>().requestParameters).toEqual({
      'overwrite:header.x-sub': '$context.authorizer.claims.sub',
      'overwrite:header.x-client': '$context.authorizer.claims.client_id',
    });
    expect(aws.snapshot().apis[0]!.integrations[0]).toMatchObject({
      integrationType: 'HTTP_PROXY',
      integrationMethod: 'ANY',
      integrationUri: 'https://shipments.example.com/shipments/{id}',
      requestParameters: { 'overwrite:header.x-sub': '$context.authorizer.claims.sub' },
    });
  });

  it.each([
    [
      'a reserved header',
      { requestParameters: { 'overwrite:header.Authorization': 'x' } },
      /Operations on header Authorization are restricted/,
    ],
    ['an x-amzn- header', { requestParameters: { 'append:header.x-amzn-trace': 'x' } }, /restricted/],
    ['a key that is no mapping', { requestParameters: { 'header.x-sub': 'x' } }, /Invalid mapping expression specified: header\.x-sub/],
    [
      'a claim name with ":"',
      { requestParameters: { 'overwrite:header.x-u': '$context.authorizer.claims.cognito:username' } },
      /Invalid mapping/,
    ],
    ['payload format 2.0', { payloadFormatVersion: '2.0' }, /only payload format version 1\.0/],
    ['no method', { integrationMethod: undefined }, /IntegrationMethod is required/],
  ])('refuses %s with 400', async (_name, body, message) => {
    const reply = await create(body);
    expect([reply.status, reply.headers.get('x-amzn-errortype')]).toEqual([400, 'BadRequestException']);
    expect(reply.json<{ message: string }>().message).toMatch(message);
  });
});
