/**
 * Provider mirrors on disk, in the layouts Terraform reads (filesystem_mirror and plugin caches):
 * unpacked `registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/` folders or packed
 * `terraform-provider-aws_<version>_<os>_<arch>.zip` files. Only named folders are looked into;
 * nothing here searches the disk.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AWS_PROVIDER_ADDRESS } from './cli-config';

/** Terraform's name of this machine's platform, e.g. `linux_amd64`. */
export function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const osName = platform === 'win32' ? 'windows' : platform;
  const archName = arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
  return `${osName}_${archName}`;
}

/** Versions of hashicorp/aws for `platform` a mirror folder holds, newest first; [] when none or no such folder. */
export function awsVersionsInMirror(mirror: string, platform: string = terraformPlatform()): string[] {
  const providerDir = path.join(mirror, ...AWS_PROVIDER_ADDRESS.split('/'));
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(providerDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const versions = new Set<string>();
  const packed = new RegExp(`^terraform-provider-aws_(.+)_${platform.replace(/[^a-z0-9_]/gi, '')}\\.zip$`);
  for (const e of entries) {
    if (e.isDirectory() && fs.existsSync(path.join(providerDir, e.name, platform))) versions.add(e.name);
    const m = e.isFile() ? packed.exec(e.name) : null;
    if (m) versions.add(m[1]!);
  }
  return [...versions].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
}

/** Where Terraform itself looks for providers when no `provider_installation` block is set (its "implied local mirror directories"). */
export function impliedMirrorDirs(
  env: NodeJS.ProcessEnv,
  home: string = os.homedir(),
  platform: NodeJS.Platform = process.platform,
): string[] {
  if (platform === 'win32') return env.APPDATA ? [path.join(env.APPDATA, 'terraform.d', 'plugins')] : [];
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const dirs = [
    path.join(home, '.terraform.d', 'plugins'),
    path.join(dataHome, 'terraform', 'plugins'),
    ...dataDirs.map((d) => path.join(d, 'terraform', 'plugins')),
  ];
  if (platform === 'darwin') dirs.splice(1, 0, path.join(home, 'Library', 'Application Support', 'io.terraform', 'plugins'));
  return dirs;
}
