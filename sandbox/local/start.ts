import { runSandbox } from './run';

/*
 * `npm start`: the sandbox as a process. The first Ctrl-C stops it cleanly (the running step ends
 * between requests, servers close); a second one exits at once.
 */
const controller = new AbortController();
let interrupts = 0;
const interrupt = () => {
  interrupts += 1;
  if (interrupts > 1) {
    process.stderr.write('npm start: interrupted again; exiting without waiting for a clean stop\n');
    process.exit(130);
  }
  controller.abort(new Error('interrupted (Ctrl-C)'));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

// performance.now() counts from the process's start, so this is the start-to-ready time a user sees.
runSandbox(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal },
  { processStartMs: 0 },
).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`npm start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
