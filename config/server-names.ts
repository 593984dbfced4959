import type { ConfigIssue } from './errors';
import type { BaseConfig } from './schema';

/**
 * Names Asgardeo's server would refuse, or accept and then never find again, checked before any
 * request (asgardeo-contract.md, "Corrections and additions"). Kept apart from `validate.ts`'s
 * cross-references: these rules are the server's, not the configuration's.
 */

/** The server's default application-name regex (identity-api-server). */
export const APPLICATION_NAME = /^[a-zA-Z0-9._-]+(?: [a-zA-Z0-9._-]+)*$/;
/** The console caps application names at 50 characters. */
export const APPLICATION_NAME_MAX = 50;
/** Characters the application list filter's tokenizer keeps; it silently drops every other one. */
const FILTER_TOKEN_CHAR = /[A-Za-z0-9@:_\-+.*/]/;

/** OIDC scope names: an API scope named like one is refused with 400 API-RESOURCE-60009. */
export const OIDC_SCOPE_NAMES: ReadonlySet<string> = new Set([
  'openid',
  'profile',
  'email',
  'phone',
  'address',
  'groups',
  'roles',
  'offline_access',
]);
/** Scope names Asgardeo reserves for itself beyond OIDC (`SYSTEM` expands to every internal scope; `internal_login` is dropped). */
const OTHER_RESERVED_SCOPES: ReadonlySet<string> = new Set(['SYSTEM', 'internal_login']);
/** Restricted prefix: API-RESOURCE-60008. */
const RESTRICTED_SCOPE_PREFIX = 'internal';

export function serverNameIssues(config: BaseConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  (config.clients ?? []).forEach((c, i) => issues.push(...applicationNameIssues(c.name, `clients[${i}].name`, 'client')));
  (config.applications ?? []).forEach((a, i) => issues.push(...applicationNameIssues(a.name, `applications[${i}].name`, 'application')));
  config.scopes.forEach((s, i) => issues.push(...scopeNameIssues(s.name, `scopes[${i}].name`)));
  return issues;
}

/** A client's or user-facing application's name, as Asgardeo checks it and as its list filter finds it. */
export function applicationNameIssues(name: string, path: string, what: 'client' | 'application'): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const fixed = suggestName(name);
  const instead = fixed && fixed !== name ? ` (e.g. "${fixed}")` : '';
  const outside = [...new Set([...name].filter((ch) => ch !== ' ' && !/[a-zA-Z0-9._-]/.test(ch)))];
  const dropped = outside.filter((ch) => !FILTER_TOKEN_CHAR.test(ch));
  if (!APPLICATION_NAME.test(name)) {
    const quoted = (chars: string[]) => chars.map((ch) => JSON.stringify(ch)).join(', ');
    const why = outside.length
      ? `contains ${quoted(outside)}` +
        (dropped.length
          ? ` (Asgardeo's list filter would also drop ${quoted(dropped)}, so tollgate could not find the application again)`
          : '')
      : 'has leading, trailing or doubled spaces';
    issues.push({
      path,
      message: `${what} name "${name}" ${why}; Asgardeo refuses application names outside ${APPLICATION_NAME.source} (400)`,
      fix: `use letters, digits, ".", "_" and "-", words separated by single spaces${instead}`,
    });
  }
  if (name.length > APPLICATION_NAME_MAX) {
    issues.push({
      path,
      message: `${what} name "${name}" is ${name.length} characters; the Asgardeo console allows at most ${APPLICATION_NAME_MAX}`,
      fix: `shorten it to ${APPLICATION_NAME_MAX} characters or fewer`,
    });
  }
  return issues;
}

/** An API scope name, as the API-resource endpoint checks it. */
export function scopeNameIssues(name: string, path: string): ConfigIssue[] {
  if (name.trim() === '') {
    return [
      {
        path,
        message: 'the scope name is blank; Asgardeo refuses it (400 API-RESOURCE-60005)',
        fix: 'name the scope after the action it allows, e.g. "read_orders"',
      },
    ];
  }
  if (OIDC_SCOPE_NAMES.has(name.toLowerCase())) {
    return [
      {
        path,
        message: `"${name}" is an OpenID Connect scope name; Asgardeo refuses it as an API scope (400 API-RESOURCE-60009)`,
        fix: `rename it after the action it allows, e.g. "read_${name.toLowerCase()}"`,
      },
    ];
  }
  const restricted = name.toLowerCase().startsWith(RESTRICTED_SCOPE_PREFIX);
  if (restricted || OTHER_RESERVED_SCOPES.has(name)) {
    return [
      {
        path,
        message:
          `"${name}" ${restricted ? 'starts with the restricted prefix "internal"' : 'is reserved by Asgardeo'}; ` +
          'Asgardeo refuses it as an API scope (400 API-RESOURCE-60008)',
        fix: `rename it without that prefix, e.g. "${name.replace(/^internal_?/i, '') || 'read'}_api"`,
      },
    ];
  }
  return [];
}

/** The name with refused characters removed and whitespace collapsed, when that leaves something. */
function suggestName(name: string): string | undefined {
  const cleaned = name
    .replace(/[^a-zA-Z0-9._\- ]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, APPLICATION_NAME_MAX)
    .trim();
  return APPLICATION_NAME.test(cleaned) ? cleaned : undefined;
}

/**
 * A configuration that asks for Asgardeo's `enableJwtScopeAsArray` on a client: refused with the reason.
 * The JWT's `scope` would become a JSON array, which AWS's JWT authorizer is not documented to read
 * (the local gateway reads it as no scopes): every route that needs a scope would answer 403.
 */
export function scopeAsArrayIssue(keys: readonly string[], path: string): ConfigIssue | undefined {
  const key = keys.find((k) => /scope.?as.?array/i.test(k));
  if (!key) return undefined;
  return {
    path,
    message:
      `"${key}" cannot be set: tollgate keeps Asgardeo's enableJwtScopeAsArray off for every client its API authorizes, because ` +
      'API Gateway\'s JWT authorizer expects "scope" as a space-separated string; ' +
      'with an array every route that needs a scope would answer 403',
    fix: `remove "${key}" (a change made in the console is shown by \`npx tollgate plan\` and reverted by \`npx tollgate apply\`)`,
  };
}
