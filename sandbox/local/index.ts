/**
 * The sandbox: the deploy pipeline wired to the local stand-ins (sandbox/asgardeo, sandbox/gateway)
 * through deploy's interfaces: SandboxRunner / LocalGatewayRunner are InfraRunners, and the real
 * reconciler is pointed at the local Asgardeo. `npm start` and `tollgate deploy --target local` run it.
 */
export { startSandbox, type Sandbox } from './sandbox';
export { runSandbox } from './run';
export { startAsgardeoOnPreferredPort } from './asgardeo-port';
export { LocalGatewayRunner } from './local-gateway-runner';
export { diffStacks, type SynthesizedStack } from './stack-diff';
export {
  chooseLocalInfra,
  externalLocalInfra,
  localTargetOutdir,
  LOCAL_TERRAFORM_VARIABLE,
  type LocalInfra,
  type LocalInfraRunner,
} from './infra-choice';
export { LOCAL_AWS_URL_VARIABLE } from '../aws/with-gateway';
export { LOCAL_AWS_SDK_CREDENTIALS } from './terraform-runner';
export { LocalTerraformRunner } from './terraform-runner';
