import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithTerraform } from '../../deploy/terraform/__tests__/availability';
import { REPO_ROOT } from './support';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

/*
 * `npm start -- --once` as a fresh process on the real AWS path (terraform and the provider mirror
 * present). The path without Terraform: npm-start.test.ts.
 */
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The shell's environment without anything that would point the sandbox elsewhere; `keep` survives. */
function cleanEnv(keep: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(TOLLGATE_|ASGARDEO_|CDKTF_)/.test(key)) delete env[key];
  for (const [k, v] of Object.entries(keep)) if (v !== undefined) env[k] = v;
  return env;
}

function npmStartOnce(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; outdir: string }> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-npm-start-tf-'));
  outdirs.push(outdir);
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['start', '--', '--once', '--config', PHARMACY_CONFIG, '--asgardeo-port', '0', '--outdir', outdir], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, outdir });
    });
  });
}

describeWithTerraform('npm start on the real path', { needMirror: true }, () => {
  test('npm start -- --once deploys through real Terraform, passes every check and destroys at exit', async () => {
    const { code, stdout, stderr, outdir } = await npmStartOnce(
      cleanEnv({ TOLLGATE_TF_PROVIDER_MIRROR: process.env.TOLLGATE_TF_PROVIDER_MIRROR }),
    );
    if (code !== 0) throw new Error(`npm start exited ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
    expect(stdout).toMatch(
      /AWS side: real Terraform 1\.\d+\.\d+ with hashicorp\/aws 5\.100\.0 from .* deploys the stack to the local AWS control plane/,
    );
    expect(stdout).toContain('terraform: Apply complete! Resources: 15 added, 0 changed, 0 destroyed.');
    expect(stdout).toContain(
      'What was checked (15 of 15 passed; each listed under "Smoke test" above), ' +
        'through the gateway serving what Terraform deployed to the local AWS control plane.',
    );
    expect(stdout).toMatch(/Sandbox checked in \d+\.\d\d s \(\d+\.\d\d s from process start\)\. --once: it stops now/);
    // The outputs file holds Terraform's outputs: the control plane's API id, the gateway's URL as its endpoint.
    const outputs = JSON.parse(fs.readFileSync(path.join(outdir, 'pharmacy-user-api-dev.outputs.json'), 'utf8'))['pharmacy-user-api-dev'];
    expect(outputs.api_id).toMatch(/^[a-z0-9]{10}$/);
    expect(outputs.stage_invoke_url).toBe(`${outputs.api_endpoint}/dev`);
    expect(outputs.api_endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Exit destroys through Terraform; the state is empty afterwards.
    expect(stdout).toContain('terraform: Apply complete! Resources: 0 added, 0 changed, 15 destroyed.');
    const state = JSON.parse(fs.readFileSync(path.join(outdir, 'cdktf.out', 'terraform.pharmacy-user-api-dev.tfstate'), 'utf8')) as {
      resources: unknown[];
    };
    expect(state.resources).toEqual([]);
  }, 300_000);
});
