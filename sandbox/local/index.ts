export { startSandbox, type Sandbox, type SandboxOptions } from './sandbox';
export { runSandbox, SANDBOX_USAGE, type RunSandboxDeps } from './run';
export { renderChecks, renderTryIt, shellQuote, type TryItOptions } from './report';
export { startAsgardeoOnPreferredPort, DEFAULT_ASGARDEO_PORT, type PortChoice } from './asgardeo-port';
export { SandboxRunner } from './sandbox-runner';
export { LocalGatewayRunner, type LocalGatewayRunnerOptions } from './local-gateway-runner';
export { diffStacks, type SynthesizedStack } from './stack-diff';
