import { CLAIM_URIS } from '../asgardeo/resources/application-profiles';
import { GRANT_TYPES, OIDC_CLAIM_NAMES, USER_GRANT_TYPES, type GrantType } from '../config/schema';
import type { ExportedApplication, ExportedRole, ExportedSetup, ExportedUser } from './model';

/** Access token lifetimes the configuration accepts (`clients[].accessTokenLifetimeSeconds`). */
const LIFETIME_RANGE = { min: 60, max: 86400 } as const;
/** Refresh token lifetimes `applications[].refreshTokenLifetimeSeconds` accepts, and its default. */
const REFRESH_LIFETIME_RANGE = { min: 60, max: 31536000, default: 86400 } as const;

export interface RenderedFragment {
  /**
   * Properties of a `defineConfig({...})` object, indented by two spaces, each ending with a comma:
   * `asgardeo`, `scopes`, `apiResource`, `clients`, `roles`, `users`. Add `aws`, `routes` and
   * `environments` and it is a configuration that loads.
   */
  readonly text: string;
  /**
   * Each difference between the organization and what tollgate configures, one line each (also
   * written into `text` as `// NOTE:` comments beside what they are about). Adopting the setup
   * changes exactly these.
   */
  readonly notes: readonly string[];
}

/**
 * Renders an exported setup as configuration source. Deterministic: clients, roles and users are
 * sorted by name, scopes keep Asgardeo's order. What the configuration cannot express (another
 * API's scopes, a grant type tollgate does not configure, a role of an application that is not
 * exported) is left out with a note saying so; the result always passes the configuration loader.
 */
export function renderConfigFragment(setup: ExportedSetup): RenderedFragment {
  const notes: string[] = [];
  const out = new SourceWriter();
  const apiScopes = new Set(setup.apiResource.scopes.map((s) => s.name));

  out.comment(`Exported by \`npx tollgate export\` from the Asgardeo organization "${setup.organization}": the API resource`);
  out.comment(`"${setup.apiResource.name}" and the applications, roles and users that use it. No secret is exported.`);
  out.comment('Each "NOTE:" is a difference tollgate would change when it takes the setup over (`npx tollgate plan --adopt`).');

  out.open('asgardeo: {');
  out.line(`organization: ${str(setup.organization)},`);
  out.close('},');

  out.open('scopes: [');
  for (const scope of setup.apiResource.scopes) {
    const fields = [`name: ${str(scope.name)}`];
    if (scope.displayName && scope.displayName !== scope.name) fields.push(`displayName: ${str(scope.displayName)}`);
    if (scope.description) fields.push(`description: ${str(scope.description)}`);
    out.line(`{ ${fields.join(', ')} },`);
  }
  out.close('],');

  out.open('apiResource: {');
  out.line(`name: ${str(setup.apiResource.name)},`);
  out.comment('As it is in Asgardeo: another identifier would make tollgate replace the API resource.');
  out.line(`identifier: ${str(setup.apiResource.identifier)},`);
  if (setup.apiResource.description) out.line(`description: ${str(setup.apiResource.description)},`);
  if (!setup.apiResource.requiresAuthorization) out.line('requiresAuthorization: false,');
  out.close('},');

  const sorted = [...setup.applications].sort(byName);
  const userFacing = sorted.filter((a) => userFacingKind(a) !== undefined);
  const clients = sorted.filter((a) => userFacingKind(a) === undefined);
  const clientNames = new Set(sorted.map((c) => c.name));
  if (clients.length === 0) {
    out.line('clients: [],');
  } else {
    out.open('clients: [');
    for (const app of clients) renderClient(out, app, setup.apiResource.identifier, apiScopes, notes);
    out.close('],');
  }
  if (userFacing.length > 0) {
    out.open('applications: [');
    for (const app of userFacing) renderApplication(out, app, setup.apiResource.identifier, apiScopes, notes);
    out.close('],');
  }

  const roles: ExportedRole[] = [];
  for (const role of [...setup.roles].sort(byName)) {
    const reason = unexportableRole(role, clientNames, apiScopes);
    if (reason) {
      note(out, notes, `role "${role.name}" is not exported: ${reason}.`);
    } else {
      roles.push(role);
    }
  }
  out.open('roles: [');
  for (const role of roles) renderRole(out, role, apiScopes, notes);
  out.close('],');

  out.open('users: [');
  for (const user of collectUsers(roles)) renderUser(out, user, notes);
  out.close('],');

  return { text: out.text(), notes };
}

