import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });

describe('.gitignore', () => {
  /** `git check-ignore` answers for paths whether or not they exist. */
  const ignored = (paths: string[]) => {
    try {
      return git('check-ignore', '--no-index', ...paths)
        .split('\n')
        .filter(Boolean);
    } catch (err) {
      // Exit 1: none of the paths is ignored.
      if ((err as { status?: number }).status === 1) return [];
      throw err;
    }
  };

  it('ignores what tollgate, cdktf, Terraform and CI steps generate', () => {
    const generated = [
      'outputs.json',
      'tollgate.outputs.json',
      '.tollgate/pharmacy-user-api-dev.outputs.json',
      '.tollgate/local/cdktf.out/manifest.json',
      'cdktf.out/stacks/pharmacy-user-api-dev/cdk.tf.json',
      'terraform.pharmacy-user-api-dev.tfstate',
      'terraform.pharmacy-user-api-dev.tfstate.backup',
      '.terraform/providers/x',
      'plan.md',
      'bench/out/run.json',
      '.env',
      '.env.local',
    ];
    expect(ignored(generated)).toEqual(generated);
  });

  it('ignores no file of the project', () => {
    const sources = [
      'tollgate.config.ts',
      'bench/results.json',
      'docs/deploy.md',
      'export/render-config.ts',
      '.github/workflows/drift.yml',
      'package-lock.json',
    ];
    expect(ignored(sources)).toEqual([]);
    expect(git('ls-files', '--cached', '--ignored', '--exclude-standard')).toBe('');
  });
});

describe('product documentation', () => {
  // ../shared (reference pages, WSO2 API documents) sits beside the developers' clones; a user's
  // clone has no such folder, so the docs state facts or link public pages instead.
  const SHARED_REFERENCE = /(?:\.\.\/)+shared\/|\bshared\/(?:reference|asgardeo-api)\b/;
  const docs = git('ls-files', '*.md')
    .split('\n')
    .filter(Boolean)
    .filter((f) => f === 'README.md' || f.startsWith('docs/') || f.endsWith('/README.md'));

  it('covers the README, docs/ and every folder README', () => {
    expect(docs).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/deploy.md',
        'sandbox/asgardeo/README.md',
        'sandbox/gateway/README.md',
        'export/README.md',
      ]),
    );
  });

  it('links nothing in ../shared, which is not part of a clone', () => {
    const offenders = docs.flatMap((f) =>
      fs
        .readFileSync(path.join(REPO_ROOT, f), 'utf8')
        .split('\n')
        .map((line, i) => (SHARED_REFERENCE.test(line) ? `${f}:${i + 1}: ${line.trim()}` : ''))
        .filter(Boolean),
    );
    expect(offenders).toEqual([]);
  });
});

describe('package.json allowScripts', () => {
  it('covers every dependency with install scripts in the lock file, so a clean `npm ci` prints no install-scripts warning', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([at, p]) => at.startsWith('node_modules/') && p.hasInstallScript)
      .map(([at, p]) => ({ name: at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length), version: p.version }));
    expect(withScripts.length).toBeGreaterThan(0);
    // An entry is the name (every version) or name@version, true (run it) or false (block it): either way decided, so npm is quiet.
    const uncovered = withScripts.filter((d) => ![d.name, `${d.name}@${d.version}`].some((key) => pkg.allowScripts?.[key] !== undefined));
    expect(uncovered).toEqual([]);
  });
});
