import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedConfig } from '../../config';
import type { StackOutputValues, TerraformTarget } from '../../deploy';
import { startLocalAws, type LocalAws } from '../aws';
import { localAwsProvider, localAwsSdkTarget } from '../aws/provider-override';
import { buildDeployedModel, startLocalGateway, type LocalGateway } from '../gateway';
import { recordLocalStateOwner, releaseLocalStateOwner, settleLocalState, type ExternalLocalAws } from './external-aws';
import { fetchSnapshot, requireNothingLeft } from './stack-leftovers';

export interface LocalAwsTargetOptions {
  /** Where the local stack is synthesized and its state kept; apart from cdktf.out so the AWS synth is untouched. */
  outdir: string;
  /** The sandbox's environment (never real AWS credentials for the children: the provider gets dummy ones). */
  env: NodeJS.ProcessEnv;
  /**
   * A running `npm run aws:local` (TOLLGATE_LOCAL_AWS_URL) to deploy to instead of a control plane
   * started here: its gateway serves the deployment, which outlives this process.
   */
  external?: ExternalLocalAws;
  /** Where the gateway explains failed invocations; never receives tokens. */
  log?: (line: string) => void;
}

/** The local AWS target plus what the sandbox reads of it (the gateway serving the deployment, the control plane). */
export interface LocalAwsTarget extends TerraformTarget {
  readonly gateway: LocalGateway | undefined;
  readonly controlPlane: LocalAws | undefined;
}

/**
 * The local target of the one Terraform runner: state in a file under `outdir`, the real hashicorp/aws
 * provider sent to the local AWS control plane (sandbox/aws) with dummy credentials, and, after each
 * apply, the local gateway serving what was deployed (the control plane's routes, authorizer,
 * integration, stage, permissions and the uploaded function zip).
 *
 * A control plane started here keeps its state in memory, so the deployment lives as long as this
 * process: the target is ephemeral (the runner's close() destroys it through Terraform first, so
 * the state and the control plane end empty together). With `external`, the control plane and the
 * gateway are another process's (`npm run aws:local`): the deployment stays after close(), and a
 * destroy is what removes it.
 */
export function localAwsTarget(o: LocalAwsTargetOptions): LocalAwsTarget {
  let aws: LocalAws | undefined;
  let gatewayPort: number | undefined;
  let gateway: LocalGateway | undefined;
  // The function zips the local gateway runs, made on the first apply served here (an external control plane's gateway needs none).
  let codeDir: string | undefined;
  const where = o.external ? `the local AWS control plane at ${o.external.endpoint}` : 'the local AWS control plane';

  // The gateway's address is fixed first, so the API's endpoint (and so the stack outputs and the
  // JWT audience) is the gateway's own URL, as AWS's API endpoint is the API's.
  const controlPlane = async (): Promise<LocalAws> => {
    if (aws) return aws;
    gatewayPort = await freePort();
    const url = `http://127.0.0.1:${gatewayPort}`;
    aws = await startLocalAws({
      apiEndpoint: () => url,
      onUnserved: (service, operation) => o.log?.(`local AWS: unserved operation ${service}:${operation}`),
    });
    return aws;
  };

  const serve = async (stack: string, outputs: StackOutputValues): Promise<void> => {
    const plane = aws as LocalAws;
    const snapshot = plane.snapshot();
    const dir = (codeDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-deployed-code-')));
    for (const fn of snapshot.functions) {
      const zip = plane.functionCode(fn.functionName);
      if (!zip) throw new Error(`the local AWS control plane lists ${fn.functionName} but holds no code for it`);
      fs.writeFileSync(path.join(dir, `${fn.functionName}.zip`), zip);
    }
    await gateway?.stop();
    gateway = await startLocalGateway({
      port: gatewayPort,
      log: o.log,
      model: () => buildDeployedModel({ snapshot, stackName: stack, outputs, archiveOf: (name) => path.join(dir, `${name}.zip`) }),
    });
  };

  return {
    get gateway() {
      return gateway;
    },
    get controlPlane() {
      return aws;
    },
    description: {
      title: `Stack: Terraform apply to ${where} (local target)`,
      tools: ` (local target: Terraform deploys to ${where}, no AWS account)`,
      awsCredentials: { skipped: 'local target: dummy credentials for the local AWS control plane' },
    },
    outdir: o.outdir,
    backend: (config: ResolvedConfig) => ({ kind: 'local', path: path.join(o.outdir, `terraform.${config.stackName}.tfstate`) }),
    bundleDir: (config: ResolvedConfig) => path.join(o.outdir, 'bundle', config.stackName),
    // The stack's own provider constraint admits the mirror's 5.100.0: only endpoints and credentials change.
    provider: async () => localAwsProvider(o.external?.endpoint ?? (await controlPlane()).endpoint),
    // The deploy's SDK calls (credential delivery) go to the control plane Terraform deployed to, never to AWS.
    awsSdk: async () => localAwsSdkTarget(o.external?.endpoint ?? (await controlPlane()).endpoint),
    env: o.env,
    lockFile: 'when-present',
    // A control plane started here: no abort signal, so that after Ctrl-C Terraform finishes and
    // close() can still run the destroy. An external one outlives this process: Terraform is asked to
    // stop gracefully, and its state keeps what it created there.
    interruptible: o.external !== undefined,
    progress: 'summary',
    ephemeral: !o.external,
    // State made against a control plane that is gone (a killed process, a restarted aws:local) describes nothing: start from none.
    async beforeInit(stack, stateDir, write) {
      const removed = await settleLocalState({ stateDir, stack, live: o.external });
      if (removed) write(removed);
      if (o.external) recordLocalStateOwner(stateDir, stack, o.external);
    },
    async afterApply(stack, outputs, write) {
      if (o.external) {
        // The external process's gateway reads the control plane's live state: nothing to start here.
        write(
          `  terraform applied ${stack} to ${where}; its gateway serves it at ${String(outputs.stage_invoke_url)} ` +
            '(it stays deployed: `npx tollgate destroy --target local --yes` removes it)\n',
        );
        return;
      }
      await serve(stack, outputs);
      write(`  terraform applied ${stack} to ${where}; the local gateway serves it at ${gateway?.stageInvokeUrl}\n`);
    },
    // Done only when the control plane holds nothing of the stack; then the state guards nothing and its owner record goes.
    async afterDestroy(stack) {
      const g = gateway;
      gateway = undefined;
      await g?.stop();
      const snapshot = o.external ? await fetchSnapshot(o.external.endpoint) : aws?.snapshot();
      if (snapshot) requireNothingLeft(snapshot, stack, where, path.join(o.outdir, `terraform.${stack}.tfstate`));
      releaseLocalStateOwner(o.outdir, stack);
    },
    async close() {
      const g = gateway;
      gateway = undefined;
      await g?.stop();
      await aws?.stop();
      aws = undefined;
      if (codeDir) fs.rmSync(codeDir, { recursive: true, force: true });
      codeDir = undefined;
    },
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
