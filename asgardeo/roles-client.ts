import type { AsgardeoApi } from './api';
import type { AdminCredentials } from './credentials';
import type { AsgardeoHttp } from './http';
import {
  ROLES_API_SCOPES,
  rolesApiFromGrantedScopes,
  V2_ONLY_SCOPES,
  V3_ONLY_SCOPES,
  type RolesApi,
  type RolesApiSetting,
  type RolesApiVersion,
} from './roles-api';
import { RolesApiV2 } from './roles-api-v2';
import { RolesApiV3 } from './roles-api-v3';
import { clientCredentialsToken } from './token';

/** The roles client of `version` over the run's API (same transport, token and renewal). */
export function rolesApiFor(api: AsgardeoApi, version: RolesApiVersion): RolesApi {
  return version === 'v3' ? new RolesApiV3(api) : new RolesApiV2(api);
}

/**
 * Which Roles API a run uses. A forced setting is taken as it is. `auto` asks the token endpoint for
 * the scopes only one of the two APIs has and reads which were granted (Asgardeo drops the others
 * silently): one token request, whose token is never sent anywhere.
 */
export async function chooseRolesApi(
  http: AsgardeoHttp,
  credentials: AdminCredentials,
  setting: RolesApiSetting,
): Promise<RolesApiVersion> {
  if (setting !== 'auto') return setting;
  const probe = await clientCredentialsToken(http, credentials, [ROLES_API_SCOPES.v2.view, ...V2_ONLY_SCOPES, ...V3_ONLY_SCOPES]);
  return rolesApiFromGrantedScopes(new Set(probe.scope.split(/\s+/).filter(Boolean)));
}
