import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderPlan } from '../../asgardeo';
import type { AsgardeoPlan } from '../../asgardeo';
import { COMMON_OPTIONS, parseCommandArgs, terraformStyle, useColor } from '../args';
import { repeatCommand } from '../context';
import { memoryIo } from '../io';
import { main } from '../main';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

const REPO = path.resolve(__dirname, '..', '..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const CONFIG = PHARMACY_CONFIG;

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const io = memoryIo({ env: { TOLLGATE_CONFIG: CONFIG, ...env } });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('version', () => {
  it.each([['--version'], ['-version'], ['-v'], ['version']])('%s prints the package version', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`tollgate v${VERSION}\non node v${process.versions.node}\n`);
  });

  it('version --json (and -json) prints JSON; it takes no flag it would ignore', async () => {
    expect(JSON.parse((await run(['version', '--json'])).out)).toEqual({ tollgate: VERSION, node: process.versions.node });
    expect(JSON.parse((await run(['version', '-json'])).out)).toEqual({ tollgate: VERSION, node: process.versions.node });
    const yes = await run(['version', '--yes']);
    expect(yes.code).toBe(1);
    expect(yes.err).toContain("Unknown option '--yes'");
  });
});

describe('flags', () => {
  it('--auto-approve is --yes; -auto-approve too', () => {
    expect(parseCommandArgs(['--auto-approve'], {}).values.yes).toBe(true);
    expect(parseCommandArgs(['-auto-approve'], {}).values.yes).toBe(true);
    expect(parseCommandArgs([], {}).values.yes).toBe(false);
  });

  it("Terraform's single-dash long flags are read as the double-dash ones; short flags and values are left alone", () => {
    expect(terraformStyle(['-detailed-exitcode', '-json', '-env=dev', '-e', 'dev', '-h', '--', '-json'], COMMON_OPTIONS)).toEqual([
      '--detailed-exitcode',
      '--json',
      '--env=dev',
      '-e',
      'dev',
      '-h',
      '--',
      '-json',
    ]);
    const { values } = parseCommandArgs(['-detailed-exitcode', '-no-color', '-config', 'x.ts'], {});
    expect(values).toMatchObject({ 'detailed-exitcode': true, 'no-color': true, config: 'x.ts' });
  });

  it('an unknown single-dash flag is named as given, not as its first letter', async () => {
    const r = await run(['plan', '-detailed-exitcod']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown flag "-detailed-exitcod": this command has no --detailed-exitcod (see --help)');
  });

  it('a flag before the command is answered with where it goes', async () => {
    const r = await run(['--json', 'plan']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('flags go after the command: npx tollgate <command> --json');
  });

  it('deploy takes no --json, --markdown or --detailed-exitcode (it prints progress, not a plan)', async () => {
    for (const flag of ['--json', '--markdown', '--detailed-exitcode', '-detailed-exitcode']) {
      const r = await run(['deploy', flag, '--no-smoke']);
      expect(r.code).toBe(1);
      expect(r.err).toContain(flag.startsWith('--') ? `Unknown option '${flag}'` : `this command has no -${flag}`);
    }
    expect((await run(['deploy', '--help'])).out).toContain('--yes, --auto-approve');
  });

  it(
    'destroy of both sides refuses --json/--markdown/--detailed-exitcode before touching anything; ' + 'they belong to --asgardeo-only',
    async () => {
      for (const flag of ['--json', '--markdown', '--detailed-exitcode']) {
        const r = await run(['destroy', flag, '--yes'], { TOLLGATE_TARGET: 'aws' });
        expect(r.code).toBe(1);
        expect(r.err).toContain(`${flag} is for \`destroy --asgardeo-only\``);
      }
    },
  );
});

describe('colour', () => {
  const tty = (env: NodeJS.ProcessEnv) => ({ ...memoryIo({ env }), stdout: { write: () => true, isTTY: true } });

  it('follows --no-color, NO_COLOR, FORCE_COLOR and the terminal', () => {
    expect(useColor(tty({}))).toBe(true);
    expect(useColor(memoryIo({ env: {} }))).toBe(false);
    expect(useColor(tty({}), { 'no-color': true })).toBe(false);
    expect(useColor(tty({ NO_COLOR: '1' }))).toBe(false);
    expect(useColor(memoryIo({ env: { FORCE_COLOR: '1' } }))).toBe(true);
    expect(useColor(memoryIo({ env: { FORCE_COLOR: '0' } }))).toBe(false);
    expect(useColor(tty({ FORCE_COLOR: '1' }), { 'no-color': true })).toBe(false);
  });

  it('plans are coloured through util.styleText', () => {
    const plan = {
      stackName: 's',
      environment: 'dev',
      organization: 'o',
      baseUrl: 'https://x',
      identifier: 'https://api',
      prune: false,
      changes: [{ type: 'role', name: 'R', key: { type: 'role', name: 'R' }, action: 'create', fields: [] }],
      warnings: [],
    } as unknown as AsgardeoPlan;
    expect(renderPlan(plan, 'text', { color: true })).toContain('\x1b[32m+ role R (create)\x1b[39m');
    expect(renderPlan(plan, 'text', { color: false })).not.toContain('\x1b[');
  });

  it('no hand-written escape-sequence strip is left in product code (util.stripVTControlCharacters is the one)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (['node_modules', '__tests__', '.git', 'cdktf.out', '.tollgate'].includes(entry.name)) continue;
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && /replace\(\/\\(u001b|x1b)\\\[/.test(fs.readFileSync(file, 'utf8')))
          offenders.push(path.relative(REPO, file));
      }
    };
    walk(REPO);
    expect(offenders).toEqual([]);
  });
});

