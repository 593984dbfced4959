import type { ConfigIssue } from './errors';
import { OIDC_CLAIM_NAMES, type BaseConfig } from './schema';
import type { DeployTarget } from './resolved';
import { scopeNameIssues, serverNameIssues } from './server-names';

/**
 * Scope names Asgardeo reserves for OpenID Connect or for its own management API; an API scope
 * with one of these names is refused (400) or would be silently dropped from client-credentials tokens.
 */
export const RESERVED_SCOPE_NAMES = new Set([
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'groups',
  'roles',
  'offline_access',
  'SYSTEM',
  'internal_login',
]);

// As in the console URL https://console.asgardeo.io/t/<organization>.
const ORGANIZATION_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
// Scopes travel space-separated in `scope`: no whitespace, nothing a URL or a filter would mangle.
const SCOPE_NAME = /^[A-Za-z0-9_.:\-/]+$/;
const ROUTE_PATH =
  /^\/(?:[A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\}|\{[A-Za-z0-9_]+\+\})?(?:\/(?:[A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\}|\{[A-Za-z0-9_]+\+\}))*$/;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Rules that relate one part of the configuration to another, beyond what the schema checks. */
/**
 * A base URL is the server's root (https://api.asgardeo.io), never an organization's (…/t/<org>): tollgate
 * appends `/t/<organization>` itself, and a doubled path reaches no organization.
 */
export function checkBaseUrl(baseUrl: string, organization: string): ConfigIssue[] {
  const m = /\/t\/([^/]+)$/.exec(baseUrl);
  if (!m) return [];
  const root = baseUrl.slice(0, m.index);
  return [
    {
      path: 'asgardeo.baseUrl',
      message:
        `the Asgardeo base URL "${baseUrl}" ends in /t/${m[1]}; ` +
        `tollgate adds /t/${organization} itself, so every URL would be doubled`,
      fix: `use the server's root: ASGARDEO_BASE_URL=${root} (or asgardeo.baseUrl: '${root}')`,
    },
  ];
}

