import * as path from 'node:path';
import { awsRunner, isInteractive, reconcilerSide, runDeploy, terminalPrompt, type ResumableStep } from '../../deploy';
import { UserError } from '../../errors';
import { APPROVE_OPTIONS, BASE_OPTIONS, parseCommandArgs, reportError, UsageError } from '../args';
import { configFromFlags, repeatCommand, withTarget } from '../context';
import type { CommandDeps } from '../deps';
import { EXIT_OK, type CliIo } from '../io';
import { localSandbox as sandbox } from '../local-sandbox';

export const summary = 'Deploy one environment: preflight, both sides planned and shown, one approval, both applied at once, smoke test';

const DEPLOY_OPTIONS = {
  'no-smoke': { type: 'boolean', default: false },
  target: { type: 'string' },
  from: { type: 'string' },
  once: { type: 'boolean', default: false },
  adopt: { type: 'boolean', default: false },
} as const;

/** deploy prints progress, not a plan: no --json, --markdown or --detailed-exitcode. */
const DEPLOY_BASE = { ...BASE_OPTIONS, outputs: { type: 'string' }, ...APPROVE_OPTIONS } as const;

export const DEPLOY_USAGE = `Usage: tollgate deploy [--env <name>] [--config <file>] [--yes] [--no-smoke]\
 [--from asgardeo|smoke] [--outputs <file>] [--adopt]

Deploys one environment in four steps, each with its time:
  1. preflight   configuration, terraform, AWS credentials, Asgardeo admin credentials and
                 scopes, the issuer's discovery document and its RSA keys; nothing changes before they pass
  2. plan        both sides planned at once: terraform plan of the environment's stack (saved) and the
                 Asgardeo plan, shown with who can call what; then one question for both
  3. aws + asgardeo  both applies at once, each exactly the plan shown (Terraform's saved plan; the
                 Asgardeo plan is refused, with nothing written, if the organization changed since)
  4. smoke       calls every route: no token -> 401, a token without its scopes -> 403, with them -> 2xx

  --yes, --auto-approve  approve both plans without asking (required without a terminal, e.g. CI)
  --no-smoke             skip the smoke test
  --adopt                take over what exists but is not this deploy's: AWS objects the plan would create that
                         exist already (Terraform imports them; the plan shows "N to import") and same-named
                         Asgardeo objects tollgate does not own. Without it, a plan that finds such objects
                         names them and the deploy stops before either side changes
  --from <step>          resume at asgardeo or smoke after a failure (reads the saved outputs file)
  --outputs <file>       where the stack outputs are written/read (default .tollgate/<stack>.outputs.json)
  --target local         the local sandbox: the stack is served by the local gateway. Without
                         ASGARDEO_BASE_URL it starts a local Asgardeo too and keeps serving until Ctrl-C
                         (= npm start); with it, it uses that Asgardeo (npm run asgardeo:local). With
                         TOLLGATE_LOCAL_AWS_URL too (npm run aws:local), Terraform deploys to that local
                         AWS, whose gateway serves the stack after this command ends (state in .tollgate/local/;
                         \`npx tollgate destroy --target local --yes\` removes it)
  --once                 with --target local and no ASGARDEO_BASE_URL: exit after the checks
Environment: ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET (admin M2M app); AWS credentials (AWS_PROFILE or
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); TF_CLOUD_ORGANIZATION + TF_WORKSPACE for Terraform Cloud state.
`;

