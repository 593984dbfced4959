import { isRecord } from './http-util';
import type { ApplicationRecord, AsgardeoState, RoleRecord, UserRecord } from './state';

/**
 * What a user's token may carry (asgardeo-user-flows.md, "Which scopes a user token gets" and
 * "Claims of a user's JWT access token"): WSO2's DefaultOAuth2ScopeValidator with the
 * RoleBasedScopeValidationHandler.
 */

/** OIDC scopes: always approved when requested (they select claims, not API access). */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/**
 * The user's roles that count for the app: `APPLICATION` → roles whose audience is the app (its
 * `associatedRoles.roles`); `ORGANIZATION` → every organization-audience role. Roles reach users
 * directly here (this stand-in has no groups).
 */
export function rolesThatCount(state: AsgardeoState, app: ApplicationRecord, user: UserRecord): RoleRecord[] {
  return [...state.roles.values()].filter((role) => {
    if (!role.userIds.includes(user.id)) return false;
    if (app.associatedRoles.allowedAudience === 'APPLICATION') return role.audienceType === 'application' && role.audienceValue === app.id;
    return role.audienceType === 'organization';
  });
}

/**
 * approved = OIDC scopes requested ∪ (requested ∩ the app's RBAC-authorized scopes ∩ permissions of
 * the roles that count) ∪ (requested ∩ scopes authorized under "No Policy"). Anything else is
 * silently dropped: the token is still issued.
 */
export function approvedUserScopes(state: AsgardeoState, app: ApplicationRecord, user: UserRecord, requested: readonly string[]): string[] {
  const rbac = new Set<string>();
  const noPolicy = new Set<string>();
  for (const authorized of app.authorizedApis.values()) {
    for (const name of authorized.scopeNames) (authorized.policyId === 'No Policy' ? noPolicy : rbac).add(name);
  }
  const permitted = new Set(rolesThatCount(state, app, user).flatMap((role) => role.permissions));
  const approved = new Set<string>();
  for (const scope of requested) {
    if (OIDC_SCOPES.has(scope) || noPolicy.has(scope) || (rbac.has(scope) && permitted.has(scope))) approved.add(scope);
  }
  return [...approved];
}

function primaryValue(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const items = list.filter(isRecord);
  const primary = items.find((item) => item.primary === true) ?? items[0];
  return typeof primary?.value === 'string' ? primary.value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A user's value of one OIDC claim, read from the SCIM attributes it maps to (WSO2's local claim dialect). */
export function userClaimValue(state: AsgardeoState, app: ApplicationRecord, user: UserRecord, claim: string): string | undefined {
  const a = user.attributes;
  const name = isRecord(a.name) ? a.name : {};
  switch (claim) {
    case 'sub':
      return user.id;
    case 'given_name':
      return text(name.givenName);
    case 'family_name':
      return text(name.familyName);
    case 'middle_name':
      return text(name.middleName);
    case 'name':
      return text(name.formatted) ?? ([text(name.givenName), text(name.familyName)].filter(Boolean).join(' ') || undefined);
    case 'nickname':
      return text(a.nickName);
    case 'preferred_username':
      return text(a.displayName);
    case 'username':
      return user.userName.replace(/^[^/]+\//, '');
    case 'email':
      return primaryValue(a.emails);
    case 'phone_number':
      return primaryValue(a.phoneNumbers);
    case 'locale':
      return text(a.locale);
    case 'zoneinfo':
      return text(a.timezone);
    case 'profile':
      return text(a.profileUrl);
    case 'updated_at':
      return user.lastModified;
    case 'roles':
      return (
        rolesThatCount(state, app, user)
          .map((role) => role.displayName)
          .join(',') || undefined
      );
    default:
      return undefined;
  }
}

/** The app's `accessTokenAttributes` with the user's values; attributes the user has no value for are left out. */
export function accessTokenUserClaims(state: AsgardeoState, app: ApplicationRecord, user: UserRecord): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const claim of app.oidc?.accessToken.accessTokenAttributes ?? []) {
    if (claim === 'sub') continue; // `sub` is always the user id
    const value = userClaimValue(state, app, user, claim);
    if (value !== undefined) claims[claim] = value;
  }
  return claims;
}
