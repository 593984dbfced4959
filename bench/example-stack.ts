/** The example stack synthesized in-process for the local target: what the gateway and Lambda benchmarks read. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config';
import { synthStack } from '../stacks/synth';

const REPO = path.resolve(__dirname, '..');

export interface SynthesizedExample {
  config: ResolvedConfig;
  outdir: string;
  /** `<outdir>/stacks/<stackName>`: cdk.tf.json and assets/. */
  stackDir: string;
  /** The esbuild output folder the Lambda asset archives (index.js). */
  bundleDir: string;
  cleanup(): void;
}

export function synthesizeExample(asgardeoBaseUrl: string): SynthesizedExample {
  const config = loadConfig({ file: path.join(REPO, 'tollgate.config.ts'), env: 'dev', target: 'local', asgardeoBaseUrl, environment: {} });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-stack-'));
  const cleanup = () => fs.rmSync(outdir, { recursive: true, force: true });
  try {
    const bundleDir = path.join(outdir, 'bundle');
    const { stackDir } = synthStack(config, {
      outdir,
      backend: { kind: 'local', path: path.join(outdir, 'terraform.tfstate') },
      env: {},
      bundleDir,
    });
    return { config, outdir, stackDir, bundleDir, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}
