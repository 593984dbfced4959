import { destroyAsgardeo, planHasChanges, renderPlan } from '../../asgardeo';
import { awsRunner, isInteractive, reconcilerSide, runDestroy, terminalPrompt } from '../../deploy';
import { formatFromFlags, parseCommandArgs, reportError, UsageError, useColor } from '../args';
import { configFromFlags, reconcileOptions, repeatCommand, stackOutputsFile, withTarget, type ContextFlags } from '../context';
import type { CommandDeps } from '../deps';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, type CliIo } from '../io';
import { localSandbox } from '../local-sandbox';
import { PLAN_OPTIONS } from './plan';

export const summary = 'Delete the Asgardeo objects this stack owns (never users, never objects it does not own), then the AWS stack';

const USAGE =
  'Usage: tollgate destroy --yes [--env <name>] [--config <file>] [--outputs <file>] ' +
  `[--asgardeo-only [--json | --markdown] [--detailed-exitcode]]

  For the aws target, the AWS stack is destroyed next (a Terraform destroy plan, applied); on a terminal destroy asks first.
  For the local target with TOLLGATE_LOCAL_AWS_URL (a running \`npm run aws:local\`), the stack deployed
  there is destroyed next: a Terraform destroy plan, applied, against the state in .tollgate/local/.
  Without it there is no local AWS side to destroy: the process that deployed it destroyed it when it stopped.
  --asgardeo-only        only the Asgardeo objects
  --yes, --auto-approve  required without a terminal: destroy deletes the API resource, the client applications (and their
                         roles) and the organization roles tollgate created for this stack
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, PLAN_OPTIONS);
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const format = formatFromFlags(values);
    const target = values['asgardeo-only'] ? undefined : configFromFlags(values, io).target;
    if (target === 'aws') return await combinedDestroyCommand(argv, io);
    if (!values.yes) {
      io.stderr.write('tollgate destroy: this deletes the Asgardeo objects of this stack; add --yes to confirm\n');
      return EXIT_ERROR;
    }
    // A running `npm run aws:local` named: checked before anything is deleted, then both sides as for AWS.
    const localAws = target === 'local' ? await localAwsOf(values, io) : undefined;
    if (localAws) {
      try {
        return await combinedDestroyCommand(argv, io, { runner: localAws.runner });
      } finally {
        await localAws.runner.close();
      }
    }
    const result = await destroyAsgardeo(reconcileOptions(values, io));
    io.stdout.write(renderPlan(result.plan, format, { color: format === 'text' && useColor(io, values) }));
    if (target === 'local') io.stderr.write(`AWS side (local target): nothing to destroy here: ${NO_LOCAL_AWS}\n`);
    return values['detailed-exitcode'] && planHasChanges(result.plan) ? EXIT_CHANGES : EXIT_OK;
  } catch (err) {
    return reportError('destroy', err, io, USAGE);
  }
}

/** Why the local target has no AWS side for this command to destroy, and how to get one it does. */
const NO_LOCAL_AWS =
  'a local AWS control plane started by `npm start` or `npx tollgate deploy --target local` is destroyed through ' +
  'Terraform by that process when it stops. For a local AWS that outlives the deploy and that this command destroys, ' +
  'run `npm run aws:local` and export TOLLGATE_LOCAL_AWS_URL as it prints before deploying.';

/** The running `npm run aws:local` TOLLGATE_LOCAL_AWS_URL names, ready to destroy through Terraform; undefined when unset. */
async function localAwsOf(values: ContextFlags, io: CliIo) {
  const sandbox = localSandbox();
  const url = io.env[sandbox.LOCAL_AWS_URL_VARIABLE]?.trim();
  if (!url) return undefined;
  const cio = withTarget(values, io);
  return sandbox.externalLocalInfra({
    config: () => configFromFlags(values, cio),
    outdir: sandbox.localTargetOutdir(io.cwd),
    log: (l) => io.stderr.write(`gateway: ${l}\n`),
    environment: cio.env,
    projectDir: io.cwd,
    localAwsUrl: url,
  });
}

/** `tollgate destroy` across both sides: the owned Asgardeo objects, then the AWS stack (Terraform, or the given runner). */
export async function combinedDestroyCommand(argv: string[], io: CliIo, deps: CommandDeps = {}): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, PLAN_OPTIONS);
    const report = (['json', 'markdown', 'detailed-exitcode'] as const).find((f) => values[f]);
    if (report)
      throw new UsageError(
        `--${report} is for \`destroy --asgardeo-only\` (and the local target without a local AWS), ` +
          'which prints the Asgardeo plan; this destroy prints progress',
      );
    const config = configFromFlags(values, io);
    const side = deps.side ?? reconcilerSide({ env: io.env });
    const outputsFile = stackOutputsFile(values, io, { config });
    const runner = deps.runner ?? awsRunner({ cwd: io.cwd, env: io.env });
    try {
      await runDestroy({
        config,
        runner,
        side,
        credentials: side.credentialsFromEnv(io.env),
        outputs: outputsFile ? side.readStackOutputs(outputsFile, config) : undefined,
        yes: values.yes === true,
        interactive: deps.interactive ?? isInteractive(process.stdin, io.stdout),
        prompt: deps.prompt ?? terminalPrompt(process.stdin, process.stderr),
        command: repeatCommand('destroy', values),
        write: (t) => io.stdout.write(t),
        signal: io.signal,
      });
    } finally {
      if (!deps.runner) await runner.close();
    }
    return EXIT_OK;
  } catch (err) {
    return reportError('destroy', err, io, USAGE);
  }
}
