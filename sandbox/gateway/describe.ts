import type { LocalGateway } from './index';

/** What a developer needs to call the running gateway: where it listens and what each route requires. */
export function describeGateway(gateway: Pick<LocalGateway, 'url' | 'stageInvokeUrl' | 'routes' | 'outputsFile'>): string {
  const [stackName] = Object.keys(gateway.outputsFile());
  const width = Math.max(...gateway.routes.map((route) => route.routeKey.length));
  const lines = [`Local gateway for ${stackName} at ${gateway.url}`, `Stage invoke URL: ${gateway.stageInvokeUrl}`, 'Routes:'];
  for (const route of gateway.routes) {
    const access =
      route.authorizationType === 'NONE'
        ? 'public (no token)'
        : route.scopes.length
          ? `JWT, any of: ${route.scopes.join(', ')}`
          : 'JWT, any valid token';
    lines.push(`  ${route.routeKey.padEnd(width)}  ${access}`);
  }
  return lines.join('\n');
}
