#!/usr/bin/env node
/** The hwprobe executable: wires process streams and signals to main(). */
import { reapAll, reapOnExit, sanitizeProcessEnv } from './host/children.js';
import { main } from './main.js';

// Before anything loads a library that starts processes (systeminformation's `sh -c`, koffi's
// dlopen in workers): PATH and LD_LIBRARY_PATH lose empty, "." and relative entries, for us and
// for every child that inherits them (issue 13 §1). Every child is reaped when we exit (§2).
sanitizeProcessEnv();
reapOnExit();

/** SIGTERM and SIGHUP behave like Ctrl-C: the partial report is written, marked incomplete; the exit code is 128 + signal. */
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
const ctl = new AbortController();
let caught: keyof typeof SIGNALS | undefined;
for (const [name, n] of Object.entries(SIGNALS) as [keyof typeof SIGNALS, number][]) {
  process.on(name, () => {
    if (ctl.signal.aborted) {
      reapAll();
      process.exit(128 + n); // a second signal: stop now
    }
    caught = name;
    ctl.abort(new Error(`interrupted by ${name}`));
  });
}

// A failed write to stdout (EPIPE, ENOSPC on a full disk) is an error, not a silent truncation.
let stdoutFailed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (!stdoutFailed) process.stderr.write(`hwprobe: stdout: cannot write: ${e.code ?? e.message}\n`);
  stdoutFailed = true;
});

let code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: ctl.signal,
});
if (caught && code === 130) code = 128 + SIGNALS[caught];
// Flush stdout before leaving; a hung probe past its deadline must not keep the process alive.
process.stdout.write('', () => process.exit(stdoutFailed && code === 0 ? 2 : code));
