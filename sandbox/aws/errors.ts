/** An AWS API error: rendered in each protocol's own shape by {@link ../protocol}. */
export class AwsError extends Error {
  constructor(
    /** HTTP status AWS answers with. */
    readonly status: number,
    /** The error code the SDKs match on, e.g. `ResourceNotFoundException`, `NoSuchEntity`. */
    readonly code: string,
    message: string,
    readonly options: {
      readonly sender?: boolean;
      readonly headers?: Record<string, string>;
      readonly extra?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = code;
  }

  /** The caller's fault (4xx) or the service's (5xx): the query protocol's `<Type>`. */
  get sender(): boolean {
    return this.options.sender ?? this.status < 500;
  }
}

export const notFound = (code: string, message: string): AwsError => new AwsError(404, code, message);
export const conflict = (code: string, message: string): AwsError => new AwsError(409, code, message);
export const badRequest = (code: string, message: string): AwsError => new AwsError(400, code, message);
