/**
 * The floor of the synth benchmark (bench/synth.ts): a hand-written cdktf app that builds the same
 * resources as tollgate's dev stack of the root example, with deep provider imports and no tollgate
 * code. Values are written out instead of read from a configuration, and the Lambda code is a fixed
 * file that cdktf archives (TerraformAsset) at every synth, as any hand-written app does.
 * `bench/__tests__/minimal-app.test.ts` keeps its resources equal to tollgate's, so it stays a fair floor.
 */
import * as path from 'node:path';
import { App, AssetType, LocalBackend, TerraformAsset, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

const STACK = 'pharmacy-user-api-dev';
const FUNCTION_NAME = `${STACK}-handler`;
const ISSUER = 'https://api.asgardeo.io/t/pharmacy/oauth2/token';
const AUDIENCE = 'urn:tollgate:pharmacy:pharmacy-user-api:dev';
const ROUTES = [
  { method: 'GET', scope: 'get_pharmacy_user', statementId: 'apigw-GET-user-5184b908' },
  { method: 'POST', scope: 'create_pharmacy_user', statementId: 'apigw-POST-user-824ef3cd' },
  { method: 'PUT', scope: 'update_pharmacy_user', statementId: 'apigw-PUT-user-02aae86d' },
];
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
});

class MinimalStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: 'us-east-1',
      defaultTags: [{ tags: { 'tollgate:stack': STACK, 'tollgate:environment': 'dev' } }],
    });
    this.addOverride('terraform.required_providers.aws.version', '>= 5.100, < 7');
    new LocalBackend(this, { path: path.resolve(process.env.TOLLGATE_STATE_DIR ?? '.', `terraform.${STACK}.tfstate`) });

    // The same construct paths as tollgate's stack, so the resources get the same addresses.
    const fn = new Construct(this, 'handler');
    const code = new TerraformAsset(fn, 'code', { path: path.join(__dirname, 'handler'), type: AssetType.ARCHIVE });
    const logGroup = new CloudwatchLogGroup(fn, 'log-group', { name: `/aws/lambda/${FUNCTION_NAME}`, retentionInDays: 14 });
    const role = new IamRole(fn, 'role', {
      namePrefix: `${FUNCTION_NAME}-`,
      description: `Execution role of Lambda ${FUNCTION_NAME}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    new IamRolePolicy(fn, 'logs-policy', {
      name: 'write-own-logs',
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logGroup.arn, `${logGroup.arn}:*`] },
        ],
      }),
    });
    const lambda = new LambdaFunction(fn, 'function', {
      functionName: FUNCTION_NAME,
      description: 'Pharmacy User API (dev): handler/index.js',
      role: role.arn,
      filename: code.path,
      sourceCodeHash: code.assetHash,
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      memorySize: 256,
      timeout: 10,
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      dependsOn: [logGroup],
    });

    const http = new Construct(this, 'http-api');
    const api = new Apigatewayv2Api(http, 'api', {
      name: STACK,
      protocolType: 'HTTP',
      description: 'Pharmacy user records behind API Gateway',
      corsConfiguration: {
        allowOrigins: ['http://localhost:4190'],
        allowMethods: ROUTES.map((r) => r.method),
        allowHeaders: ['authorization', 'content-type'],
        exposeHeaders: ['www-authenticate'],
        maxAge: 300,
        allowCredentials: false,
      },
    });
    const integration = new Apigatewayv2Integration(http, 'lambda-integration', {
      apiId: api.id,
      integrationType: 'AWS_PROXY',
      integrationMethod: 'POST',
      integrationUri: lambda.invokeArn,
      payloadFormatVersion: '2.0',
      lifecycle: { createBeforeDestroy: true },
    });
    const authorizer = new Apigatewayv2Authorizer(http, 'jwt-authorizer', {
      apiId: api.id,
      name: `${STACK}-jwt`,
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: { issuer: ISSUER, audience: [AUDIENCE] },
    });
    for (const route of ROUTES) {
      const id = `${route.method}-${encodeURIComponent('/user')}`;
      new Apigatewayv2Route(http, `route-${id}`, {
        apiId: api.id,
        routeKey: `${route.method} /user`,
        target: `integrations/${integration.id}`,
        authorizationType: 'JWT',
        authorizerId: authorizer.id,
        authorizationScopes: [route.scope],
      });
      new LambdaPermission(http, `invoke-${id}`, {
        statementId: route.statementId,
        action: 'lambda:InvokeFunction',
        functionName: lambda.functionName,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${api.executionArn}/*/${route.method}/user`,
      });
    }
    const accessLogs = new CloudwatchLogGroup(http, 'access-logs', { name: `/aws/apigateway/${STACK}/dev/access`, retentionInDays: 14 });
    new Apigatewayv2Stage(http, 'stage', {
      apiId: api.id,
      name: 'dev',
      autoDeploy: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      defaultRouteSettings: { throttlingRateLimit: 50, throttlingBurstLimit: 100 },
    });

    const outputs: Record<string, [string, string]> = {
      api_id: [api.id, 'HTTP API id'],
      api_endpoint: [api.apiEndpoint, 'HTTP API endpoint, without the stage'],
      stage_invoke_url: [`${api.apiEndpoint}/dev`, 'Base URL of the stage'],
      api_identifier: [AUDIENCE, 'Identifier of the API resource in Asgardeo; the JWT authorizer audience'],
      issuer: [ISSUER, 'Token issuer the JWT authorizer trusts'],
      region: ['us-east-1', 'AWS region'],
      function_name: [lambda.functionName, 'Lambda function name'],
      stack_name: [STACK, 'Terraform stack name'],
      environment: ['dev', 'Tollgate environment'],
    };
    for (const [name, [value, description]] of Object.entries(outputs))
      new TerraformOutput(this, name, { value, description, staticId: true });
  }
}

const app = new App();
new MinimalStack(app, STACK);
app.synth();
