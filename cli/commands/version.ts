import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../package-root';
import { BASE_OPTIONS, parseCommandArgs, reportError } from '../args';
import { EXIT_OK, type CliIo } from '../io';

export const summary = 'Print the tollgate version (also `npx tollgate --version`)';

const USAGE = `Usage: tollgate version [--json]

Prints the version of tollgate and of Node.js it runs on; --json prints {"tollgate","node"}.
`;

/** The version in the package.json beside cli/ (the one the running code came with). */
export function tollgateVersion(): string {
  const file = path.join(packageRoot(), 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } }, BASE_OPTIONS);
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const version = tollgateVersion();
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ tollgate: version, node: process.versions.node })}\n`
        : `tollgate v${version}\non node v${process.versions.node}\n`,
    );
    return EXIT_OK;
  } catch (err) {
    return reportError('version', err, io, USAGE);
  }
}
