/**
 * What `tollgate init` writes: a project that depends on the tollgate package. Pure functions from
 * the answers to file contents; cli/commands/init.ts decides whether and where to write them.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HTTP_METHODS, type HttpMethod } from '../../config/schema';
import { UsageError } from '../../errors';

export interface InitRoute {
  readonly method: HttpMethod;
  readonly path: string;
  /** Undefined: a public route. */
  readonly scope?: string;
}

export interface InitAnswers {
  readonly organization: string;
  readonly api: string;
  readonly routes: readonly InitRoute[];
}

/** The folder of the handler files: one per route, each its own Lambda function. */
export const HANDLERS_DIR = 'handlers';

const API_NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
const SCOPE_NAME = /^[A-Za-z0-9_:.-]{1,100}$/;

/** `"GET /orders read_orders"` or `"GET /health public"`. */
export function parseRoute(spec: string): InitRoute {
  const parts = spec.trim().split(/\s+/);
  const example = 'e.g. --route "GET /orders read_orders" or --route "GET /health public"';
  if (parts.length !== 3) throw new UsageError(`--route "${spec}": expected "<METHOD> <path> <scope|public>", ${example}`);
  const [method, routePath, access] = parts as [string, string, string];
  const upper = method.toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(upper)) {
    throw new UsageError(`--route "${spec}": "${method}" is not a method; use one of ${HTTP_METHODS.join(', ')}`);
  }
  if (!routePath.startsWith('/')) throw new UsageError(`--route "${spec}": the path must start with "/", ${example}`);
  if (access === 'public') return { method: upper as HttpMethod, path: routePath };
  if (!SCOPE_NAME.test(access)) {
    throw new UsageError(`--route "${spec}": scope "${access}" may hold only letters, digits and _ : . -`);
  }
  return { method: upper as HttpMethod, path: routePath, scope: access };
}

export function checkAnswers(a: InitAnswers): void {
  if (!a.organization.trim())
    throw new UsageError('--organization must not be empty (your Asgardeo organization, as in console.asgardeo.io/t/<organization>)');
  if (!API_NAME.test(a.api)) {
    throw new UsageError(`--api "${a.api}": the API's name must start with a letter and hold only letters, digits and "-" (63 at most)`);
  }
  if (a.routes.length === 0) throw new UsageError('give at least one --route "<METHOD> <path> <scope|public>"');
  const keys = a.routes.map((r) => `${r.method} ${r.path}`);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new UsageError(`--route "${twice}" is given twice`);
}

/**
 * The handler file of each route, in route order: `handlers/<method>-<path>.ts` (`GET /orders/{id}` ->
 * `handlers/get-orders-id.ts`), made unique with a number when two routes would share a name.
 */
export function handlerFiles(routes: readonly InitRoute[]): string[] {
  const taken = new Set<string>();
  return routes.map((r) => {
    const base =
      `${r.method}-${r.path}`
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '') + (r.path === '/' ? '-root' : '');
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return `${HANDLERS_DIR}/${name}.ts`;
  });
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function renderConfig(a: InitAnswers): string {
  const scopes = [...new Set(a.routes.flatMap((r) => (r.scope ? [r.scope] : [])))];
  const files = handlerFiles(a.routes);
  const routes = a.routes.map((r, i) => {
    const access = r.scope ? `scopes: [${q(r.scope)}]` : 'public: true';
    return `    { method: ${q(r.method)}, path: ${q(r.path)}, ${access}, handler: ${q(files[i]!)} },`;
  });
  const clientName = `${a.api}-client`;
  return [
    "import { defineConfig } from 'tollgate';",
    '',
    '/**',
    ` * ${a.api}: an AWS HTTP API behind Asgardeo. Each route runs its own handler file (a Lambda function`,
    ' * of its own); a route with scopes needs an access token that carries one of them. A route can also go',
    ' * to an existing service instead: `http: { url: \'https://…\' }`. Reference: the tollgate README, "Configuration".',
    ' */',
    'export default defineConfig({',
    `  asgardeo: { organization: ${q(a.organization)} },`,
    '  aws: {',
    "    region: 'us-east-1',",
    `    apiName: ${q(a.api)},`,
    "    // Every function's defaults (memoryMb, timeoutSeconds, environment); a route that names no handler runs `entry`.",
    `    lambda: { entry: ${q(files[0]!)} },`,
    '  },',
    `  scopes: [${scopes.map((s) => `{ name: ${q(s)} }`).join(', ')}],`,
    '  routes: [',
    ...routes,
    '  ],',
    `  apiResource: { name: ${q(a.api)} },`,
    ...(scopes.length
      ? [
          '  // A back-end client (client_credentials) that may call every scoped route; the sandbox tests with it.',
          `  clients: [{ name: ${q(clientName)}, scopes: [${scopes.map(q).join(', ')}] }],`,
        ]
      : []),
    "  environments: { dev: {}, prod: { aws: { stage: 'prod' } } },",
    '});',
    '',
  ].join('\n');
}

