/**
 * Launching an FFI worker through Host.exec and reading its answer.
 *
 * The worker is a child Node process (so a driver that crashes or hangs takes only the child down)
 * that prints one JSON line per stack: `{"stack":"opencl","begin":true}` before touching the
 * library and `{"stack":"opencl","result":{…}}` after. A crash leaves the `begin` without a
 * `result`, which names the stack that crashed. The exec goes through Host, so it is recorded by
 * `hwprobe capture`; the ExecResult is also recorded under a stable call key, because the exec
 * key holds machine-specific paths (node binary, install directory) and a replay elsewhere must
 * still find it.
 */
import type { ExecResult, Host } from '../../src/host/host.js';
import { parseJsonBounded } from '../../src/json-bounded.js';
import { workerArgv } from '../../src/worker-argv.js';

/** How one stack fared in the worker. */
export type StackStatus = 'ok' | 'error' | 'absent' | 'unknown';

/** One stack's answer. `absent`: the library could not be loaded; `error`: it crashed or failed; `unknown`: a replayed capture lacks it. */
export interface StackAnswer<T = unknown> {
  status: StackStatus;
  result?: T;
  error?: string;
}

/** The worker run as a whole. */
export interface WorkerRun {
  /** ok: exited 0; otherwise why not ("killed by SIGSEGV", "timeout", "not in capture") */
  ok: boolean;
  detail: string;
  stacks: Record<string, StackAnswer>;
}

export { siblingWorker, workerArgv } from '../../src/worker-argv.js';

/** Reads the worker's JSON lines into per-stack answers; stacks begun but not finished get the crash detail. */
export function parseWorkerOutput(r: ExecResult, stacks: readonly string[]): WorkerRun {
  const out: Record<string, StackAnswer> = {};
  const begun = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: { stack?: string; begin?: boolean; result?: unknown; absent?: string; error?: string };
    try {
      msg = parseJsonBounded(line) as typeof msg;
    } catch {
      continue;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.stack !== 'string' || !stacks.includes(msg.stack)) continue; // a shared worker also answers other probes' stacks
    if (msg.begin) begun.add(msg.stack);
    else if (msg.absent !== undefined) out[msg.stack] = { status: 'absent', error: msg.absent };
    else if (msg.error !== undefined) out[msg.stack] = { status: 'error', error: msg.error };
    else if ('result' in msg) out[msg.stack] = { status: 'ok', result: msg.result };
  }
  const detail =
    r.status === 'ok'
      ? 'ok'
      : r.signal
        ? `worker killed by ${r.signal}`
        : r.status === 'timeout'
          ? 'worker timed out'
          : r.status === 'failed'
            ? `worker exited ${r.code}${firstLine(r.stderr) ? `: ${firstLine(r.stderr)}` : ''}`
            : `worker ${r.status}${r.error ? `: ${r.error}` : r.stderr ? `: ${firstLine(r.stderr)}` : ''}`;
  for (const s of stacks) {
    if (out[s]) continue;
    out[s] = { status: 'error', error: begun.has(s) ? `${detail} while querying ${s}` : `not reached: ${detail}` };
  }
  return { ok: r.status === 'ok', detail, stacks: out };
}

/** The first non-empty line of a text, trimmed and cut to 200 characters. */
export function firstLine(s: string): string {
  return (s.split(/\r?\n/).find((l) => l.trim()) ?? '').trim().slice(0, 200);
}

/**
 * Runs a worker through Host.exec and records the ExecResult under `key`.
 * In replay the recorded result is served; a capture without it gives `not in capture`.
 */
export function runWorker(
  host: Host,
  key: string,
  workerUrl: URL,
  args: string[],
  stacks: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<WorkerRun> {
  return readWorker(host, key, stacks, () => host.exec(process.execPath, [...workerArgv(workerUrl), ...args], { timeoutMs, maxBytes: 1 << 20, signal }));
}

/** Reads `stacks` from the ExecResult that `start` gives, recorded under `key` (served from the capture in replay). */
export async function readWorker(host: Host, key: string, stacks: readonly string[], start: () => Promise<ExecResult>): Promise<WorkerRun> {
  const r = await host.call<ExecResult>(key, start);
  if (!r) {
    const replay = host.kind === 'replay';
    const why = replay ? 'not in capture' : 'worker could not be started';
    const status: StackStatus = replay ? 'unknown' : 'error';
    return { ok: false, detail: why, stacks: Object.fromEntries(stacks.map((s) => [s, { status, error: why }])) };
  }
  return parseWorkerOutput(r, stacks);
}
