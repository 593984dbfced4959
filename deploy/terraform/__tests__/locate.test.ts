/**
 * Finding terraform and the provider mirror the ways Terraform users configure them, and the CLI
 * configuration the children get. Mirrors are folders made here in the layout Terraform reads;
 * the unsupported-version cases use small scripts standing in for old terraform binaries.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCliConfigProviderDirs, renderCliConfig, hclString } from '../cli-config';
import { errorText } from '../../../errors';
import { TerraformError } from '../errors';
import {
  checkTerraformVersion,
  childEnvironment,
  findTerraformOnPath,
  locateProviderMirror,
  MIRROR_VARIABLE,
  setupTerraform,
} from '../locate';
import { awsVersionsInMirror, impliedMirrorDirs, terraformPlatform } from '../mirror';
import { describeWithTerraform } from './availability';

const PLATFORM = 'linux_amd64';
const tempDirs: string[] = [];
function tempDir(prefix = 'tollgate-locate-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A mirror folder holding hashicorp/aws `versions` unpacked (or packed) for PLATFORM. */
function mirrorWith(versions: string[], layout: 'unpacked' | 'packed' = 'unpacked'): string {
  const dir = tempDir('tollgate-mirror-');
  const provider = path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
  fs.mkdirSync(provider, { recursive: true });
  for (const v of versions) {
    if (layout === 'unpacked') {
      fs.mkdirSync(path.join(provider, v, PLATFORM), { recursive: true });
      fs.writeFileSync(path.join(provider, v, PLATFORM, `terraform-provider-aws_v${v}_x5`), '');
    } else {
      fs.writeFileSync(path.join(provider, `terraform-provider-aws_${v}_${PLATFORM}.zip`), '');
    }
  }
  return dir;
}

function fakeTerraform(script: string): string {
  const dir = tempDir('tollgate-fake-tf-');
  const file = path.join(dir, 'terraform');
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
}

