/**
 * Reconcile benchmarks: the reconciler (`applyAsgardeo`) against the local Asgardeo, counting what
 * the server saw (requests, writes, 429s, per rate-limit family) and what the reconciler's own
 * transport recorded (sequential round trips, see `roundTrips` in asgardeo/http.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyAsgardeo, type RequestRecord, type StackOutputs } from '../asgardeo';
import { generateSandboxPasswords, loadConfig, type ResolvedConfig } from '../config';
import { startLocalAsgardeo, type LocalAsgardeo } from '../sandbox/asgardeo';
import { countByFamily, overlapGroups, type FamilyCount } from './stats';

export const REPO = path.resolve(__dirname, '..');

export interface RunFigures {
  requests: number;
  writes: number;
  /** Answers 429 the server sent (each is retried by the reconciler). */
  rateLimited: number;
  /** Sequential round trips on the critical path, from the reconciler's transport records (an upper bound). */
  roundTrips: number;
  /** Waves of overlapping requests in the same records (a lower bound on round trips). */
  waves: number;
  wallMs: number;
  families: FamilyCount[];
  /** What the plan of this run changed: "create: 4, update: 0, ..." */
  changes: Record<string, number>;
  /** `METHOD /path` of every request the server saw, in order (ids included, never bodies). */
  sequence: string[];
}

/** Made-up AWS outputs, as a deploy would write them: the reconciler only cross-checks stack, region and issuer. */
export function fakeOutputs(config: ResolvedConfig): StackOutputs {
  const endpoint = 'https://bench01.execute-api.us-east-1.amazonaws.com';
  return {
    stackName: config.stackName,
    apiId: 'bench01',
    apiEndpoint: endpoint,
    stageInvokeUrl: `${endpoint}/${config.aws.stage}`,
    apiIdentifier: config.apiResource.identifier,
    issuer: config.asgardeo.issuer,
    region: config.aws.region,
    functionName: `${config.stackName}-handler`,
    environment: config.environment,
  };
}

/** One `applyAsgardeo` run, measured from both ends. */
export async function measuredApply(la: LocalAsgardeo, config: ResolvedConfig): Promise<RunFigures> {
  la.requests.clear();
  const started = performance.now();
  const records: RequestRecord[] = [];
  // onRecord only observes: every other transport setting keeps the reconciler's defaults (pacing included).
  const result = await applyAsgardeo({
    config,
    outputs: fakeOutputs(config),
    credentials: la.admin,
    // The example's users get their initial passwords as the sandbox gives them (generated, never printed here).
    env: generateSandboxPasswords(config),
    transport: { onRecord: (r) => records.push(r) },
  });
  const wallMs = performance.now() - started;
  const log = la.requests.entries();
  const changes: Record<string, number> = {};
  for (const c of result.plan.changes) changes[c.action] = (changes[c.action] ?? 0) + 1;
  return {
    requests: log.length,
    writes: la.requests.writes(),
    rateLimited: log.filter((e) => e.status === 429).length,
    roundTrips: result.stats.roundTrips,
    waves: overlapGroups(records),
    wallMs,
    families: countByFamily(log.map((e) => e.path)),
    changes,
    sequence: log.map((e) => `${e.method} ${e.path}${e.status === 429 ? ' -> 429' : ''}`),
  };
}

export interface ExampleReconcileResult {
  latencyMs: number;
  firstRun: RunFigures;
  noChangeRuns: RunFigures[];
}

