import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InfraDiff, InfraRunner, StackOperation, ToolVersions } from '../../deploy';
import { projectLockFile, TerraformWorkspace, type TerraformSetup } from '../../deploy/terraform';
import { offlineEnvironment } from '../../deploy/terraform/offline';
import { runProcess } from '../../deploy/terraform/process';
import { startLocalAws, type LocalAws } from '../aws';
import { DUMMY_CREDENTIALS, writeLocalAwsOverride } from '../aws/provider-override';
import type { AwsSdkTarget } from '../../deploy/secrets-manager-store';
import { buildDeployedModel, startLocalGateway, type LocalGateway } from '../gateway';
import { recordLocalStateOwner, settleLocalState, type ExternalLocalAws } from './external-aws';
import { LocalGatewayRunner, type LocalGatewayRunnerOptions } from './local-gateway-runner';

/** The dummy credentials the local control plane accepts, in the AWS SDK's shape. */
export const LOCAL_AWS_SDK_CREDENTIALS = {
  accessKeyId: DUMMY_CREDENTIALS.access_key,
  secretAccessKey: DUMMY_CREDENTIALS.secret_key,
} as const;

export interface LocalTerraformRunnerOptions extends LocalGatewayRunnerOptions {
  /** deploy/terraform's setup (terraform and a provider mirror): the same code that runs Terraform for AWS. `stop()` disposes it. */
  setup: TerraformSetup;
  /** Project folder with the committed `.terraform.lock.hcl` (used read-only when it exists). */
  projectDir: string;
  /**
   * A running `npm run aws:local` (TOLLGATE_LOCAL_AWS_URL) to deploy to instead of a control plane
   * started here: its gateway serves the deployment, which outlives this runner (`stop()` destroys nothing).
   */
  external?: ExternalLocalAws;
}

/**
 * The InfraRunner of the local target's real path: the stack synthesized in-process, then the real
 * `terraform` and hashicorp/aws provider (init, plan to a file, apply of that file, through
 * deploy/terraform's TerraformWorkspace) against the local AWS control plane (sandbox/aws), with the
 * local endpoints and dummy credentials. The local gateway then serves what was deployed: the
 * control plane's routes, authorizer, integration, stage, permissions and the uploaded function zip.
 *
 * The control plane keeps its state in memory, so the deployment lives as long as this runner:
 * `stop()` (Ctrl-C of `npm start`, the end of `--once`) destroys it through Terraform first, so
 * Terraform's state and the control plane end empty together. With `external`, the control plane and
 * the gateway are another process's (`npm run aws:local`): the deployment stays there after `stop()`,
 * and `destroy()` is what removes it.
 */
export class LocalTerraformRunner implements InfraRunner {
  private readonly synthesizer: LocalGatewayRunner;
  private aws?: LocalAws;
  private gatewayPort?: number;
  private current?: LocalGateway;
  private readonly workspaces = new Map<string, TerraformWorkspace>();
  private readonly deployed = new Set<string>();
  private readonly codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-deployed-code-'));
  readonly localDescription: { readonly title: string; readonly preflight: string };

  constructor(private readonly o: LocalTerraformRunnerOptions) {
    this.synthesizer = new LocalGatewayRunner(o);
    this.localDescription = o.external
      ? {
          title: `Stack: Terraform apply to the local AWS control plane at ${o.external.endpoint} (local target)`,
          preflight: `local target: Terraform deploys to the local AWS control plane at ${o.external.endpoint} (no AWS account)`,
        }
      : {
          title: 'Stack: Terraform apply to the local AWS control plane (local target)',
          preflight: 'local target: Terraform deploys to the local AWS control plane (no AWS account)',
        };
  }

  get gateway(): LocalGateway | undefined {
    return this.current;
  }

  /** The control plane, once the first deploy started it (tests read its snapshot). */
  get controlPlane(): LocalAws | undefined {
    return this.aws;
  }

