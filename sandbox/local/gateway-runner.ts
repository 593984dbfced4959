import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from '../../config';
import type { InfraPlan, InfraRunner, RunnerDescription, StackOperation, StackOutputValues } from '../../deploy';
import { UserError } from '../../errors';
import { synthStack } from '../../stacks/synth-on-demand';
import { startLocalGateway, type LocalGateway } from '../gateway';
import { diffStacks, type SynthesizedStack } from './stack-diff';

export interface GatewayRunnerOptions {
  /** Loads the configuration of an operation (the same one the pipeline validated). */
  config: (o: StackOperation) => ResolvedConfig;
  /** Where the local stack is synthesized; kept apart from cdktf.out so the AWS synth is untouched. */
  outdir: string;
  /** Why Terraform does not run here, for the preflight line. */
  reason?: string;
  /** Where the gateway explains failed invocations; never receives tokens. */
  log?: (line: string) => void;
}

/**
 * The one runner besides Terraform, for machines without it: synthesizes the real stack in-process
 * and "deploys" it by serving its cdk.tf.json with the local gateway. Its plan is the synthesized
 * Terraform against what the gateway serves; apply serves exactly the stack that plan synthesized.
 * Everything after this step (reconciler, smoke test) is the real path.
 */
export class GatewayRunner implements InfraRunner {
  private current?: LocalGateway;
  /** The synthesized JSON each running stack was started from. */
  private readonly served = new Map<string, SynthesizedStack>();
  /** What each plan synthesized, by stack: apply serves that one only. */
  private readonly planned = new Map<string, { plan: InfraPlan; json: string }>();

  constructor(private readonly o: GatewayRunnerOptions) {}

  get gateway(): LocalGateway | undefined {
    return this.current;
  }

  stackDir(stack: string): string {
    return path.join(this.o.outdir, 'stacks', stack);
  }

  async describe(): Promise<RunnerDescription> {
    return {
      title: 'Stack: local gateway (local target)',
      tools: `not used: the local gateway serves the synthesized stack${this.o.reason ? ` (${this.o.reason})` : ''}`,
      awsCredentials: { skipped: 'local target' },
    };
  }

  /** No AWS API here: credential delivery must not fall through to real AWS. */
  async awsSdkTarget(): Promise<never> {
    throw new UserError('the local gateway without Terraform has no Secrets Manager: a client with credentials cannot be delivered to', {
      hint:
        'install terraform and a hashicorp/aws provider mirror (eval "$(scripts/terraform-mirror.sh)") for the real local path, ' +
        "or remove the client's credentials block",
    });
  }

  async plan(o: StackOperation): Promise<InfraPlan> {
    const config = this.o.config(o);
    const { stackDir } = synthStack(config, {
      outdir: this.o.outdir,
      backend: { kind: 'local', path: path.join(this.o.outdir, `terraform.${config.stackName}.tfstate`) },
      env: {},
      bundleDir: path.join(this.o.outdir, 'bundle', config.stackName),
    });
    const json = fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8');
    const before = this.served.get(o.stack);
    const d = diffStacks(before ?? {}, JSON.parse(json) as SynthesizedStack);
    const plan = { stack: o.stack, stackDir, ...d, text: before ? d.text : `nothing is served yet:\n${d.text}` };
    this.planned.set(o.stack, { plan, json });
    return plan;
  }

  async apply(plan: InfraPlan, o: StackOperation): Promise<StackOutputValues> {
    const planned = this.planned.get(o.stack);
    const json = fs.readFileSync(path.join(this.stackDir(o.stack), 'cdk.tf.json'), 'utf8');
    if (planned?.plan !== plan || planned.json !== json)
      throw new Error(`the plan to serve for ${o.stack} is not the one this run made last`);
    this.planned.delete(o.stack);
    // A redeploy keeps the address, as API Gateway keeps an API's id, so the API identifier stays put.
    const port = this.current ? Number(new URL(this.current.url).port) : 0;
    await this.current?.stop();
    this.current = await startLocalGateway({ stackDir: this.stackDir(o.stack), port, log: this.o.log });
    this.served.set(o.stack, JSON.parse(json) as SynthesizedStack);
    o.onOutput?.(`  local gateway serving ${o.stack} at ${this.current.stageInvokeUrl}\n`);
    return this.current.outputsFile()[o.stack] ?? {};
  }

  async destroy(o: StackOperation): Promise<void> {
    this.served.delete(o.stack);
    await this.close();
  }

  async close(): Promise<void> {
    const g = this.current;
    this.current = undefined;
    this.served.clear();
    await g?.stop();
  }
}