/** The handler of one route: a starting point the user replaces with their code. */
export function renderHandler(route: InitRoute): string {
  const key = `${route.method} ${route.path}`;
  const parameters = route.path.includes('{') ? ', parameters: event.pathParameters ?? {}' : '';
  const answer = route.scope
    ? `{ route: ${q(key)}, caller: claims.client_id ?? claims.sub ?? null${parameters} }`
    : `{ route: ${q(key)}, status: 'ok'${parameters} }`;
  return [
    '/**',
    ` * ${key}${route.scope ? ` (scope ${route.scope})` : ' (public)'}: this route's Lambda function. API Gateway has already`,
    " * checked the token and the route's scopes before it runs. Replace the answer with your code.",
    ' */',
    'interface HttpEvent {',
    '  readonly pathParameters?: Record<string, string | undefined>;',
    '  readonly requestContext?: { readonly authorizer?: { readonly jwt?: { readonly claims?: Record<string, string | undefined> } } };',
    '}',
    '',
    'export async function handler(event: HttpEvent) {',
    ...(route.scope ? ['  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};'] : []),
    `  return json(200, ${answer});`,
    '}',
    '',
    'function json(statusCode: number, body: unknown) {',
    "  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };",
    '}',
    '',
  ].join('\n');
}

export function renderCdktfJson(): string {
  return `${JSON.stringify(
    {
      language: 'typescript',
      app: 'npx tsx main.ts',
      projectId: randomUUID(),
      sendCrashReports: 'false',
      terraformProviders: [],
      terraformModules: [],
      context: {},
    },
    null,
    2,
  )}\n`;
}

export function renderReadme(a: InitAnswers): string {
  const files = handlerFiles(a.routes);
  const rows = a.routes.map((r, i) => `| \`${r.method} ${r.path}\` | ${r.scope ? `\`${r.scope}\`` : 'public'} | \`${files[i]}\` |`);
  return [
    `# ${a.api}`,
    '',
    `An AWS HTTP API behind Asgardeo (organization \`${a.organization}\`), built with [tollgate](https://www.npmjs.com/package/tollgate).`,
    '',
    '| route | token must carry | code |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '## Run it locally',
    '',
    '```sh',
    'npm install',
    'npm run dev        # local Asgardeo + your stack + the checks, then serves until Ctrl-C',
    'npm test           # type check, then the configuration, synthesis and the sandbox checks',
    '```',
    '',
    '## Make it yours',
    '',
    '- `tollgate.config.ts`: routes, scopes, clients, environments (see the tollgate README, "Configuration").',
    `- \`${HANDLERS_DIR}/\`: one file per route, each its own Lambda function; a route names its file with \`handler\`. ` +
      'Routes that name the same file share one function.',
    "- A route can go to an existing service instead of a function: `http: { url: 'https://…' }`; the service " +
      "receives the caller's identity in `x-tollgate-sub`, `x-tollgate-client-id` and `x-tollgate-scope` (see the tollgate README).",
    "- `tollgate.test.ts`: this project's test; it checks whatever the configuration says.",
    '',
    '## The real cloud',
    '',
    'With AWS credentials and an Asgardeo management app (`ASGARDEO_CLIENT_ID`, `ASGARDEO_CLIENT_SECRET`):',
    '',
    '```sh',
    'npm run plan       # what would change, on both sides',
    'npm run deploy     # preflight, AWS, Asgardeo, smoke test',
    '```',
    '',
  ].join('\n');
}