function renderClient(
  out: SourceWriter,
  app: ExportedApplication,
  identifier: string,
  apiScopes: ReadonlySet<string>,
  notes: string[],
): void {
  const about = `client "${app.name}"`;
  out.open('{');
  out.line(`name: ${str(app.name)},`);
  if (app.description) out.line(`description: ${str(app.description)},`);

  if (app.accessTokenType !== 'JWT') {
    note(
      out,
      notes,
      `${about}: Asgardeo issues it opaque ("${app.accessTokenType}") access tokens; ` +
        `tollgate configures JWT, the only kind API Gateway's JWT authorizer validates.`,
    );
  }
  if (!app.audience.includes(identifier) || app.audience.length !== 1) {
    const now = app.audience.length === 0 ? 'empty, so its tokens\' "aud" holds only its client id' : `[${app.audience.join(', ')}]`;
    note(
      out,
      notes,
      `${about}: its idToken.audience is ${now}; tollgate sets it to the API identifier, the audience the gateway's authorizer checks.`,
    );
  }
  if (app.publicClient) {
    note(out, notes, `${about}: a public client (no secret) today; tollgate configures it as a confidential client.`);
  }
  if (app.jwtScopeAsArray) {
    note(
      out,
      notes,
      `${about}: its tokens carry "scope" as an array (enableJwtScopeAsArray); tollgate turns that off, ` +
        'since the JWT authorizer checks route scopes against a space-separated string.',
    );
  }

  const supported = app.grantTypes.filter((g): g is GrantType => (GRANT_TYPES as readonly string[]).includes(g));
  const dropped = app.grantTypes.filter((g) => !supported.includes(g as GrantType));
  const callbackUrls = app.callbackUrls.filter(isHttpUrl);
  const badCallbacks = app.callbackUrls.filter((u) => !isHttpUrl(u));
  if (badCallbacks.length > 0) {
    note(
      out,
      notes,
      `${about}: callback URL(s) the configuration cannot hold (not an http(s) ` +
        `URL) are left out and would be removed: ${badCallbacks.join(', ')}.`,
    );
  }
  let grants = supported;
  if (grants.includes('authorization_code') && callbackUrls.length === 0) {
    grants = grants.filter((g) => g !== 'authorization_code' && g !== 'refresh_token');
    note(
      out,
      notes,
      `${about}: authorization_code needs a callback URL and none could be ` +
        `exported; the grant is left out (add it back with "callbackUrls").`,
    );
  }
  if (dropped.length > 0) {
    note(out, notes, `${about}: grant type(s) tollgate does not configure would be removed: ${dropped.join(', ')}.`);
  }
  if (grants.length > 0) {
    out.line(`grantTypes: ${strArray(grants)},`);
  } else {
    note(out, notes, `${about}: none of its grant types can be configured; tollgate would give it client_credentials (the default).`);
  }
  if (callbackUrls.length > 0 && grants.includes('authorization_code')) out.line(`callbackUrls: ${strArray(callbackUrls)},`);

  const scopes = app.authorizedScopes.filter((s) => apiScopes.has(s));
  out.line(`scopes: ${strArray(scopes)},`);
  if (app.otherAuthorizedApis.length > 0) {
    out.comment(`Also authorized for other API resources (not exported, left as they are): ${app.otherAuthorizedApis.join(', ')}.`);
  }

  const lifetime = app.accessTokenLifetimeSeconds;
  if (lifetime !== undefined && lifetime >= LIFETIME_RANGE.min && lifetime <= LIFETIME_RANGE.max) {
    out.line(`accessTokenLifetimeSeconds: ${lifetime},`);
  } else if (lifetime !== undefined) {
    note(
      out,
      notes,
      `${about}: its access token lifetime of ${lifetime} s is ` +
        `outside ${LIFETIME_RANGE.min}-${LIFETIME_RANGE.max} s; tollgate would set the default, 3600 s.`,
    );
  }
  out.line(`roleAudience: ${str(app.roleAudience === 'ORGANIZATION' ? 'organization' : 'application')},`);
  out.close('},');
}