export async function deployCommand(argv: string[], io: CliIo, deps: CommandDeps = {}): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, DEPLOY_OPTIONS, DEPLOY_BASE);
    if (values.help) {
      io.stdout.write(DEPLOY_USAGE);
      return EXIT_OK;
    }
    const from = values.from;
    if (from !== undefined && from !== 'asgardeo' && from !== 'smoke' && from !== 'aws')
      throw new UsageError(`--from must be aws, asgardeo or smoke, not "${from}"`);
    const cio = withTarget(values, io);
    const localTarget = !deps.runner && cio.env.TOLLGATE_TARGET === 'local';
    if (localTarget && from !== undefined)
      throw new UsageError('--from is for the aws target: the local target starts a fresh gateway, so it always runs every step');
    const localAwsVariable = localTarget ? sandbox().LOCAL_AWS_URL_VARIABLE : undefined;
    const localAwsUrl = localAwsVariable ? cio.env[localAwsVariable]?.trim() || undefined : undefined;
    if (localAwsUrl && !cio.env.ASGARDEO_BASE_URL)
      throw new UserError(
        `${localAwsVariable} keeps the deployment after this command, so its JWT issuer must outlive it too: ASGARDEO_BASE_URL is not set`,
        {
          hint:
            'start a local Asgardeo with `npm run asgardeo:local` and paste the export line it prints ' +
            `(or unset ${localAwsVariable} to run the sandbox, which starts its own)`,
        },
      );
    if (localTarget && !cio.env.ASGARDEO_BASE_URL) {
      // No Asgardeo named: the sandbox starts a local one and runs this same pipeline (`npm start`).
      const passOn = [
        ...(values.once ? ['--once'] : []),
        ...(typeof values.env === 'string' ? ['--env', values.env] : []),
        ...(typeof values.config === 'string' ? ['--config', values.config] : []),
      ];
      return await sandbox().runSandbox(passOn, io);
    }
    const loadConfig = () => configFromFlags(values, cio);
    // The target is chosen here, once: the local target serves the stack with a local gateway for as
    // long as the caller wants, or, with TOLLGATE_LOCAL_AWS_URL, deploys it to that running local AWS,
    // whose gateway serves it after this command; the aws target runs the real Terraform against AWS.
    const localInfra = localTarget
      ? await sandbox().chooseLocalInfra({
          config: loadConfig,
          outdir: sandbox().localTargetOutdir(io.cwd),
          log: (l) => io.stderr.write(`gateway: ${l}\n`),
          environment: cio.env,
          projectDir: io.cwd,
          localAwsUrl,
        })
      : undefined;
    if (localInfra) io.stdout.write(`${localInfra.message}\n`);
    const runner = deps.runner ?? localInfra?.runner ?? awsRunner({ cwd: io.cwd, env: cio.env });
    const outputsFlag = typeof values.outputs === 'string' ? path.resolve(io.cwd, values.outputs) : undefined;
    try {
      const result = await runDeploy({
        loadConfig,
        runner,
        side: deps.side ?? reconcilerSide({ env: cio.env }),
        env: cio.env,
        cwd: io.cwd,
        // The local target changes nothing outside this machine: no approval to ask for.
        yes: values.yes === true || localInfra !== undefined,
        interactive: deps.interactive ?? isInteractive(process.stdin, io.stdout),
        prompt: deps.prompt ?? terminalPrompt(process.stdin, process.stderr),
        smoke: values['no-smoke'] !== true,
        from: from === 'aws' ? undefined : (from as ResumableStep | undefined),
        adopt: values.adopt === true,
        outputsFile: outputsFlag,
        ...(localInfra ? { planDetail: 'summary' as const, discoveryFix: LOCAL_DISCOVERY_FIX } : {}),
        // A local run starts a fresh gateway, so it resumes from the start.
        resumeCommand: (step) => `${repeatCommand('deploy', values)}${step && !localInfra ? ` --from ${step}` : ''}`,
        write: (t) => io.stdout.write(t),
        home: deps.home,
        fetch: deps.fetch,
        smokeOptions: deps.smokeOptions,
        signal: io.signal,
      });
      await deps.onDeployed?.(result);
    } finally {
      // Only what this command built: a runner the caller passed is the caller's to close.
      if (!deps.runner) await runner.close();
    }
    return EXIT_OK;
  } catch (err) {
    return reportError('deploy', err, io, DEPLOY_USAGE);
  }
}

/** The local Asgardeo's discovery failed: how to start one. */
const LOCAL_DISCOVERY_FIX =
  'start the local Asgardeo (`npm run asgardeo:local`) and set ASGARDEO_BASE_URL to the URL it prints (or run `npm start`)';

export function run(argv: string[], io: CliIo): Promise<number> {
  return deployCommand(argv, io);
}
