import compare from 'semver/functions/compare';
import satisfies from 'semver/functions/satisfies';

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
  return compare(formatVersion(a), formatVersion(b));
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
  // Terraform's `!=` has no SemVer range; every other operator is one, `~>` after the shim below.
  if (c.op === '!=') return compareVersions(v, c.version) !== 0;
  return satisfies(formatVersion(v), rangeOf(c), { includePrerelease: true });
}

/**
 * Terraform's pessimistic operator as a SemVer range: `~> 6.0` (two parts written) allows the minor
 * to grow (>= 6.0.0 < 7.0.0), `~> 6.25.0` the patch (>= 6.25.0 < 6.26.0), `~> 6` is read as `~> 6.0`.
 */
function rangeOf(c: Clause): string {
  const v = formatVersion(c.version);
  if (c.op !== '~>') return `${c.op}${v}`;
  const upper = c.parts <= 2 ? `${c.version.major + 1}.0.0-0` : `${c.version.major}.${c.version.minor + 1}.0-0`;
  return `>=${v} <${upper}`;
}
