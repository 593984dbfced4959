import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { REPO_ROOT } from './helpers';

const DIR = path.join(REPO_ROOT, '.github', 'workflows');
type Step = { run?: string; uses?: string; with?: Record<string, unknown> };
type Job = { if?: string; steps?: Step[]; env?: Record<string, string>; uses?: string; permissions?: Record<string, string> };
const load = (file: string) =>
  yaml.load(fs.readFileSync(path.join(DIR, file), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> };

describe('CI workflows', () => {
  test('pull requests run the tests, then post the combined plan as a comment (not for forks)', () => {
    const wf = load('pull-request.yml');
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.jobs.test.steps?.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm test']);
    const plan = wf.jobs.plan;
    expect(plan.if).toContain('head.repo.full_name == github.repository');
    expect(plan.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const run = plan.steps?.map((s) => s.run ?? '').join('\n') ?? '';
    expect(run).toContain('tollgate plan --env ${{ matrix.env }} --markdown --detailed-exitcode');
    expect(plan.steps?.some((s) => s.uses?.startsWith('actions/github-script'))).toBe(true);
  });

  test('main deploys dev then prod with --yes on Terraform Cloud', () => {
    const wf = load('deploy.yml');
    expect(wf.on).toHaveProperty('push', { branches: ['main'] });
    expect(wf.jobs.dev.uses).toBe('./.github/workflows/deploy-environment.yml');
    expect(wf.jobs.prod).toMatchObject({ needs: 'dev' });
    const env = load('deploy-environment.yml').jobs.deploy;
    expect(env.steps?.map((s) => s.run).filter(Boolean)).toContain('npm run deploy -- --env ${{ inputs.env }} --yes');
    expect(env.env).toMatchObject({
      TF_CLOUD_ORGANIZATION: expect.any(String),
      TF_WORKSPACE: expect.stringContaining('inputs.env'),
      TF_TOKEN_app_terraform_io: '${{ secrets.TF_API_TOKEN }}',
    });
  });

  test('every credential comes from repository secrets, never inline', () => {
    for (const file of fs.readdirSync(DIR)) {
      const text = fs.readFileSync(path.join(DIR, file), 'utf8');
      for (const m of text.matchAll(/^\s*(\w*(?:SECRET|TOKEN|PASSWORD)\w*|ASGARDEO_CLIENT_ID):\s*(.+)$/gm)) {
        expect(`${file}: ${m[1]}: ${m[2]}`).toMatch(/\$\{\{ secrets\.\w+ \}\}$/);
      }
    }
  });
});
