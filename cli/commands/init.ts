import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors';
import { reportError } from '../args';
import { EXIT_OK, type CliIo } from '../io';
import { packageRoot } from '../package-root';
import {
  checkAnswers,
  mergePackageJson,
  parseRoute,
  readPackageInfo,
  renderProject,
  type InitAnswers,
  type InitRoute,
} from '../init/project';

export const summary = 'Create a project that uses tollgate: configuration, handler, scripts and its own test';

const USAGE = `Usage: tollgate init [dir] [--organization <org>] [--api <name>] [--route "<METHOD> <path> <scope|public>"]... [--force]

Writes into dir (default: the current folder): tollgate.config.ts, a handler per route in handlers/
(GET /orders -> handlers/get-orders.ts, its own Lambda function), main.ts and cdktf.json (the cdktf
app), tollgate.test.ts (the project's test), tsconfig.json, .gitignore, README.md, and the scripts
dev, test, plan, deploy in package.json.

  --organization <org>  your Asgardeo organization (console.asgardeo.io/t/<org>)
  --api <name>          the API's name (letters, digits, "-"), e.g. orders-api
  --route "<spec>"      one route, repeatable: "GET /orders read_orders" needs a token with scope
                        read_orders; "GET /health public" needs none
  --force               write even when the folder holds other files (replaces the files above)

On a terminal it asks for what the flags did not give. The folder must be empty or hold only what
\`npm i tollgate\` made (package.json, package-lock.json, node_modules); package.json is merged.
Then: npm install, npm run dev.
`;

/** What `npm init` / `npm i tollgate` leave; init merges package.json and leaves the rest alone. */
const LEFT_BY_NPM = new Set(['package.json', 'package-lock.json', 'node_modules', '.git']);

export interface InitDeps {
  /** Asks one question on the terminal; undefined when there is none (CI, scripts). */
  readonly ask?: (question: string) => Promise<string>;
}

export async function run(argv: string[], io: CliIo, deps: InitDeps = { ask: terminalQuestions(io) }): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          organization: { type: 'string' },
          api: { type: 'string' },
          route: { type: 'string', multiple: true },
          force: { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h', default: false },
        },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    if (positionals.length > 1) throw new UsageError(`one folder at most, got ${positionals.join(', ')}`);
    const dir = path.resolve(io.cwd, positionals[0] ?? '.');

    const answers = await answersFrom(values, deps.ask);
    checkAnswers(answers);
    const info = readPackageInfo(packageRoot());
    const files = renderProject(answers, info);

    const existing = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    const foreign = existing.filter((f) => !LEFT_BY_NPM.has(f)).sort();
    if (foreign.length > 0 && !values.force) {
      const replaced = Object.keys(files).filter((f) => fs.existsSync(path.join(dir, f)));
      throw new UsageError(
        `${dir} holds files tollgate init did not make: ${foreign.join(', ')}. Run it in an empty folder (or one with ` +
          'only what `npm i tollgate` made), or pass --force to write its files anyway' +
          (replaced.length ? ` (replaces ${replaced.join(', ')})` : ' (none of those is replaced)'),
      );
    }

    const pkgFile = path.join(dir, 'package.json');
    const pkg = fs.existsSync(pkgFile) ? (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>) : undefined;
    const merged = mergePackageJson(pkg, path.basename(dir), info);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    fs.writeFileSync(pkgFile, `${JSON.stringify(merged, null, 2)}\n`);

    const rel = path.relative(io.cwd, dir) || '.';
    io.stdout.write(
      `Created a tollgate project in ${rel}: ${Object.keys(files).join(', ')}; package.json ${pkg ? 'merged' : 'written'} ` +
        `(scripts dev, test, plan, deploy).\n\nNext:\n${rel === '.' ? '' : `  cd ${rel}\n`}  npm install\n  npm run dev\n`,
    );
    return EXIT_OK;
  } catch (err) {
    return reportError('init', err, io, USAGE);
  }
}

async function answersFrom(values: { organization?: string; api?: string; route?: string[] }, ask: InitDeps['ask']): Promise<InitAnswers> {
  const need = (flag: string) => {
    if (!ask) throw new UsageError(`--${flag} is required when there is no terminal to ask on`);
    return ask;
  };
  const organization = values.organization ?? (await need('organization')('Asgardeo organization (console.asgardeo.io/t/<org>): '));
  const api = values.api ?? (await need('api')('API name (letters, digits, "-"), e.g. orders-api: '));
  let routes: InitRoute[];
  if (values.route?.length) routes = values.route.map(parseRoute);
  else {
    const question = need('route');
    routes = [];
    for (;;) {
      const spec = (await question(`Route ${routes.length + 1} as "<METHOD> <path> <scope|public>" (empty line when done): `)).trim();
      if (!spec) break;
      try {
        routes.push(parseRoute(spec));
      } catch (err) {
        // On a terminal a typo costs one line, not the answers so far.
        if (!(err instanceof UsageError)) throw err;
        await question(`${err.message}; press Enter to type it again `);
      }
    }
  }
  return { organization: organization.trim(), api: api.trim(), routes };
}

/** Questions on the process's terminal, only when both stdin and stdout are one. */
function terminalQuestions(io: CliIo): InitDeps['ask'] {
  if (!process.stdin.isTTY || !io.stdout.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
}
