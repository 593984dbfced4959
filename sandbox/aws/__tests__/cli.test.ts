import { spawn } from 'node:child_process';
import { entryPointCommand, REPO_ROOT } from '../../../test-support/cli';
import { describeEndpoint, describeLocalAws, HelpRequested, parseCliArgs } from '../cli';
import { providerEndpoints } from '../services/names';

describe('aws:local CLI', () => {
  it('reads the port from --port, then PORT, default 4566; refuses bad values with a clear message', () => {
    expect(parseCliArgs([], {})).toEqual({ port: 4566, gatewayPort: 0, host: '127.0.0.1' });
    expect(parseCliArgs(['--gateway-port', '4567'], {}).gatewayPort).toBe(4567);
    expect(() => parseCliArgs(['--gateway-port', 'x'], {})).toThrow(/Invalid gateway port 'x'/);
    expect(parseCliArgs([], { PORT: '5000' }).port).toBe(5000);
    expect(parseCliArgs(['--port', '0'], { PORT: '5000' }).port).toBe(0);
    expect(parseCliArgs(['--port=4567', '--host', '0.0.0.0'], {})).toEqual({ port: 4567, gatewayPort: 0, host: '0.0.0.0' });
    expect(() => parseCliArgs(['--port', 'abc'], {})).toThrow(/Invalid port 'abc'/);
    expect(() => parseCliArgs(['--port', '70000'], {})).toThrow(/Invalid port/);
    expect(() => parseCliArgs(['--nope'], {})).toThrow(/Unknown option '--nope'.*Options: --port/);
    expect(() => parseCliArgs(['--help'], {})).toThrow(HelpRequested);
  });

  it('prints an endpoints block naming every service the stack uses, in HCL and as an override', () => {
    const lines = describeEndpoint('http://127.0.0.1:4566', providerEndpoints('http://127.0.0.1:4566')).join('\n');
    for (const service of ['apigatewayv2', 'lambda', 'iam', 'cloudwatchlogs', 'sts'])
      expect(lines).toMatch(new RegExp(`\\n\\s+${service}\\s+= "http://127\\.0\\.0\\.1:4566"`));
    const override = JSON.parse(lines.split('\n').at(-1)!.trim()) as {
      provider: { aws: [{ endpoints: [Record<string, string>]; skip_credentials_validation: boolean }] };
    };
    expect(override.provider.aws[0].endpoints[0]).toEqual(providerEndpoints('http://127.0.0.1:4566'));
    expect(override.provider.aws[0].skip_credentials_validation).toBe(true);
  });

  it('prints the gateway and a complete export line for tollgate deploy/destroy --target local', () => {
    const lines = describeLocalAws('http://127.0.0.1:4566', 'http://127.0.0.1:4567');
    expect(lines[0]).toBe('Local AWS control plane listening at http://127.0.0.1:4566');
    expect(lines).toContain('  export TOLLGATE_LOCAL_AWS_URL=http://127.0.0.1:4566');
    expect(lines.join('\n')).toContain('gateway: http://127.0.0.1:4567 serves what is deployed here');
  });

  it('starts with one command on a free port, prints the endpoint, serves AWS calls there, and stops on SIGTERM', async () => {
    // One process (no tsx wrapper relaying signals), so the signal reaches the server itself and nothing outlives the test.
    const { command, args } = entryPointCommand('sandbox/aws/cli.ts', ['--port', '0']);
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const endpoint = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`CLI did not start: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening at (http:\/\/\S+)/.exec(output);
          if (match && output.includes('Press Ctrl-C to stop.')) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`lambda         = "${endpoint}"`);
      expect(output).toContain(`export TOLLGATE_LOCAL_AWS_URL=${endpoint}\n`);
      const gateway = /gateway: (http:\/\/\S+)/.exec(output)![1]!;
      expect((await fetch(`${gateway}/dev/user`)).status).toBe(503);
      const reply = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      });
      expect(await reply.text()).toContain('<Account>000000000000</Account>');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