  /** The SDK calls of the deploy (credential delivery) go to the same control plane Terraform deployed to. */
  awsSdkTarget(): AwsSdkTarget | undefined {
    const endpoint = this.o.external?.endpoint ?? this.aws?.endpoint;
    return endpoint ? { endpoint, credentials: LOCAL_AWS_SDK_CREDENTIALS } : undefined;
  }

  async versions(): Promise<ToolVersions> {
    return { terraform: `${this.o.setup.version} (local AWS control plane)`, cdktf: 'local (in-process synth)' };
  }

  synth(o: StackOperation): Promise<void> {
    return this.synthesizer.synth(o);
  }

  async diff(o: StackOperation): Promise<InfraDiff> {
    const ws = await this.prepare(o);
    const saved = await ws.plan();
    const events = saved.events;
    const lines = (events?.changes ?? []).map((c) => `  ${c.action} ${c.address}`);
    const summary = events
      ? `Plan: ${events.summary?.add ?? 0} to add, ${events.summary?.change ?? 0} to change, ${events.summary?.remove ?? 0} to destroy.`
      : undefined;
    return { changes: lines.length > 0, text: [...lines, summary ?? ''].join('\n'), ...(summary ? { summary } : {}) };
  }

  async deploy(o: StackOperation & { outputsFile: string }): Promise<void> {
    const t0 = performance.now();
    const ws = await this.prepare(o);
    const t1 = performance.now();
    const saved = await ws.plan();
    const t2 = performance.now();
    await ws.apply(saved);
    // Only a control plane of this process is destroyed at stop(); an external one keeps the deployment.
    if (!this.o.external) this.deployed.add(o.stack);
    const t3 = performance.now();
    const outputs = await this.outputs(ws);
    const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    o.onOutput?.(
      `  terraform: synth + init ${secs(t1 - t0)}, plan ${secs(t2 - t1)}, apply ${secs(t3 - t2)}, ` +
        `outputs ${secs(performance.now() - t3)}\n`,
    );
    fs.mkdirSync(path.dirname(o.outputsFile), { recursive: true });
    fs.writeFileSync(o.outputsFile, `${JSON.stringify({ [o.stack]: outputs }, null, 2)}\n`);
    if (this.o.external) {
      // The external process's gateway reads the control plane's live state: nothing to start here.
      o.onOutput?.(
        `  terraform applied ${o.stack} to the local AWS control plane at ${this.o.external.endpoint}; its gateway serves it at ` +
          `${String(outputs.stage_invoke_url)} (it stays deployed: \`npx tollgate destroy --target local --yes\` removes it)\n`,
      );
      return;
    }
    await this.serve(o.stack, outputs);
    o.onOutput?.(
      `  terraform applied ${o.stack} to the local AWS control plane; the local gateway serves it at ${this.current?.stageInvokeUrl}\n`,
    );
  }

  async destroy(o: StackOperation): Promise<void> {
    const ws = this.workspaces.get(o.stack) ?? (await this.prepare(o));
    const saved = await ws.plan({ destroy: true });
    await ws.apply(saved);
    this.deployed.delete(o.stack);
    const g = this.current;
    this.current = undefined;
    await g?.stop();
  }

  /** Destroys what was deployed through Terraform, then stops the gateway and the control plane. */
  async stop(): Promise<void> {
    try {
      for (const stack of [...this.deployed]) {
        const ws = this.workspaces.get(stack);
        if (ws) await ws.apply(await ws.plan({ destroy: true }));
        this.deployed.delete(stack);
      }
    } finally {
      const g = this.current;
      this.current = undefined;
      await g?.stop();
      await this.aws?.stop();
      this.aws = undefined;
      fs.rmSync(this.codeDir, { recursive: true, force: true });
      this.o.setup.dispose();
    }
  }

