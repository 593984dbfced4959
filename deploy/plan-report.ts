import { deliveryPlanLines } from './secret-delivery';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from '../config';
import { buildAccessMatrix, renderAccessMatrix, type AccessMatrix } from './access-matrix';
import type { AdminCredentials, AsgardeoSide, StackOutputs } from './asgardeo-side';
import { stackOperation, type InfraPlan, type InfraRunner } from './infra-runner';

export interface PlanReportOptions {
  config: ResolvedConfig;
  runner: InfraRunner;
  side: AsgardeoSide;
  credentials: AdminCredentials;
  /** Outputs of an earlier deploy, when known: fills in the API identifier. */
  outputs?: StackOutputs;
  /** Passed to the reconciler's plan (see `tollgate plan --help`). */
  prune?: boolean;
  adopt?: boolean;
  /** Synthesized stack folder (`cdktf.out/stacks/<stack>`), read after the diff for the boundary checks. */
  stackDir: string;
  /** Terraform's own output while it plans (not part of the report). */
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
}

/** One check across the AWS / Asgardeo boundary. `fail` means calls would be rejected once deployed. */
export interface BoundaryCheck {
  status: 'ok' | 'fail' | 'unknown';
  name: string;
  detail: string;
}

export interface PlanReport {
  stackName: string;
  environment: string;
  aws: InfraPlan;
  /** The reconciler's plan, rendered by the side that made it (text, Markdown) and as data (JSON). */
  asgardeo: { changes: boolean; text: string; markdown: string; data: unknown };
  /** Where the deploy delivers client credentials (`credentials: will be written to <secret>`); never a value. */
  credentials?: readonly string[];
  matrix: AccessMatrix;
  boundary: BoundaryCheck[];
  changes: boolean;
  /** Boundary failures: deploying this would give an API that rejects valid callers. */
  problems: string[];
}

/** `tollgate plan`: the AWS diff and the reconciler's plan side by side, with who can call what. */
export async function runPlan(o: PlanReportOptions): Promise<PlanReport> {
  const { config } = o;
  const { aws, asgardeo: plan } = await planBothSides({ ...o, runner: o.runner });
  const matrix = buildAccessMatrix(config);
  const boundary = boundaryChecks(config, o.stackDir, o.outputs);
  const asgardeoChanges = o.side.planHasChanges(plan);
  return {
    stackName: config.stackName,
    environment: config.environment,
    aws,
    asgardeo: {
      changes: asgardeoChanges,
      text: o.side.renderPlan(plan, 'text'),
      markdown: o.side.renderPlan(plan, 'markdown'),
      data: o.side.planData(plan),
    },
    matrix,
    boundary,
    credentials: deliveryPlanLines(config),
    changes: aws.changes || asgardeoChanges,
    problems: boundary.filter((b) => b.status === 'fail').map((b) => `${b.name}: ${b.detail}`),
  };
}

export interface SidePlanOptions<P> extends Omit<PlanReportOptions, 'runner' | 'side' | 'stackDir'> {
  /** Without a runner only the Asgardeo side is planned (a deploy resumed with `--from asgardeo`). */
  runner: InfraRunner | undefined;
  side: AsgardeoSide<P>;
  /** Test users' generated passwords, as the apply will get them. */
  passwords?: Readonly<Record<string, string>>;
  /** An AWS plan already under way (deploy starts it during the preflight): used instead of starting one. */
  awsStarted?: StartedAwsPlan;
}

/** An AWS plan started before both sides are planned, and how to stop it (its Terraform child is interrupted). */
export interface StartedAwsPlan {
  readonly plan: Promise<InfraPlan>;
  stop(reason: unknown): void;
}

/**
 * Plans both sides at once (`tollgate plan`, and `tollgate deploy` before its one question). One half
 * failing stops the other (a Terraform child is interrupted) and waits for it, so nothing outlives
 * the command or prints after its error.
 */
export async function planBothSides<P>(o: SidePlanOptions<P> & { runner: InfraRunner }): Promise<{ aws: InfraPlan; asgardeo: P }>;
export async function planBothSides<P>(o: SidePlanOptions<P>): Promise<{ aws?: InfraPlan; asgardeo: P }>;
export async function planBothSides<P>(o: SidePlanOptions<P>): Promise<{ aws?: InfraPlan; asgardeo: P }> {
  const { config } = o;
  const halves = new AbortController();
  const stopAll = () => halves.abort(o.signal?.reason);
  if (o.signal?.aborted) stopAll();
  else o.signal?.addEventListener('abort', stopAll, { once: true });
  const signal = halves.signal;
  const op = stackOperation(config, { onOutput: o.onOutput, signal, adopt: o.adopt === true });
  let firstFailure: { error: unknown } | undefined;
  const stopOthersOnFailure = <T>(p: Promise<T>): Promise<T> =>
    p.catch((error: unknown) => {
      if (!firstFailure) {
        firstFailure = { error };
        halves.abort(error);
      }
      throw error;
    });
  const started = o.awsStarted;
  if (started) signal.addEventListener('abort', () => started.stop(signal.reason), { once: true });
  const awsHalf = stopOthersOnFailure(started ? started.plan : o.runner ? o.runner.plan(op) : Promise.resolve(undefined));
  const asgardeoHalf = stopOthersOnFailure(
    o.side.plan({
      config,
      outputs: o.outputs,
      credentials: o.credentials,
      prune: o.prune,
      adopt: o.adopt,
      signal,
      ...(o.passwords ? { passwords: o.passwords } : {}),
    }),
  );
  await Promise.allSettled([awsHalf, asgardeoHalf]);
  o.signal?.removeEventListener('abort', stopAll);
  if (firstFailure) throw firstFailure.error;
  const [aws, asgardeo] = await Promise.all([awsHalf, asgardeoHalf]);
  return { aws, asgardeo };
}

