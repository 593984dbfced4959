'use strict';
/**
 * Jest transform for TypeScript: transpile only, with esbuild (the bundler the project already ships).
 * Type errors are `tsc --noEmit`'s job (the first step of `npm test`); tsconfig's `isolatedModules`
 * makes tsc reject what a file-by-file transpiler cannot compile (const enums across files, type
 * re-exports without `export type`). The output is CommonJS, as tsc's `module: commonjs` would emit.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const TSCONFIG = fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8');
// Class fields, decorators and the like follow the project's tsconfig (target ES2022: define semantics).
const tsconfigRaw = JSON.parse(TSCONFIG);
const SELF = fs.readFileSync(__filename, 'utf8');

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = esbuild.transformSync(sourceText, {
      loader: 'ts',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      platform: 'node',
      sourcemap: 'external',
      sourcefile: sourcePath,
      tsconfigRaw,
      // `await import('x')` becomes a require, as tsc's CommonJS output does: jest runs tests without
      // --experimental-vm-modules, where a real dynamic import() is refused.
      supported: { 'dynamic-import': false },
    });
    return { code, map };
  },
  getCacheKey(sourceText, sourcePath, options) {
    return crypto
      .createHash('sha256')
      .update(esbuild.version)
      .update('\0')
      .update(SELF)
      .update('\0')
      .update(TSCONFIG)
      .update('\0')
      .update(process.versions.node)
      .update('\0')
      .update(sourcePath)
      .update('\0')
      .update(options.configString)
      .update('\0')
      .update(sourceText)
      .digest('hex');
  },
};
