import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../../config';
import { reconcilerSide, runDeploy, TerraformRunner, type DeployOptions, type DeployResult, type StackOperation } from '../../deploy';
import { startLocalAsgardeo, type LocalAsgardeo } from '../asgardeo';
import { localTerraformSetup, TerraformWorkdir } from '../aws/terraform-workdir';
import { localAwsTarget, type LocalAwsTarget } from '../local';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';
import { REPO_ROOT } from './support';

/**
 * The local target through the one Terraform runner a cloud deploy runs, for the real-Terraform tests
 * that drive the runner and the pipeline themselves: a local Asgardeo, the Pharmacy fixture's dev
 * environment, and a TerraformRunner deploying to a local AWS with its state in a temporary folder.
 */
export interface LocalTerraformWorld {
  readonly asgardeo: LocalAsgardeo;
  readonly config: ResolvedConfig;
  readonly outdir: string;
  readonly target: LocalAwsTarget;
  readonly runner: TerraformRunner;
  /** `terraform …` in the stack's folder, for reading and editing its state. */
  readonly workdir: TerraformWorkdir;
  /** The stack operation of the dev stack. */
  op(): StackOperation;
  /** `runDeploy` through the real reconciler and this world's runner: `--yes`, no smoke test, unless `o` says otherwise. */
  deploy(o: Partial<DeployOptions>, write: (text: string) => void): Promise<DeployResult>;
  /** Closes the runner (destroying what the local target deployed) and the local Asgardeo; removes the folder. */
  close(): Promise<void>;
}

export async function localTerraformWorld(prefix: string): Promise<LocalTerraformWorld> {
  const asgardeo = await startLocalAsgardeo({ organization: 'pharmacy', rateLimitPerMinute: null });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const config = loadConfig({ file: PHARMACY_CONFIG, env: 'dev', target: 'local', asgardeoBaseUrl: asgardeo.baseUrl, environment: {} });
  const setup = await localTerraformSetup(process.env);
  const target = localAwsTarget({ outdir, env: process.env });
  const runner = new TerraformRunner({ cwd: REPO_ROOT, target, setup, config: () => config });
  return {
    asgardeo,
    config,
    outdir,
    target,
    runner,
    workdir: new TerraformWorkdir(setup, runner.stackDir(config.stackName)),
    op: () => ({ stack: config.stackName, environment: config.environment, configFile: config.file }),
    deploy: (o, write) =>
      runDeploy({
        loadConfig: () => config,
        runner,
        side: reconcilerSide({ env: {}, transport: { backoff: { baseMs: 2, capMs: 10 }, pacing: false } }),
        env: { ASGARDEO_CLIENT_ID: asgardeo.admin.clientId, ASGARDEO_CLIENT_SECRET: asgardeo.admin.clientSecret },
        cwd: outdir,
        yes: true,
        interactive: false,
        prompt: async () => 'no',
        smoke: false,
        outputsFile: path.join(outdir, 'outputs.json'),
        resumeCommand: () => 'npx tollgate deploy --env dev',
        write,
        ...o,
      }),
    close: async () => {
      try {
        await runner.close();
        await asgardeo.stop();
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    },
  };
}
