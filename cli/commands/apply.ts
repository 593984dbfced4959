import * as path from 'node:path';
import { applyAsgardeo, asgardeoOutputsPath, planHasChanges, renderPlan, writeAsgardeoOutputs } from '../../asgardeo';
import { formatFromFlags, parseCommandArgs, RECONCILE_OPTIONS, reportError, useColor } from '../args';
import { EXIT_CHANGES, EXIT_OK, type CliIo } from '../io';
import { reconcileOptions } from '../context';

export const summary = 'Make Asgardeo match the configuration (API resource, clients, roles, users)';

const USAGE = `Usage: tollgate apply [--env <name>] [--config <file>] [--outputs <file>] [--prune --yes] [--adopt]\
 [--outputs-out <file>] [--json | --markdown] [--detailed-exitcode]

  --outputs <file>       the AWS stack's outputs (optional; cross-checked: stack, region, issuer); \`none\`: no file
  --target aws|local     local: the local Asgardeo (http issuer); same as TOLLGATE_TARGET=local
  --prune                delete objects this stack owns that are no longer configured (needs --yes)
  --adopt                take over same-named objects tollgate does not own
  --outputs-out <file>   where to write issuer, token endpoint, audience, API resource id and client ids
                         (default .tollgate/<stack>.asgardeo.json; never a secret)
  --detailed-exitcode    exit 0 nothing changed, 2 changes applied, 1 error
Environment: ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET (admin M2M app), ASGARDEO_BASE_URL
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, { ...RECONCILE_OPTIONS, 'outputs-out': { type: 'string' } });
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const format = formatFromFlags(values);
    if (values.prune && !values.yes) {
      io.stderr.write('tollgate apply: --prune deletes objects; run `npx tollgate plan --prune` to review them, then add --yes\n');
      return 1;
    }
    const options = reconcileOptions(values, io);
    const result = await applyAsgardeo(options);
    io.stdout.write(renderPlan(result.plan, format, { color: format === 'text' && useColor(io, values) }));
    const file =
      typeof values['outputs-out'] === 'string' ? path.resolve(io.cwd, values['outputs-out']) : asgardeoOutputsPath(options.config, io.cwd);
    writeAsgardeoOutputs(file, result.outputs);
    io.stderr.write(
      `Applied: ${result.stats.writes} write(s), ${result.stats.requests} request(s)${lostAnswersNote(result.stats.lostAnswers)}. ` +
        `Outputs written to ${path.relative(io.cwd, file) || file}\n`,
    );
    return values['detailed-exitcode'] && planHasChanges(result.plan) ? EXIT_CHANGES : EXIT_OK;
  } catch (err) {
    return reportError('apply', err, io, USAGE);
  }
}

/** Lost answers were recovered (a create re-read and found, another write repeated); the count says why the server may have seen more. */
function lostAnswersNote(lost: number): string {
  return lost ? ` (${lost} answer(s) lost in transit, recovered by re-reading or repeating the write)` : '';
}