/**
 * Which user-facing kind an application is, or undefined for a machine client: a public client is a
 * single-page app; a confidential one that signs users in (authorization code) and has no
 * client_credentials grant is a web app. Either needs a callback URL the configuration accepts.
 */
function userFacingKind(app: ExportedApplication): 'spa' | 'web' | undefined {
  // Without a callback URL the configuration can hold, it cannot be an application: it is rendered as a client, with notes.
  if (!app.callbackUrls.some(isUserCallbackUrl)) return undefined;
  if (app.publicClient) return 'spa';
  if (app.grantTypes.includes('authorization_code') && !app.grantTypes.includes('client_credentials')) return 'web';
  return undefined;
}

/** A user-facing application (`applications[]`, kind spa or web): people sign in through it. */
function renderApplication(
  out: SourceWriter,
  app: ExportedApplication,
  identifier: string,
  apiScopes: ReadonlySet<string>,
  notes: string[],
): void {
  const kind = userFacingKind(app) ?? 'web';
  const about = `application "${app.name}"`;
  out.open('{');
  out.line(`kind: ${str(kind)},`);
  out.line(`name: ${str(app.name)},`);
  if (app.description) out.line(`description: ${str(app.description)},`);
  if (app.accessTokenType !== 'JWT') {
    note(
      out,
      notes,
      `${about}: Asgardeo issues it opaque ("${app.accessTokenType}") access tokens; ` +
        `tollgate configures JWT, the only kind API Gateway's JWT authorizer validates.`,
    );
  }
  if (!app.audience.includes(identifier) || app.audience.length !== 1) {
    const now = app.audience.length === 0 ? 'empty, so its tokens\' "aud" holds only its client id' : `[${app.audience.join(', ')}]`;
    note(
      out,
      notes,
      `${about}: its idToken.audience is ${now}; tollgate sets it to the API identifier, the audience the gateway's authorizer checks.`,
    );
  }
  const allowed = kind === 'spa' ? USER_GRANT_TYPES.filter((g) => g !== 'password') : USER_GRANT_TYPES;
  const dropped = app.grantTypes.filter((g) => !(allowed as readonly string[]).includes(g));
  if (dropped.length > 0)
    note(out, notes, `${about}: grant type(s) a ${kind} application does not have would be removed: ${dropped.join(', ')}.`);
  for (const g of ['authorization_code', 'refresh_token'] as const) {
    if (!app.grantTypes.includes(g))
      note(out, notes, `${about}: tollgate gives every ${kind} application the ${g} grant, which it lacks today.`);
  }
  const callbackUrls = app.callbackUrls.filter(isUserCallbackUrl);
  const badCallbacks = app.callbackUrls.filter((u) => !isUserCallbackUrl(u));
  if (badCallbacks.length > 0) {
    note(
      out,
      notes,
      `${about}: callback URL(s) the configuration cannot hold (https, or http on ` +
        `localhost) are left out and would be removed: ${badCallbacks.join(', ')}.`,
    );
  }
  out.line(`callbackUrls: ${strArray(callbackUrls)},`);
  const origins = app.allowedOrigins ?? [];
  const defaultOrigins = kind === 'spa' ? [...new Set(callbackUrls.map(originOf))] : [];
  if (origins.length > 0 && !sameSet(origins, defaultOrigins)) out.line(`allowedOrigins: ${strArray(origins)},`);
  out.line(`scopes: ${strArray(app.authorizedScopes.filter((s) => apiScopes.has(s)))},`);
  if (app.otherAuthorizedApis.length > 0) {
    out.comment(`Also authorized for other API resources (not exported, left as they are): ${app.otherAuthorizedApis.join(', ')}.`);
  }
  renderAccessTokenAttributes(out, app, about, notes);
  // A user-facing application's tokens are users' tokens: their lifetime is the user access token's.
  const lifetime = app.userAccessTokenLifetimeSeconds;
  if (lifetime !== undefined && lifetime >= LIFETIME_RANGE.min && lifetime <= LIFETIME_RANGE.max) {
    out.line(`accessTokenLifetimeSeconds: ${lifetime},`);
  } else if (lifetime !== undefined) {
    note(
      out,
      notes,
      `${about}: its user access token lifetime of ${lifetime} s is ` +
        `outside ${LIFETIME_RANGE.min}-${LIFETIME_RANGE.max} s; tollgate would set the default, 3600 s.`,
    );
  }
  const refresh = app.refreshTokenLifetimeSeconds;
  if (refresh !== undefined && (refresh < REFRESH_LIFETIME_RANGE.min || refresh > REFRESH_LIFETIME_RANGE.max)) {
    note(
      out,
      notes,
      `${about}: its refresh token lifetime of ${refresh} s is outside ${REFRESH_LIFETIME_RANGE.min}-${REFRESH_LIFETIME_RANGE.max} s; ` +
        `tollgate would set the default, ${REFRESH_LIFETIME_RANGE.default} s.`,
    );
  } else if (refresh !== undefined && refresh !== REFRESH_LIFETIME_RANGE.default) {
    out.line(`refreshTokenLifetimeSeconds: ${refresh},`);
  }
  const pkceMandatory = kind === 'spa';
  if (app.pkce.mandatory !== pkceMandatory || app.pkce.supportPlainTransformAlgorithm) {
    note(
      out,
      notes,
      `${about}: PKCE is ${app.pkce.mandatory ? 'mandatory' : 'optional'}` +
        `${app.pkce.supportPlainTransformAlgorithm ? ' and accepts the plain method' : ''}; tollgate makes it ` +
        `${pkceMandatory ? 'mandatory' : 'optional'} for a ${kind} application, S256 only.`,
    );
  }
  out.line(`roleAudience: ${str(app.roleAudience === 'ORGANIZATION' ? 'organization' : 'application')},`);
  if (app.appNativeAuthentication) out.line('appNativeAuthentication: true,');
  if (kind === 'web' && app.grantTypes.includes('password')) out.line('passwordGrant: true,');
  out.close('},');
}

