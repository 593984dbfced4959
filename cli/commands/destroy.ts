import { destroyAsgardeo, planHasChanges, renderPlan } from '../../asgardeo';
import { combinedDestroyCommand } from '../../deploy/command';
import { configFromFlags, formatFromFlags, parseCommandArgs, RECONCILE_OPTIONS, reportError, useColor } from '../args';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, type CliIo } from '../io';
import { reconcileOptionsFromFlags } from '../reconcile-command';

export const summary = 'Delete the Asgardeo objects this stack owns (never users, never objects it does not own), then the AWS stack';

const USAGE = `Usage: tollgate destroy --yes [--env <name>] [--config <file>] [--outputs <file>] [--json | --markdown]

  For the aws target, the AWS stack is destroyed next (\`cdktf destroy\`); on a terminal destroy asks first.
  --asgardeo-only        only the Asgardeo objects (always so for the local target)
  --yes                  required without a terminal: destroy deletes the API resource, the client applications (and their
                         roles) and the organization roles tollgate created for this stack
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, { ...RECONCILE_OPTIONS, 'asgardeo-only': { type: 'boolean', default: false } });
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
    const result = await destroyAsgardeo(reconcileOptionsFromFlags(values, io));
    io.stdout.write(renderPlan(result.plan, format, { color: format === 'text' && useColor(io) }));
    return values['detailed-exitcode'] && planHasChanges(result.plan) ? EXIT_CHANGES : EXIT_OK;
  } catch (err) {
    return reportError('destroy', err, io, USAGE);
  }
}
