/** Mounts the TUI on a terminal (loaded lazily: `--json` start-up never pays for ink and React). */
import React from 'react';
import { render } from 'ink';
import type { Readable, Writable } from 'node:stream';
import { App, type TuiRun } from './app.js';
import { setColor } from './components.js';

/** Streams the TUI draws on. stdin must be a TTY (raw mode for keys). */
export interface TuiIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (b: boolean) => unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
}

/** Shows the run live, then the final view until the user quits; resolves to the exit code. `color` false: NO_COLOR. */
export async function runTui(run: TuiRun, io: TuiIo, opts: { color?: boolean } = {}): Promise<number> {
  setColor(opts.color ?? true);
  let code = 0;
  let instance: ReturnType<typeof render> | undefined;
  const done = (c: number) => {
    code = c;
    instance?.unmount();
  };
  instance = render(<App run={run} onDone={done} />, {
    stdin: io.stdin as NodeJS.ReadStream,
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: true,
  });
  await instance.waitUntilExit();
  return code;
}