/**
 * `accessTokenAttributes`, when there are any: the OIDC claims the configuration knows. tollgate also
 * makes `claimConfiguration.requestedClaims` exactly those claims, so other requested claims are noted.
 */
function renderAccessTokenAttributes(out: SourceWriter, app: ExportedApplication, about: string, notes: string[]): void {
  const known = new Set<string>(OIDC_CLAIM_NAMES);
  const attributes = [...new Set(app.accessTokenAttributes)].filter((a) => known.has(a));
  const unknown = app.accessTokenAttributes.filter((a) => !known.has(a));
  if (unknown.length > 0) {
    note(
      out,
      notes,
      `${about}: access token attribute(s) the configuration cannot hold are left out and would be removed: ${unknown.join(', ')}.`,
    );
  }
  if (attributes.length > 0) out.line(`accessTokenAttributes: ${strArray(attributes)},`);
  const requested = [...new Set(attributes.map((a) => CLAIM_URIS[a]!))].sort();
  if (!sameSet(app.requestedClaims, requested)) {
    const now = app.requestedClaims.length ? app.requestedClaims.join(', ') : 'none';
    const then = requested.length ? requested.join(', ') : 'none';
    note(
      out,
      notes,
      `${about}: its requested claims (${now}) differ from its access token attributes; tollgate requests exactly those: ${then}.`,
    );
  }
}

/** What `applications[].callbackUrls` accepts: https, or http on a loopback host. */
function isUserCallbackUrl(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.hash) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

