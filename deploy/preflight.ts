import type { ResolvedConfig } from '../config';
import { managementScopesFor, type AdminCredentials, type AsgardeoSide } from './asgardeo-side';
import { findAwsCredentials } from './aws-credentials';
import { checkDiscovery } from './discovery';
import type { InfraRunner } from './infra-runner';
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
  /** Skip the AWS checks (tools, credentials): `--target local`, or a resume after the AWS step. */
  skipAws?: boolean;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface PreflightResult {
  config: ResolvedConfig;
  credentials: AdminCredentials;
  checks: PreflightCheck[];
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

  const skipAws = o.skipAws || config?.target === 'local';
  if (skipAws) {
    add({
      name: 'terraform and cdktf',
      status: 'skipped',
      detail:
        config?.target === 'local' ? (o.runner.localDescription?.preflight ?? 'local target: no Terraform run') : 'the AWS step is not run',
    });
    add({ name: 'AWS credentials', status: 'skipped', detail: config?.target === 'local' ? 'local target' : 'the AWS step is not run' });
  } else {
    try {
      const v = await o.runner.versions();
      add({ name: 'terraform and cdktf', status: 'ok', detail: `terraform ${v.terraform}, cdktf ${v.cdktf}` });
    } catch (err) {
      add({ name: 'terraform and cdktf', status: 'failed', ...split(err) });
    }
    add(awsCredentialsCheck(o.env, o.home));
  }

  let credentials: AdminCredentials | undefined;
  try {
    credentials = o.side.credentialsFromEnv(o.env);
  } catch (err) {
    add({ name: 'Asgardeo admin credentials', status: 'failed', ...split(err) });
  }

  if (config) {
    const asgardeo = config.asgardeo;
    const scopes = managementScopesFor(config);
    // The two network checks do not depend on each other.
    const [access, discovery] = await Promise.allSettled([
      credentials ? o.side.checkAdminAccess({ config, credentials, scopes, signal: o.signal }) : Promise.resolve('not-checked' as const),
      checkDiscovery({ discoveryUrl: asgardeo.discoveryUrl, expectedIssuer: asgardeo.issuer, fetch: o.fetch, signal: o.signal }),
    ]);
    if (credentials) {
      add(
        access.status === 'fulfilled'
          ? {
              name: 'Asgardeo admin credentials',
              status: 'ok',
              detail: `client ` + `${credentials.clientId} holds the ${scopes.length} management scopes ` + `needed`,
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
            ...(config.target === 'local'
              ? {
                  fix:
                    'start the local Asgardeo (`npm run asgardeo:local`) and set ASGARDEO_BASE_URL ' +
                    'to the URL it prints (or run `npm start`)',
                }
              : {}),
          },
    );
  }

  if (!config || !credentials || checks.some((c) => c.status === 'failed')) throw new PreflightError(checks);
  return { config, credentials, checks };
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
  if (o.config.target !== 'local') {
    try {
      await o.runner.versions();
    } catch (err) {
      checks.push({ name: 'terraform and cdktf', status: 'failed', ...split(err) });
    }
    if (o.awsCredentials !== false) checks.push(awsCredentialsCheck(o.env, o.home));
  }
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

/** An error's message without its trailing "what to do" line, which becomes the fix. */
function split(err: unknown): { detail: string; fix?: string } {
  const e = err as Error & { hint?: string };
  const message = e instanceof Error ? e.message : String(err);
  const at = message.indexOf('\n  what to do: ');
  const detail = (at >= 0 ? message.slice(0, at) : message).trim();
  const fix = typeof e?.hint === 'string' && e.hint ? e.hint : at >= 0 ? message.slice(at + '\n  what to do: '.length).trim() : undefined;
  return { detail, fix };
}
