/**
 * The filter language the management and SCIM APIs share: `attr op value` terms joined by
 * `and` / `or` (and binds tighter). Values may be double-quoted; unquoted values run up to the
 * next ` and ` / ` or `, so `name eq Pharmacy User API` works as it does on the real server.
 */
export type FilterOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew';

export interface FilterTerm {
  readonly attribute: string;
  readonly op: FilterOp;
  readonly value: string;
}

/** Disjunction of conjunctions. */
export type ParsedFilter = readonly (readonly FilterTerm[])[];

/**
 * What `or` does in one API's filter: `allow` (a disjunction), `refuse` (a FilterSyntaxError with
 * `orRefused`, which each API turns into its own status), or `as-and` (the API-resource service
 * silently reads it as `and`).
 */
export type OrHandling = 'allow' | 'refuse' | 'as-and';

export interface FilterRules {
  readonly attributes: readonly string[];
  readonly ops: readonly FilterOp[];
  readonly or: OrHandling;
  /**
   * Applied to the whole expression before parsing: the application service's tokenizer drops
   * characters it does not know (see `applicationFilterTokens`).
   */
  readonly tokenize?: (expression: string) => string;
}

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    /** True when the expression was refused only because it used `or`. */
    readonly orRefused = false,
  ) {
    super(message);
  }
}

/**
 * The application list's filter tokenizer (identity-api-server's FilterTreeBuilder): characters
 * outside `[A-Za-z0-9@:_\-+.*\/]` are silently dropped (quotes included), runs of white space
 * become one space. A name holding such a character can then never be found by `eq`.
 */
export function applicationFilterTokens(expression: string): string {
  return expression
    .replace(/[^A-Za-z0-9@:_\-+.*/\s]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseFilter(expression: string, rules: FilterRules): ParsedFilter {
  const text = rules.tokenize ? rules.tokenize(expression) : expression.trim();
  const tokens = splitOutsideQuotes(text);
  const groups: FilterTerm[][] = [[]];
  for (const token of tokens) {
    if (token === 'or') {
      if (rules.or === 'refuse') throw new FilterSyntaxError(`The 'or' operator is not supported in this filter: '${expression}'.`, true);
      if (rules.or === 'allow') groups.push([]);
    } else if (token !== 'and') {
      groups[groups.length - 1]!.push(parseTerm(token, rules));
    }
  }
  if (groups.some((g) => g.length === 0)) throw new FilterSyntaxError(`Incomplete filter expression: '${expression}'.`);
  return groups;
}

function parseTerm(text: string, rules: FilterRules): FilterTerm {
  const match = /^(\S+)\s+(\S+)\s+(.+)$/s.exec(text.trim());
  if (!match) throw new FilterSyntaxError(`Invalid filter term '${text}': expected '<attribute> <operator> <value>'.`);
  const [, attribute, rawOp, rawValue] = match as unknown as [string, string, string, string];
  const op = rawOp.toLowerCase() as FilterOp;
  if (!rules.ops.includes(op)) throw new FilterSyntaxError(`Unsupported filter operator '${rawOp}'; supported: ${rules.ops.join(', ')}.`);
  if (!rules.attributes.includes(attribute)) {
    throw new FilterSyntaxError(`Filtering on '${attribute}' is not supported; supported attributes: ${rules.attributes.join(', ')}.`);
  }
  let value = rawValue.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  return { attribute, op, value };
}

/** Splits into terms and the words `and` / `or`, never inside double quotes. */
function splitOutsideQuotes(expression: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  const words = expression.split(/(\s+)/);
  for (const word of words) {
    const quotes = (word.match(/"/g) ?? []).length;
    const lower = word.toLowerCase();
    if (!quoted && (lower === 'and' || lower === 'or') && current.trim().split(/\s+/).length >= 3) {
      parts.push(current.trim(), lower);
      current = '';
      continue;
    }
    current += word;
    if (quotes % 2 === 1) quoted = !quoted;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function matchTerm(term: FilterTerm, actual: string | readonly string[] | undefined): boolean {
  const values = actual === undefined ? [] : typeof actual === 'string' ? [actual] : actual;
  const test = (v: string): boolean => {
    switch (term.op) {
      case 'eq':
        return v === term.value;
      case 'ne':
        return v !== term.value;
      case 'co':
        return v.includes(term.value);
      case 'sw':
        return v.startsWith(term.value);
      case 'ew':
        return v.endsWith(term.value);
    }
  };
  if (term.op === 'ne') return values.every(test);
  return values.some(test);
}

/** `read` returns the attribute's value(s) on one item. */
export function matchesFilter(
  filter: ParsedFilter | undefined,
  read: (attribute: string) => string | readonly string[] | undefined,
): boolean {
  if (!filter) return true;
  return filter.some((group) => group.every((term) => matchTerm(term, read(term.attribute))));
}
