import { spawn } from 'node:child_process';
import { entryPointCommand, REPO_ROOT } from '../../../test-support/cli';
import { parseCliArgs } from '../cli';

describe('asgardeo:local CLI', () => {
  it('reads the port from --port, then PORT, default 4180; refuses bad values with a clear message', () => {
    expect(parseCliArgs([], {}).port).toBe(4180);
    expect(parseCliArgs([], { PORT: '5000' }).port).toBe(5000);
    expect(parseCliArgs(['--port', '0'], { PORT: '5000' }).port).toBe(0);
    expect(parseCliArgs(['--port=4181', '--org', 'acme', '--rate-limit', '200'], {})).toMatchObject({
      port: 4181,
      organization: 'acme',
      rateLimitPerMinute: 200,
    });
    expect(() => parseCliArgs(['--port', 'abc'], {})).toThrow(/Invalid port/);
    expect(() => parseCliArgs(['--nope'], {})).toThrow(/Unknown option '--nope'/);
    expect(() => parseCliArgs(['--rate-limit', '-1'], {})).toThrow(/positive integer/);
  });

  it('starts with one command, prints the base URL and issuer, serves a token to the env credentials, and stops on Ctrl-C', async () => {
    const { command, args } = entryPointCommand('sandbox/asgardeo/cli.ts', ['--port', '0']);
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ASGARDEO_CLIENT_ID: 'cli-admin', ASGARDEO_CLIENT_SECRET: 'cli-admin-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const baseUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`CLI did not start: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /base URL\s+(http:\/\/\S+)/.exec(output);
          if (match && output.includes('Ctrl-C')) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`issuer          ${baseUrl}/t/pharmacy/oauth2/token`);
      expect(output).toContain('cli-admin (from ASGARDEO_CLIENT_ID)');
      expect(output).not.toContain('cli-admin-secret');
      const reply = await fetch(`${baseUrl}/t/pharmacy/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('cli-admin:cli-admin-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=internal_application_mgt_view',
      });
      expect(reply.status).toBe(200);
      expect(((await reply.json()) as { scope: string }).scope).toBe('internal_application_mgt_view');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
