import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './support';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

/*
 * The README's first command, as a newcomer runs it: `npm start -- --once` in a fresh process with
 * the example configuration. Only the ports and the output folder differ, so a sandbox already
 * running on this machine (or another test) is not disturbed.
 */
let outdir: string;
beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-npm-start-'));
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/**
 * The shell's environment without anything that would point the sandbox elsewhere, and without
 * terraform on PATH: the path a machine without Terraform takes, which must keep the README's command
 * working and say why it did not use Terraform (the real path, in-process: sandbox-terraform.test.ts).
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(TOLLGATE_|ASGARDEO_|CDKTF_)/.test(key)) delete env[key];
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir && !fs.existsSync(path.join(dir, 'terraform')))
    .join(path.delimiter);
  return env;
}

function npmStart(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['start', '--', ...args], { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('npm start -- --once runs the tutorial flow on the example and exits 0, without Terraform saying why', async () => {
  const { code, stdout, stderr } = await npmStart(['--once', '--config', PHARMACY_CONFIG, '--asgardeo-port', '0', '--outdir', outdir]);
  if (code !== 0) throw new Error(`npm start exited ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  expect(stdout).toContain(
    'AWS side: the local gateway serves the synthesized stack (cdk.tf.json) without Terraform, because terraform is not on PATH;',
  );
  expect(stdout).not.toContain('terraform: Apply complete');
  expect(stdout).toContain(
    'What was checked (15 of 15 passed; each listed under "Smoke test" above), ' +
      'through the gateway serving the synthesized Terraform (no Terraform run).',
  );
  expect(fs.existsSync(path.join(outdir, 'cdktf.out', 'stacks', 'pharmacy-user-api-dev', 'local_aws_override.tf.json'))).toBe(false);
  expect(stdout).toMatch(/\[1\/4\] Preflight checks/);
  expect(stdout).toMatch(/✓ issuer discovery: http:\/\/127\.0\.0\.1:\d+\/t\/pharmacy\/oauth2\/token\/\.well-known\/openid-configuration/);
  expect(stdout).toContain('creating application pharmacy-reader');
  // 9 client checks, then the example's users: Kim greeted by name, Lee (no role) refused.
  expect(stdout).toContain('What was checked (15 of 15 passed; each listed under "Smoke test" above)');
  expect(stdout).toContain(
    '✓ GET /user as kim@gmail.com through pharmacy-demo (role grants get_pharmacy_user): 200 {"message":"Welcome Kim!"}',
  );
  expect(stdout).toContain(
    '✓ GET /user as lee@example.com through pharmacy-demo (no role grants get_pharmacy_user): 403 {"message":"Forbidden"}',
  );
  expect(stdout).toMatch(/User flow kim@gmail\.com: app-native sign-in \d+ ms, then the API calls \d+ ms/);
  // Each generated password appears exactly once in the whole output.
  const kimPassword = /Test user kim@gmail\.com: password (\S+) /.exec(stdout)![1]!;
  expect(stdout.split(kimPassword).length - 1).toBe(1);
  expect(stdout).toMatch(/✓ GET \/user with no token: 401 \{"message":"Unauthorized"\}/);
  // Each check is printed once; a machine client's "Welcome User!" says why in its own line.
  const readerCheck =
    '✓ GET /user with token of pharmacy-reader (get_pharmacy_user; a client token names no user, so the greeting is "User"): ' +
    '200 {"message":"Welcome User!"}';
  expect(stdout.split(readerCheck)).toHaveLength(2);
  expect(stdout).toMatch(/✓ GET \/user with token of pharmacy-admin \(lacks get_pharmacy_user\): 403 \{"message":"Forbidden"\}/);
  // --once exits after the checks: nothing after them offers an address that is gone.
  const tail = stdout.slice(stdout.indexOf('What was checked'));
  expect(tail).toMatch(/Sandbox checked in \d+\.\d\d s \(\d+\.\d\d s from process start\)\. --once: it stops now/);
  expect(tail).not.toMatch(/https?:\/\//);
  expect(stdout).not.toContain('Demo page');
  // The synthesized stack went to the folder asked for, not to cdktf.out.
  expect(fs.existsSync(path.join(outdir, 'cdktf.out', 'stacks', 'pharmacy-user-api-dev', 'cdk.tf.json'))).toBe(true);
  expect(
    JSON.parse(fs.readFileSync(path.join(outdir, 'pharmacy-user-api-dev.outputs.json'), 'utf8'))['pharmacy-user-api-dev'].issuer,
  ).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/t\/pharmacy\/oauth2\/token$/);
}, 120_000);
