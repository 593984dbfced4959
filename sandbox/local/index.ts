/**
 * The sandbox: the deploy pipeline wired to the local stand-ins (sandbox/asgardeo, sandbox/gateway,
 * sandbox/aws) through deploy's interfaces: the one TerraformRunner with the local AWS target (or
 * the gateway-only GatewayRunner), and the real reconciler pointed at the local Asgardeo.
 * `npm start` and `tollgate deploy --target local` run it.
 */
export { startSandbox, type Sandbox } from './sandbox';
export { runSandbox } from './run';
export { startAsgardeoOnPreferredPort } from './asgardeo-port';
export { GatewayRunner } from './gateway-runner';
export { localAwsTarget, type LocalAwsTarget } from './local-aws-target';
export { diffStacks, type SynthesizedStack } from './stack-diff';
export { chooseLocalInfra, externalLocalInfra, localTargetOutdir, LOCAL_TERRAFORM_VARIABLE, type LocalInfra } from './infra-choice';
export { LOCAL_AWS_URL_VARIABLE } from '../aws/with-gateway';
export { LOCAL_AWS_SDK_CREDENTIALS, localAwsSdkTarget } from '../aws/provider-override';
