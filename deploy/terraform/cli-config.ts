/**
 * Terraform CLI configuration files: reading where a user's own file keeps providers
 * (`filesystem_mirror` paths and `plugin_cache_dir`), and writing the one tollgate's child
 * processes use, so they never depend on whatever `TF_CLI_CONFIG_FILE` happens to point to.
 */

/** The provider this project installs; every other provider keeps its normal (direct) source. */
export const AWS_PROVIDER_ADDRESS = 'registry.terraform.io/hashicorp/aws';

export interface CliConfigProviderDirs {
  /** `path` of every `filesystem_mirror` block inside `provider_installation`, in file order. */
  readonly filesystemMirrors: string[];
  /** Top-level `plugin_cache_dir`, when set. */
  readonly pluginCacheDir?: string;
}

/**
 * Reads the provider folders a CLI configuration names. Understands the native syntax (comments,
 * nested blocks, quoted strings) and the JSON variant (`.json` files); anything else in the file
 * (credentials, hosts) is ignored and never returned.
 */
export function readCliConfigProviderDirs(text: string, { json = false }: { json?: boolean } = {}): CliConfigProviderDirs {
  if (json) return fromJson(JSON.parse(text) as unknown);
  const source = stripComments(text);
  const filesystemMirrors: string[] = [];
  for (const block of blocksNamed(source, 'provider_installation')) {
    for (const mirror of blocksNamed(block, 'filesystem_mirror')) {
      const p = stringAttribute(mirror, 'path');
      if (p !== undefined) filesystemMirrors.push(p);
    }
  }
  const pluginCacheDir = stringAttribute(topLevel(source), 'plugin_cache_dir');
  return { filesystemMirrors, ...(pluginCacheDir !== undefined ? { pluginCacheDir } : {}) };
}

/**
 * The CLI configuration for tollgate's Terraform processes: hashicorp/aws only from `mirror`,
 * every other provider straight from its registry. Without a mirror, an empty configuration
 * (Terraform's defaults: the public registry).
 */
export function renderCliConfig(mirror: string | undefined): string {
  const header = '# Written by tollgate for its own Terraform processes (deploy/terraform/locate.ts); not read by anything else.\n';
  if (mirror === undefined) return header;
  const list = JSON.stringify([AWS_PROVIDER_ADDRESS]);
  return `${header}provider_installation {
  filesystem_mirror {
    path    = ${hclString(mirror)}
    include = ${list}
  }
  direct {
    exclude = ${list}
  }
}
`;
}

/** A quoted HCL string: JSON escapes plus HCL's own template markers doubled. */
export function hclString(value: string): string {
  return JSON.stringify(value).replace(/[$%]\{/g, (marker) => `${marker[0]}${marker}`);
}

function fromJson(doc: unknown): CliConfigProviderDirs {
  const obj = (doc ?? {}) as Record<string, unknown>;
  const filesystemMirrors: string[] = [];
  for (const pi of asArray(obj.provider_installation)) {
    for (const fm of asArray((pi as Record<string, unknown>).filesystem_mirror)) {
      const p = (fm as Record<string, unknown>).path;
      if (typeof p === 'string') filesystemMirrors.push(p);
    }
  }
  const cache = obj.plugin_cache_dir;
  return { filesystemMirrors, ...(typeof cache === 'string' ? { pluginCacheDir: cache } : {}) };
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Removes `#`, `//` and block comments, leaving quoted strings intact. */
function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

/** Bodies of the blocks `name { ... }` directly or deeper inside `text`. */
function blocksNamed(text: string, name: string): string[] {
  const bodies: string[] = [];
  const re = new RegExp(`(^|[\\s{}])${name}\\s*(?:"[^"]*"\\s*)?\\{`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(text, open);
    bodies.push(text.slice(open + 1, close));
    re.lastIndex = close;
  }
  return bodies;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i) - 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return text.length;
}

/** `text` with every nested block body removed: what is left are the top-level attributes. */
function topLevel(text: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 0) out += text.slice(i, end);
      i = end - 1;
    } else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
  }
  return out;
}

function stringAttribute(body: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(topLevel(body));
  // HCL's template escapes ($${ and %%{) stand for the literal markers.
  return m ? (JSON.parse(m[1]!) as string).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : undefined;
}
