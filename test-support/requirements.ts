/**
 * Tests that need something a newcomer's machine may lack (Terraform and its provider mirror,
 * Chromium, WSO2's API documents) run when it is there. Otherwise their block is skipped with the
 * reason in its title, `<name> (skipped: <reason>)`, which the closing summary of `npm test` lists
 * (scripts/jest-summary-reporter.js) — nothing is printed while the tests run. With
 * `<requireVariable>=required` (.ci/run sets them) the missing thing is one failing test instead,
 * so CI cannot pass without running them.
 */
export interface Requirement {
  /** Why the block cannot run here (what is missing and how to get it); undefined when it can. */
  readonly missing: string | undefined;
  /** The variable that, set to `required`, turns the skip into a failure. */
  readonly requireVariable?: string;
}

export function describeRequiring(name: string, requirement: Requirement, body: () => void, env: NodeJS.ProcessEnv = process.env): void {
  const { missing, requireVariable } = requirement;
  if (missing === undefined) {
    describe(name, body);
    return;
  }
  if (requireVariable && env[requireVariable] === 'required') {
    describe(name, () => {
      it('has what it needs to run', () => {
        throw new Error(`these tests cannot run, and ${requireVariable}=required: ${missing}`);
      });
    });
    return;
  }
  // The body is collected (so the summary counts the tests that did not run) but none of it runs.
  describe.skip(skippedTitle(name, missing), body);
}

/** The title of a skipped block; the summary reporter reads the reason back from it. */
export function skippedTitle(name: string, missing: string): string {
  return `${name} (skipped: ${missing})`;
}
