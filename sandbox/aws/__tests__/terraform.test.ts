/**
 * The real Terraform and the real hashicorp/aws provider (from the offline mirror) deploy the example
 * stack to the local control plane: apply through injected throttling and server errors that the
 * provider retries, clean re-plan, an in-place change, destroy; an unserved operation.
 * Both clients deliver their credentials (constructs/client-credentials-secret.ts), one with a readers
 * policy and one without: a value written outside Terraform with the AWS SDK causes no drift and never
 * enters the state, the readers change in place, and the destroy force-deletes the secrets.
 * Skips (saying why) when terraform or the provider mirror is missing.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetResourcePolicyCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalAws, type LocalAws } from '../index';
import { localAwsProviderConfig, localAwsSdkTarget, MIRROR_PROVIDER_VERSION, writeLocalAwsOverride } from '../provider-override';
import { awsSdkClientConfig } from '../../../deploy/aws-sdk-config';
import type { TerraformSetup } from '../../../deploy/terraform';
import { describeWithTerraform } from '../../../deploy/terraform/__tests__/availability';
import { parsePlanEvents } from '../../../deploy/terraform/plan-events';
import {
  localTerraformSetup,
  synthesizeStack,
  tempOutdir,
  TerraformWorkdir,
  type SynthesizedStack,
  type TerraformResult,
} from '../terraform-workdir';
import { SandboxConfigs } from '../../__tests__/support';

let tooling: TerraformSetup;

const LOCAL_ISSUER_BASE = 'http://127.0.0.1:4180';
const READER = 'arn:aws:iam::000000000000:role/reader-task';
const OTHER_READER = 'arn:aws:iam::000000000000:role/other-task';
const READER_SECRET = 'tollgate/pharmacy-user-api-dev/pharmacy-reader';
const SECRET_VALUE = JSON.stringify({ client_id: 'id-1', client_secret: 'never-in-terraform-state-7f3a' });
// Generous per step: a shared, loaded machine slows Terraform tenfold; a passing run waits for none of it.
const MINUTES = 60_000;

function ok(result: TerraformResult, what: string): TerraformResult {
  if (result.code !== 0)
    throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  return result;
}

/** Edits the synthesized stack: what a configuration change followed by a synth would write. */
interface StackJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  provider: { aws: { default_tags: { tags: Record<string, string> }[] }[] };
}

function editStack(stackDir: string, edit: (json: StackJson) => void): void {
  const file = path.join(stackDir, 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as StackJson;
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
}

function assetZipSha256(stackDir: string): string {
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    resource: { aws_lambda_function: Record<string, { filename: string }> };
  };
  const [fn] = Object.values(json.resource.aws_lambda_function);
  const zipPath = path.resolve(stackDir, fn!.filename);
  return createHash('sha256').update(fs.readFileSync(zipPath)).digest('base64');
}

