/**
 * Builds cached by the content of what they read, so a synth whose inputs did not change runs no
 * build at all: the configuration loader keeps the compiled tollgate.config.ts here, BundledNodeFunction
 * the Lambda bundle and its archive.
 *
 * An entry is found by a key (what decides the output besides the files: tool version, options, entry
 * path) and a fingerprint of the files the last build of that key read: their contents, the
 * package.json/tsconfig.json/jsconfig.json files on the way up from each (they steer resolution and
 * transpiling), and the names of the source files beside each (a new `x.ts` next to `x.js` changes what
 * `./x` resolves to). A changed input means a new fingerprint, so a new build; nothing is ever updated in
 * place. Entries are written to a private temp folder and renamed into place, so concurrent synths never
 * see half an entry, and whichever rename lands first wins (both built the same thing).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folder tollgate's caches live in: `TOLLGATE_CACHE_DIR`, else `node_modules/.cache/tollgate` of the
 * nearest project above `from` (where build tools keep their caches; never committed).
 */
export function cacheRoot(from: string, vars: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = vars.TOLLGATE_CACHE_DIR?.trim();
  if (configured) return path.resolve(configured);
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'tollgate');
    if (path.dirname(dir) === dir) return undefined;
  }
}

export interface CachedBuildOptions {
  /** Folder of this kind of build's entries. */
  readonly dir: string;
  /** Everything besides the input files that decides the output (tool and its version, options, entry path). JSON. */
  readonly key: unknown;
  /** Builds into `folder` (empty, private to this call) and returns the absolute paths of every file the build read. */
  readonly build: (folder: string) => { readonly inputs: readonly string[] };
}

export interface CachedBuild {
  /** Holds what `build` wrote. Never changes once returned; read it, do not write to it. */
  readonly folder: string;
  readonly hit: boolean;
  /** What the entry was built from, and its fingerprint then; undefined when an input changed during the build. */
  readonly watched?: { readonly watched: Watched; readonly fingerprint: string };
}

/** The files of an esbuild metafile's inputs (those in a namespace, `<name>:…`, are not files). */
export function sourceFiles(inputs: Record<string, unknown>, cwd: string): string[] {
  return Object.keys(inputs)
    .filter((f) => !/^[a-z][\w-]*:/i.test(f) || path.isAbsolute(f))
    .map((f) => path.resolve(cwd, f));
}

