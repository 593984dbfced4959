import type { ResolvedConfig, ResolvedRoute } from '../../config';
import { samplePath, type SmokeResult } from '../../deploy';

/**
 * What the smoke test proved, in one line: the pipeline's smoke step has already listed each check
 * (and what was not tried) as it ran, so they are not printed a second time.
 */
export function renderChecks(smoke: SmokeResult, awsPath: 'terraform' | 'synthesized'): string {
  const passed = smoke.checks.filter((c) => c.ok).length;
  const served =
    awsPath === 'terraform' ? 'what Terraform deployed to the local AWS control plane' : 'the synthesized Terraform (no Terraform run)';
  const notTried = smoke.skipped.length ? `; ${smoke.skipped.length} not tried` : '';
  return (
    `What was checked (${passed} of ${smoke.checks.length} passed${notTried}; each listed under "Smoke test" above), ` +
    `through the gateway serving ${served}.\n`
  );
}

export interface TryItOptions {
  config: ResolvedConfig;
  stageInvokeUrl: string;
  /**
   * Every variable the printed commands need: what points `tollgate` at the sandbox, with the throwaway
   * admin secret, and the test users' generated passwords (throwaways too: the local Asgardeo ends with the run).
   */
  commandEnv: Readonly<Record<string, string>>;
  /** Extra flags the token command needs to load the same configuration (`--env`, `--config`). */
  configFlags: readonly string[];
  clients?: readonly { name: string; clientId: string }[];
}

/**
 * Ready-to-paste shell commands for the running sandbox: exports for the local Asgardeo, one token
 * per client (through `tollgate token`, which reads the client's secret with the admin credentials
 * and never prints it), and a curl per route and caller with the answer to expect.
 */
export function renderTryIt(o: TryItOptions): string {
  const flags = o.configFlags.map(shellQuote).join(' ');
  const tokenCmd = (client: string) => `npm run -s tollgate -- token --client ${shellQuote(client)}${flags ? ` ${flags}` : ''}`;
  const ccClients = o.config.clients.filter((c) => c.grantTypes.includes('client_credentials'));
  const tokenVar = (client: string) => `TOKEN_${client.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
  const lines: string[] = [
    'Try it (while the sandbox runs; Ctrl-C stops it):',
    '',
    '  # Point tollgate at the local Asgardeo. The admin secret (and any test user password) is a throwaway',
    '  # made for this run only, valid nowhere else and gone when the sandbox stops.',
    `  export ${Object.entries(o.commandEnv)
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(' ')}`,
    '',
    "  # Client-credentials tokens (tollgate token reads each client's secret from Asgardeo; it is never printed):",
  ];
  for (const c of ccClients) {
    const id = o.clients?.find((x) => x.name === c.name)?.clientId;
    lines.push(
      `  ${tokenVar(c.name)}=$(${tokenCmd(c.name)})   # ${c.name}${id ? ` (client id ${id})` : ''}: ` +
        `${c.scopes.join(' ') || 'no scopes'}`,
    );
  }
  const signInApp = o.config.applications.find((a) => a.appNativeAuthentication);
  if (signInApp && o.config.users.length) {
    lines.push('', `  # Test users, signed in through ${signInApp.name} (app-native): the password from its variable, else asked for:`);
    for (const u of o.config.users) {
      const variable =
        u.password.kind === 'invite'
          ? ''
          : ` (password in $${u.password.variable}${u.password.variable in o.commandEnv ? ', exported above' : ''})`;
      lines.push(
        `  TOKEN_${u.userName
          .split('@')[0]!
          .replace(/[^A-Za-z0-9]/g, '_')
          .toUpperCase()}=$(npm run -s tollgate -- token --user ${shellQuote(u.userName)}` +
          `${flags ? ` ${flags}` : ''})   # ${u.userName}${variable}`,
      );
    }
  }
  lines.push('', '  # Calls:');
  for (const route of o.config.routes) {
    lines.push(`  ${curl(o.stageInvokeUrl, route)}   # ${route.routeKey}: ${route.public ? 'public, 2xx' : '401 without a token'}`);
    if (route.public) continue;
    const holder = ccClients.find((c) => c.scopes.some((s) => route.scopes.includes(s)));
    const without = ccClients.find((c) => !c.scopes.some((s) => route.scopes.includes(s)));
    if (holder)
      lines.push(
        `  ${curl(o.stageInvokeUrl, route, tokenVar(holder.name))}   # 2xx: ${holder.name} holds ` +
          `${route.scopes.filter((s) => holder.scopes.includes(s)).join(' ')}`,
      );
    if (without)
      lines.push(
        `  ${curl(o.stageInvokeUrl, route, tokenVar(without.name))}   # 403: ${without.name} lacks ` + `${route.scopes.join(' / ')}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

function curl(stageInvokeUrl: string, route: ResolvedRoute, tokenVar?: string): string {
  const method = route.method === 'ANY' ? 'GET' : route.method;
  // The route's smoke samples: values the example's code (or the backend) knows.
  const url = `${stageInvokeUrl.replace(/\/+$/, '')}${samplePath(route)}`;
  const parts = ['curl -i'];
  if (method !== 'GET') parts.push(`-X ${method}`);
  if (tokenVar) parts.push(`-H "Authorization: Bearer $${tokenVar}"`);
  if (!['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(method)) parts.push(`-H 'content-type: application/json' -d '{}'`);
  parts.push(shellQuote(url));
  return parts.join(' ');
}

export function shellQuote(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
