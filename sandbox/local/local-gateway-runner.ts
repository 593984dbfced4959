import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import type { ResolvedConfig } from '../../config';
import type { InfraDiff, InfraRunner, StackOperation, ToolVersions } from '../../deploy';
import { buildStack } from '../../stacks/app';
import { startLocalGateway, type LocalGateway } from '../gateway';

export interface LocalGatewayRunnerOptions {
  /** Loads the configuration of an operation (the same one the pipeline validated). */
  config: (o: StackOperation) => ResolvedConfig;
  /** Where the local stack is synthesized; kept apart from cdktf.out so the AWS synth is untouched. */
  outdir: string;
  /** Where the gateway explains failed invocations; never receives tokens. */
  log?: (line: string) => void;
}

/**
 * The InfraRunner of `--target local`: synthesizes the real stack in-process and "deploys" it by
 * serving its cdk.tf.json with the local gateway, writing the outputs file `cdktf deploy` would.
 * Terraform is not involved; everything after this step (reconciler, smoke test) is the real path.
 */
export class LocalGatewayRunner implements InfraRunner {
  private current?: LocalGateway;

  constructor(private readonly o: LocalGatewayRunnerOptions) {}

  get gateway(): LocalGateway | undefined {
    return this.current;
  }

  stackDir(stack: string): string {
    return path.join(this.o.outdir, 'stacks', stack);
  }

  async versions(): Promise<ToolVersions> {
    return { terraform: 'not used (local target)', cdktf: 'not used (local target)' };
  }

  async synth(o: StackOperation): Promise<void> {
    const config = this.o.config(o);
    fs.mkdirSync(this.o.outdir, { recursive: true });
    const app = new App({ outdir: this.o.outdir });
    buildStack(app, config, {
      backend: { kind: 'local', path: path.join(this.o.outdir, `terraform.${config.stackName}.tfstate`) },
      bundleDir: path.join(this.o.outdir, 'bundle', config.stackName),
    });
    app.synth();
  }

  async diff(o: StackOperation): Promise<InfraDiff> {
    await this.synth(o);
    return this.current
      ? { changes: false, text: `the local gateway serves ${o.stack} at ${this.current.stageInvokeUrl}`, summary: 'No changes.' }
      : { changes: true, text: `the local gateway would serve ${this.stackDir(o.stack)}`, summary: 'local gateway not running' };
  }

  async deploy(o: StackOperation & { outputsFile: string }): Promise<void> {
    await this.synth(o);
    // A redeploy keeps the address, as API Gateway keeps an API's id, so the API identifier stays put.
    const port = this.current ? Number(new URL(this.current.url).port) : 0;
    await this.current?.stop();
    this.current = await startLocalGateway({ stackDir: this.stackDir(o.stack), port, log: this.o.log });
    fs.mkdirSync(path.dirname(o.outputsFile), { recursive: true });
    fs.writeFileSync(o.outputsFile, `${JSON.stringify(this.current.outputsFile(), null, 2)}\n`);
    o.onOutput?.(`  local gateway serving ${o.stack} at ${this.current.stageInvokeUrl}\n`);
  }

  async destroy(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    const g = this.current;
    this.current = undefined;
    await g?.stop();
  }
}
