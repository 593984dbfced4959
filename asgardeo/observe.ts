import type { ApiResourceBody, AppListItem, AsgardeoApi, AuthorizedApi, OidcBody, RoleBody, UserBody } from './api';
import { UNKNOWN_IDENTIFIER, type DesiredState } from './desired';
import { ownerOf } from './ownership';

export interface ObservedApp {
  item: AppListItem;
  owner: string | undefined;
  oidc: OidcBody;
  /** Every API this app is authorized for (ours is matched by the API resource id). */
  authorized: AuthorizedApi[];
}

/** What Asgardeo holds now, for the objects this configuration names (and, for prune, owns). */
export interface ObservedState {
  apiResource: ApiResourceBody | undefined;
  apps: Map<string, ObservedApp>;
  /** Every role with a configured name, all audiences (names are unique per audience only). */
  roles: Map<string, RoleBody[]>;
  users: Map<string, UserBody>;
  /** Prune/destroy only: objects owned by this stack that the configuration no longer names. */
  ownedApps: AppListItem[];
  ownedApiResources: ApiResourceBody[];
}

/**
 * Two rounds of parallel reads: the list calls (one filtered call per object type), then the
 * details of what exists. Nothing is read twice.
 */
export async function observe(api: AsgardeoApi, desired: DesiredState, o: { findOwned: boolean }): Promise<ObservedState> {
  const identifier = desired.apiResource.identifier;
  const names = desired.apps.map((a) => a.name);
  const [apiRef, apiList, appList, roleLists, userList] = await Promise.all([
    identifier === UNKNOWN_IDENTIFIER ? undefined : api.findApiResource(identifier),
    o.findOwned ? api.listApiResources() : undefined,
    o.findOwned ? api.listApplications() : api.findApplications(names),
    Promise.all(desired.roles.map((r) => r.name).filter(unique).map(async (n) => [n, await api.findRoles(n)] as const)),
    Promise.all(desired.users.map(async (u) => [u.userName, await api.findUser(u.userName)] as const)),
  ]);

  const configuredApps = appList.filter((a) => names.includes(a.name));
  const ownedApps = o.findOwned ? appList.filter((a) => ownerOf(a.description) === desired.stackName && !names.includes(a.name)) : [];
  // The list has no description (where the marker is): read the non-system candidates one by one.
  const candidates = (apiList ?? []).filter((a) => a.identifier !== identifier && (a.type ?? 'BUSINESS').toUpperCase() !== 'SYSTEM');
  const rolesNeedingDetail = roleLists.flatMap(([, rs]) => rs.filter((r) => r.permissions === undefined));

  const [apiResource, appDetails, roleDetails, candidateDetails] = await Promise.all([
    apiRef ? api.getApiResource(apiRef.id) : undefined,
    Promise.all(configuredApps.map(async (item) => {
      const [oidc, authorized] = await Promise.all([api.getOidc(item.id), api.getAuthorizedApis(item.id)]);
      return { item, owner: ownerOf(item.description), oidc, authorized } satisfies ObservedApp;
    })),
    Promise.all(rolesNeedingDetail.map((r) => api.getRole(r.id))),
    Promise.all(candidates.map((a) => (a.description !== undefined ? a : api.getApiResource(a.id)))),
  ]);
  const ownedApiResources = candidateDetails.filter((a): a is ApiResourceBody => !!a && ownerOf(a.description) === desired.stackName);

  const detailed = new Map(roleDetails.filter((r): r is RoleBody => !!r).map((r) => [r.id, r]));
  return {
    apiResource,
    apps: new Map(appDetails.map((a) => [a.item.name, a])),
    roles: new Map(roleLists.map(([n, rs]) => [n, rs.map((r) => detailed.get(r.id) ?? r)])),
    users: new Map(userList.filter((e): e is readonly [string, UserBody] => !!e[1]).map(([n, u]) => [n, u])),
    ownedApps,
    ownedApiResources,
  };
}

function unique<T>(v: T, i: number, all: T[]): boolean {
  return all.indexOf(v) === i;
}