describeWithTerraform('the real Terraform and aws provider against the local control plane', { needMirror: true }, () => {
  let aws: LocalAws;
  const unserved: string[] = [];
  const outdirs: string[] = [];
  let stack: SynthesizedStack;
  let tf: TerraformWorkdir;
  let configs: SandboxConfigs;
  /** A Secrets Manager client of the control plane, made as a deploy makes its own. */
  const secretsManager = () =>
    new SecretsManagerClient(awsSdkClientConfig({ region: stack.config.aws.region, target: localAwsSdkTarget(aws.endpoint) }));

  beforeAll(async () => {
    tooling = await localTerraformSetup();
    aws = await startLocalAws({ onUnserved: (service, operation) => unserved.push(`${service}:${operation}`) });
    const outdir = tempOutdir();
    outdirs.push(outdir);
    configs = new SandboxConfigs();
    // One stack shape, applied once: dev and prod differ in values only (names, stage, throttling,
    // retention), which the offline plans of both environments check (__tests__/terraform-stack.test.ts).
    const file = configs.write((c) => {
      c.clients[0].credentials = { awsSecretsManager: { readers: [READER] } };
      c.clients[1].credentials = { awsSecretsManager: {} };
    });
    stack = synthesizeStack({ env: 'dev', outdir, asgardeoBaseUrl: LOCAL_ISSUER_BASE, file });
    writeLocalAwsOverride(stack.stackDir, aws.endpoint, { providerConstraint: null });
    tf = new TerraformWorkdir(tooling, stack.stackDir);
    ok(await tf.run(['init', '-input=false', '-no-color']), 'terraform init');
  }, 2 * MINUTES);

  afterAll(async () => {
    await aws?.stop();
    tooling?.dispose();
    configs?.remove();
    for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  // One deployment's life, in order: each step starts from what the one before left.
  describe('the dev stack, one deployment from apply to destroy', () => {
    let routes: Record<string, { routeId: string }>;

    it(
      "applies through every protocol's injected throttling and server errors, and the control plane holds exactly the stack",
      async () => {
        const { config } = stack;
        // Every protocol's throttling and server errors, retried by the provider's SDK to success.
        aws.faults.failNext('throttle', 2, { operation: 'CreateRoute' });
        aws.faults.failNext('throttle', 1, { operation: 'CreateLogGroup' });
        aws.faults.failNext('server-error', 1, { operation: 'CreateFunction' });
        aws.faults.failNext('server-error', 1, { operation: 'CreateRole' });
        aws.requests.clear();

        const apply = ok(await tf.run(['apply', '-auto-approve', '-input=false', '-no-color']), 'terraform apply');
        // The example's 15, and the two clients' secrets with the reader's policy.
        expect(apply.stdout).toContain('Resources: 18 added, 0 changed, 0 destroyed');
        expect(aws.counts().secrets).toBe(2);
        const outputs = JSON.parse(ok(await tf.run(['output', '-json']), 'terraform output').stdout) as Record<string, { value: string }>;
        const snapshot = aws.snapshot();
        expect(snapshot.apis).toHaveLength(1);
        const api = snapshot.apis[0]!;
        expect(api).toMatchObject({
          apiId: outputs.api_id!.value,
          name: config.stackName,
          protocolType: 'HTTP',
          apiEndpoint: outputs.api_endpoint!.value,
        });
        expect(api.authorizers).toEqual([
          expect.objectContaining({
            authorizerType: 'JWT',
            issuer: config.asgardeo.issuer,
            audience: [outputs.api_identifier!.value],
            identitySource: ['$request.header.Authorization'],
          }),
        ]);
        const [integration] = api.integrations;
        expect(integration).toMatchObject({
          integrationType: 'AWS_PROXY',
          payloadFormatVersion: '2.0',
          functionName: outputs.function_name!.value,
        });
        routes = Object.fromEntries(api.routes.map((r) => [r.routeKey, r]));
        for (const route of config.routes) {
          expect(routes[`${route.method} ${route.path}`]).toMatchObject({
            authorizationType: 'JWT',
            authorizerId: api.authorizers[0]!.authorizerId,
            authorizationScopes: [...route.scopes],
            integrationId: integration!.integrationId,
          });
        }
        expect(api.stages).toEqual([
          expect.objectContaining({
            stageName: config.aws.stage,
            autoDeploy: true,
            throttling: { rateLimit: config.aws.throttling.rateLimit, burstLimit: config.aws.throttling.burstLimit },
            invokeUrl: outputs.stage_invoke_url!.value,
          }),
        ]);
        const [fn] = snapshot.functions;
        expect(fn).toMatchObject({
          functionName: outputs.function_name!.value,
          runtime: config.aws.lambda.runtime,
          architectures: [config.aws.lambda.architecture],
          handler: 'index.handler',
          memorySize: config.aws.lambda.memoryMb,
        });
        // The code the control plane holds is the asset zip Terraform uploaded, byte for byte.
        expect(fn!.codeSha256).toBe(assetZipSha256(stack.stackDir));
        expect(createHash('sha256').update(aws.functionCode(fn!.functionName)!).digest('base64')).toBe(fn!.codeSha256);
        expect(fn!.permissions.map((p) => p.sourceArn).sort()).toEqual(
          config.routes.map((r) => `${api.executionArn}/*/${r.method}${r.path}`).sort(),
        );
        expect(fn!.permissions.every((p) => p.principal === 'apigateway.amazonaws.com' && p.action === 'lambda:InvokeFunction')).toBe(true);
        expect(snapshot.logGroups.map((g) => g.retentionInDays)).toEqual([config.aws.logRetentionDays, config.aws.logRetentionDays]);
        expect(api.stages[0]!.accessLog?.destinationArn).toBe(snapshot.logGroups.find((g) => g.name.includes('/access'))!.arn);
        expect(unserved).toEqual([]);

        expect(aws.faults.pending()).toBe(0);
        for (const operation of ['CreateRoute', 'CreateLogGroup', 'CreateFunction', 'CreateRole']) {
          const calls = aws.requests.entries().filter((e) => e.operation === operation);
          expect(calls.some((e) => e.injected)).toBe(true);
          expect(calls.filter((e) => !e.injected).every((e) => e.status < 300)).toBe(true);
        }
        expect(
          aws.requests
            .entries()
            .filter((e) => e.injected)
            .map((e) => `${e.operation} ${e.status} ${e.errorCode}`)
            .sort(),
        ).toEqual([
          'CreateFunction 500 ServiceException',
          'CreateLogGroup 400 ThrottlingException',
          'CreateRole 500 ServiceFailure',
          'CreateRoute 429 TooManyRequestsException',
          'CreateRoute 429 TooManyRequestsException',
        ]);
      },
      6 * MINUTES,
    );

    it(
      'the re-plan after refresh finds no drift, also after a credential value was written with the AWS SDK, which no state holds',
      async () => {
        const sm = secretsManager();
        try {
          await sm.send(new PutSecretValueCommand({ SecretId: READER_SECRET, SecretString: SECRET_VALUE }));
          const policy = await sm.send(new GetResourcePolicyCommand({ SecretId: READER_SECRET }));
          expect(JSON.parse(policy.ResourcePolicy!).Statement[0]).toMatchObject({
            Principal: { AWS: [READER] },
            Action: 'secretsmanager:GetSecretValue',
          });
        } finally {
          sm.destroy();
        }
        const replan = await tf.run(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
        expect({ code: replan.code, stdout: replan.stdout.slice(-1500) }).toEqual({
          code: 0,
          stdout: expect.stringContaining('No changes.'),
        });
        const state = fs.readFileSync(path.join(stack.outdir, `terraform.${stack.config.stackName}.tfstate`), 'utf8');
        expect(state).not.toContain('never-in-terraform-state');
        expect(state).not.toContain('aws_secretsmanager_secret_version');
      },
      6 * MINUTES,
    );

    it(
      "scopes, stage throttling, function memory, a secret's readers and a default tag change in place; re-plan clean",
      async () => {
        const getUser = routes['GET /user']!;
        editStack(stack.stackDir, ({ resource, provider }) => {
          for (const route of Object.values(resource.aws_apigatewayv2_route!)) {
            if (route.route_key === 'GET /user') route.authorization_scopes = ['get_pharmacy_user', 'update_pharmacy_user'];
          }
          for (const stage of Object.values(resource.aws_apigatewayv2_stage!)) {
            stage.default_route_settings = {
              ...(stage.default_route_settings as object),
              throttling_rate_limit: 7,
              throttling_burst_limit: 9,
            };
          }
          // UpdateFunctionConfiguration and every service's tagging calls.
          for (const fnBlock of Object.values(resource.aws_lambda_function!)) fnBlock.memory_size = 512;
          provider.aws[0]!.default_tags[0]!.tags['tollgate:owner'] = 'pharmacy-team';
          // PutResourcePolicy: the reader's secret gets a second reader.
          for (const block of Object.values(resource.aws_secretsmanager_secret_policy!)) {
            const policy = JSON.parse(block.policy as string) as { Statement: { Principal: { AWS: string[] } }[] };
            policy.Statement[0]!.Principal.AWS.push(OTHER_READER);
            block.policy = JSON.stringify(policy);
          }
        });
        // The plan's machine-readable UI names each change (a `terraform show -json` would start the provider again).
        const changePlan = await tf.run(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-json', '-out=change.tfplan']);
        expect(changePlan.code).toBe(2);
        const { changes } = parsePlanEvents(changePlan.stdout);
        const expectedChanges = [
          'aws_apigatewayv2_api',
          'aws_apigatewayv2_route',
          'aws_apigatewayv2_stage',
          'aws_cloudwatch_log_group',
          'aws_cloudwatch_log_group',
          'aws_iam_role',
          'aws_lambda_function',
          'aws_secretsmanager_secret',
          'aws_secretsmanager_secret',
          'aws_secretsmanager_secret_policy',
        ];
        expect(changes.map((c) => `${c.type} ${c.action}`).sort()).toEqual(expectedChanges.map((type) => `${type} update`));
        const change = ok(await tf.run(['apply', '-input=false', '-no-color', 'change.tfplan']), 'terraform apply (change)');
        expect(change.stdout).toContain(`Resources: 0 added, ${expectedChanges.length} changed, 0 destroyed`);
        const after = aws.snapshot();
        const changed = after.apis[0]!;
        expect(changed.routes.find((r) => r.routeKey === 'GET /user')).toMatchObject({
          routeId: getUser.routeId,
          authorizationScopes: ['get_pharmacy_user', 'update_pharmacy_user'],
        });
        expect(changed.stages[0]!.throttling).toEqual({ rateLimit: 7, burstLimit: 9 });
        expect(after.functions[0]!.memorySize).toBe(512);
        const tagged = [changed.tags, after.functions[0]!.tags, ...after.logGroups.map((g) => g.tags), ...after.roles.map((r) => r.tags)];
        for (const tags of tagged) expect(tags['tollgate:owner']).toBe('pharmacy-team');
        const sm = secretsManager();
        try {
          const policy = await sm.send(new GetResourcePolicyCommand({ SecretId: READER_SECRET }));
          expect(JSON.parse(policy.ResourcePolicy!).Statement[0].Principal).toEqual({ AWS: [READER, OTHER_READER] });
        } finally {
          sm.destroy();
        }
        const replanAfterChange = await tf.run(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
        expect({ code: replanAfterChange.code, stdout: replanAfterChange.stdout.slice(-1500) }).toEqual({
          code: 0,
          stdout: expect.stringContaining('No changes.'),
        });
      },
      6 * MINUTES,
    );

    it(
      'destroy leaves an empty control plane',
      async () => {
        aws.requests.clear();
        const destroy = ok(await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color']), 'terraform destroy');
        expect(destroy.stdout).toContain('Resources: 18 destroyed');
        // Force-deleted (recovery window 0): the names are free for the next deploy at once.
        expect(aws.requests.served()).toEqual(
          expect.arrayContaining(['secretsmanager:DeleteResourcePolicy', 'secretsmanager:DeleteSecret']),
        );
        expect(aws.requests.entries().filter((e) => e.operation === 'DeleteSecret' && e.status === 200)).toHaveLength(2);
        expect(aws.counts()).toEqual({ roles: 0, logGroups: 0, functions: 0, apis: 0, routes: 0, stages: 0, secrets: 0 });
        expect(aws.isEmpty()).toBe(true);
        expect(unserved).toEqual([]);
      },
      6 * MINUTES,
    );
  });

  it(
    'fails an apply that needs an operation the control plane does not serve, naming the operation',
    async () => {
      const dir = tempOutdir('tollgate-local-aws-unserved-');
      outdirs.push(dir);
      const config = {
        terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: `>= ${MIRROR_PROVIDER_VERSION}` } } },
        provider: { aws: [{ region: 'us-east-1', ...localAwsProviderConfig(aws.endpoint) }] },
        // A metric filter on a log group outside the configuration: PutMetricFilter is its only write.
        resource: {
          aws_cloudwatch_log_metric_filter: {
            errors: {
              name: 'errors',
              pattern: 'ERROR',
              log_group_name: '/tollgate/unserved-test',
              metric_transformation: { name: 'Errors', namespace: 'Tollgate', value: '1' },
            },
          },
        },
      };
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
      const tf = new TerraformWorkdir(tooling, dir);
      ok(await tf.run(['init', '-input=false', '-no-color']), 'terraform init');
      unserved.length = 0;
      const apply = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color']);
      expect(apply.code).toBe(1);
      expect(apply.stderr).toMatch(/PutMetricFilter[\s\S]*UnknownOperationException: Unknown operation PutMetricFilter/);
      expect(unserved).toEqual(['logs:PutMetricFilter']);
      expect(aws.requests.unserved()).toContain('logs:PutMetricFilter');
      expect(
        aws.requests
          .entries()
          .filter((e) => e.operation === 'PutMetricFilter')
          .map((e) => `${e.status} ${e.errorCode}`),
      ).toEqual(['400 UnknownOperationException']);
      expect(aws.isEmpty()).toBe(true);
    },
    3 * MINUTES,
  );
});
