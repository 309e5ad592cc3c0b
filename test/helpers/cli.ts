/** Runs the CLI in-process with captured streams. */
import { Writable } from 'node:stream';
import { main } from '../../src/main.js';

/** What one CLI invocation printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

/** Calls main(argv) with the given environment (default: process.env without colour). */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }, signal?: AbortSignal): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { stdout, stderr, env, signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
