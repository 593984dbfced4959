import type { ResolvedConfig } from '../config';
import type { AdminCredentials, AsgardeoSide } from './asgardeo-side';
import { findAwsCredentials } from './aws-credentials';
import { checkDiscovery } from './discovery';
import type { InfraRunner, RunnerDescription } from './infra-runner';
import { UserError } from '../errors';

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface PreflightCheck {
  name: string;
  status: CheckStatus;
  /** What was found (versions, credential source) or what is wrong. */
  detail: string;
  /** How to fix it, for failed checks. */
  fix?: string;
}

export interface PreflightOptions {
  /** Loads the configuration; a ConfigError becomes the first failed check. */
  loadConfig: () => ResolvedConfig;
  runner: InfraRunner;
  side: AsgardeoSide;
  env: NodeJS.ProcessEnv;
  /** Home folder for ~/.aws; tests point it at a temporary folder. */
  home?: string;
  /** Skip the AWS checks (tools, credentials): a resume after the AWS step. */
  skipAws?: boolean;
  /** The fix to print when issuer discovery fails. @default the error's own */
  discoveryFix?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /**
   * Called once the configuration, Terraform and AWS credentials checks have passed, while the Asgardeo
   * checks are still on the network: a deploy starts its read-only AWS plan there instead of after them.
   */
  onLocalChecksPassed?: (ready: { config: ResolvedConfig; runner: RunnerDescription }) => void;
}

export interface PreflightResult {
  config: ResolvedConfig;
  credentials: AdminCredentials;
  checks: PreflightCheck[];
  /** What the runner deploys to; undefined when the AWS step is not run. */
  runner?: RunnerDescription;
}

/** One or more checks failed; the message lists each with its fix. Nothing was changed. */
export class PreflightError extends UserError {
  readonly checks: PreflightCheck[];
  /** `what`: whose checks these are (`Preflight`, `Plan`), the start of the message. */
  constructor(checks: PreflightCheck[], what = 'Preflight') {
    const failed = checks.filter((c) => c.status === 'failed');
    super(
      `${what} found ${failed.length} problem${failed.length === 1 ? '' : 's'}; nothing was changed:\n` +
        failed.map((c) => `  ✗ ${c.name}: ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`).join('\n'),
    );
    this.checks = checks;
  }
}

/**
 * Everything a deploy needs, checked before anything changes. Independent checks all run, so one
 * run reports every problem instead of the first.
 */
export async function runPreflight(o: PreflightOptions): Promise<PreflightResult> {
  const checks: PreflightCheck[] = [];
  const add = (c: PreflightCheck) => checks.push(c);

  // Starting Terraform to read its version takes a while: it runs while Asgardeo is checked.
  const described = o.skipAws
    ? undefined
    : o.runner.describe().then(
        (d) => ({ ok: d }) as const,
        (err: unknown) => ({ err }) as const,
      );
  let config: ResolvedConfig | undefined;
  try {
    config = o.loadConfig();
    add({
      name: 'configuration',
      status: 'ok',
      detail: `${config.file} (environment ${config.environment}, stack ` + `${config.stackName}, target ${config.target})`,
    });
  } catch (err) {
    add({ name: 'configuration', status: 'failed', ...split(err) });
  }

  let credentials: AdminCredentials | undefined;
  let credentialsError: unknown;
  try {
    credentials = o.side.credentialsFromEnv(o.env);
  } catch (err) {
    credentialsError = err;
  }
  // The two network checks do not depend on each other, nor on Terraform's version.
  const network = config
    ? Promise.allSettled([
        credentials ? o.side.checkAdminAccess({ config, credentials, signal: o.signal }) : Promise.resolve(undefined),
        checkDiscovery({
          discoveryUrl: config.asgardeo.discoveryUrl,
          expectedIssuer: config.asgardeo.issuer,
          fetch: o.fetch,
          signal: o.signal,
        }),
      ])
    : undefined;

  let runner: RunnerDescription | undefined;
  if (o.skipAws) {
    add({ name: 'terraform', status: 'skipped', detail: 'the AWS step is not run' });
    add({ name: 'AWS credentials', status: 'skipped', detail: 'the AWS step is not run' });
  } else {
    const d = await described!;
    if ('ok' in d) {
      runner = d.ok;
      add({ name: 'terraform', status: 'ok', detail: runner.tools });
    } else add({ name: 'terraform', status: 'failed', ...split(d.err) });
    const credentialsCheck = runner?.awsCredentials ?? 'check';
    add(
      credentialsCheck === 'check'
        ? awsCredentialsCheck(o.env, o.home)
        : { name: 'AWS credentials', status: 'skipped', detail: credentialsCheck.skipped },
    );
    if (config && runner && credentials && !checks.some((c) => c.status === 'failed')) o.onLocalChecksPassed?.({ config, runner });
  }

  if (credentialsError !== undefined) add({ name: 'Asgardeo admin credentials', status: 'failed', ...split(credentialsError) });

  if (config) {
    const asgardeo = config.asgardeo;
    const [access, discovery] = await network!;
    if (credentials) {
      add(
        access.status === 'fulfilled'
          ? {
              name: 'Asgardeo admin credentials',
              status: 'ok',
              detail:
                `client ` +
                `${credentials.clientId} holds the ${access.value?.scopes.length ?? 0} management scopes ` +
                `needed${access.value?.rolesApi ? ` (roles through ${access.value.rolesApi})` : ''}`,
            }
          : { name: 'Asgardeo admin credentials', status: 'failed', ...split(access.reason) },
      );
    }
    add(
      discovery.status === 'fulfilled'
        ? {
            name: 'issuer discovery',
            status: 'ok',
            detail:
              `${asgardeo.discoveryUrl}: issuer matches, ` + `${discovery.value.rsaKeyIds.length} RSA key(s) at ${discovery.value.jwksUri}`,
          }
        : {
            name: 'issuer discovery',
            status: 'failed',
            ...split(discovery.reason),
            ...(o.discoveryFix ? { fix: o.discoveryFix } : {}),
          },
    );
  }

  if (!config || !credentials || checks.some((c) => c.status === 'failed')) throw new PreflightError(checks);
  return { config, credentials, checks, ...(runner ? { runner } : {}) };
}

