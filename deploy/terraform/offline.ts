/**
 * Offline planning: the real hashicorp/aws provider with dummy credentials and its skip flags, so
 * `plan` runs with no AWS account (tests, CI, a local AWS stand-in through `endpoints`). The
 * settings live in an override file that exists only while an offline command runs; a real plan
 * removes any that a crashed run left behind, so they never reach the real AWS path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Terraform merges `*_override.tf.json` files into the provider block it already has. */
export const OFFLINE_OVERRIDE_FILE = 'tollgate_offline_override.tf.json';

export interface OfflineAws {
  /**
   * Base URL per AWS service (`apigatewayv2`, `lambda`, `iam`, `cloudwatchlogs`, `sts`): a local AWS stand-in.
   * @default none: nothing is called during plan
   */
  readonly endpoints?: Readonly<Record<string, string>>;
  /** The dummy credentials. @default tollgate-offline ones */
  readonly credentials?: { readonly access_key: string; readonly secret_key: string };
  /** Ask STS for the account id (a stand-in that answers it gives ARNs the local account). @default false */
  readonly accountLookup?: boolean;
}

/** Not credentials: the provider needs some value, and the skip flags keep it from checking them. */
const DUMMY = { access_key: 'tollgate-offline', secret_key: 'tollgate-offline' } as const;

/** The aws provider block of an offline run or a local AWS stand-in. */
export function offlineProviderConfig(o: OfflineAws = {}): Record<string, unknown> {
  const endpoints = o.endpoints && Object.keys(o.endpoints).length > 0 ? o.endpoints : undefined;
  return {
    ...(o.credentials ?? DUMMY),
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    ...(endpoints ? { skip_region_validation: true } : {}),
    skip_requesting_account_id: o.accountLookup !== true,
    ...(endpoints ? { endpoints: [{ ...endpoints }] } : {}),
  };
}

/** The override Terraform merges into the stack; `providerConstraint` also replaces the stack's hashicorp/aws constraint. */
export function offlineOverride(o: OfflineAws = {}, providerConstraint?: string): Record<string, unknown> {
  return {
    ...(providerConstraint ? { terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: providerConstraint } } } } : {}),
    provider: { aws: [offlineProviderConfig(o)] },
  };
}

/** The one provider-override writer: offline plans, the local AWS targets, and the stand-in's own tests. */
export function writeOfflineOverride(
  stackDir: string,
  o: OfflineAws = {},
  options: { file?: string; providerConstraint?: string } = {},
): string {
  const file = path.join(stackDir, options.file ?? OFFLINE_OVERRIDE_FILE);
  fs.writeFileSync(file, `${JSON.stringify(offlineOverride(o, options.providerConstraint), null, 2)}\n`);
  return file;
}

/** Removes the override; true when there was one. */
export function removeOfflineOverride(stackDir: string): boolean {
  const file = path.join(stackDir, OFFLINE_OVERRIDE_FILE);
  if (!fs.existsSync(file)) return false;
  fs.rmSync(file, { force: true });
  return true;
}

/** Variables that would send the provider to a real account or profile; an offline run drops them. */
export const REAL_AWS_VARIABLES = [
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
] as const;

export function offlineEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, AWS_EC2_METADATA_DISABLED: 'true' };
  for (const name of REAL_AWS_VARIABLES) delete out[name];
  return out;
}