/**
 * The stack's JWT authorizer must trust the issuer Asgardeo writes in `iss`, and accept an audience
 * Asgardeo writes in `aud` (the API identifier, which the reconciler puts in each client's audience).
 */
export function boundaryChecks(config: ResolvedConfig, stackDir: string, _outputs?: StackOutputs): BoundaryCheck[] {
  const authorizers = readAuthorizers(stackDir);
  if (!authorizers)
    return [
      {
        status: 'unknown',
        name: 'issuer and audience',
        detail: `${path.join(stackDir, 'cdk.tf.json')} was not found; run the synth (npx cdktf synth) to check them`,
      },
    ];
  if (authorizers.length === 0)
    return [
      {
        status: 'fail',
        name: 'JWT authorizer',
        detail: `the synthesized stack ` + `${config.stackName} has no JWT authorizer: no route would check tokens`,
      },
    ];
  const checks: BoundaryCheck[] = [routesCheck(config, stackDir)];
  const issuer = config.asgardeo.issuer;
  const expectedAudience = config.apiResource.identifier;
  for (const a of authorizers) {
    checks.push(
      a.issuer === issuer
        ? { status: 'ok', name: 'issuer', detail: `the authorizer trusts ${issuer}, which Asgardeo puts in iss` }
        : isReference(a.issuer)
          ? {
              status: 'unknown',
              name: 'issuer',
              detail: `the authorizer's issuer is computed by Terraform ` + `(${a.issuer}); known after deploy`,
            }
          : {
              status: 'fail',
              name: 'issuer',
              detail:
                `the authorizer trusts ${JSON.stringify(a.issuer)} but Asgardeo ` +
                `issues tokens with iss ${JSON.stringify(issuer)}: every call would get 401`,
            },
    );
    const literal = a.audiences.filter((x) => !isReference(x));
    if (expectedAudience && literal.includes(expectedAudience)) {
      checks.push({
        status: 'ok',
        name: 'audience',
        detail: `the authorizer accepts ${expectedAudience}, which the ` + `reconciler adds to every client's token audience`,
      });
    } else if (literal.length < a.audiences.length) {
      checks.push({
        status: 'ok',
        name: 'audience',
        detail: expectedAudience
          ? `the authorizer's audience is the stack's API identifier (computed by Terraform); the reconciler uses ` +
            `${expectedAudience}; the deploy re-checks them against the outputs`
          : "the authorizer's audience and the clients' token audience are both the stage invoke URL (known after deploy)",
      });
    } else {
      checks.push({
        status: 'fail',
        name: 'audience',
        detail:
          `the authorizer accepts ${JSON.stringify(a.audiences)} but ` +
          `Asgardeo's tokens will carry aud ${JSON.stringify(expectedAudience ?? '(the stage invoke URL)')} and the client ` +
          `id: every call would get 401 ("the token does not have a valid audience")`,
      });
    }
  }
  return checks;
}

/**
 * The access matrix is computed from the configuration; the gateway enforces what the stack says.
 * They must agree route by route, or the matrix would tell a reviewer the wrong story.
 */
function routesCheck(config: ResolvedConfig, stackDir: string): BoundaryCheck {
  const routes = readResource(stackDir, 'aws_apigatewayv2_route') ?? [];
  const inStack = new Map(routes.map((r) => [String(r.route_key), r]));
  const problems: string[] = [];
  for (const route of config.routes) {
    const r = inStack.get(route.routeKey);
    if (!r) {
      problems.push(`${route.routeKey} is not in the stack`);
      continue;
    }
    const jwt = r.authorization_type === 'JWT';
    const scopes = Array.isArray(r.authorization_scopes) ? r.authorization_scopes.map(String).sort() : [];
    if (route.public && jwt) problems.push(`${route.routeKey} is public in the configuration but requires a token in the stack`);
    if (!route.public && !jwt)
      problems.push(
        `${route.routeKey} requires ${route.scopes.join(' or ')} in the ` +
          `configuration but is served without a token (authorization_type ${String(r.authorization_type ?? 'NONE')})`,
      );
    if (!route.public && jwt && JSON.stringify(scopes) !== JSON.stringify([...route.scopes].sort()))
      problems.push(
        `${route.routeKey} requires ${JSON.stringify(scopes)} in the stack ` +
          `but ${JSON.stringify([...route.scopes].sort())} in the configuration`,
      );
  }
  for (const key of inStack.keys())
    if (!config.routes.some((r) => r.routeKey === key)) problems.push(`${key} is in the ` + `stack but not in the configuration`);
  return problems.length
    ? {
        status: 'fail',
        name: 'routes',
        detail: `the stack and the configuration disagree (the access matrix would be ` + `wrong): ${problems.join('; ')}`,
      }
    : {
        status: 'ok',
        name: 'routes',
        detail: `the stack's ${config.routes.length} route(s) require exactly the scopes ` + `of the access matrix`,
      };
}

