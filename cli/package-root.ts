import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder of tollgate's package.json: two levels up from the source, three from the compiled dist/. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
