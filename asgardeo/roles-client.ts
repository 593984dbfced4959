import type { AsgardeoApi } from './api';
import type { AdminCredentials } from './credentials';
import type { AsgardeoHttp } from './http';
import { rolesApiFromGrantedScopes, V3_ONLY_SCOPES, type RolesApi, type RolesApiSetting, type RolesApiVersion } from './roles-api';
import { RolesApiV2 } from './roles-api-v2';
import { RolesApiV3 } from './roles-api-v3';
import { clientCredentialsToken } from './token';

/** The roles client of `version` over the run's API (same transport, token and renewal). */
export function rolesApiFor(api: AsgardeoApi, version: RolesApiVersion): RolesApi {
  return version === 'v3' ? new RolesApiV3(api) : new RolesApiV2(api);
}

/**
 * Which Roles API a run uses. A forced setting is taken as it is. `auto` asks the token endpoint for
 * the scopes only v3 has and reads whether any was granted (Asgardeo drops what the application is
 * not authorized for, silently; and no application holds both APIs): one token request, whose token
 * is dropped unused. The run's own tokens still ask for exactly what it needs.
 */
export async function chooseRolesApi(
  http: AsgardeoHttp,
  credentials: AdminCredentials,
  setting: RolesApiSetting,
): Promise<RolesApiVersion> {
  if (setting !== 'auto') return setting;
  const probe = await clientCredentialsToken(http, credentials, V3_ONLY_SCOPES);
  return rolesApiFromGrantedScopes(new Set(probe.scope.split(/\s+/).filter(Boolean)));
}