/** The example configuration (tollgate.config.ts, dev) with `latencyMs` added to every request. */
export async function benchExampleReconcile(o: {
  latencyMs: number;
  noChangeRuns: number;
  firstRuns: number;
}): Promise<{ firstRuns: RunFigures[]; noChangeRuns: RunFigures[] }> {
  const firstRuns: RunFigures[] = [];
  const noChangeRuns: RunFigures[] = [];
  // A first run needs an empty organization: each one gets its own local Asgardeo.
  for (let i = 0; i < o.firstRuns; i++) {
    const la = await startLocalAsgardeo({ organization: 'pharmacy' });
    try {
      la.faults.setLatency(o.latencyMs);
      const config = loadConfig({
        file: path.join(REPO, 'tollgate.config.ts'),
        env: 'dev',
        target: 'local',
        asgardeoBaseUrl: la.baseUrl,
        environment: {},
      });
      firstRuns.push(await measuredApply(la, config));
      if (i === o.firstRuns - 1) for (let j = 0; j < o.noChangeRuns; j++) noChangeRuns.push(await measuredApply(la, config));
    } finally {
      await la.stop();
    }
  }
  return { firstRuns, noChangeRuns };
}

export interface ScaleShape {
  routes: number;
  scopes: number;
  clients: number;
  roles: number;
}

/**
 * A tollgate configuration of the given shape: one API whose every route needs its own scope,
 * clients holding three scopes each, organization roles holding five. JSON, so no TypeScript
 * loader is needed to read it (loadConfig accepts any module whose export is the configuration).
 */
export function scaleConfigObject(shape: ScaleShape): Record<string, unknown> {
  const scopes = Array.from({ length: shape.scopes }, (_, i) => ({
    name: `bench_scope_${i + 1}`,
    displayName: `Bench scope ${i + 1}`,
    description: `Benchmark scope ${i + 1}`,
  }));
  const scopeName = (i: number) => scopes[i % scopes.length]!.name;
  return {
    asgardeo: { organization: 'bench' },
    aws: { region: 'us-east-1', apiName: 'bench-scale-api', lambda: { entry: path.join(REPO, 'lambda', 'handler.ts') } },
    scopes,
    routes: Array.from({ length: shape.routes }, (_, i) => ({ method: 'GET', path: `/items${i + 1}`, scopes: [scopeName(i)] })),
    apiResource: { name: 'Bench Scale API', description: 'Generated by bench/ for the scale benchmark' },
    clients: Array.from({ length: shape.clients }, (_, i) => ({
      name: `bench-client-${i + 1}`,
      description: `Benchmark client ${i + 1}`,
      scopes: [scopeName(i), scopeName(i + 1), scopeName(i + 2)],
    })),
    roles: Array.from({ length: shape.roles }, (_, i) => ({
      name: `bench-role-${i + 1}`,
      audience: 'organization',
      scopes: [0, 1, 2, 3, 4].map((k) => scopeName(i * 5 + k)),
    })),
    environments: { dev: {} },
  };
}

/** Writes the generated configuration to a temp folder and loads it like a user's file. */
export function loadScaleConfig(shape: ScaleShape, baseUrl: string): { config: ResolvedConfig; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-scale-'));
  const file = path.join(dir, 'tollgate.config.json');
  fs.writeFileSync(file, JSON.stringify(scaleConfigObject(shape), null, 2));
  try {
    return {
      config: loadConfig({ file, env: 'dev', target: 'local', asgardeoBaseUrl: baseUrl, environment: {} }),
      cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The scale configuration with the local Asgardeo's rate limit on. Between runs the limiter's
 * windows are reset (setRateLimit), i.e. each run is measured as if it started with a fresh
 * budget (runs a minute or more apart); a run's own 429s are all counted.
 */
export async function benchScaleReconcile(o: {
  shape: ScaleShape;
  perMinute: number;
  noChangeRuns: number;
}): Promise<{ firstRun: RunFigures; noChangeRuns: RunFigures[] }> {
  const la = await startLocalAsgardeo({ organization: 'bench', rateLimitPerMinute: o.perMinute });
  const { config, cleanup } = loadScaleConfig(o.shape, la.baseUrl);
  try {
    const firstRun = await measuredApply(la, config);
    const noChangeRuns: RunFigures[] = [];
    for (let i = 0; i < o.noChangeRuns; i++) {
      la.faults.setRateLimit(o.perMinute);
      noChangeRuns.push(await measuredApply(la, config));
    }
    return { firstRun, noChangeRuns };
  } finally {
    cleanup();
    await la.stop();
  }
}
