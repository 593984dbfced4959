import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { GatewayStackError } from './errors';

/**
 * Extracts a Lambda asset zip into `targetDir`, as Lambda unpacks the deployment package into
 * /var/task. Entries that would land outside the folder are refused.
 */
export async function extractArchive(archive: string, targetDir: string): Promise<void> {
  if (!fs.existsSync(archive)) {
    throw new GatewayStackError(
      `the Lambda asset ${archive} does not exist; synthesize the stack again (the synth writes assets next to cdk.tf.json)`,
    );
  }
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(archive, { lazyEntries: true, autoClose: true }, (error, file) => (error || !file ? reject(error) : resolve(file))),
  ).catch((error: unknown) => {
    throw new GatewayStackError(
      `the Lambda asset ${archive} is not a readable zip (${(error as Error).message}); synthesize the stack again`,
    );
  });
  const root = path.resolve(targetDir);
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        const destination = path.resolve(root, entry.fileName);
        if (destination !== root && !destination.startsWith(root + path.sep)) {
          reject(new Error(`entry "${entry.fileName}" points outside the archive folder`));
          return;
        }
        if (entry.fileName.endsWith('/')) {
          fs.mkdirSync(destination, { recursive: true });
          zip.readEntry();
          return;
        }
        fs.mkdirSync(path.dirname(destination), { recursive: true });
        zip.openReadStream(entry, (error, stream) => {
          if (error || !stream) {
            reject(error ?? new Error(`cannot read entry "${entry.fileName}"`));
            return;
          }
          pipeline(stream, fs.createWriteStream(destination)).then(() => zip.readEntry(), reject);
        });
      });
      zip.readEntry();
    });
  } catch (error) {
    try {
      zip.close();
    } catch {
      // Already closed by autoClose.
    }
    throw new GatewayStackError(`cannot extract the Lambda asset ${archive}: ${(error as Error).message}`);
  }
}
