/** The provider `endpoints` keys this control plane serves; all of them point at the one local URL. */
export const LOCAL_AWS_SERVICES = ['apigatewayv2', 'lambda', 'iam', 'cloudwatchlogs', 'sts', 'secretsmanager'] as const;
export type LocalAwsService = (typeof LOCAL_AWS_SERVICES)[number];

/** `endpoints` block of the aws provider: every service this project uses, at one local URL. */
export function providerEndpoints(endpoint: string): Record<LocalAwsService, string> {
  return Object.fromEntries(LOCAL_AWS_SERVICES.map((service) => [service, endpoint])) as Record<LocalAwsService, string>;
}
