/**
 * Each resource type's module, without Terraform or AWS: the object's identity read from the
 * synthesized resource (references resolved through the objects found for the resources they name),
 * the call that finds it, and the ID Terraform imports it by. AWS answers through a fake of the SDK
 * clients that replies by command name.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADOPTABLE_TYPES, findAdoptable, readSynthesizedResources, writeImportBlocks, type AwsClients } from '../index';
import type { SynthesizedResource } from '../types';

const STACK = 'shop-api-dev';
const FN_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:shop-api-dev-handler';
const INVOKE = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${FN_ARN}/invocations`;
const ROLE = 'shop-api-dev-handler-20261207000000000000000001';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:shop/dev/reader-AbCdEf';

/** The shapes tollgate's stack synthesizes (cdk.tf.json), one resource of each adoptable type. */
const STACK_JSON = {
  resource: {
    aws_iam_role: { role: { name_prefix: 'shop-api-dev-handler-', assume_role_policy: '{}' } },
    aws_iam_role_policy: { logs: { name: 'write-own-logs', role: '${aws_iam_role.role.id}', policy: '{}' } },
    aws_cloudwatch_log_group: { logs: { name: '/aws/lambda/shop-api-dev-handler', retention_in_days: 14 } },
    aws_lambda_function: {
      fn: { function_name: 'shop-api-dev-handler', role: '${aws_iam_role.role.arn}', depends_on: ['aws_cloudwatch_log_group.logs'] },
    },
    aws_lambda_permission: {
      get: { function_name: '${aws_lambda_function.fn.function_name}', statement_id: 'apigw-GET-items-1', action: 'lambda:InvokeFunction' },
    },
    aws_apigatewayv2_api: { api: { name: STACK, protocol_type: 'HTTP' } },
    aws_apigatewayv2_authorizer: { jwt: { api_id: '${aws_apigatewayv2_api.api.id}', name: `${STACK}-jwt`, authorizer_type: 'JWT' } },
    aws_apigatewayv2_integration: {
      lambda: { api_id: '${aws_apigatewayv2_api.api.id}', integration_uri: '${aws_lambda_function.fn.invoke_arn}' },
    },
    aws_apigatewayv2_route: {
      get: {
        api_id: '${aws_apigatewayv2_api.api.id}',
        route_key: 'GET /items',
        target: 'integrations/${aws_apigatewayv2_integration.lambda.id}',
      },
    },
    aws_apigatewayv2_stage: { stage: { api_id: '${aws_apigatewayv2_api.api.id}', name: 'dev', auto_deploy: true } },
    aws_secretsmanager_secret: { reader: { name: 'shop/dev/reader', recovery_window_in_days: 0 } },
    aws_secretsmanager_secret_policy: { reader: { secret_arn: '${aws_secretsmanager_secret.reader.arn}', policy: '{}' } },
  },
};

const notFound = (name: string) => Object.assign(new Error(`${name}: not found`), { name });
type Replies = Record<string, (input: Record<string, unknown>) => unknown>;

