import * as path from 'node:path';

// The script actions/github-script runs in drift.yml (CommonJS, no build step).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { syncDriftIssue, markerFor, LABEL } = require(path.join(__dirname, '..', '.github', 'scripts', 'drift-issue.js')) as {
  syncDriftIssue: (
    tools: unknown,
    run: { environment: string; exitCode: string; plan: string; runUrl: string },
  ) => Promise<{ action: string; number?: number }>;
  markerFor: (env: string) => string;
  LABEL: string;
};

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  pull_request?: object;
  comments: string[];
}

/** A repository's issues behind the slice of Octokit the script uses; it records every write. */
function fakeGitHub(initial: Omit<Issue, 'comments'>[] = []) {
  const issues: Issue[] = initial.map((i) => ({ ...i, comments: [] }));
  const writes: string[] = [];
  const listForRepo = async () => undefined;
  const github = {
    paginate: async (fn: unknown, params: { state: string; labels?: string }) => {
      expect(fn).toBe(listForRepo);
      return issues
        .filter((i) => i.state === params.state && (params.labels === undefined || i.labels.includes(params.labels)))
        .map((i) => ({ ...i }));
    },
    rest: {
      issues: {
        listForRepo,
        create: async (p: { title: string; body: string; labels: string[] }) => {
          const issue: Issue = { number: 100 + issues.length, title: p.title, body: p.body, labels: p.labels, state: 'open', comments: [] };
          issues.push(issue);
          writes.push(`create #${issue.number}`);
          return { data: { number: issue.number } };
        },
        update: async (p: { issue_number: number; title?: string; body?: string; state?: 'open' | 'closed' }) => {
          const issue = issues.find((i) => i.number === p.issue_number)!;
          Object.assign(
            issue,
            Object.fromEntries(Object.entries({ title: p.title, body: p.body, state: p.state }).filter(([, v]) => v !== undefined)),
          );
          writes.push(`update #${p.issue_number}${p.state ? ` ${p.state}` : ''}`);
        },
        createComment: async (p: { issue_number: number; body: string }) => {
          issues.find((i) => i.number === p.issue_number)!.comments.push(p.body);
          writes.push(`comment #${p.issue_number}`);
        },
      },
    },
  };
  const tools = { github, context: { repo: { owner: 'acme', repo: 'api' } }, core: { info: () => undefined } };
  return { tools, issues, writes };
}

const RUN = 'https://github.com/acme/api/actions/runs/1';
const PLAN = '## tollgate plan (dev)\n\n~ application pharmacy-reader\n';

describe('drift issue (drift.yml, .github/scripts/drift-issue.js)', () => {
  it('exit 2 with no open drift issue opens one, labelled, with the marker and the whole plan', async () => {
    const gh = fakeGitHub();
    await expect(syncDriftIssue(gh.tools, { environment: 'dev', exitCode: '2', plan: PLAN, runUrl: RUN })).resolves.toEqual({
      action: 'opened',
      number: 100,
    });
    expect(gh.writes).toEqual(['create #100']);
    const [issue] = gh.issues;
    expect(issue!.labels).toEqual([LABEL]);
    expect(issue!.title).toBe('Drift: dev differs from the configuration');
    expect(issue!.body.startsWith(markerFor('dev'))).toBe(true);
    expect(issue!.body).toContain(PLAN);
    expect(issue!.body).toContain(RUN);
  });

  it('exit 2 again updates the same issue instead of opening a second', async () => {
    const gh = fakeGitHub([
      { number: 7, title: 'renamed by someone', body: `${markerFor('dev')}\nold plan`, state: 'open', labels: [LABEL] },
    ]);
    await expect(syncDriftIssue(gh.tools, { environment: 'dev', exitCode: '2', plan: PLAN, runUrl: RUN })).resolves.toEqual({
      action: 'updated',
      number: 7,
    });
    expect(gh.writes).toEqual(['update #7']);
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.body).toContain(PLAN);
    expect(gh.issues[0]!.body).not.toContain('old plan');
  });

  it('finds its issue by the marker even when GitHub dropped the label', async () => {
    const gh = fakeGitHub([{ number: 9, title: 't', body: `${markerFor('dev')}\nold plan`, state: 'open', labels: [] }]);
    await expect(syncDriftIssue(gh.tools, { environment: 'dev', exitCode: '2', plan: PLAN, runUrl: RUN })).resolves.toEqual({
      action: 'updated',
      number: 9,
    });
    expect(gh.writes).toEqual(['update #9']);
  });

  it("another environment's issue, a closed one and a pull request with the marker are not this environment's issue", async () => {
    const gh = fakeGitHub([
      { number: 1, title: 'prod', body: `${markerFor('prod')}\nplan`, state: 'open', labels: [LABEL] },
      { number: 2, title: 'old', body: `${markerFor('dev')}\nplan`, state: 'closed', labels: [LABEL] },
      { number: 3, title: 'pr', body: `${markerFor('dev')}\nplan`, state: 'open', labels: [LABEL], pull_request: {} },
    ]);
    await expect(syncDriftIssue(gh.tools, { environment: 'dev', exitCode: '2', plan: PLAN, runUrl: RUN })).resolves.toEqual({
      action: 'opened',
      number: 103,
    });
    expect(gh.writes).toEqual(['create #103']);
  });

  it('exit 0 comments on and closes the open issue; with none open it writes nothing', async () => {
    const gh = fakeGitHub([{ number: 7, title: 't', body: `${markerFor('dev')}\nplan`, state: 'open', labels: [LABEL] }]);
    await expect(syncDriftIssue(gh.tools, { environment: 'dev', exitCode: '0', plan: 'No changes.', runUrl: RUN })).resolves.toEqual({
      action: 'closed',
      number: 7,
    });
    expect(gh.writes).toEqual(['comment #7', 'update #7 closed']);
    expect(gh.issues[0]!.comments[0]).toContain(RUN);

    const none = fakeGitHub();
    await expect(syncDriftIssue(none.tools, { environment: 'dev', exitCode: '0', plan: '', runUrl: RUN })).resolves.toEqual({
      action: 'none',
    });
    expect(none.writes).toEqual([]);
  });

  it('a failed plan (exit 1) leaves the issues alone', async () => {
    const gh = fakeGitHub([{ number: 7, title: 't', body: `${markerFor('dev')}\nplan`, state: 'open', labels: [LABEL] }]);
    await expect(syncDriftIssue(gh.tools, { environment: 'dev', exitCode: '1', plan: '', runUrl: RUN })).resolves.toEqual({
      action: 'none',
    });
    expect(gh.writes).toEqual([]);
  });

  it('a plan longer than an issue body may be is cut with a pointer to the run', async () => {
    const gh = fakeGitHub();
    await syncDriftIssue(gh.tools, { environment: 'dev', exitCode: '2', plan: 'x'.repeat(70_000), runUrl: RUN });
    expect(gh.issues[0]!.body.length).toBeLessThanOrEqual(65536);
    expect(gh.issues[0]!.body).toMatch(
      /truncated; the full plan is in the run's summary: https:\/\/github\.com\/acme\/api\/actions\/runs\/1\)$/,
    );
  });
});
