import { planAsgardeo, planHasChanges, renderPlan } from '../../asgardeo';
import { combinedPlanCommand } from '../../deploy/command';
import { configFromFlags, formatFromFlags, parseCommandArgs, RECONCILE_OPTIONS, reportError, useColor } from '../args';
import { EXIT_CHANGES, EXIT_OK, type CliIo } from '../io';
import { reconcileOptionsFromFlags } from '../reconcile-command';

export const summary = 'Show what a deploy would change: AWS (cdktf diff) and Asgardeo, with who can call what (no writes)';

const USAGE = `Usage: tollgate plan [--env <name>] [--config <file>] [--outputs <file>] [--prune] [--adopt] [--json | --markdown] [--detailed-exitcode] [--asgardeo-only]

  For the aws target: \`cdktf diff\` plus the Asgardeo plan in one report, with the access matrix (route ->
  scopes -> clients and roles) and the issuer/audience checks across both sides (see docs/deploy.md).
  --asgardeo-only        only the Asgardeo plan (no Terraform needed); always so for the local target

  --outputs <file>       the AWS stack's outputs (cdktf --outputs-file JSON or \`terraform output -json\`);
                         without it the API identifier shows as "(known after AWS deploy)"
  --prune                also list owned objects no longer in the configuration (deleted by apply --prune)
  --adopt                plan taking over same-named objects tollgate does not own
  --detailed-exitcode    exit 0 no changes, 2 changes, 1 error
Environment: ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET (admin M2M app), ASGARDEO_BASE_URL
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, { ...RECONCILE_OPTIONS, 'asgardeo-only': { type: 'boolean', default: false } });
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const format = formatFromFlags(values);
    if (!values['asgardeo-only'] && configFromFlags(values, io).target === 'aws') return await combinedPlanCommand(argv, io);
    const plan = await planAsgardeo(reconcileOptionsFromFlags(values, io));
    io.stdout.write(renderPlan(plan, format, { color: format === 'text' && useColor(io) }));
    return values['detailed-exitcode'] && planHasChanges(plan) ? EXIT_CHANGES : EXIT_OK;
  } catch (err) {
    return reportError('plan', err, io, USAGE);
  }
}