describe('npx tollgate', () => {
  it('installs only what its commands run: construct libraries are peers, cdktf-cli and tsx are for development', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(pkg.peerDependencies!).sort()).toEqual(['@cdktf/provider-aws', 'cdktf', 'constructs']);
    for (const peer of Object.keys(pkg.peerDependencies!)) {
      expect(pkg.dependencies![peer]).toBeUndefined();
      expect(pkg.devDependencies![peer]).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(pkg.dependencies!['cdktf-cli']).toBeUndefined();
    expect(pkg.dependencies!.tsx).toBeUndefined();
    // Every run-time dependency is imported by code the package ships (not only by tests or benchmarks).
    const shipped = (JSON.parse(fs.readFileSync(path.join(REPO, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== '__tests__') walk(rel);
        else if (entry.isFile() && rel.endsWith('.ts')) sources.push(fs.readFileSync(path.join(REPO, rel), 'utf8'));
      }
    };
    for (const pattern of shipped) {
      const dir = pattern.split('/')[0]!;
      if (!pattern.includes('*')) sources.push(fs.readFileSync(path.join(REPO, pattern), 'utf8'));
      else walk(dir);
    }
    for (const dep of Object.keys(pkg.dependencies!)) {
      expect([dep, sources.some((text) => text.includes(`from '${dep}`))]).toEqual([dep, true]);
    }
  });

  it('resume hints print `npx tollgate …`', () => {
    expect(repeatCommand('deploy', { env: 'prod', config: 'my config.ts' })).toBe("npx tollgate deploy --env prod --config 'my config.ts'");
  });

  it("runs from the repository root as printed (npm exec of the package's own bin, offline)", () => {
    // The dev dependency `tollgate: file:.` links the repository into its own node_modules/.bin, so npx
    // runs it in place; without it npm installs the repository into its npx cache first (seconds).
    expect(fs.realpathSync(path.join(REPO, 'node_modules', '.bin', 'tollgate'))).toBe(path.join(REPO, 'bin', 'tollgate.js'));
    const r = spawnSync('npx', ['--offline', 'tollgate', '--version'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`tollgate v${VERSION}\non node v${process.versions.node}\n`);
  });

  it('README and docs code blocks spell commands `npx tollgate` (a bare `tollgate` is not on PATH in a clone)', () => {
    const files = [
      'README.md',
      ...fs
        .readdirSync(path.join(REPO, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => path.join('docs', f)),
    ];
    const bare: string[] = [];
    for (const file of files) {
      let fenced = false;
      fs.readFileSync(path.join(REPO, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*```/.test(line)) fenced = !fenced;
          // A command in a code block: `tollgate plan ...`, `$ tollgate ...`, `... | tollgate ...`, `$(tollgate token ...)`.
          else if (
            fenced &&
            /(^|[\s$(|;&`])tollgate (init|dev|plan|apply|destroy|deploy|token|export|version)\b(?!:)/.test(
              line.replace(/npx tollgate/g, ''),
            )
          )
            bare.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(bare).toEqual([]);
  });

  it('hints in product code spell commands `npx tollgate` (a code-quoted command outside comments)', () => {
    // A hint quotes the command to run: '… run `tollgate apply`'. Prefixes ("tollgate plan: …") and comments are not hints.
    const bareHint = /\\?`tollgate (plan|apply|destroy|deploy|token|export|version|--\w)\b(?!:)/;
    const comment = /^\s*(\*|\/\/|\/\*)/;
    const bare: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== '__tests__' && entry.name !== 'node_modules') walk(file);
        } else if (file.endsWith('.ts')) {
          fs.readFileSync(path.join(REPO, file), 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (!comment.test(line) && bareHint.test(line.replace(/npx tollgate/g, ''))) bare.push(`${file}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    for (const layer of ['asgardeo', 'cli', 'config', 'constructs', 'deploy', 'errors', 'export', 'lambda', 'stacks']) walk(layer);
    expect(bare).toEqual([]);
    // It does find one.
    expect(bareHint.test("hint: 'run `tollgate apply` first'")).toBe(true);
    expect(bareHint.test('`tollgate plan: ${name}`')).toBe(false);
  });
});