/** Everything of the stack exists, found the way AWS answers. */
const EXISTING: Replies = {
  ListRolesCommand: () => ({ Roles: [{ RoleName: ROLE }, { RoleName: 'shop-api-dev-handler-other' }, { RoleName: 'unrelated' }] }),
  GetRoleCommand: (i) =>
    i.RoleName === ROLE
      ? { Role: { RoleName: ROLE, Arn: `arn:aws:iam::111122223333:role/${ROLE}`, Tags: [{ Key: 'tollgate:stack', Value: STACK }] } }
      : { Role: { RoleName: i.RoleName, Arn: 'x', Tags: [{ Key: 'tollgate:stack', Value: 'another-stack' }] } },
  GetRolePolicyCommand: (i) => {
    if (i.RoleName !== ROLE) throw notFound('NoSuchEntityException');
    return { RoleName: ROLE, PolicyName: i.PolicyName, PolicyDocument: '{}' };
  },
  DescribeLogGroupsCommand: (i) => ({
    logGroups: [
      { logGroupName: `${String(i.logGroupNamePrefix)}-old`, arn: 'x:*' },
      { logGroupName: i.logGroupNamePrefix, arn: `arn:aws:logs:eu-west-1:111122223333:log-group:${String(i.logGroupNamePrefix)}:*` },
    ],
  }),
  GetFunctionCommand: (i) => ({ Configuration: { FunctionName: i.FunctionName, FunctionArn: FN_ARN, Role: 'r' } }),
  GetPolicyCommand: () => ({ Policy: JSON.stringify({ Statement: [{ Sid: 'other' }, { Sid: 'apigw-GET-items-1' }] }) }),
  GetApisCommand: (i) =>
    i.NextToken
      ? { Items: [{ ApiId: 'api2', Name: STACK, Tags: { 'tollgate:stack': STACK } }] }
      : { Items: [{ ApiId: 'api1', Name: STACK, Tags: {} }], NextToken: 'page2' },
  GetAuthorizersCommand: () => ({ Items: [{ AuthorizerId: 'auth1', Name: `${STACK}-jwt` }] }),
  GetIntegrationsCommand: () => ({
    Items: [
      { IntegrationId: 'other', IntegrationUri: 'arn:other' },
      { IntegrationId: 'int1', IntegrationUri: INVOKE },
    ],
  }),
  GetRoutesCommand: () => ({
    Items: [
      { RouteId: 'r0', RouteKey: 'POST /items' },
      { RouteId: 'r1', RouteKey: 'GET /items' },
    ],
  }),
  GetStageCommand: (i) => ({ StageName: i.StageName }),
  DescribeSecretCommand: (i) => ({ ARN: SECRET_ARN, Name: i.SecretId }),
  GetResourcePolicyCommand: (i) => ({ ARN: i.SecretId, Name: 'shop/dev/reader', ResourcePolicy: '{"Statement":[]}' }),
};

/** Nothing exists: each read answers the error code AWS gives for a missing object. */
const MISSING: Replies = {
  ListRolesCommand: () => ({ Roles: [] }),
  GetRolePolicyCommand: () => {
    throw notFound('NoSuchEntityException');
  },
  DescribeLogGroupsCommand: () => ({ logGroups: [] }),
  GetFunctionCommand: () => {
    throw notFound('ResourceNotFoundException');
  },
  GetPolicyCommand: () => {
    throw notFound('ResourceNotFoundException');
  },
  GetApisCommand: () => ({ Items: [] }),
  DescribeSecretCommand: () => {
    throw notFound('ResourceNotFoundException');
  },
};

function fakeAws(replies: Replies): AwsClients & { sent: string[] } {
  const sent: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      sent.push(name);
      const reply = replies[name];
      if (!reply) throw new Error(`unexpected AWS call ${name}`);
      return reply(command.input);
    },
  } as never;
  return {
    lambda: client,
    iam: client,
    logs: client,
    apigateway: client,
    secrets: client,
    sent,
    get calls() {
      return sent.length;
    },
    destroy() {},
  };
}

let stackDir: string;
let resources: Map<string, SynthesizedResource>;
beforeAll(() => {
  stackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-adopt-find-'));
  fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(STACK_JSON));
  resources = readSynthesizedResources(stackDir);
});
afterAll(() => fs.rmSync(stackDir, { recursive: true, force: true }));

const ALL = () => [...resources.keys()];

test('every adoptable type: its object found by its names or the stack tag, with the ID Terraform imports it by', async () => {
  const found = await findAdoptable({ resources, creates: ALL(), stack: STACK, aws: fakeAws(EXISTING) });
  expect(found.unchecked).toEqual([]);
  expect(found.objects.map((o) => [o.address, o.importId])).toEqual([
    ['aws_iam_role.role', ROLE],
    ['aws_iam_role_policy.logs', `${ROLE}:write-own-logs`],
    ['aws_cloudwatch_log_group.logs', '/aws/lambda/shop-api-dev-handler'],
    ['aws_lambda_function.fn', 'shop-api-dev-handler'],
    ['aws_lambda_permission.get', 'shop-api-dev-handler/apigw-GET-items-1'],
    ['aws_apigatewayv2_api.api', 'api2'],
    ['aws_apigatewayv2_authorizer.jwt', 'api2/auth1'],
    ['aws_apigatewayv2_integration.lambda', 'api2/int1'],
    ['aws_apigatewayv2_route.get', 'api2/r1'],
    ['aws_apigatewayv2_stage.stage', 'api2/dev'],
    ['aws_secretsmanager_secret.reader', SECRET_ARN],
    ['aws_secretsmanager_secret_policy.reader', SECRET_ARN],
  ]);
  // One module per type, and every type the list holds is covered above.
  expect(new Set(found.objects.map((o) => o.address.split('.')[0]))).toEqual(new Set(ADOPTABLE_TYPES.map((t) => t.type)));
  const byAddress = new Map(found.objects.map((o) => [o.address, o]));
  expect(byAddress.get('aws_iam_role.role')).toMatchObject({
    object: `IAM role ${ROLE}`,
    why: `name prefix shop-api-dev-handler- and tag tollgate:stack=${STACK}`,
  });
  expect(byAddress.get('aws_apigatewayv2_api.api')).toMatchObject({
    object: `HTTP API ${STACK} (api2)`,
    why: `name ${STACK} and tag tollgate:stack=${STACK}`,
  });
  expect(byAddress.get('aws_apigatewayv2_integration.lambda')!.why).toBe(`same target ${INVOKE}`);
});

