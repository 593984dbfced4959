/** One AWS call the control plane received: by operation name, never with bodies (code zips, policies). */
export interface AwsRequestLogEntry {
  readonly time: number;
  readonly service: string;
  /** AWS operation name, or `METHOD /path` when a REST request matched no known operation. */
  readonly operation: string;
  readonly status: number;
  /** AWS error code when the call failed. */
  readonly errorCode?: string;
  readonly durationMs: number;
  /** True when the operation is not served here (answered with the unknown-operation error). */
  readonly unserved: boolean;
  /** True when the answer was an injected fault. */
  readonly injected: boolean;
}

/** Operations that only read state; every other successful call may have changed it. */
const READ_ONLY = /^(Get|List|Describe)/;

export class AwsRequestLog {
  private readonly list: AwsRequestLogEntry[] = [];
  private changes = 0;

  add(entry: AwsRequestLogEntry): void {
    this.list.push(entry);
    if (!entry.unserved && entry.status < 300 && !READ_ONLY.test(entry.operation)) this.changes++;
  }

  /** Successful calls that may have changed the state so far; `clear()` does not reset it. */
  get mutations(): number {
    return this.changes;
  }

  entries(): readonly AwsRequestLogEntry[] {
    return [...this.list];
  }

  /** Distinct `service:operation` names that were asked for and not served. */
  unserved(): string[] {
    return [...new Set(this.list.filter((e) => e.unserved).map((e) => `${e.service}:${e.operation}`))];
  }

  /** Distinct `service:operation` names answered successfully. */
  served(): string[] {
    return [...new Set(this.list.filter((e) => !e.unserved && e.status < 300).map((e) => `${e.service}:${e.operation}`))].sort();
  }

  clear(): void {
    this.list.length = 0;
  }
}
