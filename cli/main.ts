import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT_ERROR, EXIT_OK, type CliCommand, type CliIo } from './io';

export const COMMANDS_DIR = path.join(__dirname, 'commands');

/** Command names = file names in `cli/commands/`, so a new command is one new file. */
export function listCommands(dir: string = COMMANDS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^[a-z][a-z0-9-]*\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.(ts|js)$/, ''))
    .filter((name, i, all) => all.indexOf(name) === i)
    .sort();
}

export function loadCommand(name: string, dir: string = COMMANDS_DIR): CliCommand {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(dir, name)) as Partial<CliCommand> & { default?: Partial<CliCommand> };
  const cmd = typeof mod.run === 'function' ? mod : mod.default;
  if (!cmd || typeof cmd.run !== 'function' || typeof cmd.summary !== 'string') {
    throw new Error(`cli/commands/${name} must export { summary: string; run(argv, io): Promise<number> }`);
  }
  return cmd as CliCommand;
}

export function usage(dir: string = COMMANDS_DIR): string {
  const names = listCommands(dir);
  const width = Math.max(8, ...names.map((n) => n.length));
  const lines = names.map((n) => {
    let summary: string;
    try {
      summary = loadCommand(n, dir).summary;
    } catch (err) {
      summary = `(cannot load: ${(err as Error).message.split('\n')[0]})`;
    }
    return `  ${n.padEnd(width)}  ${summary}`;
  });
  return [
    'Usage: tollgate <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Common options: --env <name>  --config <file>  --no-color  --help',
    'Run `npx tollgate <command> --help` for the options of one command; `npx tollgate --version` for the version.',
    "Terraform's spellings work too: -detailed-exitcode, -auto-approve (= --yes), -no-color.",
    '',
  ].join('\n');
}

const VERSION_FLAGS = new Set(['--version', '-version', '-v']);

export async function main(argv: string[], io: CliIo, dir: string = COMMANDS_DIR): Promise<number> {
  const [given, ...rest] = argv;
  // Terraform's and most CLIs' spellings of the version flag run the `version` command.
  const name = given && VERSION_FLAGS.has(given) ? 'version' : given;
  if (!name || name === '--help' || name === '-h' || name === '-help' || name === 'help') {
    io.stdout.write(usage(dir));
    return name ? EXIT_OK : EXIT_ERROR;
  }
  const names = listCommands(dir);
  if (!names.includes(name)) {
    const hint = name.startsWith('-') ? ` (flags go after the command: npx tollgate <command> ${name})` : '';
    io.stderr.write(`tollgate: unknown command "${name}"${hint}. Known commands: ${names.join(', ')}\n\n${usage(dir)}`);
    return EXIT_ERROR;
  }
  return loadCommand(name, dir).run(rest, io);
}
