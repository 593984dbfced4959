import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAllEnvironments } from '../../config';
import { run as init } from '../commands/init';
import { memoryIo } from '../io';
import { handlerFiles } from '../init/project';
import { runSandboxChecks } from '../../testing';

const REPO = path.resolve(__dirname, '..', '..');
const FLAGS = ['--organization', 'acme', '--api', 'orders-api', '--route', 'GET /orders read_orders', '--route', 'GET /health public'];
const WRITTEN = [
  '.gitignore',
  'README.md',
  'cdktf.json',
  'handlers/get-health.ts',
  'handlers/get-orders.ts',
  'main.ts',
  'tollgate.config.ts',
  'tollgate.test.ts',
  'tsconfig.json',
];

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-init-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const noTerminal = { ask: undefined };
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;

describe('tollgate init', () => {
  it('in an empty folder writes a project whose configuration loads, with the scripts and dependencies it needs', async () => {
    const io = memoryIo({ cwd: tmp });
    expect(await init(['orders', ...FLAGS], io, noTerminal)).toBe(0);
    const dir = path.join(tmp, 'orders');
    for (const f of WRITTEN) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    expect(io.out()).toContain('cd orders\n  npm install\n  npm run dev');

    const [dev, prod] = loadAllEnvironments({ file: path.join(dir, 'tollgate.config.ts'), environment: {} });
    expect(dev!.asgardeo.organization).toBe('acme');
    expect(dev!.routes.map((r) => [r.routeKey, r.scopes, r.public])).toEqual([
      ['GET /orders', ['read_orders'], false],
      ['GET /health', [], true],
    ]);
    expect(dev!.clients.map((c) => [c.name, c.scopes])).toEqual([['orders-api-client', ['read_orders']]]);
    // A handler per route: each route names its own file, and each file is its own function.
    expect(dev!.aws.functions.map((f) => [f.configuredEntry, f.entry])).toEqual([
      ['handlers/get-orders.ts', path.join(dir, 'handlers', 'get-orders.ts')],
      ['handlers/get-health.ts', path.join(dir, 'handlers', 'get-health.ts')],
    ]);
    expect(dev!.routes.map((r) => r.target)).toEqual(dev!.aws.functions.map((f) => ({ kind: 'function', functionId: f.id })));
    expect(fs.readFileSync(path.join(dir, 'tollgate.config.ts'), 'utf8')).toContain("handler: 'handlers/get-health.ts'");
    expect(prod!.stackName).toBe('orders-api-prod');

    const pkg = readJson(path.join(dir, 'package.json'));
    expect(Object.keys(pkg.scripts!)).toEqual(['dev', 'test', 'plan', 'deploy']);
    const own = readJson(path.join(REPO, 'package.json'));
    expect(pkg.dependencies).toEqual({ ...own.peerDependencies, tollgate: `^${own.version as unknown as string}` });
    expect(Object.keys(pkg.devDependencies!)).toEqual(['@types/node', 'tsx', 'typescript']);
  });

  it("writes the repository's own project test, word for word", async () => {
    expect(await init(FLAGS, memoryIo({ cwd: tmp }), noTerminal)).toBe(0);
    const written = fs.readFileSync(path.join(tmp, 'tollgate.test.ts'), 'utf8');
    expect(written).toBe(fs.readFileSync(path.join(REPO, 'tollgate.test.ts'), 'utf8'));
  });

  it('merges its scripts into the package.json `npm i tollgate` made and keeps the rest', async () => {
    fs.writeFileSync(
      path.join(tmp, 'package.json'),
      JSON.stringify({
        name: 'shop',
        scripts: { test: 'echo "Error: no test specified" && exit 1', lint: 'eslint .' },
        dependencies: { tollgate: 'file:../tollgate-0.1.0.tgz' },
      }),
    );
    fs.writeFileSync(path.join(tmp, 'package-lock.json'), '{}');
    fs.mkdirSync(path.join(tmp, 'node_modules'));
    expect(await init(FLAGS, memoryIo({ cwd: tmp }), noTerminal)).toBe(0);
    const pkg = readJson(path.join(tmp, 'package.json'));
    expect(pkg.name).toBe('shop');
    expect(pkg.scripts).toEqual({
      test: 'tsc --noEmit && tsx --test tollgate.test.ts',
      lint: 'eslint .',
      dev: 'tollgate dev',
      plan: 'tollgate plan',
      deploy: 'tollgate deploy',
    });
    expect(pkg.dependencies!.tollgate).toBe('file:../tollgate-0.1.0.tgz');
    expect(fs.readFileSync(path.join(tmp, 'package-lock.json'), 'utf8')).toBe('{}');
  });

  it('refuses a folder holding other files, naming them and writing nothing; --force writes', async () => {
    fs.writeFileSync(path.join(tmp, 'tollgate.config.ts'), '// mine\n');
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'x');
    const io = memoryIo({ cwd: tmp });
    expect(await init(FLAGS, io, noTerminal)).toBe(1);
    expect(io.err()).toContain('holds files tollgate init did not make: notes.txt, tollgate.config.ts');
    expect(io.err()).toContain('--force');
    expect(io.err()).toContain('(replaces tollgate.config.ts)');
    expect(fs.readdirSync(tmp).sort()).toEqual(['notes.txt', 'tollgate.config.ts']);
    expect(fs.readFileSync(path.join(tmp, 'tollgate.config.ts'), 'utf8')).toBe('// mine\n');

    expect(await init([...FLAGS, '--force'], memoryIo({ cwd: tmp }), noTerminal)).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'tollgate.config.ts'), 'utf8')).toContain("organization: 'acme'");
    expect(fs.readFileSync(path.join(tmp, 'notes.txt'), 'utf8')).toBe('x');
  });

  it('on a terminal asks for what the flags did not give, and asks again after a mistyped route', async () => {
    const answers = ['acme', 'orders-api', 'GET /orders', 'GET /orders read_orders', 'post /orders write_orders', ''];
    const asked: string[] = [];
    const ask = async (q: string) => {
      asked.push(q);
      return q.includes('press Enter') ? '' : answers.shift()!;
    };
    expect(await init([], memoryIo({ cwd: tmp }), { ask })).toBe(0);
    expect(asked[0]).toMatch(/^Asgardeo organization/);
    expect(asked[1]).toMatch(/^API name/);
    expect(asked.some((q) => q.includes('expected "<METHOD> <path> <scope|public>"') && q.includes('press Enter'))).toBe(true);
    const [dev] = loadAllEnvironments({ file: path.join(tmp, 'tollgate.config.ts'), environment: {} });
    expect(dev!.routes.map((r) => r.routeKey)).toEqual(['GET /orders', 'POST /orders']);
  });

  it.each([
    [[], '--organization is required when there is no terminal to ask on'],
    [['--organization', 'acme', '--api', 'orders api', '--route', 'GET / public'], '--api "orders api"'],
    [['--organization', 'acme', '--api', 'a', '--route', 'FETCH /x public'], '"FETCH" is not a method'],
    [['--organization', 'acme', '--api', 'a', '--route', 'GET x public'], 'the path must start with "/"'],
    [['--organization', 'acme', '--api', 'a', '--route', 'GET /x public', '--route', 'get /x s'], '--route "GET /x" is given twice'],
    [['a', 'b'], 'one folder at most'],
  ])('says what is wrong with %j and writes nothing', async (argv, message) => {
    const io = memoryIo({ cwd: tmp });
    expect(await init(argv, io, noTerminal)).toBe(1);
    expect(io.err()).toContain(message);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('names each handler file after its route, distinct even when two routes spell alike', () => {
    const routes = [
      { method: 'GET', path: '/orders/{id}', scope: 'read_orders' },
      { method: 'GET', path: '/' },
      { method: 'GET', path: '/orders-id' },
      { method: 'POST', path: '/orders' },
    ] as const;
    expect(handlerFiles(routes)).toEqual([
      'handlers/get-orders-id.ts',
      'handlers/get-root.ts',
      'handlers/get-orders-id-2.ts',
      'handlers/post-orders.ts',
    ]);
  });

  it("the new project's handlers answer their routes and pass the sandbox's checks", async () => {
    expect(await init(FLAGS, memoryIo({ cwd: tmp }), noTerminal)).toBe(0);
    const checks = await runSandboxChecks({ dir: tmp, env: { PATH: process.env.PATH } });
    expect(checks.output).toMatch(/What was checked \(3 of 3 passed[;)]/);
    expect(checks.output).toContain('GET /health with no token (public route): 200 {"route":"GET /health","status":"ok"}');
    expect(checks.exitCode).toBe(0);
  });
});
