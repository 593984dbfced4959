/**
 * The AWS half of `tollgate plan` and `tollgate deploy` with the real `terraform` and hashicorp/aws
 * (from the mirror): the combined plan from Terraform's JSON next to the local Asgardeo's plan, and
 * a deploy that applies exactly the plan it showed, to the local AWS control plane (sandbox/aws).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../../config';
import { memoryIo } from '../../cli/io';
import { combinedPlanCommand } from '../../cli/commands/plan';
import { startLocalAsgardeo, type LocalAsgardeo } from '../../sandbox/asgardeo';
import { startLocalAws, type LocalAws } from '../../sandbox/aws';
import { localAwsProvider } from '../../sandbox/aws/provider-override';
import { describeWithTerraform } from '../terraform/__tests__/availability';
import { LOCK_FILE_NAME } from '../terraform';
import { DeployError, runDeploy } from '../pipeline';
import { reconcilerSide } from '../reconciler-side';
import { awsTarget, TerraformRunner, TerraformStepError } from '../terraform-runner';
import { refusedAsStale } from '../infra-runner';
import { changeFunctionMemory, REPO_ROOT, tmpDir } from './helpers';
import { PHARMACY_CONFIG } from '../../__tests__/pharmacy-fixture';

const MINUTES = 60_000;
const CONFIG = PHARMACY_CONFIG;
const PUBLIC_ASGARDEO = 'https://api.asgardeo.io';
const fastTransport = { backoff: { baseMs: 2, capMs: 10 }, pacing: false as const };

describeWithTerraform('the real Terraform behind tollgate plan and deploy', { needMirror: true }, () => {
  let asgardeo: LocalAsgardeo;
  let config: ResolvedConfig;
  const dirs: string[] = [];
  const work = () => {
    const d = tmpDir();
    dirs.push(d);
    return d;
  };
  /** A project folder: the committed lock file, as in a checkout. */
  const project = () => {
    const d = work();
    fs.copyFileSync(path.join(REPO_ROOT, LOCK_FILE_NAME), path.join(d, LOCK_FILE_NAME));
    return d;
  };
  // The example's users get their first password from these variables (test values, not secrets).
  const adminEnv = () => ({
    ASGARDEO_CLIENT_ID: asgardeo.admin.clientId,
    ASGARDEO_CLIENT_SECRET: asgardeo.admin.clientSecret,
    TOLLGATE_USER_KIM_PASSWORD: 'Kim-test-pass-42!',
    TOLLGATE_USER_LEE_PASSWORD: 'Lee-test-pass-42!',
  });
  /**
   * The aws target needs an https issuer: the configuration keeps https://api.asgardeo.io and this
   * fetch sends its calls to the local Asgardeo, as a TLS proxy in front of it would (discovery
   * documents name the public address).
   */
  const viaHttps: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input).replace(PUBLIC_ASGARDEO, asgardeo.baseUrl);
    const res = await fetch(url, init);
    if (!url.includes('/.well-known/')) return res;
    return new Response((await res.text()).replaceAll(asgardeo.baseUrl, PUBLIC_ASGARDEO), { status: res.status, headers: res.headers });
  };
  const side = () => reconcilerSide({ env: adminEnv(), transport: { ...fastTransport, fetch: viaHttps } });
  const cliEnv = (cwd: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: cwd,
    TOLLGATE_TF_PROVIDER_MIRROR: process.env.TOLLGATE_TF_PROVIDER_MIRROR,
    TOLLGATE_STATE_DIR: path.join(cwd, 'state'),
    TOLLGATE_TERRAFORM_OFFLINE: '1',
    ...adminEnv(),
    ...extra,
  });

  beforeAll(async () => {
    asgardeo = await startLocalAsgardeo({ organization: 'pharmacy' });
    config = loadConfig({ file: CONFIG, env: 'dev', environment: {} });
  });
  afterAll(async () => {
    await asgardeo?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('tollgate plan --env dev (offline terraform plan + the local Asgardeo)', () => {
    /** The project folder the first test plans in; the last test plans there again after editing its lock file. */
    let planned: string | undefined;

    test(
      'lists each resource change from the JSON plan beside the Asgardeo plan; --detailed-exitcode 2, else 0',
      async () => {
        const cwd = project();
        planned = cwd;
        const m = memoryIo({ env: cliEnv(cwd), cwd });
        expect(await combinedPlanCommand(['--env', 'dev', '--config', CONFIG, '--detailed-exitcode'], m, { side: side() })).toBe(2);
        const out = m.out();
        expect(out).toMatch(/== AWS: Plan: 15 to add, 0 to change, 0 to destroy\. ==/);
        expect(out).toMatch(/^\+ {3}create {2}aws_lambda_function\.\S+$/m);
        expect(out).toMatch(/^\+ {3}create {2}aws_apigatewayv2_authorizer\.\S+$/m);
        expect(out.match(/^\+ {3}create {2}aws_/gm)).toHaveLength(15);
        expect(out).toContain('== Asgardeo: changes ==');
        expect(out).toContain('== Who can call what ==');
        // The saved plan is in the stack folder (deploy applies it); the offline override is gone.
        const stackDir = path.join(cwd, 'cdktf.out', 'stacks', config.stackName);
        expect(fs.existsSync(path.join(stackDir, 'tollgate.tfplan'))).toBe(true);
        expect(fs.existsSync(path.join(stackDir, 'tollgate_offline_override.tf.json'))).toBe(false);

        // The second plan in this folder skips the init: the folder is initialized for this lock file and Terraform.
        const initMarker = path.join(stackDir, '.terraform', 'tollgate-init.key');
        const initialized = fs.statSync(initMarker).mtimeMs;
        const j = memoryIo({ env: cliEnv(cwd), cwd });
        expect(await combinedPlanCommand(['--env', 'dev', '--config', CONFIG, '--json'], j, { side: side() })).toBe(0);
        expect(fs.statSync(initMarker).mtimeMs).toBe(initialized);
        const doc = JSON.parse(j.out()) as {
          changes: boolean;
          aws: { changes: boolean; resourceChanges: { address: string; action: string }[] };
          asgardeo: { changes: boolean };
        };
        expect(doc.changes).toBe(true);
        expect(doc.aws.resourceChanges).toHaveLength(15);
        expect(new Set(doc.aws.resourceChanges.map((r) => r.action))).toEqual(new Set(['create']));
        expect(doc.aws.resourceChanges.map((r) => r.address)).toEqual(
          expect.arrayContaining([expect.stringMatching(/^aws_apigatewayv2_route\./), expect.stringMatching(/^aws_lambda_permission\./)]),
        );
        expect(doc.asgardeo.changes).toBe(true);
      },
      5 * MINUTES,
    );

    test(
      'no terraform on PATH: a clear error with the fix, exit 1, nothing written on either side',
      async () => {
        const cwd = project();
        const writes = asgardeo.requests.writes();
        const m = memoryIo({ env: cliEnv(cwd, { PATH: path.join(cwd, 'empty-bin') }), cwd });
        expect(await combinedPlanCommand(['--env', 'dev', '--config', CONFIG, '--detailed-exitcode'], m, { side: side() })).toBe(1);
        expect(m.err()).toContain('Plan found 1 problem; nothing was changed:');
        expect(m.err()).toMatch(/✗ terraform: .*terraform/i);
        expect(m.err()).toContain('fix: install Terraform >= 1.9.0');
        expect(m.err()).not.toMatch(/\n\s+at /);
        expect(asgardeo.requests.writes()).toBe(writes);
        expect(fs.existsSync(path.join(cwd, 'state'))).toBe(false);
      },
      MINUTES,
    );

    test(
      'no committed lock file in the project: the lock-file error names the file and how to create it',
      async () => {
        const cwd = work();
        const m = memoryIo({ env: cliEnv(cwd), cwd });
        expect(await combinedPlanCommand(['--env', 'dev', '--config', CONFIG], m, { side: side() })).toBe(1);
        expect(m.err()).toContain(`The dependency lock file ${path.join(cwd, LOCK_FILE_NAME)} does not exist`);
        expect(m.err()).toContain('what to do: create it once');
      },
      MINUTES,
    );

    test(
      'a changed lock file brings the init back (the first test checks that a second plan skips it)',
      async () => {
        if (!planned) throw new Error('this test plans again in the folder of the first test, which did not plan');
        const cwd = planned;
        const runner = new TerraformRunner({
          cwd,
          target: awsTarget({ cwd, env: { ...process.env, TOLLGATE_STATE_DIR: path.join(cwd, 'state'), TOLLGATE_TERRAFORM_OFFLINE: '1' } }),
          config: () => config,
        });
        const op = { stack: config.stackName, environment: 'dev', configFile: CONFIG };
        const planOutput = async () => {
          let text = '';
          const plan = await runner.plan({ ...op, onOutput: (t) => (text += t) });
          expect(plan.summary).toBe('Plan: 15 to add, 0 to change, 0 to destroy.');
          return text;
        };
        try {
          // The first test's plans initialized this folder; the committed lock file changes (a reviewed edit).
          fs.appendFileSync(path.join(cwd, LOCK_FILE_NAME), '\n# reviewed\n');
          expect(await planOutput()).toMatch(/Initializing/);
        } finally {
          await runner.close();
        }
      },
      5 * MINUTES,
    );
  });

  describe('tollgate deploy applies the plan it showed (local AWS control plane)', () => {
    let aws: LocalAws;
    beforeAll(async () => {
      aws = await startLocalAws();
    });
    afterAll(async () => {
      await aws?.stop();
    });
    /** The aws target with the stand-in's endpoints and dummy credentials: the state, plan and apply of a real deploy. */
    const runnerFor = (cwd: string, stateDir: string, outdir = path.join(cwd, 'cdktf.out'), stack: ResolvedConfig = config) =>
      new TerraformRunner({
        cwd,
        target: {
          ...awsTarget({ cwd, env: { ...process.env, TOLLGATE_STATE_DIR: stateDir } }),
          outdir,
          provider: async () => localAwsProvider(aws.endpoint),
        },
        config: () => stack,
      });
    /** The configuration with every function at `memoryMb`: a one-resource in-place change of the deployed stack. */
    const withMemory = (memoryMb: number): ResolvedConfig => ({
      ...config,
      aws: {
        ...config.aws,
        lambda: { ...config.aws.lambda, memoryMb },
        functions: config.aws.functions.map((f) => ({ ...f, memoryMb })),
      },
    });
    /**
     * The project folder the first test deploys into; the second test changes that deployment and
     * destroys it (one full apply and destroy of the stack for both: each costs minutes on a busy machine).
     */
    let deployed: string | undefined;

    test(
      'the stack folder changes after the plan is shown; the applied plan is the shown one; the outputs feed Asgardeo',
      async () => {
        const cwd = project();
        const runner = runnerFor(cwd, path.join(cwd, 'state'));
        deployed = cwd;
        const stackFile = path.join(runner.stackDir(config.stackName), 'cdk.tf.json');
        let out = '';
        let shownBeforeApproval = '';
        try {
          const result = await runDeploy({
            loadConfig: () => config,
            runner,
            side: side(),
            fetch: viaHttps,
            // Preflight looks for AWS credentials; the runner's provider gets the stand-in's dummy ones.
            env: { ...adminEnv(), AWS_ACCESS_KEY_ID: 'AKIALOCALAWSTEST0000', AWS_SECRET_ACCESS_KEY: 'local-aws-not-a-secret' },
            home: cwd,
            cwd,
            yes: false,
            interactive: true,
            // While the reviewer reads the plan, the stack changes under it (another synth, an edit).
            prompt: async () => {
              shownBeforeApproval = out;
              changeFunctionMemory(stackFile, 1024);
              return 'yes';
            },
            smoke: false,
            resumeCommand: (from) => `tollgate deploy --env dev${from ? ` --from ${from}` : ''}`,
            write: (t) => (out += t),
          });
          expect(shownBeforeApproval).toMatch(
            /Terraform plan \(Plan: 15 to add, 0 to change, 0 to destroy\.\), saved to .*tollgate\.tfplan/,
          );
          expect(shownBeforeApproval).toMatch(/\+ {3}create {2}aws_lambda_function\./);
          const fns = aws.snapshot().functions;
          expect(fns).toHaveLength(1);
          expect(fns[0]!.memorySize).toBe(256);
          expect(result.outputs.issuer).toBe(config.asgardeo.issuer);
          expect(result.outputs.stageInvokeUrl).toMatch(/^https?:\/\//);
          expect(JSON.parse(fs.readFileSync(result.outputsFile, 'utf8'))).toHaveProperty([config.stackName, 'api_endpoint']);
          expect(result.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'skipped']);
          // The applied plan file is removed: it cannot be applied twice.
          expect(fs.existsSync(path.join(runner.stackDir(config.stackName), 'tollgate.tfplan'))).toBe(false);
        } finally {
          // The deployment stays for the next test, which destroys it.
          await runner.close();
        }
      },
      8 * MINUTES,
    );

    test(
      'a plan made stale by another apply to the same state is refused, and nothing of it is applied; destroy empties the stack',
      async () => {
        if (!deployed) throw new Error('this test changes the deployment of the test before it, which did not deploy');
        const cwd = deployed;
        const state = path.join(cwd, 'state');
        // The reviewer's plan changes the deployed function to 1024 MB; meanwhile another run applies 512 MB.
        const reviewer = runnerFor(cwd, state, undefined, withMemory(1024));
        const other = runnerFor(cwd, state, path.join(cwd, 'other.out'), withMemory(512));
        const op = { stack: config.stackName, environment: 'dev', configFile: CONFIG };
        const memory = () => aws.snapshot().functions.map((f) => f.memorySize);
        try {
          const shown = await reviewer.plan(op);
          expect(shown.planFile).toBeDefined();
          expect(shown.summary).toBe('Plan: 0 to add, 1 to change, 0 to destroy.');
          // A plan file overwritten after it was shown (another run planning into the folder) is refused
          // before Terraform runs; put back byte for byte, it is the shown plan again.
          const shownBytes = fs.readFileSync(shown.planFile!);
          fs.appendFileSync(shown.planFile!, 'x');
          const swapped = await reviewer.apply(shown, op).catch((e: unknown) => e);
          expect((swapped as Error).message).toContain('changed after it was shown');
          expect(memory()).toEqual([256]);
          fs.writeFileSync(shown.planFile!, shownBytes);
          await other.apply(await other.plan(op), op);
          expect(memory()).toEqual([512]);
          const before = aws.counts();
          const err = await reviewer.apply(shown, op).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(TerraformStepError);
          expect((err as Error).message).toContain("refused the saved plan as stale: Terraform's state changed after the plan was made");
          expect((err as Error).message).toContain('nothing of this plan was applied');
          expect((err as TerraformStepError).hint).toMatch(/^plan again and review the new plan/);
          // What the deploy's AWS line reads: this run applied nothing.
          expect(refusedAsStale(err)).toBe(true);
          expect(aws.counts()).toEqual(before);
          expect(memory()).toEqual([512]);
          // A plan this runner did not make is never applied.
          const foreign = await reviewer.apply({ ...shown, planFile: path.join(cwd, 'x.tfplan') }, op).catch((e: unknown) => e);
          expect((foreign as Error).message).toContain('was not made by this run');
        } finally {
          await other.destroy(op).catch(() => undefined);
          await reviewer.close();
          await other.close();
        }
        expect(aws.isEmpty()).toBe(true);
      },
      8 * MINUTES,
    );

    test(
      'a deploy whose plan fails stops before the approval: DeployError at plan, nothing changed',
      async () => {
        const cwd = work(); // no lock file
        const runner = runnerFor(cwd, path.join(cwd, 'state'));
        let asked = false;
        const err = await runDeploy({
          loadConfig: () => config,
          runner,
          side: side(),
          fetch: viaHttps,
          env: { ...adminEnv(), AWS_ACCESS_KEY_ID: 'AKIALOCALAWSTEST0000', AWS_SECRET_ACCESS_KEY: 'local-aws-not-a-secret' },
          home: cwd,
          cwd,
          yes: false,
          interactive: true,
          prompt: async () => {
            asked = true;
            return 'yes';
          },
          smoke: false,
          resumeCommand: () => 'tollgate deploy --env dev',
          write: () => undefined,
        }).catch((e: unknown) => e);
        await runner.close();
        expect(err).toBeInstanceOf(DeployError);
        expect((err as DeployError).step).toBe('plan');
        expect((err as DeployError).state.aws).toEqual({ kind: 'unchanged' });
        expect((err as Error).message).toContain('does not exist');
        expect(asked).toBe(false);
        expect(aws.isEmpty()).toBe(true);
      },
      2 * MINUTES,
    );
  });
});
