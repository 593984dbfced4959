// Keeps ONE open issue per environment in step with the nightly drift check (drift.yml), run by
// actions/github-script. The issue is found by a marker on its body's first line (titles can be
// edited by people; the marker is not shown). The label `tollgate-drift` is for people only: GitHub
// silently drops labels a token may not set, so finding the issue must not depend on it.
//   exit code 2 -> update the open issue's body to the current plan, or open one
//   exit code 0 -> comment and close the open issue, if any
//   otherwise   -> touch nothing (the job fails on its own)
'use strict';

const LABEL = 'tollgate-drift';
// GitHub's limit for an issue body is 65536 characters.
const MAX_BODY = 65000;

/** @param {string} environment */
function markerFor(environment) {
  return `<!-- tollgate-drift:${environment} -->`;
}

/**
 * @param {string} environment
 * @param {string} plan the Markdown plan
 * @param {string} runUrl
 */
function issueBody(environment, plan, runUrl) {
  const body =
    `${markerFor(environment)}\n` +
    `The nightly \`tollgate plan --env ${environment}\` found changes (${runUrl}).\n` +
    `Apply them with \`tollgate deploy --env ${environment}\`, or change the configuration to match.\n\n${plan}`;
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n\n… (truncated; the full plan is in the run's summary: ${runUrl})` : body;
}

/**
 * @param {{ github: any, context: { repo: { owner: string, repo: string } }, core: { info(msg: string): void } }} tools
 * @param {{ environment: string, exitCode: string, plan: string, runUrl: string }} run
 * @returns {Promise<{ action: 'opened' | 'updated' | 'closed' | 'none', number?: number }>}
 */
async function syncDriftIssue({ github, context, core }, { environment, exitCode, plan, runUrl }) {
  if (exitCode !== '0' && exitCode !== '2') return { action: 'none' };
  const { owner, repo } = context.repo;
  const marker = markerFor(environment);
  const open = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: 'open', per_page: 100 });
  const mine = open.filter((i) => !i.pull_request && (i.body || '').startsWith(marker));

  if (exitCode === '0') {
    if (mine.length === 0) return { action: 'none' };
    for (const issue of mine) {
      await github.rest.issues.createComment({ owner, repo, issue_number: issue.number, body: `No drift any more: ${runUrl}` });
      await github.rest.issues.update({ owner, repo, issue_number: issue.number, state: 'closed', state_reason: 'completed' });
      core.info(`Closed drift issue #${issue.number}`);
    }
    return { action: 'closed', number: mine[0].number };
  }

  const title = `Drift: ${environment} differs from the configuration`;
  const body = issueBody(environment, plan, runUrl);
  if (mine.length > 0) {
    await github.rest.issues.update({ owner, repo, issue_number: mine[0].number, title, body });
    core.info(`Updated drift issue #${mine[0].number}`);
    return { action: 'updated', number: mine[0].number };
  }
  const created = await github.rest.issues.create({ owner, repo, title, body, labels: [LABEL] });
  core.info(`Opened drift issue #${created.data.number}`);
  return { action: 'opened', number: created.data.number };
}

module.exports = { syncDriftIssue, markerFor, issueBody, LABEL };
