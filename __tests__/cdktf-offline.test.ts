import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PHARMACY_CONFIG } from './pharmacy-fixture';

const REPO_ROOT = path.resolve(__dirname, '..');

/** `npm run synth` and `npm run cdktf -- …` run through scripts/cdktf.js. */
describe('scripts/cdktf.js (what `npm run synth` runs)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cdktf-'));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('synthesizes with no error line when the network is unreachable and CHECKPOINT_DISABLE is not set', () => {
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(CHECKPOINT_DISABLE|TOLLGATE_|TF_|CDKTF_|ASGARDEO_)/.test(k)),
    );
    const result = spawnSync(process.execPath, ['scripts/cdktf.js', 'synth', '--output', path.join(scratch, 'out')], {
      cwd: REPO_ROOT,
      env: {
        ...env,
        TOLLGATE_ENV: 'dev',
        TOLLGATE_CONFIG: PHARMACY_CONFIG,
        TOLLGATE_STATE_DIR: scratch,
        // Any call home would have to go through this closed port: as offline as a test can make it.
        HTTPS_PROXY: 'http://127.0.0.1:9',
        https_proxy: 'http://127.0.0.1:9',
        // A CLI configuration file that does not exist (as on machines whose TF_CLI_CONFIG_FILE is stale).
        TF_CLI_CONFIG_FILE: path.join(scratch, 'missing.terraformrc'),
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status).toBe(0);
    expect(output).toContain('Generated Terraform code for the stacks: pharmacy-user-api-dev');
    expect(output).not.toMatch(/\[ERROR\]/);
    expect(output).not.toMatch(/checkpoint/i);
    expect(output).toContain('TF_CLI_CONFIG_FILE');
    expect(fs.existsSync(path.join(scratch, 'out', 'stacks', 'pharmacy-user-api-dev', 'cdk.tf.json'))).toBe(true);
  });
});
