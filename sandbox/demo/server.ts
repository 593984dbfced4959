import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ResolvedApplication, ResolvedConfig, ResolvedUser } from '../../config';
import { userScopesThrough } from '../../deploy/smoke-users';

/** What the page needs to sign in and call the API; served as `/settings.json`. No secret: the app is a public client. */
export interface DemoSettings {
  /** `{baseUrl}/t/{org}/oauth2/authorize`: the login page. */
  readonly authorizeUrl: string;
  /** `{baseUrl}/t/{org}/oauth2/token`: must answer CORS for this page's origin (the app's allowedOrigins). */
  readonly tokenUrl: string;
  /** The spa application's client id. */
  readonly clientId: string;
  /** The stage invoke URL; the page calls `${apiUrl}/user`. */
  readonly apiUrl: string;
  /** Space-separated, e.g. `openid profile get_pharmacy_user`. */
  readonly scope: string;
  /** `{baseUrl}/t/{org}/oidc/logout`; without it, signing out only forgets the token. */
  readonly logoutUrl?: string;
  /** Whom to sign in as: the configured test users, where each one's password is, and what `GET /user` will answer. Never a password. */
  readonly signInAs?: readonly DemoUser[];
}

export interface DemoUser {
  readonly userName: string;
  /** Where the password is, e.g. `printed by npm start ("Test user kim@gmail.com: password …")`. */
  readonly password: string;
  /** What GET /user answers this user, and why, e.g. `403: no role grants get_pharmacy_user`. */
  readonly expect: string;
}

export interface DemoServerOptions {
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. The sandbox passes the port of the spa's registered callback URL. */
  readonly port?: number;
  /**
   * Host name in the page's origin, when it differs from `host` (e.g. `localhost` for a callback
   * registered as `http://localhost:4190/`). The origin must equal one of the app's allowedOrigins.
   */
  readonly originHost?: string;
  /** Can also be given later with `configure` (the client id is known only after the reconciler ran). */
  readonly settings?: DemoSettings;
}

export interface DemoServer {
  /** e.g. `http://localhost:4190`: register it as the app's allowed origin. */
  readonly origin: string;
  /** `${origin}/`: register it as the app's callback URL. */
  readonly redirectUri: string;
  configure(settings: DemoSettings): void;
  stop(): Promise<void>;
}

const STATIC_DIR = path.join(__dirname, 'static');
const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  // Browsers ask for /favicon.ico whatever the page links; both answer the same small SVG.
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
  '/favicon.ico': { file: 'favicon.svg', type: 'image/svg+xml' },
};

/**
 * Serves the demo page (sandbox/demo/static) and its `/settings.json`. The page is its own
 * callback: Asgardeo redirects the browser to `${origin}/?code=...&state=...`.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const host = options.host ?? '127.0.0.1';
  const content = new Map(
    Object.entries(FILES).map(([route, f]) => [route, { body: fs.readFileSync(path.join(STATIC_DIR, f.file)), type: f.type }]),
  );
  let settings = options.settings;

  const server = http.createServer((req, res) => {
    const route = new URL(req.url ?? '/', 'http://demo').pathname;
    const send = (status: number, type: string, body: Buffer | string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, 'text/plain; charset=utf-8', 'Method Not Allowed', { allow: 'GET, HEAD' });
    if (route === '/settings.json') {
      if (!settings) return send(503, 'application/json', JSON.stringify({ message: 'the demo is not configured yet' }));
      return send(200, 'application/json', JSON.stringify(settings));
    }
    const file = content.get(route);
    if (!file) return send(404, 'text/plain; charset=utf-8', 'Not Found');
    send(200, file.type, file.body, route === '/' || route === '/index.html' ? pageHeaders(settings) : {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const originHost = options.originHost ?? host;
  const origin = `http://${originHost.includes(':') ? `[${originHost}]` : originHost}:${port}`;

  return {
    origin,
    redirectUri: `${origin}/`,
    configure(next) {
      settings = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The page may talk only to itself, Asgardeo and the API; nothing may frame it; the code in the
 * callback URL never leaves in a Referer.
 */
function pageHeaders(settings: DemoSettings | undefined): Record<string, string> {
  const origins = settings ? [...new Set([settings.tokenUrl, settings.apiUrl].map((u) => new URL(u).origin))] : [];
  return {
    'content-security-policy': (
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ${origins.join(' ')}; ` +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ).replace(/ {2,}/g, ' '),
    'referrer-policy': 'no-referrer',
  };
}

/** The settings for a configured spa application, once its client id and the stage URL are known. */
export function demoSettingsFor(config: ResolvedConfig, applicationName: string, clientId: string, apiUrl: string): DemoSettings {
  const app = config.applications.find((a) => a.name === applicationName);
  if (!app)
    throw new Error(
      `no application "${applicationName}" in ${config.file}; ` +
        'the demo page needs a "spa" application (see tollgate.config.ts "applications")',
    );
  if (app.kind !== 'spa')
    throw new Error(`application "${applicationName}" is kind "${app.kind}"; the demo page is a browser app and needs kind "spa"`);
  const tenant = `${config.asgardeo.baseUrl}/t/${config.asgardeo.organization}`;
  return {
    authorizeUrl: `${tenant}/oauth2/authorize`,
    tokenUrl: config.asgardeo.tokenEndpoint,
    clientId,
    apiUrl: apiUrl.replace(/\/+$/, ''),
    scope: ['openid', 'profile', ...app.scopes].join(' '),
    logoutUrl: `${tenant}/oidc/logout`,
    signInAs: config.users.map((u) => demoUser(config, app, u)),
  };
}

/** The page calls GET /user: whether this user's roles (through the app) grant its scopes, and where the password is. */
function demoUser(config: ResolvedConfig, app: ResolvedApplication, user: ResolvedUser): DemoUser {
  const password =
    user.password.kind === 'generated'
      ? `printed by npm start ("Test user ${user.userName}: password …")`
      : user.password.kind === 'env'
        ? `the value of $${user.password.variable} in the shell that started the sandbox`
        : 'invited: the one set from the invitation e-mail';
  const route = config.routes.find((r) => r.routeKey === 'GET /user');
  if (!route) return { userName: user.userName, password, expect: 'no GET /user route is configured' };
  if (route.public) return { userName: user.userName, password, expect: 'GET /user is public: 2xx' };
  const scopes = userScopesThrough(config, app, user);
  const granted = route.scopes.filter((s) => scopes.includes(s));
  return {
    userName: user.userName,
    password,
    expect: granted.length
      ? `GET /user answers 2xx (a role grants ${granted.join(', ')})`
      : `GET /user answers 403 (no role grants ${route.scopes.join(' or ')})`,
  };
}
