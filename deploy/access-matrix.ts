import type { ResolvedConfig } from '../config';

/** Who can call one route: from the configuration, as Asgardeo grants scopes (asgardeo-contract.md). */
export interface RouteAccess {
  routeKey: string;
  public: boolean;
  /** Any one of these is enough (API Gateway's any-of rule). */
  scopes: string[];
  /** client_credentials clients authorized for at least one of the scopes, with those scopes. */
  clients: { name: string; scopes: string[] }[];
  /** Roles holding at least one of the scopes, and the user-facing clients through which members obtain them. */
  roles: { name: string; scopes: string[]; via: string[]; users: string[] }[];
}

export interface AccessMatrix {
  routes: RouteAccess[];
  /** Route scopes nobody can obtain: such a route answers 403 to everyone (or to everyone for that scope). */
  warnings: string[];
}

const USER_GRANTS = ['authorization_code', 'refresh_token'];

/**
 * Client credentials tokens get requested ∩ app-authorized scopes; user tokens get requested ∩
 * app-authorized ∩ the user's role scopes, counting only roles the app admits (organization roles
 * when its role audience is organization, else the roles whose audience is that app).
 */
export function buildAccessMatrix(config: ResolvedConfig): AccessMatrix {
  const warnings: string[] = [];
  const routes = config.routes.map((route): RouteAccess => {
    const scopes = [...route.scopes];
    const clients = config.clients
      .filter((c) => c.grantTypes.includes('client_credentials'))
      .map((c) => ({ name: c.name, scopes: c.scopes.filter((s) => scopes.includes(s)) }))
      .filter((c) => c.scopes.length > 0);
    const roles = config.roles
      .map((role) => {
        const held = role.scopes.filter((s) => scopes.includes(s));
        // Sign-in paths: clients with a user grant, and every user-facing application (spa, web).
        const via = [...config.clients.filter((c) => c.grantTypes.some((g) => USER_GRANTS.includes(g))), ...config.applications]
          .filter((c) => (role.audience.type === 'organization' ? c.roleAudience === 'organization' : role.audience.client === c.name))
          .filter((c) => c.scopes.some((s) => held.includes(s)))
          .map((c) => c.name);
        return { name: role.name, scopes: held, via, users: [...role.users] };
      })
      .filter((r) => r.scopes.length > 0);
    if (!route.public) {
      for (const scope of scopes) {
        const byClient = clients.some((c) => c.scopes.includes(scope));
        const byRole = roles.some((r) => r.scopes.includes(scope) && r.via.length > 0);
        if (byClient || byRole) continue;
        const holders = roles.filter((r) => r.scopes.includes(scope));
        const why = holders.length
          ? `role${holders.length > 1 ? 's' : ''} ${holders.map((r) => r.name).join(', ')} ` +
            `hold${holders.length > 1 ? '' : 's'} it, but no application or client with a user sign-in grant is authorized for it and ` +
            `admits ${holders.length > 1 ? 'them' : 'it'}`
          : 'no client is authorized for it and no role holds it';
        warnings.push(`${route.routeKey}: nobody can obtain scope "${scope}" (${why}); add it to a client's scopes in tollgate.config.ts`);
      }
    }
    return { routeKey: route.routeKey, public: route.public, scopes, clients, roles };
  });
  return { routes, warnings };
}

export function renderAccessMatrix(matrix: AccessMatrix, format: 'text' | 'markdown'): string {
  const rows = matrix.routes.map((r) => {
    const scopes = r.public ? 'public (no token)' : r.scopes.join(' or ');
    const clients = r.public ? 'anyone' : r.clients.map((c) => `${c.name} (${c.scopes.join(', ')})`).join(', ') || '—';
    const roles = r.public
      ? 'anyone'
      : r.roles
          .map(
            (x) =>
              `${x.name} ` +
              `(${x.scopes.join(', ')}${x.via.length ? ` via ${x.via.join(', ')}` : '; no sign-in client admits it'}` +
              `; users: ${x.users.join(', ') || 'none'})`,
          )
          .join(', ') || '—';
    return [r.routeKey, scopes, clients, roles];
  });
  const head = ['route', 'required scopes (any one)', 'clients (client credentials)', 'roles (users signing in)'];
  if (format === 'markdown') {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    const lines = [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.map((c, i) => (i === 0 ? `\`${esc(c)}\`` : esc(c))).join(' | ')} |`),
    ];
    const warnings = matrix.warnings.map((w) => `> ⚠️ ${w}`);
    return [...lines, ...(warnings.length ? ['', ...warnings] : [])].join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...matrix.warnings.map((w) => `warning: ${w}`)].join('\n');
}