export const GITIGNORE = [
  'node_modules/',
  'cdktf.out/',
  '.tollgate/',
  '*.tfstate',
  '*.tfstate.*',
  '.terraform/',
  '.env',
  '.env.*',
  '',
].join('\n');

export const MAIN_TS = [
  '/** The cdktf app (cdktf.json "app"): one stack per environment of tollgate.config.ts. `npx tollgate` does not need it. */',
  "import { synthesizeApp } from 'tollgate';",
  '',
  'synthesizeApp();',
  '',
].join('\n');

export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      skipLibCheck: true,
      esModuleInterop: true,
      types: ['node'],
      noEmit: true,
    },
    include: ['**/*.ts'],
    exclude: ['node_modules', 'cdktf.out'],
  },
  null,
  2,
)}\n`;

/** The package's own files: its version, the dependency versions it was tested with, and templates/. */
export interface PackageInfo {
  readonly root: string;
  readonly version: string;
  readonly peerDependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

export function readPackageInfo(root: string): PackageInfo {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Partial<PackageInfo> & { version: string };
  return { root, version: pkg.version, peerDependencies: pkg.peerDependencies ?? {}, devDependencies: pkg.devDependencies ?? {} };
}

/** Tools the project's scripts run, at the versions tollgate is built and tested with. */
const PROJECT_DEV_TOOLS = ['tsx', 'typescript', '@types/node'];

export const PROJECT_SCRIPTS: Readonly<Record<string, string>> = {
  dev: 'tollgate dev',
  test: 'tsc --noEmit && tsx --test tollgate.test.ts',
  plan: 'tollgate plan',
  deploy: 'tollgate deploy',
};

/** The project's package.json: `existing` (from `npm init` / `npm i tollgate`) with scripts and dependencies added. */
export function mergePackageJson(existing: Record<string, unknown> | undefined, name: string, info: PackageInfo): Record<string, unknown> {
  const pkg: Record<string, unknown> = existing ? { ...existing } : { name, version: '0.1.0', private: true };
  pkg.scripts = { ...((pkg.scripts as Record<string, string>) ?? {}), ...PROJECT_SCRIPTS };
  const deps = { ...((pkg.dependencies as Record<string, string>) ?? {}) };
  deps.tollgate ??= `^${info.version}`;
  for (const [peer, range] of Object.entries(info.peerDependencies)) deps[peer] ??= range;
  pkg.dependencies = sortKeys(deps);
  const devDeps = { ...((pkg.devDependencies as Record<string, string>) ?? {}) };
  for (const tool of PROJECT_DEV_TOOLS) {
    const version = info.devDependencies[tool];
    if (version && !deps[tool]) devDeps[tool] ??= `^${version.replace(/^[\^~]/, '')}`;
  }
  pkg.devDependencies = sortKeys(devDeps);
  // npm 12 runs a dependency's install script only when allowed; esbuild's checks its platform binary.
  pkg.allowScripts = { esbuild: true, ...((pkg.allowScripts as Record<string, boolean>) ?? {}) };
  return pkg;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** Every file init writes, relative to the project folder, except package.json (merged). */
export function renderProject(a: InitAnswers, info: PackageInfo): Record<string, string> {
  return {
    'tollgate.config.ts': renderConfig(a),
    'main.ts': MAIN_TS,
    'cdktf.json': renderCdktfJson(),
    ...Object.fromEntries(handlerFiles(a.routes).map((file, i) => [file, renderHandler(a.routes[i]!)])),
    'tollgate.test.ts': fs.readFileSync(path.join(info.root, 'templates', 'project', 'tollgate.test.ts'), 'utf8'),
    'tsconfig.json': TSCONFIG,
    '.gitignore': GITIGNORE,
    'README.md': renderReadme(a),
  };
}
