/**
 * A problem with the synthesized stack that keeps the local gateway from serving it. The message
 * names what is wrong (the file, the Terraform block or expression) and how to fix it.
 */
export class GatewayStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayStackError';
  }
}
