import { UserError } from '../../errors';

/**
 * A problem with the synthesized stack that keeps the local gateway from serving it. The message
 * names what is wrong (the file, the Terraform block or expression) and how to fix it.
 */
export class GatewayStackError extends UserError {}
