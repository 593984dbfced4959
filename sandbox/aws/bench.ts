/*
 * `npx tsx sandbox/aws/bench.ts [--runs N] [--env dev]`: how long the real Terraform and provider
 * take against the local control plane, per step, on this machine. Each run: a fresh synth and
 * `terraform init` (not timed as part of the cycle), then timed apply → plan -detailed-exitcode
 * (must be 0) → destroy (must leave the control plane empty). Prints each run and the medians,
 * with the 1-minute load average (the machine is shared; figures move with it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalAws } from './index';
import { writeLocalAwsOverride } from './provider-override';
import { localTerraformSetup, synthesizeStack, tempOutdir, TerraformWorkdir, type TerraformResult } from './terraform-workdir';

interface Sample {
  synthMs: number;
  initMs: number;
  applyMs: number;
  replanMs: number;
  destroyMs: number;
  requests: number;
}

function check(result: TerraformResult, what: string, expectedCode = 0): number {
  if (result.code !== expectedCode)
    throw new Error(`${what} exited ${result.code}:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
  return result.ms;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function runOnce(env: string): Promise<Sample> {
  const tooling = await localTerraformSetup();
  const aws = await startLocalAws();
  const outdir = tempOutdir('tollgate-bench-local-aws-');
  try {
    const synthStarted = performance.now();
    const stack = synthesizeStack({
      env,
      outdir,
      asgardeoBaseUrl: 'http://127.0.0.1:4180',
      file: path.resolve(__dirname, '..', '..', 'tollgate.config.ts'),
    });
    const synthMs = performance.now() - synthStarted;
    writeLocalAwsOverride(stack.stackDir, aws.endpoint, { providerConstraint: null });
    const tf = new TerraformWorkdir(tooling, stack.stackDir);
    const initMs = check(await tf.run(['init', '-input=false', '-no-color']), 'terraform init');
    const applyMs = check(await tf.run(['apply', '-auto-approve', '-input=false', '-no-color']), 'terraform apply');
    const replanMs = check(
      await tf.run(['plan', '-detailed-exitcode', '-input=false', '-no-color']),
      'terraform plan -detailed-exitcode (expected no changes)',
    );
    const destroyMs = check(await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color']), 'terraform destroy');
    if (!aws.isEmpty()) throw new Error(`destroy left resources: ${JSON.stringify(aws.counts())}`);
    return { synthMs, initMs, applyMs, replanMs, destroyMs, requests: aws.requests.entries().length };
  } finally {
    await aws.stop();
    tooling.dispose();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 3;
  const envAt = process.argv.indexOf('--env');
  const env = envAt >= 0 ? process.argv[envAt + 1]! : 'dev';
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
  const samples: Sample[] = [];
  const loadBefore = os.loadavg()[0]!;
  const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(6);
  console.log(`local AWS + real Terraform, ${env} stack, ${runs} run(s), ${os.cpus().length} cores, load ${loadBefore.toFixed(2)}`);
  console.log('run   synth   init  apply replan destroy  AWS calls');
  for (let n = 1; n <= runs; n += 1) {
    const s = await runOnce(env);
    samples.push(s);
    console.log(
      `${String(n).padStart(3)} ${seconds(s.synthMs)} ${seconds(s.initMs)} ${seconds(s.applyMs)} ` +
        `${seconds(s.replanMs)} ${seconds(s.destroyMs)}  ${String(s.requests).padStart(9)}`,
    );
  }
  const m = (key: keyof Sample) => median(samples.map((s) => s[key]));
  console.log(
    `med ${seconds(m('synthMs'))} ${seconds(m('initMs'))} ${seconds(m('applyMs'))} ` +
      `${seconds(m('replanMs'))} ${seconds(m('destroyMs'))}  ${String(m('requests')).padStart(9)}`,
  );
  console.log(`load average (1 min) before ${loadBefore.toFixed(2)}, after ${os.loadavg()[0]!.toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exitCode = 1;
});