export function crossCheck(config: BaseConfig, target: DeployTarget, issuer: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (path: string, message: string, fix: string) => issues.push({ path, message, fix });

  if (!ORGANIZATION_NAME.test(config.asgardeo.organization)) {
    add(
      'asgardeo.organization',
      `"${config.asgardeo.organization}" is not an Asgardeo organization name`,
      'use the name from your console URL https://console.asgardeo.io/t/<organization>: lowercase letters, digits, "-" and "_"',
    );
  }
  checkIssuer(issuer, target, config.asgardeo.issuer ? 'asgardeo.issuer' : 'asgardeo.baseUrl', add);
  issues.push(...serverNameIssues(config));

  const declared = new Set<string>();
  config.scopes.forEach((scope, i) => {
    const path = `scopes[${i}].name`;
    if (declared.has(scope.name)) {
      add(
        path,
        `scope "${scope.name}" is declared twice`,
        'remove the duplicate: scope names are unique across the whole Asgardeo organization',
      );
    }
    declared.add(scope.name);
    // Names the server refuses are reported by serverNameIssues (server-names.ts).
    if (scopeNameIssues(scope.name, path).length === 0 && !SCOPE_NAME.test(scope.name)) {
      add(path, `"${scope.name}" contains characters a scope cannot hold`, 'use letters, digits and _ . : - / only (no spaces)');
    }
  });

  const undeclared = (path: string, scope: string, owner: string) =>
    add(
      path,
      `${owner} uses scope "${scope}", which is not declared in "scopes"`,
      `declare it in "scopes", or fix the spelling (declared: ${[...declared].join(', ')})`,
    );

  const routeKeys = new Set<string>();
  config.routes.forEach((route, i) => {
    const key = `${route.method} ${route.path}`;
    if (routeKeys.has(key))
      add(`routes[${i}]`, `route "${key}" is declared twice`, 'keep one entry per method and path; list several scopes on it instead');
    routeKeys.add(key);
    if (!ROUTE_PATH.test(route.path)) {
      add(
        `routes[${i}].path`,
        `"${route.path}" is not a valid route path`,
        'start with "/", use segments of letters, digits, "-", "_", "." or {param} / {proxy+}',
      );
    }
    const scopes = route.scopes ?? [];
    if (route.public === true && scopes.length > 0) {
      add(
        `routes[${i}]`,
        `route "${key}" is public but lists scopes`,
        'remove "scopes" to serve it without a token, or remove "public: true" to require them',
      );
    }
    if (route.public !== true && scopes.length === 0) {
      add(
        `routes[${i}].scopes`,
        `route "${key}" has no scopes and is not marked public`,
        'list at least one scope, or set "public: true" if anyone may call it without a token',
      );
    }
    scopes.forEach((s, j) => declared.has(s) || undeclared(`routes[${i}].scopes[${j}]`, s, `route "${key}"`));
  });

  const clientNames = new Set<string>();
  (config.clients ?? []).forEach((client, i) => {
    if (clientNames.has(client.name))
      add(
        `clients[${i}].name`,
        `client "${client.name}" is declared twice`,
        'application names are unique in Asgardeo: rename or remove one',
      );
    clientNames.add(client.name);
    client.scopes.forEach((s, j) => declared.has(s) || undeclared(`clients[${i}].scopes[${j}]`, s, `client "${client.name}"`));
    if ((client.grantTypes ?? []).includes('authorization_code') && (client.callbackUrls ?? []).length === 0) {
      add(
        `clients[${i}].callbackUrls`,
        `client "${client.name}" uses authorization_code but has no callback URL`,
        'add "callbackUrls" with the URL Asgardeo redirects to after login',
      );
    }
  });

  (config.applications ?? []).forEach((app, i) => {
    const at = `applications[${i}]`;
    if (clientNames.has(app.name)) {
      add(
        `${at}.name`,
        `application "${app.name}" is declared twice (clients and applications share one namespace)`,
        'application names are unique in Asgardeo: rename or remove one',
      );
    }
    clientNames.add(app.name);
    app.scopes.forEach((s, j) => declared.has(s) || undeclared(`${at}.scopes[${j}]`, s, `application "${app.name}"`));
    app.callbackUrls.forEach((url, j) => checkCallbackUrl(url, `${at}.callbackUrls[${j}]`, add));
    (app.allowedOrigins ?? []).forEach((origin, j) => checkOrigin(origin, `${at}.allowedOrigins[${j}]`, add));
    if (app.kind === 'spa' && app.passwordGrant === true) {
      add(
        `${at}.passwordGrant`,
        `application "${app.name}" is a single-page app (a public client); ` +
          "the password grant would hand its users' passwords to browser code",
        'remove "passwordGrant", or make it kind "web" (a confidential client with a secret)',
      );
    }
    const attributes = new Set<string>();
    (app.accessTokenAttributes ?? []).forEach((claim, j) => {
      const path = `${at}.accessTokenAttributes[${j}]`;
      if (attributes.has(claim)) add(path, `attribute "${claim}" is listed twice`, 'list each claim once');
      attributes.add(claim);
      if (!OIDC_CLAIMS.has(claim)) {
        add(
          path,
          `"${claim}" is not an OIDC claim name; Asgardeo refuses it with 400 "Invalid access token claim URI"`,
          `use an OIDC claim name such as ${SUGGESTED_CLAIMS}${suggestClaim(claim)}`,
        );
      }
    });
  });

  const roleNames = new Set<string>();
  (config.roles ?? []).forEach((role, i) => {
    if (roleNames.has(role.name)) add(`roles[${i}].name`, `role "${role.name}" is declared twice`, 'give each role its own name');
    roleNames.add(role.name);
    role.scopes.forEach((s, j) => declared.has(s) || undeclared(`roles[${i}].scopes[${j}]`, s, `role "${role.name}"`));
    const audience = role.audience;
    if (audience && audience !== 'organization' && !clientNames.has(audience.client)) {
      add(
        `roles[${i}].audience.client`,
        `role "${role.name}" names client "${audience.client}", which is not declared in "clients" or "applications"`,
        'name a client from "clients" or an application from "applications", or use audience "organization"',
      );
    }
  });

  const userNames = new Set<string>();
  (config.users ?? []).forEach((user, i) => {
    const key = user.userName.toLowerCase();
    if (userNames.has(key))
      add(
        `users[${i}].userName`,
        `user "${user.userName}" is declared twice`,
        'keep one entry per user (user names are compared without case)',
      );
    userNames.add(key);
    (user.roles ?? []).forEach((r, j) => {
      if (!roleNames.has(r))
        add(
          `users[${i}].roles[${j}]`,
          `user "${user.userName}" names role "${r}", which is not declared in "roles"`,
          'declare the role in "roles", or fix the spelling',
        );
    });
  });

  return issues;
}

