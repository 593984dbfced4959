#!/usr/bin/env node
'use strict';
/**
 * Fails when the project's TypeScript modules import each other in a cycle (ARCHITECTURE.md: no import
 * cycles anywhere, type-only imports included). Part of `npm run lint`.
 *
 * It replaces eslint-plugin-import-x's `no-cycle`, which parsed every module a second time and was
 * 11 of eslint's 13 seconds of rule time: TypeScript's import scanner (`ts.preProcessFile`) reads the
 * imports without a parse, and its resolver finds the files, so the whole project takes well under a second.
 * The modules are tsconfig.json's files (in the working directory); counted are `import`, `import type`,
 * `export … from` and `import()`, as no-cycle counted them; `require()` is not (a lazy require inside a
 * function is how a module defers a load, and no-cycle did not count it either).
 *
 *   node scripts/check-import-cycles.js            exit 0: none; 1: each cycle on a line; 2: cannot read
 */
const path = require('node:path');
const ts = require('typescript');

/** The project's modules and compiler options, as tsc reads them from `dir`'s tsconfig.json. */
function projectOf(dir) {
  const configFile = path.join(path.resolve(dir), 'tsconfig.json');
  if (!ts.sys.fileExists(configFile)) throw new Error(`no tsconfig.json in ${path.resolve(dir)}: run it in the project's folder`);
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile));
  const files = parsed.fileNames.filter((f) => !f.endsWith('.d.ts')).map((f) => path.resolve(f));
  return { files, options: parsed.options };
}

/** Each module's imports that resolve to another of the project's modules. */
function importGraph(files, options) {
  const inProject = new Set(files);
  const host = ts.sys;
  const graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(host.readFile(file) ?? '', true, false);
    const targets = new Set();
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, host).resolvedModule;
      const target = resolved && path.resolve(resolved.resolvedFileName);
      if (target && inProject.has(target)) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** The strongly connected components with a cycle in them (Tarjan's algorithm, iterative). */
function cyclicComponents(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = graph.get(frame.node);
      if (frame.next < edges.length) {
        const to = edges[frame.next++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(to)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || graph.get(frame.node).includes(frame.node)) components.push(component.sort());
    }
  }
  return components;
}

/** One concrete cycle inside a component: the shortest way from its first module back to itself. */
function cycleIn(component, graph) {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const to of graph.get(node)) {
      if (!members.has(to)) continue;
      if (to === start) {
        const cycle = [start];
        for (let at = node; at !== start; at = previous.get(at)) cycle.splice(1, 0, at);
        return [...cycle, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

/** The cycles among `dir`'s modules, each as the files of one loop (relative to `dir`), sorted. */
function importCycles(dir) {
  const { files, options } = projectOf(dir);
  const graph = importGraph(files, options);
  return cyclicComponents(graph)
    .map((component) => cycleIn(component, graph).map((f) => path.relative(dir, f).split(path.sep).join('/')))
    .sort((a, b) => a[0].localeCompare(b[0]));
}

module.exports = { importCycles };

if (require.main === module) {
  let cycles;
  try {
    cycles = importCycles(process.cwd());
  } catch (err) {
    process.stderr.write(`check-import-cycles: ${err.message}\n`);
    process.exit(2);
  }
  if (cycles.length === 0) process.exit(0);
  for (const cycle of cycles) process.stderr.write(`import cycle: ${cycle.join(' -> ')}\n`);
  process.stderr.write(
    `${cycles.length} import cycle(s) (type-only imports count). Break each one: move what the modules share into a ` +
      'module that imports neither, or have one of them take the other as a parameter.\n',
  );
  process.exit(1);
}
