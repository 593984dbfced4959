import { CloudBackend, Fn, LocalBackend, NamedCloudWorkspace, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DEFAULT_FUNCTION_ID, type ResolvedConfig } from '../config';
import { BundledNodeFunction } from '../constructs/bundled-node-function';
import { ClientCredentialsSecret } from '../constructs/client-credentials-secret';
import { SecuredHttpApi, type HttpApiHttpBackend, type HttpApiLambdaTarget } from '../constructs/secured-http-api';
import { STACK_TAG, type StateBackend } from './stack-location';
import { CREDENTIAL_SECRETS_OUTPUT, STACK_OUTPUT_KEYS, STACK_OUTPUTS, type StackOutputs } from './outputs';

export { STACK_OUTPUT_NAMES, type StackOutputName } from './outputs';
export type { StateBackend } from './stack-location';

/**
 * Versions of hashicorp/aws the stack accepts. The bindings (@cdktf/provider-aws 21.x) would pin
 * exactly the version they were generated from (6.25.0); every resource and attribute this stack
 * uses exists from 5.100 on (checked by terraform validate + plan against 5.100.0), so the range
 * admits both a 5.100 mirror and the registry's 6.x. The lock file picks the exact version
 * (docs/terraform.md).
 */
export const AWS_PROVIDER_CONSTRAINT = '>= 5.100, < 7';

export interface TollgateStackProps {
  readonly config: ResolvedConfig;
  readonly backend: StateBackend;
  /**
   * Bundle folder of the default function; other functions bundle into `<bundleDir>.<id>`.
   * @default each construct's own, inside the app's outdir
   */
  readonly bundleDir?: string;
  /** Version constraint of hashicorp/aws. @default {@link AWS_PROVIDER_CONSTRAINT} */
  readonly awsProviderVersion?: string;
  /** Folder of tollgate's build cache. @default see BundledNodeFunctionProps.cacheDir */
  readonly cacheDir?: string;
}

/** One environment of the secured API: a Lambda per handler file, the HTTP API with its JWT authorizer, and the outputs scripts read. */
export { STACK_TAG } from './stack-location';

export class TollgateStack extends TerraformStack {
  /** Keyed by `ResolvedFunction.id` (`handler` for aws.lambda.entry). */
  readonly functions: ReadonlyMap<string, BundledNodeFunction>;
  readonly httpApi: SecuredHttpApi;
  readonly config: ResolvedConfig;

  constructor(scope: Construct, props: TollgateStackProps) {
    const { config } = props;
    super(scope, config.stackName);
    this.config = config;
    const tags = { [STACK_TAG]: config.stackName, 'tollgate:environment': config.environment };

    new AwsProvider(this, 'aws', { region: config.aws.region, defaultTags: [{ tags }] });
    this.addOverride('terraform.required_providers.aws.version', props.awsProviderVersion ?? AWS_PROVIDER_CONSTRAINT);
    configureBackend(this, props.backend);

    const functions = new Map<string, BundledNodeFunction>();
    for (const fn of config.aws.functions) {
      // The default entry keeps construct id `handler`, so a stack from before per-route handlers is not replaced.
      functions.set(
        fn.id,
        new BundledNodeFunction(this, fn.id === DEFAULT_FUNCTION_ID ? 'handler' : `fn-${fn.id}`, {
          entry: fn.entry,
          handler: fn.handler,
          functionName: fn.functionName,
          runtime: fn.runtime,
          architecture: fn.architecture,
          memoryMb: fn.memoryMb,
          timeoutSeconds: fn.timeoutSeconds,
          environment: fn.environment,
          logRetentionDays: config.aws.logRetentionDays,
          description: `${config.apiResource.name} (${config.environment}): ${fn.configuredEntry}`,
          // Siblings, never nested: each construct wipes its own folder before bundling.
          cacheDir: props.cacheDir,
          bundleDir: props.bundleDir === undefined || fn.id === DEFAULT_FUNCTION_ID ? props.bundleDir : `${props.bundleDir}.${fn.id}`,
        }),
      );
    }
    this.functions = functions;

    this.httpApi = new SecuredHttpApi(this, 'http-api', {
      apiName: config.stackName,
      description: config.apiResource.description || config.apiResource.name,
      // The default entry's function is the API's handler, so its integration keeps the id it always had.
      handler: functions.get(DEFAULT_FUNCTION_ID)?.function,
      routes: config.routes.map((route) => ({
        method: route.method,
        path: route.path,
        scopes: route.scopes,
        public: route.public,
        target:
          route.target.kind === 'function' && route.target.functionId === DEFAULT_FUNCTION_ID
            ? undefined
            : targetOf(route.target, functions),
      })),
      jwtIssuer: config.asgardeo.issuer,
      // The audience is the API identifier from the configuration, never the invoke URL (which changes
      // whenever the HTTP API is re-created): see defaultApiIdentifier in config/load.ts.
      jwtAudience: [config.apiResource.identifier],
      stageName: config.aws.stage,
      throttling: config.aws.throttling,
      logRetentionDays: config.aws.logRetentionDays,
      cors: config.aws.cors,
    });

    const values: StackOutputs = {
      apiId: this.httpApi.api.id,
      apiEndpoint: this.httpApi.api.apiEndpoint,
      stageInvokeUrl: this.httpApi.stageInvokeUrl,
      apiIdentifier: config.apiResource.identifier,
      issuer: config.asgardeo.issuer,
      region: config.aws.region,
      // Several functions, or none when every route goes to an HTTP backend: the output stays one non-empty string.
      // References, not the names: the output is known once the functions exist, as before.
      functionName: [...functions.values()].map((f) => f.function.functionName).join(',') || 'none',
      stackName: config.stackName,
      environment: config.environment,
    };
    for (const key of STACK_OUTPUT_KEYS) {
      const { name, description } = STACK_OUTPUTS[key];
      new TerraformOutput(this, name, { value: values[key], description, staticId: true });
    }
    addCredentialSecrets(this, config);
  }
}

function targetOf(
  target: ResolvedConfig['routes'][number]['target'],
  functions: ReadonlyMap<string, BundledNodeFunction>,
): HttpApiLambdaTarget | HttpApiHttpBackend {
  if (target.kind === 'http') return { url: target.url, method: target.method, identityHeaders: target.identityHeaders };
  const fn = functions.get(target.functionId);
  if (!fn) throw new Error(`TollgateStack: no function "${target.functionId}" for a route`);
  // The id keeps the default function's integration where it always was, and names the others stably.
  return { functionName: fn.function.functionName, invokeArn: fn.function.invokeArn, key: target.functionId };
}

/** One Secrets Manager secret per client that asks for delivery, and the output naming them. */
function addCredentialSecrets(stack: TerraformStack, config: ResolvedConfig): void {
  const secrets: Record<string, { name: string; arn: string }> = {};
  for (const client of config.clients) {
    const delivery = client.credentials?.awsSecretsManager;
    if (!delivery) continue;
    const { secret } = new ClientCredentialsSecret(stack, `credentials-${client.name.replace(/[^A-Za-z0-9_-]/g, '-')}`, {
      secretName: delivery.name,
      clientName: client.name,
      readers: delivery.readers,
    });
    secrets[client.name] = { name: delivery.name, arn: secret.arn };
  }
  if (Object.keys(secrets).length === 0) return;
  const { name, description } = CREDENTIAL_SECRETS_OUTPUT;
  new TerraformOutput(stack, name, { value: Fn.jsonencode(secrets), description, staticId: true });
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
