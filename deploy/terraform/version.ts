/**
 * Versions and version constraints in Terraform's syntax (`>= 5.100, < 7`, `~> 6.0`, `6.25.0`):
 * what the locator checks `terraform` against and what tests check the provider constraint with.
 * Pre-release versions only match constraints that name them exactly, as in Terraform.
 */

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease?: string;
}

type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~>';

interface Clause {
  readonly op: Operator;
  readonly version: Version;
  /** How many parts were written (`~> 6.0` has 2): `~>` allows the last one written to grow. */
  readonly parts: number;
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;
const CLAUSE = /^(=|!=|>=|<=|>|<|~>)?\s*(\S+)$/;

export function parseVersion(text: string): Version {
  const m = VERSION.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a version (expected e.g. 1.11.4)`);
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), ...(m[4] ? { prerelease: m[4] } : {}) };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

export function compareVersions(a: Version, b: Version): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d !== 0) return Math.sign(d);
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

/** SemVer's order of pre-release tags: dot-separated identifiers, numeric ones by value (rc.9 < rc.10), numbers before words. */
function comparePrerelease(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    const d = pn && qn ? Number(p) - Number(q) : pn ? -1 : qn ? 1 : p < q ? -1 : p > q ? 1 : 0;
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** A parsed constraint; `matches` answers whether a version satisfies every clause. */
export class VersionConstraint {
  readonly text: string;
  private readonly clauses: readonly Clause[];

  private constructor(text: string, clauses: readonly Clause[]) {
    this.text = text;
    this.clauses = clauses;
  }

  static parse(text: string): VersionConstraint {
    const parts = text.split(',').map((p) => p.trim());
    if (parts.some((p) => p === '')) throw new Error(`version constraint "${text}" has an empty clause`);
    const clauses = parts.map((part): Clause => {
      const m = CLAUSE.exec(part);
      const version = m?.[2];
      if (!m || !version || !VERSION.test(version))
        throw new Error(`version constraint "${text}": "${part}" is not an operator and a version (e.g. ">= 5.100")`);
      const written = version.replace(/^v/, '').split('-')[0]!.split('.').length;
      return { op: (m[1] ?? '=') as Operator, version: parseVersion(version), parts: written };
    });
    return new VersionConstraint(text, clauses);
  }

  matches(version: Version | string): boolean {
    const v = typeof version === 'string' ? parseVersion(version) : version;
    if (v.prerelease !== undefined && !this.clauses.some((c) => c.op === '=' && compareVersions(c.version, v) === 0)) return false;
    return this.clauses.every((c) => clauseMatches(c, v));
  }

  toString(): string {
    return this.text;
  }
}

function clauseMatches(c: Clause, v: Version): boolean {
  const cmp = compareVersions(v, c.version);
  switch (c.op) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '~>': {
      if (cmp < 0) return false;
      // `~> 6.0` = >= 6.0, < 7; `~> 6.25.0` = >= 6.25.0, < 6.26; `~> 6` = >= 6, < 7.
      if (c.parts <= 2) return v.major === c.version.major;
      return v.major === c.version.major && v.minor === c.version.minor;
    }
  }
}
