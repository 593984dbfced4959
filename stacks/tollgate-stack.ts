import { CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { ResolvedConfig } from '../config';
import { BundledNodeFunction } from '../constructs/bundled-node-function';
import { SecuredHttpApi } from '../constructs/secured-http-api';

/** Names of the stack outputs; the reconciler, deploy and the sandbox read exactly these. */
export const STACK_OUTPUT_NAMES = [
  'api_id',
  'api_endpoint',
  'stage_invoke_url',
  'api_identifier',
  'issuer',
  'region',
  'function_name',
  'stack_name',
  'environment',
] as const;
export type StackOutputName = (typeof STACK_OUTPUT_NAMES)[number];

/** Where a stack keeps its Terraform state. */
export type StateBackend =
  | { readonly kind: 'local'; /** Absolute path of the state file. */ readonly path: string }
  | { readonly kind: 'cloud'; readonly organization: string; readonly workspace: string; readonly project?: string; readonly hostname?: string };

export interface TollgateStackProps {
  readonly config: ResolvedConfig;
  readonly backend: StateBackend;
  /** Passed to the function construct. @default its own default, inside the app's outdir */
  readonly bundleDir?: string;
}

/** One environment of the secured API: the Lambda, the HTTP API with its JWT authorizer, and the outputs scripts read. */
export class TollgateStack extends TerraformStack {
  readonly fn: BundledNodeFunction;
  readonly httpApi: SecuredHttpApi;
  readonly config: ResolvedConfig;

  constructor(scope: Construct, props: TollgateStackProps) {
    const { config } = props;
    super(scope, config.stackName);
    this.config = config;
    const tags = { 'tollgate:stack': config.stackName, 'tollgate:environment': config.environment };

    new AwsProvider(this, 'aws', { region: config.aws.region, defaultTags: [{ tags }] });
    configureBackend(this, props.backend);

    const lambda = config.aws.lambda;
    this.fn = new BundledNodeFunction(this, 'handler', {
      entry: lambda.entry,
      handler: lambda.handler,
      functionName: `${config.stackName}-handler`,
      runtime: lambda.runtime,
      architecture: lambda.architecture,
      memoryMb: lambda.memoryMb,
      timeoutSeconds: lambda.timeoutSeconds,
      logRetentionDays: config.aws.logRetentionDays,
      description: `${config.apiResource.name} (${config.environment})`,
      bundleDir: props.bundleDir,
    });

    this.httpApi = new SecuredHttpApi(this, 'http-api', {
      apiName: config.stackName,
      description: config.apiResource.description || config.apiResource.name,
      handler: this.fn.function,
      routes: config.routes,
      jwtIssuer: config.asgardeo.issuer,
      jwtAudience: config.apiResource.identifier ? [config.apiResource.identifier] : undefined,
      stageName: config.aws.stage,
      throttling: config.aws.throttling,
      logRetentionDays: config.aws.logRetentionDays,
      cors: config.aws.cors,
    });

    const outputs: Record<StackOutputName, { value: string; description: string }> = {
      api_id: { value: this.httpApi.api.id, description: 'HTTP API id' },
      api_endpoint: { value: this.httpApi.api.apiEndpoint, description: 'HTTP API endpoint, without the stage' },
      stage_invoke_url: { value: this.httpApi.stageInvokeUrl, description: 'Base URL of the stage' },
      api_identifier: {
        value: config.apiResource.identifier ?? this.httpApi.stageInvokeUrl,
        description: 'Identifier of the API resource in Asgardeo; the JWT authorizer audience',
      },
      issuer: { value: config.asgardeo.issuer, description: 'Token issuer the JWT authorizer trusts' },
      region: { value: config.aws.region, description: 'AWS region' },
      function_name: { value: this.fn.function.functionName, description: 'Lambda function name' },
      stack_name: { value: config.stackName, description: 'Terraform stack name' },
      environment: { value: config.environment, description: 'Tollgate environment' },
    };
    for (const [name, output] of Object.entries(outputs)) {
      new TerraformOutput(this, name, { ...output, staticId: true });
    }
  }
}

function configureBackend(stack: TerraformStack, backend: StateBackend): void {
  if (backend.kind === 'local') {
    new LocalBackend(stack, { path: backend.path });
    return;
  }
  // No token here: Terraform reads TF_TOKEN_<host> or the CLI credentials file.
  new CloudBackend(stack, {
    organization: backend.organization,
    hostname: backend.hostname,
    workspaces: new NamedCloudWorkspace(backend.workspace, backend.project),
  });
}