/**
 * What `tollgate plan` needs before it runs (Terraform, AWS credentials for the provider, the Asgardeo
 * admin credentials): all checked, so one run names every missing thing, as deploy's preflight does.
 * No network check: a plan's admin token needs only the view scopes, which the plan itself asks for.
 */
export async function checkPlanPrerequisites(o: {
  config: ResolvedConfig;
  runner: InfraRunner;
  side: AsgardeoSide;
  env: NodeJS.ProcessEnv;
  home?: string;
  /** False when the AWS provider plans without credentials (TOLLGATE_TERRAFORM_OFFLINE). @default true */
  awsCredentials?: boolean;
}): Promise<AdminCredentials> {
  const checks: PreflightCheck[] = [];
  let runner: RunnerDescription | undefined;
  try {
    runner = await o.runner.describe();
  } catch (err) {
    checks.push({ name: 'terraform', status: 'failed', ...split(err) });
  }
  // The runner says whether its AWS needs credentials (a local AWS and Terraform Cloud's remote runs do not).
  if (o.awsCredentials !== false && (runner?.awsCredentials ?? 'check') === 'check') checks.push(awsCredentialsCheck(o.env, o.home));
  let credentials: AdminCredentials | undefined;
  try {
    credentials = o.side.credentialsFromEnv(o.env);
  } catch (err) {
    checks.push({ name: 'Asgardeo admin credentials', status: 'failed', ...split(err) });
  }
  if (!credentials || checks.some((c) => c.status === 'failed')) throw new PreflightError(checks, 'Plan');
  return credentials;
}

function awsCredentialsCheck(env: NodeJS.ProcessEnv, home?: string): PreflightCheck {
  if (env.TF_CLOUD_ORGANIZATION && env.TF_WORKSPACE) {
    // With Terraform Cloud's remote execution the plan and apply run there, with the workspace's variables.
    return {
      name: 'AWS credentials',
      status: 'skipped',
      detail: `Terraform Cloud (organization ` + `${env.TF_CLOUD_ORGANIZATION}) runs Terraform with the workspace's AWS credentials`,
    };
  }
  const found = findAwsCredentials(env, home);
  return found.found
    ? { name: 'AWS credentials', status: 'ok', detail: found.source }
    : { name: 'AWS credentials', status: 'failed', detail: found.problem, fix: found.fix };
}

/** A failed check's detail is the error's message; a UserError's hint is its fix. */
function split(err: unknown): { detail: string; fix?: string } {
  const detail = (err instanceof Error ? err.message : String(err)).trim();
  return err instanceof UserError && err.hint ? { detail, fix: err.hint } : { detail };
}
