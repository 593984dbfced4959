export {
  loadConfig,
  loadAllEnvironments,
  listEnvironments,
  mergeOverrides,
  DEFAULT_CONFIG_FILE,
  DEFAULT_ASGARDEO_BASE_URL,
  defaultApiIdentifier,
} from './load';
export type { LoadConfigOptions } from './load';
export { ConfigError } from './errors';
export type { ConfigIssue } from './errors';
export { RESERVED_SCOPE_NAMES } from './validate';
export { DEFAULT_FUNCTION_ID, DEFAULT_IDENTITY_HEADERS, DEFAULT_PATH_SAMPLE, pathParameterNames } from './route-targets';
export { generateSandboxPasswords, sandboxPassword } from './sandbox-passwords';
export { OIDC_CLAIM_NAMES, APPLICATION_KINDS } from './schema';
export type * from './resolved';
export type { ResolvedCredentialDelivery } from './credentials';
export type { TollgateConfig, EnvironmentOverrides, HttpMethod, GrantType, ApplicationKind, UserGrantType } from './schema';

export { defineConfig } from './define';
