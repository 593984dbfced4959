/**
 * Fault injection for the local control plane, in the manner of the local Asgardeo's: added
 * latency, and the next N matching operations answered with AWS's throttling or server error.
 */
import { AwsError } from './errors';
import type { ServiceName } from './protocol';

export type FaultKind = 'throttle' | 'server-error';

export interface FaultMatch {
  /** Only this operation, e.g. `CreateFunction`. @default any */
  readonly operation?: string;
  /** Only this service's operations (signing name: iam, sts, logs, lambda, apigateway, secretsmanager). @default any */
  readonly service?: ServiceName;
}

interface Rule extends FaultMatch {
  readonly kind: FaultKind;
  remaining: number;
}

export class AwsFaults {
  private latencyMs = 0;
  private rules: Rule[] = [];

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of milliseconds, got ${ms}`);
    this.latencyMs = ms;
  }

  get latency(): number {
    return this.latencyMs;
  }

  /** The next `count` requests matching `match` fail with `kind`; rules are consumed in the order given. */
  failNext(kind: FaultKind, count = 1, match: FaultMatch = {}): void {
    if (kind !== 'throttle' && kind !== 'server-error')
      throw new RangeError(`fault kind must be 'throttle' or 'server-error', got ${String(kind)}`);
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`failNext count must be a positive integer, got ${count}`);
    this.rules.push({ ...match, kind, remaining: count });
  }

  /** Faults still waiting for a matching request. */
  pending(): number {
    return this.rules.reduce((n, rule) => n + rule.remaining, 0);
  }

  reset(): void {
    this.latencyMs = 0;
    this.rules = [];
  }

  /** The error to answer `service`/`operation` with, or undefined to serve it. */
  take(service: ServiceName, operation: string): AwsError | undefined {
    const rule = this.rules.find((r) => (!r.service || r.service === service) && (!r.operation || r.operation === operation));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return rule.kind === 'throttle' ? throttlingError(service) : serverError(service);
  }
}

/** Each service's own throttling answer (the SDKs retry every one of them). */
export function throttlingError(service: ServiceName): AwsError {
  switch (service) {
    case 'iam':
    case 'sts':
      return new AwsError(400, 'Throttling', 'Rate exceeded');
    case 'logs':
    case 'secretsmanager':
      return new AwsError(400, 'ThrottlingException', 'Rate exceeded');
    case 'lambda':
      return new AwsError(429, 'TooManyRequestsException', 'Rate exceeded', {
        headers: { 'retry-after': '1' },
        extra: { Reason: 'CallerRateLimitExceeded' },
      });
    case 'apigateway':
      return new AwsError(429, 'TooManyRequestsException', 'Too Many Requests', { headers: { 'retry-after': '1' } });
  }
}

/** Each service's own internal-error answer. */
export function serverError(service: ServiceName): AwsError {
  switch (service) {
    case 'iam':
      return new AwsError(500, 'ServiceFailure', 'Injected server error (local control plane).');
    case 'sts':
      return new AwsError(500, 'InternalFailure', 'Injected server error (local control plane).');
    case 'logs':
      return new AwsError(500, 'ServiceUnavailableException', 'Injected server error (local control plane).');
    case 'secretsmanager':
      return new AwsError(500, 'InternalServiceError', 'Injected server error (local control plane).');
    case 'lambda':
      return new AwsError(500, 'ServiceException', 'Injected server error (local control plane).');
    case 'apigateway':
      return new AwsError(503, 'ServiceUnavailableException', 'Injected server error (local control plane).');
  }
}
