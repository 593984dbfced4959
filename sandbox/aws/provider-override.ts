/**
 * What sends the real `hashicorp/aws` provider to the local control plane: an override file merged
 * into a synthesized stack (provider constraint, endpoints, dummy credentials, skip flags) and a CLI
 * configuration that installs the provider from a filesystem mirror.
 */
import type { AwsSdkTarget } from '../../deploy/secrets-manager-store';
import { offlineOverride, offlineProviderConfig, writeOfflineOverride, type OfflineAws } from '../../deploy/terraform/offline';
import { providerEndpoints } from './services/names';

/** The provider version the offline mirror carries; the override admits it. */
export const MIRROR_PROVIDER_VERSION = '5.100.0';
/** Name of the override file written next to `cdk.tf.json`; Terraform merges `*_override.tf.json` last. */
export const OVERRIDE_FILE = 'local_aws_override.tf.json';
/** The dummy credentials: the control plane accepts any signature; real keys must never go here. */
export const DUMMY_CREDENTIALS = { access_key: 'AKIALOCALAWSTEST0000', secret_key: 'local-aws-not-a-secret' } as const;

/** The provider settings that send every call of this project's services to `endpoint`, with the dummy credentials. */
export function localAwsProvider(endpoint: string): OfflineAws {
  // The control plane answers STS GetCallerIdentity: ARNs get the local account id, as in AWS.
  return { endpoints: providerEndpoints(endpoint), credentials: DUMMY_CREDENTIALS, accountLookup: true };
}

/** The dummy credentials in the AWS SDK's shape. */
export const LOCAL_AWS_SDK_CREDENTIALS = {
  accessKeyId: DUMMY_CREDENTIALS.access_key,
  secretAccessKey: DUMMY_CREDENTIALS.secret_key,
} as const;

/** What sends the deploy's own AWS SDK calls (credential delivery) to `endpoint`, as localAwsProvider sends the provider's. */
export function localAwsSdkTarget(endpoint: string): AwsSdkTarget {
  return { endpoint, credentials: LOCAL_AWS_SDK_CREDENTIALS };
}

/** The aws provider arguments that send every call of this project's services to `endpoint`. */
export function localAwsProviderConfig(endpoint: string): Record<string, unknown> {
  return offlineProviderConfig(localAwsProvider(endpoint));
}

/**
 * The override Terraform merges into the synthesized stack: the provider talks only to the local
 * control plane, and (until the stack's own constraint admits it) the constraint admits the
 * mirror's provider, since the bindings pin 6.25.0. Pass `providerConstraint: null` to keep the stack's.
 */
export function localAwsOverride(endpoint: string, options: { providerConstraint?: string | null } = {}): Record<string, unknown> {
  return offlineOverride(localAwsProvider(endpoint), constraintOf(options));
}

export function writeLocalAwsOverride(stackDir: string, endpoint: string, options: { providerConstraint?: string | null } = {}): string {
  const constraint = constraintOf(options);
  return writeOfflineOverride(stackDir, localAwsProvider(endpoint), {
    file: OVERRIDE_FILE,
    ...(constraint ? { providerConstraint: constraint } : {}),
  });
}

function constraintOf(options: { providerConstraint?: string | null }): string | undefined {
  return options.providerConstraint === undefined ? `>= ${MIRROR_PROVIDER_VERSION}` : (options.providerConstraint ?? undefined);
}

/** A CLI configuration that installs `hashicorp/aws` from `mirrorDir` and nothing from the network. */
export function mirrorCliConfig(mirrorDir: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/hashicorp/aws"]',
    '  }',
    '}',
    '',
  ].join('\n');
}