interface AuthorizerSpec {
  issuer: string;
  audiences: string[];
}

function readResource(stackDir: string, type: string): Record<string, unknown>[] | undefined {
  let json: { resource?: Record<string, Record<string, Record<string, unknown>>> };
  try {
    json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  } catch {
    return undefined;
  }
  return Object.values(json.resource?.[type] ?? {});
}

function readAuthorizers(stackDir: string): AuthorizerSpec[] | undefined {
  return readResource(stackDir, 'aws_apigatewayv2_authorizer')
    ?.filter((a) => a.authorizer_type === 'JWT')
    .map((a) => {
      const jwt = (a.jwt_configuration ?? {}) as { issuer?: unknown; audience?: unknown };
      return { issuer: String(jwt.issuer ?? ''), audiences: Array.isArray(jwt.audience) ? jwt.audience.map(String) : [] };
    });
}

function isReference(value: string): boolean {
  return value.includes('${');
}

export function renderPlanReport(r: PlanReport, format: 'text' | 'markdown' | 'json'): string {
  if (format === 'json') {
    const data = {
      stackName: r.stackName,
      environment: r.environment,
      changes: r.changes,
      aws: {
        changes: r.aws.changes,
        summary: r.aws.summary,
        ...('resourceChanges' in r.aws && r.aws.resourceChanges ? { resourceChanges: r.aws.resourceChanges } : {}),
        ...(r.aws.adoption ? { adoption: r.aws.adoption } : {}),
        text: r.aws.text,
      },
      asgardeo: { changes: r.asgardeo.changes, plan: r.asgardeo.data },
      credentials: r.credentials ?? [],
      accessMatrix: r.matrix,
      boundary: r.boundary,
      problems: r.problems,
    };
    return `${JSON.stringify(data, null, 2)}\n`;
  }
  const mark = (b: BoundaryCheck) => (b.status === 'ok' ? '✓' : b.status === 'fail' ? '✗' : '?');
  const verdict = r.changes ? `changes: AWS ${r.aws.changes ? 'yes' : 'no'}, Asgardeo ${r.asgardeo.changes ? 'yes' : 'no'}` : 'no changes';
  if (format === 'markdown') {
    return [
      `## tollgate plan: \`${r.stackName}\` (${r.environment})`,
      '',
      `**${verdict}**${r.problems.length ? ` · ❌ ${r.problems.length} problem(s) below` : ''}`,
      '',
      '### Who can call what',
      '',
      renderAccessMatrix(r.matrix, 'markdown'),
      '',
      '### AWS ↔ Asgardeo checks',
      '',
      ...r.boundary.map((b) => `- ${b.status === 'ok' ? '✅' : b.status === 'fail' ? '❌' : '❔'} **${b.name}**: ${b.detail}`),
      '',
      `### AWS (${r.aws.summary ?? (r.aws.changes ? 'changes' : 'no changes')})`,
      '',
      '<details><summary>Terraform plan</summary>',
      '',
      '```',
      r.aws.text.trim().replace(/```/g, "'''"),
      '```',
      '',
      '</details>',
      '',
      `### Asgardeo (${r.asgardeo.changes ? 'changes' : 'no changes'})`,
      '',
      r.asgardeo.markdown.trim(),
      '',
      ...(r.credentials?.length ? ['### Client credentials', '', ...r.credentials.map((l) => `- ${l}`), ''] : []),
    ].join('\n');
  }
  return [
    `tollgate plan: ${r.stackName} (${r.environment}): ${verdict}`,
    '',
    '== Who can call what ==',
    renderAccessMatrix(r.matrix, 'text'),
    '',
    '== AWS <-> Asgardeo checks ==',
    ...r.boundary.map((b) => `${mark(b)} ${b.name}: ${b.detail}`),
    '',
    `== AWS: ${r.aws.summary ?? (r.aws.changes ? 'changes' : 'no changes')} ==`,
    r.aws.text.trim(),
    '',
    `== Asgardeo: ${r.asgardeo.changes ? 'changes' : 'no changes'} ==`,
    r.asgardeo.text.trim(),
    '',
    ...(r.credentials?.length ? ['== Client credentials ==', ...r.credentials, ''] : []),
  ].join('\n');
}

/** Terraform's convention: 0 no changes, 2 changes (only with --detailed-exitcode), 1 problems. */
export function planExitCode(r: PlanReport, detailed: boolean): number {
  if (r.problems.length) return 1;
  return detailed && r.changes ? 2 : 0;
}
