import * as fs from 'node:fs';
import * as path from 'node:path';
import { CdktfRunner, parseDiff } from '../cdktf-runner';
import { InfraCommandError, InfraToolError } from '../infra-runner';
import { tmpDir } from './helpers';

/** A project folder whose node_modules/.bin/cdktf and PATH terraform are small scripts that record how they were called. */
function fakeProject(o: { cdktfExit?: number; withTerraform?: boolean } = {}) {
  const cwd = tmpDir();
  const bin = path.join(cwd, 'node_modules', '.bin');
  const pathDir = path.join(cwd, 'path');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(pathDir);
  const log = path.join(cwd, 'calls.log');
  fs.writeFileSync(
    path.join(bin, 'cdktf'),
    `#!/bin/sh
echo "args=$* env=$TOLLGATE_ENV config=$TOLLGATE_CONFIG checkpoint=$CHECKPOINT_DISABLE workspace=$TF_WORKSPACE" >> "${log}"
if [ "$1" = "--version" ]; then echo "0.21.0"; exit 0; fi
if [ "$1" = "diff" ]; then printf 'pharmacy-user-api-dev  Terraform will perform the following actions:\\n` +
      `  + resource "aws_apigatewayv2_api" "api"\\nPlan: 1 to add, 0 to change, 0 to destroy.\\n'; fi
if [ "$1" = "deploy" ]; then echo '{"s":{}}' > "$4"; echo "Apply complete!"; fi
echo "Error: something broke" >&2
exit ${o.cdktfExit ?? 0}
`,
    { mode: 0o755 },
  );
  if (o.withTerraform !== false)
    fs.writeFileSync(path.join(pathDir, 'terraform'), '#!/bin/sh\necho \'{"terraform_version":"1.11.4","platform":"linux_amd64"}\'\n', {
      mode: 0o755,
    });
  const runner = new CdktfRunner({ cwd, env: { PATH: pathDir, HOME: cwd, TF_WORKSPACE: 'pharmacy-{env}' } });
  return { cwd, runner, calls: () => fs.readFileSync(log, 'utf8') };
}

const op = { stack: 'pharmacy-user-api-dev', environment: 'dev', configFile: '/repo/tollgate.config.ts' };

describe('CdktfRunner (the real implementation, against stand-in binaries)', () => {
  test('versions of terraform and cdktf', async () => {
    const p = fakeProject();
    await expect(p.runner.versions()).resolves.toEqual({ terraform: '1.11.4', cdktf: '0.21.0' });
  });

  test('a missing terraform is an InfraToolError that says how to install it', async () => {
    const p = fakeProject({ withTerraform: false });
    const err = await p.runner.versions().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraToolError);
    expect((err as Error).message).toContain('`terraform` was not found on PATH.');
    expect((err as Error).message).toContain('https://developer.hashicorp.com/terraform/install');
  });

  test(
    'deploy runs `cdktf deploy <stack> --outputs-file <f> --auto-approve` ' +
      'for one environment, without calling home, and streams output',
    async () => {
      const p = fakeProject();
      const outputsFile = path.join(p.cwd, 'out.json');
      let streamed = '';
      await p.runner.deploy({ ...op, outputsFile, autoApprove: true, onOutput: (t) => (streamed += t) });
      expect(p.calls()).toBe(
        `args=deploy pharmacy-user-api-dev --outputs-file ${outputsFile} --auto-approve ` +
          `--no-color env=dev config=/repo/tollgate.config.ts checkpoint=1 workspace=pharmacy-dev\n`,
      );
      expect(fs.existsSync(outputsFile)).toBe(true);
      expect(streamed).toContain('Apply complete!');
    },
  );

  test("diff parses Terraform's plan summary", async () => {
    const p = fakeProject();
    const d = await p.runner.diff(op);
    expect(d).toMatchObject({ changes: true, summary: 'Plan: 1 to add, 0 to change, 0 to destroy.' });
    expect(d.text).toContain('aws_apigatewayv2_api');
  });

  test('a failing command is an InfraCommandError with the tail of its output', async () => {
    const p = fakeProject({ cdktfExit: 1 });
    const err = await p.runner.destroy({ ...op, autoApprove: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraCommandError);
    expect((err as InfraCommandError).exitCode).toBe(1);
    expect((err as Error).message).toContain('`cdktf destroy pharmacy-user-api-dev --auto-approve --no-color` failed with exit code 1');
    expect((err as Error).message).toContain('Error: something broke');
  });
});

describe('parseDiff', () => {
  test('no changes, changes, destroy-only, and unreadable output (counted as changes)', () => {
    expect(parseDiff('\u001b[1mNo changes.\u001b[0m Your infrastructure matches the configuration.').changes).toBe(false);
    expect(parseDiff('Plan: 0 to add, 2 to change, 0 to destroy.').changes).toBe(true);
    expect(parseDiff('Plan: 0 to add, 0 to change, 1 to destroy.').changes).toBe(true);
    expect(parseDiff('something unexpected')).toMatchObject({ changes: true, summary: expect.stringContaining('treat as changes') });
  });
});