test('nothing exists: AWS’s not-found answers read as absent; what refers to an absent object is not looked up', async () => {
  const aws = fakeAws(MISSING);
  const found = await findAdoptable({ resources, creates: ALL(), stack: STACK, aws });
  expect(found).toEqual({ objects: [], unchecked: [] });
  // No API: its stage, routes, integration and authorizer need no call. No role: its policy needs none.
  expect(aws.sent).not.toEqual(expect.arrayContaining(['GetStageCommand']));
  expect(aws.sent).not.toContain('GetRoutesCommand');
  expect(aws.sent).not.toContain('GetRolePolicyCommand');
  // Each resource is looked up once, however many others refer to it.
  expect(aws.sent.filter((c) => c === 'GetApisCommand')).toHaveLength(1);
});

test('only the resources the plan creates are checked: a plan that creates nothing makes no AWS call', async () => {
  const none = fakeAws(EXISTING);
  expect(await findAdoptable({ resources, creates: [], stack: STACK, aws: none })).toEqual({ objects: [], unchecked: [] });
  expect(none.calls).toBe(0);
  const one = fakeAws(EXISTING);
  const found = await findAdoptable({ resources, creates: ['aws_apigatewayv2_route.get'], stack: STACK, aws: one });
  expect(found.objects.map((o) => o.address)).toEqual(['aws_apigatewayv2_route.get']);
  // The API it belongs to is found to read its ID, but is not itself reported (it is in the state).
  expect(one.sent).toEqual(['GetApisCommand', 'GetApisCommand', 'GetRoutesCommand']);
});

test('not this stack’s: an API of the same name without the stack tag, or two tagged roles, is not adopted', async () => {
  const aws = fakeAws({
    ...EXISTING,
    GetApisCommand: () => ({ Items: [{ ApiId: 'a', Name: STACK, Tags: { 'tollgate:stack': 'other' } }] }),
    GetRoleCommand: (i) => ({ Role: { RoleName: i.RoleName, Arn: 'x', Tags: [{ Key: 'tollgate:stack', Value: STACK }] } }),
  });
  const found = await findAdoptable({
    resources,
    creates: ['aws_apigatewayv2_api.api', 'aws_iam_role.role', 'aws_lambda_function.fn'],
    stack: STACK,
    aws,
  });
  expect(found.objects.map((o) => o.address)).toEqual(['aws_lambda_function.fn']);
});

test('a call AWS refuses leaves that resource unchecked, with AWS’s words; the others are still found', async () => {
  const denied = Object.assign(new Error('User is not authorized to perform: iam:ListRoles'), { name: 'AccessDenied' });
  const aws = fakeAws({
    ...EXISTING,
    ListRolesCommand: () => {
      throw denied;
    },
  });
  const found = await findAdoptable({ resources, creates: ['aws_iam_role.role', 'aws_lambda_function.fn'], stack: STACK, aws });
  expect(found.objects.map((o) => o.address)).toEqual(['aws_lambda_function.fn']);
  expect(found.unchecked).toEqual([
    { address: 'aws_iam_role.role', reason: 'AccessDenied: User is not authorized to perform: iam:ListRoles' },
  ]);
});

test('--adopt: an import block per object goes into the synthesized stack', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-adopt-blocks-'));
  try {
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(STACK_JSON));
    writeImportBlocks(dir, [{ address: 'aws_lambda_function.fn', importId: 'shop-api-dev-handler', object: 'x', why: 'y' }]);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;
    expect(doc.import).toEqual([{ to: 'aws_lambda_function.fn', id: 'shop-api-dev-handler' }]);
    expect(doc.resource).toEqual(STACK_JSON.resource);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