describe('CLI configuration files', () => {
  it('reads filesystem_mirror paths and plugin_cache_dir, ignoring comments, other blocks and credentials', () => {
    const text = `
# plugin_cache_dir = "/commented/out"
plugin_cache_dir = "$HOME/.cache/tf" // trailing comment
credentials "app.terraform.io" { token = "secret-token" }
provider_installation {
  network_mirror { url = "https://mirror.example/" }
  /* filesystem_mirror { path = "/in/a/comment" } */
  filesystem_mirror {
    path    = "/opt/mirror \\"one\\""
    include = ["registry.terraform.io/hashicorp/*"]
  }
  filesystem_mirror {
    path = "/opt/two"
  }
  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }
}`;
    expect(readCliConfigProviderDirs(text)).toEqual({
      filesystemMirrors: ['/opt/mirror "one"', '/opt/two'],
      pluginCacheDir: '$HOME/.cache/tf',
    });
    expect(JSON.stringify(readCliConfigProviderDirs(text))).not.toContain('secret-token');
  });

  it('reads the JSON variant', () => {
    const json = JSON.stringify({ plugin_cache_dir: '/c', provider_installation: [{ filesystem_mirror: [{ path: '/m' }], direct: [{}] }] });
    expect(readCliConfigProviderDirs(json, { json: true })).toEqual({ filesystemMirrors: ['/m'], pluginCacheDir: '/c' });
  });

  it('writes a mirror for hashicorp/aws only and direct for the rest; reads back what it wrote', () => {
    const text = renderCliConfig('/opt/tf plugins/${x}');
    expect(text).toContain('include = ["registry.terraform.io/hashicorp/aws"]');
    expect(text).toMatch(/direct \{\s+exclude = \["registry\.terraform\.io\/hashicorp\/aws"\]/);
    expect(readCliConfigProviderDirs(text).filesystemMirrors).toEqual(['/opt/tf plugins/${x}']);
    expect(hclString('a${b}%{c}')).toBe('"a$${b}%%{c}"');
    expect(renderCliConfig(undefined)).not.toContain('provider_installation');
  });
});

describe('provider mirror layout', () => {
  it('lists hashicorp/aws versions for this platform, unpacked or packed, newest first', () => {
    expect(awsVersionsInMirror(mirrorWith(['5.9.0', '5.100.0']), PLATFORM)).toEqual(['5.100.0', '5.9.0']);
    expect(awsVersionsInMirror(mirrorWith(['6.25.0'], 'packed'), PLATFORM)).toEqual(['6.25.0']);
    expect(awsVersionsInMirror(mirrorWith(['6.25.0']), 'darwin_arm64')).toEqual([]);
    expect(awsVersionsInMirror(path.join(os.tmpdir(), 'tollgate-no-such-dir'), PLATFORM)).toEqual([]);
  });

  it("names the platform as Terraform does, and Terraform's implied local mirror folders", () => {
    expect(terraformPlatform('linux', 'x64')).toBe('linux_amd64');
    expect(terraformPlatform('darwin', 'arm64')).toBe('darwin_arm64');
    expect(terraformPlatform('win32', 'x64')).toBe('windows_amd64');
    expect(impliedMirrorDirs({}, '/home/u', 'linux')).toEqual([
      '/home/u/.terraform.d/plugins',
      '/home/u/.local/share/terraform/plugins',
      '/usr/local/share/terraform/plugins',
      '/usr/share/terraform/plugins',
    ]);
  });
});

describe('locating the mirror (only the folders a user configured; no search)', () => {
  const home = () => tempDir('tollgate-home-');

  it(`${MIRROR_VARIABLE} comes first, over the CLI configuration`, () => {
    const fromVariable = mirrorWith(['5.100.0']);
    const cliFile = path.join(tempDir(), 'cli.tfrc');
    fs.writeFileSync(cliFile, renderCliConfig(mirrorWith(['6.25.0'])));
    const found = locateProviderMirror({
      env: { [MIRROR_VARIABLE]: fromVariable, TF_CLI_CONFIG_FILE: cliFile },
      home: home(),
      platform: PLATFORM,
    });
    expect(found).toEqual({ path: fromVariable, source: MIRROR_VARIABLE, awsVersions: ['5.100.0'] });
  });

  it(`an unusable ${MIRROR_VARIABLE} is an error naming the folder and the fix, not a silent fallback`, () => {
    const missing = path.join(tempDir(), 'nope');
    const unusable = (() => {
      try {
        locateProviderMirror({ env: { [MIRROR_VARIABLE]: missing }, home: home(), platform: PLATFORM });
      } catch (err) {
        return errorText(err);
      }
      throw new Error('expected an error');
    })();
    expect(unusable).toMatch(new RegExp(`${missing}.*does not exist[\\s\\S]*what to do: point ${MIRROR_VARIABLE}`));
    const empty = tempDir();
    try {
      locateProviderMirror({ env: { [MIRROR_VARIABLE]: empty }, home: home(), platform: PLATFORM });
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(TerraformError);
      expect((err as TerraformError).failure).toBe('mirror-unusable');
      expect((err as TerraformError).problem).toContain(`registry.terraform.io/hashicorp/aws/<version>/${PLATFORM}/`);
      expect((err as TerraformError).fix).toContain('terraform providers mirror');
    }
  });

  it("then the user's CLI configuration: the first filesystem_mirror holding hashicorp/aws, relative paths from the file's folder", () => {
    const configDir = tempDir();
    const mirror = mirrorWith(['5.100.0']);
    fs.symlinkSync(mirror, path.join(configDir, 'rel-mirror'));
    const cliFile = path.join(configDir, 'cli.tfrc');
    fs.writeFileSync(
      cliFile,
      `provider_installation {\n filesystem_mirror { path = "${tempDir()}" }\n filesystem_mirror { path = "rel-mirror" }\n direct {}\n}\n`,
    );
    expect(locateProviderMirror({ env: { TF_CLI_CONFIG_FILE: cliFile }, home: home(), platform: PLATFORM })).toEqual({
      path: path.join(configDir, 'rel-mirror'),
      source: 'cli-config filesystem_mirror',
      awsVersions: ['5.100.0'],
    });
  });

  it('then ~/.terraformrc when TF_CLI_CONFIG_FILE is unset, including its plugin_cache_dir', () => {
    const h = home();
    const cache = mirrorWith(['6.25.0']);
    fs.symlinkSync(cache, path.join(h, 'plugin-cache'));
    fs.writeFileSync(path.join(h, '.terraformrc'), 'plugin_cache_dir = "$HOME/plugin-cache"\n');
    expect(locateProviderMirror({ env: {}, home: h, platform: PLATFORM })).toMatchObject({
      path: path.join(h, 'plugin-cache'),
      source: 'cli-config plugin_cache_dir',
    });
  });

  it(
    'then TF_PLUGIN_CACHE_DIR, then the implied ~/.terraform.d/plugins; ' + 'a CLI configuration file that does not exist names nothing',
    () => {
      const cache = mirrorWith(['5.100.0']);
      const env = { TF_CLI_CONFIG_FILE: path.join(tempDir(), 'missing.tfrc'), XDG_DATA_DIRS: tempDir() };
      expect(locateProviderMirror({ env: { ...env, TF_PLUGIN_CACHE_DIR: cache }, home: home(), platform: PLATFORM })).toMatchObject({
        path: cache,
        source: 'TF_PLUGIN_CACHE_DIR',
      });
      const h = home();
      fs.mkdirSync(path.join(h, '.terraform.d'));
      fs.symlinkSync(mirrorWith(['5.100.0']), path.join(h, '.terraform.d', 'plugins'));
      expect(locateProviderMirror({ env, home: h, platform: PLATFORM })).toMatchObject({
        path: path.join(h, '.terraform.d', 'plugins'),
        source: 'implied local mirror',
      });
      expect(locateProviderMirror({ env, home: home(), platform: PLATFORM })).toBeUndefined();
    },
  );
});

describe('finding terraform and checking its version', () => {
  it('finds the first executable terraform on PATH, skipping non-executable files', () => {
    const notExecutable = tempDir();
    fs.writeFileSync(path.join(notExecutable, 'terraform'), 'not a program', { mode: 0o644 });
    const real = fakeTerraform('exit 0');
    expect(findTerraformOnPath({ PATH: [notExecutable, path.dirname(real)].join(path.delimiter) })).toBe(real);
    expect(findTerraformOnPath({ PATH: notExecutable })).toBeUndefined();
    expect(findTerraformOnPath({})).toBeUndefined();
  });

  it('no terraform on PATH: a clear error with how to install it, before anything is written', async () => {
    const scratch = tempDir();
    await expect(setupTerraform({ env: { PATH: tempDir() }, tmpdir: scratch })).rejects.toMatchObject({
      failure: 'terraform-missing',
      message: expect.stringMatching(/not found on PATH/),
      hint: expect.stringMatching(/^install Terraform >= 1\.9\.0, < 2\.0\.0/),
    });
    expect(fs.readdirSync(scratch)).toEqual([]);
    // An unsupported version also leaves nothing behind.
    await expect(
      setupTerraform({ env: {}, binary: fakeTerraform(`echo '{"terraform_version":"1.5.7"}'`), tmpdir: scratch }),
    ).rejects.toMatchObject({ failure: 'terraform-version' });
    expect(fs.readdirSync(scratch)).toEqual([]);
  });

  it('an unsupported version is refused with the supported range', async () => {
    const old = fakeTerraform(`echo '{"terraform_version":"1.5.7","platform":"linux_amd64"}'`);
    await expect(checkTerraformVersion(old, {})).rejects.toMatchObject({
      failure: 'terraform-version',
      problem: expect.stringContaining('Terraform 1.5.7'),
      fix: expect.stringContaining('>= 1.9.0, < 2.0.0'),
    });
    const next = fakeTerraform(`echo '{"terraform_version":"2.0.0"}'`);
    await expect(checkTerraformVersion(next, {})).rejects.toMatchObject({ failure: 'terraform-version' });
    const ancient = fakeTerraform(`echo 'Terraform v0.11.14'`);
    await expect(checkTerraformVersion(ancient, {})).rejects.toMatchObject({ problem: expect.stringContaining('Terraform 0.11.14') });
    const broken = fakeTerraform(`echo 'segfault' >&2; exit 3`);
    await expect(checkTerraformVersion(broken, {})).rejects.toMatchObject({
      problem: expect.stringContaining('exit 3'),
      detail: 'segfault',
    });
  });

  it("the children's environment: tollgate's CLI configuration, no prompts, no update checks, no TF_CLI_ARGS, GOGC unless set", () => {
    const env = childEnvironment(
      {
        PATH: '/bin',
        TF_CLI_CONFIG_FILE: '/root/.terraformrc',
        TF_CLI_ARGS: '-no-color',
        TF_CLI_ARGS_plan: '-refresh=false',
        TF_TOKEN_app_terraform_io: 't',
      },
      '/tmp/x.tfrc',
    );
    expect(env).toEqual({
      PATH: '/bin',
      TF_CLI_CONFIG_FILE: '/tmp/x.tfrc',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      NO_COLOR: '1',
      GOGC: '400',
      TF_TOKEN_app_terraform_io: 't',
    });
    // A user's own garbage collector setting stands.
    expect(childEnvironment({ GOGC: '100' }, '/tmp/x.tfrc').GOGC).toBe('100');
  });
});

describeWithTerraform('setupTerraform with the real terraform', { needMirror: false }, ({ terraform }) => {
  it('with a mirror: writes its own CLI configuration for the children and removes it on dispose', async () => {
    const mirror = mirrorWith(['5.100.0']);
    const setup = await setupTerraform({
      env: { ...process.env, PATH: path.dirname(terraform), TF_CLI_CONFIG_FILE: '/nonexistent/.terraformrc' },
      mirror,
    });
    try {
      expect(setup.version).toMatch(/^1\.\d+\.\d+/);
      expect(setup.env.TF_CLI_CONFIG_FILE).toBe(setup.cliConfigFile);
      expect(readCliConfigProviderDirs(fs.readFileSync(setup.cliConfigFile, 'utf8')).filesystemMirrors).toEqual([mirror]);
    } finally {
      setup.dispose();
    }
    expect(fs.existsSync(setup.cliConfigFile)).toBe(false);
  });

  it("without a mirror: the user's existing CLI configuration is kept; a missing one is never passed on", async () => {
    const userFile = path.join(tempDir(), 'user.tfrc');
    fs.writeFileSync(userFile, 'provider_installation {\n  network_mirror { url = "https://mirror.example/" }\n}\n');
    const kept = await setupTerraform({ env: { ...process.env, TF_CLI_CONFIG_FILE: userFile }, useMirror: false });
    kept.dispose();
    expect(kept.env.TF_CLI_CONFIG_FILE).toBe(userFile);
    expect(fs.existsSync(userFile)).toBe(true);
    const own = await setupTerraform({ env: { ...process.env, TF_CLI_CONFIG_FILE: '/nonexistent/.terraformrc' }, useMirror: false });
    try {
      expect(own.env.TF_CLI_CONFIG_FILE).not.toBe('/nonexistent/.terraformrc');
      expect(fs.readFileSync(own.cliConfigFile, 'utf8')).not.toContain('provider_installation');
    } finally {
      own.dispose();
    }
  });
});
