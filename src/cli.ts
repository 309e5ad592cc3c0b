#!/usr/bin/env node
/** The hwprobe executable: wires process streams and Ctrl-C to main(). */
import { main } from './main.js';

const ctl = new AbortController();
process.on('SIGINT', () => {
  if (ctl.signal.aborted) process.exit(130); // second Ctrl-C: stop now
  ctl.abort(new Error('interrupted'));
});

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: ctl.signal,
});
// Flush stdout before leaving; a hung probe past its deadline must not keep the process alive.
process.stdout.write('', () => process.exit(code));
