/**
 * The local stand-ins (sandbox/), loaded only for `--target local`: a real deploy or destroy never
 * loads the local Asgardeo, gateway or control plane. The CLI is the one layer allowed to reach them.
 */
export function localSandbox(): typeof import('../sandbox/local') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../sandbox/local') as typeof import('../sandbox/local');
}
