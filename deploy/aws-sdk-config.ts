/** Where the SDK clients of a deploy reach AWS. Absent: AWS itself, through the default credential chain. */
export interface AwsSdkTarget {
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** What every AWS SDK client of a deploy is made with: the region, and the target's endpoint and credentials when it names them. */
export function awsSdkClientConfig(o: { region: string; target?: AwsSdkTarget }): {
  region: string;
  endpoint?: string;
  credentials?: AwsSdkTarget['credentials'];
} {
  // The SDK warns once per process that its releases after January 2027 need Node 22. tollgate pins
  // the SDK version it ships, so the user's Node is governed by tollgate's own `engines`, and the
  // notice would only add noise to every deploy; a user who set the variable keeps their choice.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return { region: o.region, ...(o.target ? { endpoint: o.target.endpoint, credentials: { ...o.target.credentials } } : {}) };
}
