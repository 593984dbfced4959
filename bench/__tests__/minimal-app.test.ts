import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { synthStack } from '../../stacks/synth';
import { comparableStack, prepareMinimalApp } from '../synth-floor';
import { stackFiles } from '../synth';

const REPO = path.resolve(__dirname, '..', '..');

/** Resource type → how many, as `terraform plan` would count them. */
function resourceCounts(json: string): Record<string, number> {
  const tf = JSON.parse(json) as { resource: Record<string, Record<string, unknown>> };
  return Object.fromEntries(Object.entries(tf.resource).map(([type, byName]) => [type, Object.keys(byName).length]));
}

// The floor of the synth benchmark must build what tollgate builds for the example's dev environment, or the ratio means nothing.
describe('bench/minimal-app, the synth floor', () => {
  let work: string;
  let tollgate: string;
  let minimal: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-minimal-app-'));
    const config = loadConfig({ file: path.join(REPO, 'tollgate.config.ts'), env: 'dev', environment: {} });
    const { stackDir } = synthStack(config, {
      outdir: path.join(work, 'tollgate-out'),
      backend: { kind: 'local', path: path.join(work, 'terraform.tfstate') },
      env: { TOLLGATE_CACHE_DIR: path.join(work, 'cache') },
    });
    tollgate = fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8');

    const app = prepareMinimalApp(work);
    const outdir = path.join(work, 'minimal-out');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: app,
      env: { PATH: process.env.PATH, CDKTF_OUTDIR: outdir, TOLLGATE_STATE_DIR: work, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`the minimal app failed: ${run.stderr}`);
    const [file] = stackFiles(outdir);
    minimal = fs.readFileSync(file!, 'utf8');
  }, 60_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('synthesizes the same resource types, as many of each, as tollgate for the dev environment', () => {
    expect(Object.keys(resourceCounts(tollgate)).length).toBeGreaterThan(5);
    expect(resourceCounts(minimal)).toEqual(resourceCounts(tollgate));
  });

  it('synthesizes the same stack apart from the Lambda code and the state path: same addresses, values and outputs', () => {
    expect(comparableStack(minimal)).toEqual(comparableStack(tollgate));
  });

  it('archives its own handler with TerraformAsset, as tollgate archives its bundle', () => {
    const fn = Object.values(
      (JSON.parse(minimal) as { resource: { aws_lambda_function: Record<string, { filename: string }> } }).resource.aws_lambda_function,
    )[0]!;
    expect(fn.filename).toMatch(/^assets\/handler_code_[0-9A-F]+\/[0-9A-F]{32}\/archive\.zip$/);
  });
});