  /** Synth, the control plane (started once), the override pointing the provider at it, and `terraform init` (once per stack). */
  private async prepare(o: StackOperation): Promise<TerraformWorkspace> {
    await this.synthesizer.synth(o);
    const stackDir = this.synthesizer.stackDir(o.stack);
    const endpoint = await this.endpoint();
    // The stack's own provider constraint admits the mirror's 5.100.0: only endpoints and credentials change.
    writeLocalAwsOverride(stackDir, endpoint, { providerConstraint: null });
    let ws = this.workspaces.get(o.stack);
    if (!ws) {
      // State made against a control plane that is gone (a killed process, a restarted aws:local) describes nothing: start from none.
      const stateDir = path.dirname(path.dirname(stackDir));
      const removed = await settleLocalState({ stateDir, stack: o.stack, live: this.o.external });
      if (removed) o.onOutput?.(removed);
      if (this.o.external) recordLocalStateOwner(stateDir, o.stack, this.o.external);
      const lock = projectLockFile(this.o.projectDir);
      // No real AWS credential or profile reaches these processes; the override carries dummy ones.
      const setup = { ...this.o.setup, env: offlineEnvironment(this.o.setup.env) };
      // No abort signal: after Ctrl-C, stop() must still run the destroy (Terraform gets the terminal's SIGINT itself).
      ws = new TerraformWorkspace(setup, {
        stackDir,
        ...(fs.existsSync(lock.path) ? { lockFile: lock } : {}),
        ...(o.onOutput ? { onOutput: quiet(o.onOutput) } : {}),
      });
      await ws.init();
      this.workspaces.set(o.stack, ws);
    }
    return ws;
  }

  /** The control plane's endpoint: the external one, or one started here on first use. */
  private async endpoint(): Promise<string> {
    return this.o.external?.endpoint ?? (await this.controlPlaneStarted()).endpoint;
  }

  private async controlPlaneStarted(): Promise<LocalAws> {
    if (this.aws) return this.aws;
    // The gateway's address is fixed first, so the API's endpoint (and so the stack outputs and the
    // JWT audience) is the gateway's own URL, as AWS's API endpoint is the API's.
    this.gatewayPort = await freePort();
    const url = `http://127.0.0.1:${this.gatewayPort}`;
    this.aws = await startLocalAws({
      apiEndpoint: () => url,
      onUnserved: (service, operation) => this.o.log?.(`local AWS: unserved operation ${service}:${operation}`),
    });
    return this.aws;
  }

  private async outputs(ws: TerraformWorkspace): Promise<Record<string, unknown>> {
    const setup = this.o.setup;
    const res = await runProcess(setup.binary, ['output', '-json', '-no-color'], { cwd: ws.stackDir, env: offlineEnvironment(setup.env) });
    if (res.code !== 0) throw new Error(`terraform output -json failed in ${ws.stackDir}: ${res.stderr || res.stdout}`);
    const doc = JSON.parse(res.stdout) as Record<string, { value: unknown; sensitive?: boolean }>;
    // As `cdktf deploy --outputs-file` writes them: sensitive outputs are left out.
    return Object.fromEntries(
      Object.entries(doc)
        .filter(([, v]) => !v.sensitive)
        .map(([k, v]) => [k, v.value]),
    );
  }

  private async serve(stack: string, outputs: Record<string, unknown>): Promise<void> {
    const aws = this.aws as LocalAws;
    const snapshot = aws.snapshot();
    for (const fn of snapshot.functions) {
      const zip = aws.functionCode(fn.functionName);
      if (!zip) throw new Error(`the local AWS control plane lists ${fn.functionName} but holds no code for it`);
      fs.writeFileSync(path.join(this.codeDir, `${fn.functionName}.zip`), zip);
    }
    await this.current?.stop();
    this.current = await startLocalGateway({
      port: this.gatewayPort,
      log: this.o.log,
      model: () => buildDeployedModel({ snapshot, stackName: stack, outputs, archiveOf: (name) => path.join(this.codeDir, `${name}.zip`) }),
    });
  }
}

/** Terraform's summary lines only (plan counts, apply result, errors), indented under the pipeline's step. */
function quiet(write: (text: string) => void): (text: string) => void {
  return (text) => {
    const lines = text
      .split('\n')
      .filter((l) => /^\s*(Plan:|Apply complete|Destroy complete|Error|Terraform has been successfully initialized)/.test(l));
    if (lines.length) write(`${lines.map((l) => `    terraform: ${l.trim()}`).join('\n')}\n`);
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
