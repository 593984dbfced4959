import * as path from 'node:path';
import { checkOutputsMatch, planAsgardeo, planHasChanges, renderPlan } from '../../asgardeo';
import { awsRunner, checkPlanPrerequisites, OFFLINE_VARIABLE, planExitCode, reconcilerSide, renderPlanReport, runPlan } from '../../deploy';
import { formatFromFlags, parseCommandArgs, RECONCILE_OPTIONS, reportError, useColor } from '../args';
import { configFromFlags, reconcileOptions, stackOutputsFile } from '../context';
import type { CommandDeps } from '../deps';
import { EXIT_CHANGES, EXIT_OK, type CliIo } from '../io';

export const summary = 'Show what a deploy would change: AWS (terraform plan) and Asgardeo, with who can call what (no writes)';

const USAGE = `Usage: tollgate plan [--env <name>] [--config <file>] [--outputs <file>] [--prune] [--adopt]\
 [--json | --markdown] [--detailed-exitcode] [--asgardeo-only]

  For the aws target: Terraform's saved plan (JSON) plus the Asgardeo plan in one report, with the access matrix (route ->
  scopes -> clients and roles) and the issuer/audience checks across both sides (see docs/deploy.md).
  --asgardeo-only        only the Asgardeo plan (no Terraform needed); always so for the local target

  --outputs <file>       the AWS stack's outputs (cdktf --outputs-file JSON or \`terraform output -json\`), cross-checked
                         (stack, region, issuer); optional: the API identifier comes from the configuration;
                         \`--outputs none\` uses none (not even the file a deploy saved)
  --prune                also list owned objects no longer in the configuration (deleted by apply --prune)
  --adopt                plan taking over same-named Asgardeo objects tollgate does not own, and importing AWS
                         objects the Terraform plan would create that exist already (without it the plan lists them)
  --target aws|local     local: the local Asgardeo (http issuer); same as TOLLGATE_TARGET=local
  --detailed-exitcode    exit 0 no changes, 2 changes or conflicts (apply would refuse those), 1 error
Environment: ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET (admin M2M app), ASGARDEO_BASE_URL
`;

/** Flags of `plan` (and `destroy`): the reconciler's, plus --asgardeo-only. */
export const PLAN_OPTIONS = { ...RECONCILE_OPTIONS, 'asgardeo-only': { type: 'boolean', default: false } } as const;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, PLAN_OPTIONS);
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const format = formatFromFlags(values);
    if (!values['asgardeo-only'] && configFromFlags(values, io).target === 'aws') return await combinedPlanCommand(argv, io);
    const plan = await planAsgardeo(reconcileOptions(values, io));
    io.stdout.write(renderPlan(plan, format, { color: format === 'text' && useColor(io, values) }));
    return values['detailed-exitcode'] && planHasChanges(plan) ? EXIT_CHANGES : EXIT_OK;
  } catch (err) {
    return reportError('plan', err, io, USAGE);
  }
}

/**
 * `tollgate plan` across both sides: Terraform's saved plan (read as JSON) plus the reconciler's plan, the access matrix and
 * the issuer/audience checks. Outputs come from --outputs, else the file the last deploy saved.
 */
export async function combinedPlanCommand(argv: string[], io: CliIo, deps: CommandDeps = {}): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, PLAN_OPTIONS);
    const format = formatFromFlags(values);
    const config = configFromFlags(values, io);
    const side = deps.side ?? reconcilerSide({ env: io.env });
    const outputsFile = stackOutputsFile(values, io, { config });
    const outputs = outputsFile ? checkOutputsMatch(side.readStackOutputs(outputsFile, config), config, outputsFile) : undefined;
    const outdir = path.resolve(io.cwd, io.env.CDKTF_OUTDIR ?? 'cdktf.out');
    const runner = deps.runner ?? awsRunner({ cwd: io.cwd, env: io.env });
    const report = await (async () => {
      // An offline plan (dummy credentials, no AWS call) needs no AWS credentials.
      const awsCredentials = !['1', 'true'].includes(io.env[OFFLINE_VARIABLE] ?? '');
      const credentials = await checkPlanPrerequisites({ config, runner, side, env: io.env, home: deps.home, awsCredentials });
      return runPlan({
        config,
        runner,
        side,
        credentials,
        outputs,
        prune: values.prune === true,
        adopt: values.adopt === true,
        stackDir: path.join(outdir, 'stacks', config.stackName),
        // Terraform's own progress goes to stderr so stdout stays a clean report (PR comment, JSON).
        onOutput: (t) => io.stderr.write(t),
        signal: io.signal,
      });
    })().finally(() => (deps.runner ? undefined : runner.close()));
    io.stdout.write(renderPlanReport(report, format));
    for (const p of report.problems) io.stderr.write(`tollgate plan: problem: ${p}\n`);
    return planExitCode(report, values['detailed-exitcode'] === true);
  } catch (err) {
    return reportError('plan', err, io);
  }
}
