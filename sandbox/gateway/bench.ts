/**
 * `npm run bench:gateway [-- --starts 5 --requests 2000 --concurrency 16]`
 * Measures the local gateway on the example stack: start-to-ready (read cdk.tf.json, extract the
 * asset, load the handler) and authorized request latency/throughput (JWT check + Lambda call),
 * with a real client-credentials token from the local Asgardeo. Prints a JSON summary.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { applyAsgardeo, parseStackOutputs, requestClientToken } from '../../asgardeo';
import { generateSandboxPasswords, loadConfig } from '../../config';
import { synthStack } from '../../stacks/synth';
import { startLocalAsgardeo } from '../asgardeo';
import { startLocalGateway } from './index';

const EXAMPLE_CONFIG = path.resolve(__dirname, '..', '..', 'tollgate.config.ts');

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (ms: number) => Math.round(ms * 100) / 100;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { starts: { type: 'string' }, requests: { type: 'string' }, concurrency: { type: 'string' } } });
  const starts = Number(values.starts ?? 5);
  const requests = Number(values.requests ?? 2000);
  const concurrency = Number(values.concurrency ?? 16);

  const asgardeo = await startLocalAsgardeo({ organization: 'pharmacy' });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gw-bench-'));
  try {
    const config = loadConfig({ file: EXAMPLE_CONFIG, env: 'dev', target: 'local', asgardeoBaseUrl: asgardeo.baseUrl, environment: {} });
    const synthStarted = performance.now();
    const { stackDir } = synthStack(config, { outdir, backend: { kind: 'local', path: path.join(outdir, 'terraform.tfstate') }, env: {} });
    const synthMs = performance.now() - synthStarted;

    const startTimes: number[] = [];
    for (let i = 0; i < starts; i++) {
      const t = performance.now();
      const g = await startLocalGateway({ stackDir, log: () => undefined });
      startTimes.push(performance.now() - t);
      await g.stop();
    }

    const gateway = await startLocalGateway({ stackDir, log: () => undefined });
    try {
      await applyAsgardeo({
        config,
        outputs: parseStackOutputs(gateway.outputsFile(), config),
        credentials: asgardeo.admin,
        env: generateSandboxPasswords(config),
      });
      const { accessToken } = await requestClientToken({ config, credentials: asgardeo.admin, client: 'pharmacy-reader' });
      const url = `${gateway.stageInvokeUrl}/user`;
      const headers = { authorization: `Bearer ${accessToken}` };
      const first = performance.now();
      const firstResponse = await fetch(url, { headers });
      await firstResponse.text();
      const firstRequestMs = performance.now() - first; // includes discovery + JWKS fetch
      if (firstResponse.status !== 200) throw new Error(`expected 200 from GET /user, got ${firstResponse.status}`);

      const latencies: number[] = [];
      let next = 0;
      let failures = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < requests) {
            next += 1;
            const t = performance.now();
            const response = await fetch(url, { headers });
            await response.text();
            latencies.push(performance.now() - t);
            if (response.status !== 200) failures += 1;
          }
        }),
      );
      const elapsed = performance.now() - started;
      latencies.sort((a, b) => a - b);
      const sortedStarts = [...startTimes].sort((a, b) => a - b);
      console.log(
        JSON.stringify(
          {
            machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}` },
            synthMs: round(synthMs),
            startToReadyMs: {
              runs: starts,
              median: round(percentile(sortedStarts, 50)),
              max: round(sortedStarts[sortedStarts.length - 1]),
            },
            firstAuthorizedRequestMs: round(firstRequestMs),
            authorizedGetUser: {
              requests,
              concurrency,
              failures,
              requestsPerSecond: Math.round((requests / elapsed) * 1000),
              p50Ms: round(percentile(latencies, 50)),
              p95Ms: round(percentile(latencies, 95)),
              p99Ms: round(percentile(latencies, 99)),
            },
          },
          null,
          2,
        ),
      );
    } finally {
      await gateway.stop();
    }
  } finally {
    await asgardeo.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`bench:gateway failed: ${error.message}`);
  process.exitCode = 1;
});
