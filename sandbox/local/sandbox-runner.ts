import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InfraDiff, InfraRunner, StackOperation, ToolVersions } from '../../deploy';
import { LocalGatewayRunner, type LocalGatewayRunnerOptions } from './local-gateway-runner';
import { diffStacks, type SynthesizedStack } from './stack-diff';

/**
 * The sandbox's InfraRunner: deploy's LocalGatewayRunner (in-process synth, the local gateway as the
 * "deployment") plus a real diff: the freshly synthesized Terraform against what the gateway serves.
 */
export class SandboxRunner implements InfraRunner {
  private readonly inner: LocalGatewayRunner;
  /** The synthesized JSON each running stack was started from. */
  private readonly served = new Map<string, SynthesizedStack>();

  constructor(options: LocalGatewayRunnerOptions) {
    this.inner = new LocalGatewayRunner(options);
  }

  async versions(): Promise<ToolVersions> {
    return { terraform: 'local (not used)', cdktf: 'local (in-process synth)' };
  }

  synth(o: StackOperation): Promise<void> {
    return this.inner.synth(o);
  }

  async diff(o: StackOperation): Promise<InfraDiff> {
    await this.inner.synth(o);
    const next = this.read(o.stack);
    const before = this.served.get(o.stack);
    if (!before) {
      const d = diffStacks({}, next);
      return { ...d, text: `nothing is served yet:\n${d.text}` };
    }
    return diffStacks(before, next);
  }

  async deploy(o: StackOperation & { outputsFile: string; autoApprove: true }): Promise<void> {
    await this.inner.deploy(o);
    this.served.set(o.stack, this.read(o.stack));
  }

  async destroy(o: StackOperation & { autoApprove: true }): Promise<void> {
    this.served.delete(o.stack);
    await this.inner.destroy();
  }

  stop(): Promise<void> {
    this.served.clear();
    return this.inner.stop();
  }

  private read(stack: string): SynthesizedStack {
    return JSON.parse(fs.readFileSync(path.join(this.inner.stackDir(stack), 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
  }
}
