import { UserError } from '../errors';

/** One thing wrong with the configuration: where, what, and how to fix it. */
export interface ConfigIssue {
  /** Dotted path into the configuration, e.g. `routes[1].scopes[0]`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

export class ConfigError extends UserError {
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[], environment?: string) {
    const where = environment ? `${file} (environment "${environment}")` : file;
    const lines = issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}\n    fix: ${i.fix}`);
    super(`Configuration ${where} is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.issues = issues;
  }
}

export function formatPath(segments: readonly (string | number)[]): string {
  return segments.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}
