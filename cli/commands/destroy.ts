import { destroyAsgardeo, planHasChanges, renderPlan } from '../../asgardeo';
import { defaultInfraRunner, isInteractive, reconcilerSide, runDestroy, terminalPrompt } from '../../deploy';
import { formatFromFlags, parseCommandArgs, reportError, UsageError, useColor } from '../args';
import { configFromFlags, reconcileOptions, repeatCommand, stackOutputsFile } from '../context';
import type { CommandDeps } from '../deps';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, type CliIo } from '../io';
import { PLAN_OPTIONS } from './plan';

export const summary = 'Delete the Asgardeo objects this stack owns (never users, never objects it does not own), then the AWS stack';

const USAGE =
  'Usage: tollgate destroy --yes [--env <name>] [--config <file>] [--outputs <file>] ' +
  `[--asgardeo-only [--json | --markdown] [--detailed-exitcode]]

  For the aws target, the AWS stack is destroyed next (\`cdktf destroy\`); on a terminal destroy asks first.
  --asgardeo-only        only the Asgardeo objects (always so for the local target)
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
    if (!values['asgardeo-only'] && configFromFlags(values, io).target === 'aws') return await combinedDestroyCommand(argv, io);
    if (!values.yes) {
      io.stderr.write('tollgate destroy: this deletes the Asgardeo objects of this stack; add --yes to confirm\n');
      return EXIT_ERROR;
    }
    const result = await destroyAsgardeo(reconcileOptions(values, io));
    io.stdout.write(renderPlan(result.plan, format, { color: format === 'text' && useColor(io, values) }));
    return values['detailed-exitcode'] && planHasChanges(result.plan) ? EXIT_CHANGES : EXIT_OK;
  } catch (err) {
    return reportError('destroy', err, io, USAGE);
  }
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
