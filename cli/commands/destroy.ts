import { destroyAsgardeo, planHasChanges, renderPlan } from '../../asgardeo';
import { defaultInfraRunner, isInteractive, reconcilerSide, runDestroy, terminalPrompt } from '../../deploy';
import { UserError } from '../../errors';
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

  For the aws target, the AWS stack is destroyed next (\`cdktf destroy\`); on a terminal destroy asks first.
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
    // Checked before anything is deleted: a local AWS named but unusable fails with its fix.
    const localAws = target === 'local' ? await localAwsOf(values, io) : undefined;
    try {
      const result = await destroyAsgardeo(reconcileOptions(values, io));
      io.stdout.write(renderPlan(result.plan, format, { color: format === 'text' && useColor(io, values) }));
      if (target === 'local') await destroyLocalAws(localAws, values, io);
      return values['detailed-exitcode'] && planHasChanges(result.plan) ? EXIT_CHANGES : EXIT_OK;
    } finally {
      await localAws?.runner.stop();
    }
  } catch (err) {
    return reportError('destroy', err, io, USAGE);
  }
}

type LocalAws = Awaited<ReturnType<ReturnType<typeof localSandbox>['externalLocalInfra']>>;

/** The running `npm run aws:local` TOLLGATE_LOCAL_AWS_URL names, ready to destroy through Terraform; undefined when unset. */
async function localAwsOf(values: ContextFlags, io: CliIo): Promise<LocalAws | undefined> {
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

/** The AWS side of the local target: a Terraform destroy against the named local AWS, or where the AWS side went. */
async function destroyLocalAws(localAws: LocalAws | undefined, values: ContextFlags, io: CliIo): Promise<void> {
  const variable = localSandbox().LOCAL_AWS_URL_VARIABLE;
  if (!localAws) {
    io.stderr.write(
      'AWS side (local target): nothing to destroy here: a local AWS control plane started by `npm start` or ' +
        '`npx tollgate deploy --target local` is destroyed through Terraform by that process when it stops. ' +
        `For a local AWS that outlives the deploy and that this command destroys, run \`npm run aws:local\` and export ` +
        `${variable} as it prints before deploying.\n`,
    );
    return;
  }
  const config = configFromFlags(values, io);
  const started = performance.now();
  io.stderr.write(`AWS side (local target): Terraform destroy of ${config.stackName} in the local AWS at ${io.env[variable]?.trim()}\n`);
  try {
    await localAws.runner.destroy({
      stack: config.stackName,
      environment: config.environment,
      configFile: config.file,
      autoApprove: true,
      onOutput: (t) => io.stderr.write(t),
      signal: io.signal,
    });
  } catch (err) {
    throw new UserError(
      `the Asgardeo objects are deleted, but the Terraform destroy in the local AWS failed: ` +
        `${err instanceof Error ? err.message : String(err)}`,
      { hint: `fix the problem above, then run \`${repeatCommand('destroy', values)} --yes\` (it skips what is already gone)` },
    );
  }
  io.stderr.write(`  ✓ done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** `tollgate destroy` across both sides: the owned Asgardeo objects, then `cdktf destroy`. */
export async function combinedDestroyCommand(argv: string[], io: CliIo, deps: CommandDeps = {}): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, PLAN_OPTIONS);
    const report = (['json', 'markdown', 'detailed-exitcode'] as const).find((f) => values[f]);
    if (report)
      throw new UsageError(
        `--${report} is for \`destroy --asgardeo-only\` (and the local target), ` +
          'which prints the Asgardeo plan; this destroy prints progress',
      );
    const config = configFromFlags(values, io);
    const side = deps.side ?? reconcilerSide({ env: io.env });
    const outputsFile = stackOutputsFile(values, io, { config });
    const aws = deps.runner ? undefined : defaultInfraRunner({ cwd: io.cwd, env: io.env });
    try {
      await runDestroy({
        config,
        runner: deps.runner ?? aws!,
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
      await aws?.dispose?.();
    }
    return EXIT_OK;
  } catch (err) {
    return reportError('destroy', err, io, USAGE);
  }
}
