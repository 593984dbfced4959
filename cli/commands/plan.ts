import { planAsgardeo, planHasChanges, renderPlan } from '../../asgardeo';
import { formatFromFlags, parseCommandArgs, RECONCILE_OPTIONS, reportError, useColor } from '../args';
import { EXIT_CHANGES, EXIT_OK, type CliIo } from '../io';
import { reconcileOptionsFromFlags } from '../reconcile-command';

export const summary = 'Show what `apply` would change in Asgardeo (no writes)';

const USAGE = `Usage: tollgate plan [--env <name>] [--config <file>] [--outputs <file>] [--prune] [--adopt] [--json | --markdown] [--detailed-exitcode]

  --outputs <file>       the AWS stack's outputs (cdktf --outputs-file JSON or \`terraform output -json\`);
                         without it the API identifier shows as "(known after AWS deploy)"
  --prune                also list owned objects no longer in the configuration (deleted by apply --prune)
  --adopt                plan taking over same-named objects tollgate does not own
  --detailed-exitcode    exit 0 no changes, 2 changes, 1 error
Environment: ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET (admin M2M app), ASGARDEO_BASE_URL
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, RECONCILE_OPTIONS);
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const format = formatFromFlags(values);
    const plan = await planAsgardeo(reconcileOptionsFromFlags(values, io));
    io.stdout.write(renderPlan(plan, format, { color: format === 'text' && useColor(io) }));
    return values['detailed-exitcode'] && planHasChanges(plan) ? EXIT_CHANGES : EXIT_OK;
  } catch (err) {
    return reportError('plan', err, io, USAGE);
  }
}