const OIDC_CLAIMS: ReadonlySet<string> = new Set(OIDC_CLAIM_NAMES);
const SUGGESTED_CLAIMS = 'given_name, family_name, name, email, username, preferred_username';
// Names people write for a claim, from the console's attribute names or the WSO2 claim URIs.
const CLAIM_ALIASES: Readonly<Record<string, string>> = {
  givenname: 'given_name',
  firstname: 'given_name',
  first_name: 'given_name',
  lastname: 'family_name',
  last_name: 'family_name',
  surname: 'family_name',
  emailaddress: 'email',
  mail: 'email',
  fullname: 'name',
  user_name: 'username',
};

function suggestClaim(claim: string): string {
  const bare = claim.replace(/^.*\/claims\//, '').toLowerCase();
  const guess = CLAIM_ALIASES[bare] ?? (OIDC_CLAIMS.has(bare) ? bare : undefined);
  return guess ? ` (did you mean "${guess}"?)` : '';
}

/** Asgardeo redirects the browser here with the code: https, or http on this machine (RFC 8252 loopback). */
function checkCallbackUrl(value: string, path: string, add: (path: string, message: string, fix: string) => void): void {
  const url = new URL(value); // The schema has checked it is a URL.
  if (url.hash) add(path, `callback URL "${value}" has a fragment`, 'remove the "#..." part: OAuth redirect URIs cannot carry one');
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return;
  add(
    path,
    `callback URL "${value}" must be https (http only on localhost or 127.0.0.1)`,
    'use the https URL of your page, e.g. https://app.example.com/callback',
  );
}

/** An origin as browsers send it: scheme, host and optional port; no path, no wildcard. */
function checkOrigin(value: string, path: string, add: (path: string, message: string, fix: string) => void): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    const example =
      url && (url.protocol === 'https:' || url.protocol === 'http:') ? `, e.g. "${url.origin}"` : ', e.g. "https://app.example.com"';
    add(path, `"${value}" is not an origin`, `write scheme, host and port only, without a path or trailing slash${example}`);
    return;
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    add(path, `origin "${value}" must be https (http only on localhost or 127.0.0.1)`, 'serve the page over https');
  }
}

function checkIssuer(issuer: string, target: DeployTarget, path: string, add: (path: string, message: string, fix: string) => void): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    add(path, `issuer "${issuer}" is not a URL`, 'use https://api.asgardeo.io/t/<organization>/oauth2/token or your custom domain');
    return;
  }
  if (issuer.endsWith('/')) {
    add(
      path,
      `issuer "${issuer}" ends with "/", but Asgardeo's "iss" has no trailing slash and the gateway compares it exactly`,
      'remove the trailing slash',
    );
  }
  if (url.protocol === 'https:') return;
  if (target === 'local' && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return;
  add(
    path,
    target === 'local'
      ? `issuer "${issuer}" must be https, or http on a loopback address for the local sandbox`
      : `issuer "${issuer}" is not https; API Gateway's JWT authorizer accepts only https issuers`,
    url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)
      ? 'this is the local Asgardeo: run the command with --target local (or export TOLLGATE_TARGET=local); ' +
          'on AWS use an https issuer (ASGARDEO_BASE_URL and asgardeo.baseUrl/issuer set it)'
      : 'use an https issuer (ASGARDEO_BASE_URL and asgardeo.baseUrl/issuer set it); ' +
          'http works only with the local sandbox (--target local)',
  );
}