/** Files and folders whose state an entry was built from. */
export interface Watched {
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

interface Manifest {
  readonly format: number;
  readonly watched: Watched;
}

const FORMAT = 1;
const DONE = '.complete';
/** Entries kept per cache folder; the least recently used go first. */
const KEEP = 32;
/** A temp folder this old was left by a process that died mid-build. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const RESOLUTION_FILES = ['package.json', 'tsconfig.json', 'jsconfig.json'];
/** Names in a folder that can change what an import resolves to. */
const RESOLVABLE = /(\.[cm]?[jt]sx?|\.json)$|^node_modules$/;

/** Runs `o.build` unless an entry built from the same key and unchanged inputs exists; returns that entry. */
export function cachedBuild(o: CachedBuildOptions): CachedBuild {
  const key = sha256(JSON.stringify([FORMAT, o.key])).slice(0, 32);
  const manifestFile = path.join(o.dir, `${key}.json`);
  const manifest = readManifest(manifestFile);
  if (manifest) {
    const current = fingerprint(manifest.watched);
    const folder = path.join(o.dir, `${key}-${current}`);
    if (fs.existsSync(path.join(folder, DONE))) {
      // The last use orders entries for pruning; failing to record it costs nothing.
      const now = new Date();
      tryQuietly(() => fs.utimesSync(folder, now, now));
      return { folder, hit: true, watched: { watched: manifest.watched, fingerprint: current } };
    }
  }
  fs.mkdirSync(o.dir, { recursive: true });
  const temp = fs.mkdtempSync(path.join(o.dir, `.tmp-${key}-`));
  const started = Date.now();
  let watched: Watched;
  try {
    watched = watchedFor(o.build(temp).inputs);
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw err;
  }
  // An input edited while the build ran may or may not be in the output: use the output this once, keep it out of the cache.
  if (watched.files.some((f) => modifiedSince(f, started))) return { folder: temp, hit: false };
  fs.writeFileSync(path.join(temp, DONE), '');
  const built = fingerprint(watched);
  const folder = path.join(o.dir, `${key}-${built}`);
  try {
    fs.renameSync(temp, folder);
  } catch (err) {
    // Another synth stored the same entry first: the same inputs built the same output, keep theirs.
    if (!fs.existsSync(path.join(folder, DONE))) throw err;
    fs.rmSync(temp, { recursive: true, force: true });
  }
  writeAtomically(manifestFile, JSON.stringify({ format: FORMAT, watched } satisfies Manifest));
  prune(o.dir);
  return { folder, hit: false, watched: { watched, fingerprint: built } };
}

/** The files a build read, the resolution files above them, and their folders' source file names. */
export function watchedFor(inputs: readonly string[]): Watched {
  const files = new Set(inputs.map((f) => path.resolve(f)));
  const dirs = new Set([...files].map((f) => path.dirname(f)));
  const seen = new Set<string>();
  for (const start of dirs) {
    for (let dir = start; !seen.has(dir); dir = path.dirname(dir)) {
      seen.add(dir);
      for (const name of RESOLUTION_FILES) if (fs.existsSync(path.join(dir, name))) files.add(path.join(dir, name));
      if (path.dirname(dir) === dir) break;
    }
  }
  return { files: [...files].sort(), dirs: [...dirs].sort() };
}

/** One hash over the current contents of the watched files and the resolvable names in the watched folders. */
export function fingerprint(watched: Watched): string {
  const hash = createHash('sha256');
  for (const file of watched.files) {
    hash.update(`f\0${file}\0`);
    hash.update(tryQuietly(() => fs.readFileSync(file)) ?? 'missing');
    hash.update('\0');
  }
  for (const dir of watched.dirs) {
    const names = tryQuietly(() => fs.readdirSync(dir)) ?? ['\0missing'];
    hash.update(
      `d\0${dir}\0${names
        .filter((n) => RESOLVABLE.test(n) || n === '\0missing')
        .sort()
        .join('\0')}\0`,
    );
  }
  return hash.digest('hex').slice(0, 32);
}

function readManifest(file: string): Manifest | undefined {
  const text = tryQuietly(() => fs.readFileSync(file, 'utf8'));
  if (text === undefined) return undefined;
  const parsed = tryQuietly(() => JSON.parse(text) as Manifest);
  return parsed?.format === FORMAT && Array.isArray(parsed.watched?.files) && Array.isArray(parsed.watched?.dirs) ? parsed : undefined;
}

function modifiedSince(file: string, since: number): boolean {
  const stat = tryQuietly(() => fs.statSync(file));
  return stat === undefined || stat.mtimeMs >= since;
}

/** Readers see the old file or the new one, never part of one. */
function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** Keeps the {@link KEEP} most recently used entries and drops temp folders of builds that never finished. */
function prune(dir: string): void {
  const now = Date.now();
  const entries = (tryQuietly(() => fs.readdirSync(dir, { withFileTypes: true })) ?? [])
    .filter((e) => e.isDirectory())
    .map((e) => ({
      path: path.join(dir, e.name),
      temp: e.name.startsWith('.tmp-'),
      used: tryQuietly(() => fs.statSync(path.join(dir, e.name)).mtimeMs) ?? 0,
    }));
  const stale = entries.filter((e) => e.temp && now - e.used > STALE_TEMP_MS);
  const old = entries
    .filter((e) => !e.temp)
    .sort((a, b) => b.used - a.used)
    .slice(KEEP);
  for (const e of [...stale, ...old]) tryQuietly(() => fs.rmSync(e.path, { recursive: true, force: true }));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function tryQuietly<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