function originOf(url: string): string {
  return new URL(url).origin;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Why a role cannot go into the configuration as it is, or undefined when it can. */
function unexportableRole(role: ExportedRole, clientNames: ReadonlySet<string>, apiScopes: ReadonlySet<string>): string | undefined {
  if (role.audience.type === 'application' && !clientNames.has(role.audience.application)) {
    return `it is a role of the application "${role.audience.application}", which is not authorized for this API resource`;
  }
  if (!role.scopes.some((s) => apiScopes.has(s))) return 'it grants no scope of this API resource';
  return undefined;
}

function renderRole(out: SourceWriter, role: ExportedRole, apiScopes: ReadonlySet<string>, notes: string[]): void {
  out.open('{');
  out.line(`name: ${str(role.name)},`);
  out.line(
    role.audience.type === 'organization' ? "audience: 'organization'," : `audience: { client: ${str(role.audience.application)} },`,
  );
  out.line(`scopes: ${strArray(role.scopes.filter((s) => apiScopes.has(s)))},`);
  if (role.otherScopes.length > 0) {
    note(
      out,
      notes,
      `role "${role.name}" also grants scopes of other API resources, which tollgate would remove from it: ${role.otherScopes.join(', ')}.`,
    );
  }
  out.close('},');
}

interface UserWithRoles extends ExportedUser {
  readonly roles: readonly string[];
}

/** Each member of an exported role once, with the exported roles it holds, sorted by user name. */
function collectUsers(roles: readonly ExportedRole[]): UserWithRoles[] {
  const users = new Map<string, { user: ExportedUser; roles: string[] }>();
  for (const role of roles) {
    for (const user of role.users) {
      const entry = users.get(user.userName) ?? { user, roles: [] };
      entry.roles.push(role.name);
      users.set(user.userName, entry);
    }
  }
  return [...users.values()].map(({ user, roles: r }) => ({ ...user, roles: r })).sort((a, b) => a.userName.localeCompare(b.userName));
}

function renderUser(out: SourceWriter, user: UserWithRoles, notes: string[]): void {
  const email = user.email ?? (EMAIL.test(user.userName) ? user.userName : undefined);
  if (!email || !EMAIL.test(email)) {
    note(
      out,
      notes,
      `user "${user.userName}" is not exported: Asgardeo has no e-mail address for it, which ` +
        `the configuration needs; add it by hand with its roles (${user.roles.join(', ')}).`,
    );
    return;
  }
  out.open('{');
  out.line(`userName: ${str(user.userName)},`);
  out.line(`email: ${str(email)},`);
  if (user.givenName) out.line(`givenName: ${str(user.givenName)},`);
  if (user.familyName) out.line(`familyName: ${str(user.familyName)},`);
  out.line(`roles: ${strArray(user.roles)},`);
  out.comment('The user exists: tollgate never reads or changes its password. An invitation goes out only if it is ever created anew.');
  out.line('password: { invite: true },');
  out.close('},');
}

// The same check as zod's `.email()` would make is not needed here: this only decides whether a
// user name can stand in for the address. The loader validates the result.
const EMAIL = /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function note(out: SourceWriter, notes: string[], message: string): void {
  notes.push(message);
  out.comment(`NOTE: ${message}`);
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** A TypeScript single-quoted string literal. */
function str(value: string): string {
  const escaped = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${escaped}'`;
}

function strArray(values: readonly string[]): string {
  return `[${values.map(str).join(', ')}]`;
}

/** Builds indented source; comments are single-line, so a value can never end one early. */
class SourceWriter {
  private readonly lines: string[] = [];
  private depth = 1;

  line(text: string): void {
    this.lines.push(`${'  '.repeat(this.depth)}${text}`);
  }

  comment(text: string): void {
    this.line(`// ${text.replace(/[\r\n\u2028\u2029]+/g, ' ')}`);
  }

  open(text: string): void {
    this.line(text);
    this.depth += 1;
  }

  close(text: string): void {
    this.depth -= 1;
    this.line(text);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
