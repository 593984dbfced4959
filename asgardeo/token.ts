import type { AdminCredentials } from './credentials';
import { AsgardeoError, CredentialsError } from './errors';
import type { AsgardeoHttp } from './http';
import { ROLES_API_SCOPES, V2_ONLY_SCOPES, V3_ONLY_SCOPES } from './roles-api';

export interface TokenResponse {
  accessToken: string;
  scope: string;
  expiresIn: number;
}

/**
 * client_credentials at `/oauth2/token`. Asgardeo silently drops scopes the app is not authorized
 * for, so the granted `scope` is the only truth: callers compare it with what they asked.
 */
export async function clientCredentialsToken(
  http: AsgardeoHttp,
  creds: AdminCredentials,
  scopes: readonly string[],
  who = 'admin',
): Promise<TokenResponse> {
  const res = await http.send({
    method: 'POST',
    path: '/oauth2/token',
    form: { grant_type: 'client_credentials', scope: scopes.join(' ') },
    headers: {
      authorization:
        `Basic ` + `${Buffer.from(`${encodeURIComponent(creds.clientId)}:${encodeURIComponent(creds.clientSecret)}`).toString('base64')}`,
    },
    accept: [400, 401, 404],
  });
  if (res.status === 404 || (res.status < 300 && typeof res.body !== 'object')) {
    // Not "the object was deleted": no token endpoint here means the organization or the base URL is wrong.
    const org = /\/t\/([^/]+)$/.exec(new URL(http.baseUrl).pathname) ? ' (it ends in /t/<org>: tollgate adds that itself)' : '';
    throw new AsgardeoError({
      message:
        `no Asgardeo token endpoint for organization "${http.organization}" at ` +
        `${http.baseUrl}/t/${encodeURIComponent(http.organization)}/oauth2/token ` +
        `(HTTP ${res.status}${res.status === 404 ? '' : ', not JSON'})`,
      status: res.status,
      code: 'TOLLGATE-NO-TOKEN-ENDPOINT',
      hint:
        `check asgardeo.organization ("${http.organization}"; it must be the name in your console URL ` +
        `https://console.asgardeo.io/t/<name>) and ` +
        `ASGARDEO_BASE_URL${org}: it must be the server's root, e.g. https://api.asgardeo.io (unset it for that default)`,
    });
  }
  const body = (res.body ?? {}) as Record<string, unknown>;
  if (res.status === 401 || body.error === 'invalid_client') {
    throw who === 'admin'
      ? new CredentialsError(
          `Asgardeo rejected the admin client credentials (${String(body.error ?? res.status)}) at ${http.baseUrl}.`,
          'check ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET: they must be the client id and secret of an M2M ' +
            'application in this organization (Applications → <app> → Protocol); regenerate the secret if unsure; check ' +
            'ASGARDEO_BASE_URL and asgardeo.organization too',
        )
      : new AsgardeoError({
          message: `Asgardeo rejected the credentials of client "${who}" ` + `(${String(body.error ?? res.status)})`,
          status: res.status,
          hint: 'run `npx tollgate apply` so the client exists ' + 'and is configured, then try again',
        });
  }
  if (res.status === 400 || typeof body.access_token !== 'string') {
    throw new AsgardeoError({
      message: `token request failed: ${String(body.error ?? res.status)} ${String(body.error_description ?? '')}`.trim(),
      status: res.status,
      code: typeof body.error === 'string' ? body.error : undefined,
      hint:
        who === 'admin'
          ? 'the admin application must allow the client_credentials grant (an M2M application ' + 'does)'
          : `run \`npx tollgate apply\` so client "${who}" allows client_credentials`,
    });
  }
  return {
    accessToken: body.access_token,
    scope: typeof body.scope === 'string' ? body.scope : '',
    expiresIn: Number(body.expires_in ?? 0),
  };
}

/** The management API each internal scope belongs to, as the console's API Authorization tab names it. */
const SCOPE_API: [RegExp, string][] = [
  [/^internal_api_resource_/, 'API Resource Management API'],
  // Asgardeo hides every client secret from a token without this scope; say who reads one.
  [
    /^internal_application_mgt_client_secret_view$/,
    "Application Management API; the smoke test and `npx tollgate token` read a client's secret, which Asgardeo hides without it",
  ],
  [/^internal_application_(mgt|business)_/, 'Application Management API'],
  [/^internal_role_mgt_(meta_create|meta_update|users_update|groups_update)$/, ROLES_API_SCOPES.v3.api],
  [/^internal_role_mgt_/, ROLES_API_SCOPES.v2.api],
  [/^internal_user_mgt_/, 'SCIM2 Users API'],
];

/** What every missing-role-scope message says about the two Roles APIs (asgardeo-secrets-and-roles.md, B.6). */
export const ROLES_API_NOTE =
  `roles go through ${ROLES_API_SCOPES.v3.api} (${V3_ONLY_SCOPES.slice(0, 3).join(', ')}) when the application is authorized ` +
  `for it, else through ${ROLES_API_SCOPES.v2.api} (v2: ${V2_ONLY_SCOPES.join(', ')}); both also need ` +
  `${ROLES_API_SCOPES.v3.view} and ${ROLES_API_SCOPES.v3.delete}. Asgardeo does not let one application be authorized for both: ` +
  `remove ${ROLES_API_SCOPES.v2.api} from it before authorizing ${ROLES_API_SCOPES.v3.api} (asgardeo.rolesApi forces one)`;

/** Asks for exactly `scopes` and fails, naming each missing one and where to grant it, if any is not granted. */
export async function managementToken(http: AsgardeoHttp, creds: AdminCredentials, scopes: readonly string[]): Promise<string> {
  const wanted = [...new Set(scopes)].sort();
  const token = await clientCredentialsToken(http, creds, wanted);
  const granted = new Set(token.scope.split(/\s+/).filter(Boolean));
  const missing = wanted.filter((s) => !granted.has(s));
  if (missing.length) {
    // View and delete have the same names under both Roles APIs: name the API the run speaks.
    const rolesV3 = wanted.some((s) => V3_ONLY_SCOPES.includes(s));
    const apiOf = (s: string) =>
      rolesV3 && s.startsWith('internal_role_mgt_')
        ? ROLES_API_SCOPES.v3.api
        : (SCOPE_API.find(([re]) => re.test(s))?.[1] ?? 'Management API');
    const lines = missing.map((s) => `    - ${s} (${apiOf(s)})`);
    throw new AsgardeoError({
      message:
        `the admin application (ASGARDEO_CLIENT_ID) was not granted ` +
        `${missing.length === 1 ? 'a scope' : 'scopes'} this run needs:\n${lines.join('\n')}`,
      status: 403,
      code: 'TOLLGATE-MISSING-SCOPE',
      hint:
        'in the Asgardeo console open Applications → <your admin M2M app> → API Authorization, authorize each API ' +
        'listed above (Management APIs) with the listed scopes, then run again' +
        (missing.some((s) => s.startsWith('internal_role_mgt_')) ? `; ${ROLES_API_NOTE}` : ''),
    });
  }
  return token.accessToken;
}
