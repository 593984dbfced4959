/**
 * Gateway benchmark: latency of `GET /user` through the local sandbox gateway (routes, JWT
 * authorizer, Lambda payload 2.0 from the synthesized example stack), with a real
 * client-credentials token from the local Asgardeo, and of the same request without a token (401).
 * The load generator shares the process (and the 2 cores) with the gateway: figures are upper bounds.
 */
import { performance } from 'node:perf_hooks';
import { applyAsgardeo, parseStackOutputs, requestClientToken } from '../asgardeo';
import { generateSandboxPasswords } from '../config';
import { startLocalAsgardeo } from '../sandbox/asgardeo';
import { startLocalGateway } from '../sandbox/gateway';
import { synthesizeExample } from './example-stack';
import { percentile } from './stats';

export interface LatencyFigures {
  requests: number;
  concurrency: number;
  /** Answers with another status than expected. */
  unexpected: number;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
}

export interface GatewayResult {
  authorized: LatencyFigures;
  rejected: LatencyFigures;
}

/** `requests` requests, at most `concurrency` in flight; every answer must have `expectStatus`. */
export async function measureLatency(o: {
  url: string;
  headers: Record<string, string>;
  requests: number;
  concurrency: number;
  expectStatus: number;
}): Promise<LatencyFigures> {
  const latencies: number[] = [];
  let issued = 0;
  let unexpected = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (issued < o.requests) {
        issued += 1;
        const t = performance.now();
        const res = await fetch(o.url, { headers: o.headers });
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status !== o.expectStatus) unexpected += 1;
      }
    }),
  );
  const elapsed = performance.now() - started;
  return {
    requests: latencies.length,
    concurrency: o.concurrency,
    unexpected,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    requestsPerSecond: (latencies.length / elapsed) * 1000,
  };
}

export async function benchGateway(o: { requests: number; concurrency: number; warmup: number }): Promise<GatewayResult> {
  const asgardeo = await startLocalAsgardeo({ organization: 'pharmacy' });
  let example: ReturnType<typeof synthesizeExample> | undefined;
  try {
    example = synthesizeExample(asgardeo.baseUrl);
    const gateway = await startLocalGateway({ stackDir: example.stackDir, log: () => undefined });
    try {
      const config = example.config;
      await applyAsgardeo({
        config,
        outputs: parseStackOutputs(gateway.outputsFile(), config),
        credentials: asgardeo.admin,
        env: generateSandboxPasswords(config),
      });
      const { accessToken } = await requestClientToken({ config, credentials: asgardeo.admin, client: 'pharmacy-reader' });
      const url = `${gateway.stageInvokeUrl}/user`;
      const authorized = { url, headers: { authorization: `Bearer ${accessToken}` }, concurrency: o.concurrency, expectStatus: 200 };
      const rejected = { url, headers: {}, concurrency: o.concurrency, expectStatus: 401 };
      // Warm-up: JWKS fetch, Lambda cold start, JIT; not measured.
      await measureLatency({ ...authorized, requests: o.warmup });
      await measureLatency({ ...rejected, requests: o.warmup });
      return {
        authorized: await measureLatency({ ...authorized, requests: o.requests }),
        rejected: await measureLatency({ ...rejected, requests: o.requests }),
      };
    } finally {
      await gateway.stop();
    }
  } finally {
    example?.cleanup();
    await asgardeo.stop();
  }
}
