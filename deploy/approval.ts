import { UserError } from '../errors';
import * as readline from 'node:readline';

/** Asks one yes/no question on a terminal; resolves to the answer text. */
export type Prompt = (question: string) => Promise<string>;

export interface ApprovalOptions {
  /** `--yes`: approve without asking. */
  yes: boolean;
  /** Whether a person can answer (stdin and stdout are terminals). */
  interactive: boolean;
  prompt: Prompt;
  /** What is about to happen, e.g. `deploy pharmacy-user-api-dev to AWS`. */
  action: string;
  /** The flag to name when refusing, e.g. `tollgate deploy --env dev --yes`. */
  rerunWithYes: string;
}

/** No terminal and no `--yes`: nobody can approve, so nothing changes. */
export class ApprovalRefused extends UserError {
  constructor(message: string, hint: string) {
    super(message, { hint: hint || undefined });
  }
}

/** Resolves when approved; throws ApprovalRefused when declined or when nobody can be asked. */
export async function requireApproval(o: ApprovalOptions): Promise<'flag' | 'prompt'> {
  if (o.yes) return 'flag';
  if (!o.interactive) {
    throw new ApprovalRefused(
      `Refusing to ${o.action}: no terminal to ask for approval and --yes was not given.`,
      `review \`npx tollgate plan\` first, then run \`${o.rerunWithYes}\` (in CI, only on the branch that deploys)`,
    );
  }
  const answer = (await o.prompt(`Do you want to ${o.action}? Only "yes" is accepted: `)).trim().toLowerCase();
  if (answer !== 'yes') throw new ApprovalRefused(`Not approved (answer "${answer}"): nothing was changed.`, '');
  return 'prompt';
}

/** The terminal prompt used by the CLI. */
export function terminalPrompt(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Prompt {
  return (question) =>
    new Promise((resolve) => {
      const rl = readline.createInterface({ input, output, terminal: true });
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      });
      rl.once('close', () => resolve(''));
    });
}

/** A person can answer only when both stdin and stdout are terminals. */
export function isInteractive(stdin: { isTTY?: boolean } = process.stdin, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return Boolean(stdin.isTTY && stdout.isTTY);
}
