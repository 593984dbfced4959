/**
 * What a Terraform state holds, read from the state itself: its version (lineage and serial), the
 * managed resources it records and which of them are tainted. A failed or interrupted apply is
 * reported from these facts: the state after it (`terraform state pull`) against the state the
 * applied plan was made from (the `tfstate` a local plan file carries).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';

export interface StateFacts {
  /** The state's identity and version; undefined when there is no state yet. */
  readonly lineage?: string;
  readonly serial?: number;
  /** Managed resources it records, by address (instances of a counted resource each). */
  readonly resources: readonly string[];
  /** Of those, the ones Terraform marked tainted: created halfway, replaced by the next apply. */
  readonly tainted: readonly string[];
}

interface StateDocument {
  lineage?: unknown;
  serial?: unknown;
  resources?: {
    module?: string;
    mode?: string;
    type?: string;
    name?: string;
    instances?: { index_key?: string | number; status?: string; deposed?: string }[];
  }[];
}

/** The facts of a state document (`terraform state pull`'s output, a state file); empty text is no state. */
export function parseState(text: string): StateFacts {
  if (!text.trim()) return { resources: [], tainted: [] };
  const doc = JSON.parse(text) as StateDocument;
  const resources: string[] = [];
  const tainted: string[] = [];
  for (const r of doc.resources ?? []) {
    if (r.mode !== 'managed') continue;
    const base = `${r.module ? `${r.module}.` : ''}${r.type}.${r.name}`;
    for (const i of r.instances ?? []) {
      // A deposed object (create-before-destroy) is the older copy of an address already counted.
      if (i.deposed) continue;
      const address = i.index_key === undefined ? base : `${base}[${JSON.stringify(i.index_key)}]`;
      resources.push(address);
      if (i.status === 'tainted') tainted.push(address);
    }
  }
  return {
    ...(typeof doc.lineage === 'string' && doc.lineage ? { lineage: doc.lineage } : {}),
    ...(typeof doc.serial === 'number' ? { serial: doc.serial } : {}),
    resources,
    tainted,
  };
}

/**
 * Whether `after` is still the state `before` describes: the same lineage and serial (Terraform
 * counts up the serial whenever it writes a changed state), or no state at all where the plan
 * started from one that recorded nothing.
 */
export function sameState(before: StateFacts, after: StateFacts): boolean {
  if (after.serial === undefined) return before.resources.length === 0;
  return before.lineage === after.lineage && before.serial === after.serial;
}

/**
 * The state a saved plan was made from (the `tfstate` entry of a local plan file, a zip archive);
 * undefined for a Terraform Cloud bookmark or an unreadable file.
 */
export async function planPriorState(planFile: string): Promise<StateFacts | undefined> {
  const text = await zipEntryText(planFile, 'tfstate').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return parseState(text);
  } catch {
    return undefined;
  }
}

/** How many managed resources the synthesized stack in `stackDir` declares (`cdk.tf.json`). */
export function declaredResources(stackDir: string): number {
  const doc = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, object> };
  return Object.values(doc.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

function zipEntryText(file: string, name: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error(`cannot open ${file}`));
      zip.on('error', reject);
      zip.on('end', () => resolve(undefined));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error(`cannot read ${name} in ${file}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      zip.readEntry();
    });
  });
}
