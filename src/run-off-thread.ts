/**
 * The probe run on a worker thread, for the TUI: calibration must not share a thread with
 * rendering. Measured under tmux (/work/notes/gates.md): with ink rendering on the thread that
 * awaited the parallel kernel's workers, cpu.parallel-scaling read 309 820×. The worker
 * (src/run-worker.ts) runs the very code of a plain run, runProbes then buildReport, and streams
 * the progress events back; Ctrl-C is forwarded and the report still comes back, marked incomplete.
 */
import { Worker } from 'node:worker_threads';
import type { CalibrationLevel, ProgressEvent, Report } from './types.js';

/** What the worker needs to run the probes: plain data, since a Host cannot cross threads. */
export interface OffThreadRequest {
  probes: readonly string[];
  calibrate: CalibrationLevel;
  timeoutMs: number;
  redact: boolean;
  /** record each source's cost (`--timings`) */
  timings?: boolean;
  /** the project directory the ml probe judges (`--project`), absolute */
  project?: string;
  /** the environment the live host reads (through its allowlist), as the CLI was given it */
  env: Record<string, string | undefined>;
}

/** Messages from the worker. */
export type WorkerMessage = { type: 'progress'; ev: ProgressEvent } | { type: 'report'; report: Report } | { type: 'error'; message: string };

/** At most one calibration progress event per this many ms reaches the renderer (the latest one). */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * The worker: src/run-worker.js once built. Under tsx it is a .ts file, and a worker thread's own
 * `--import tsx` does not apply to its entry module (Node 20: "Unknown file extension .ts"), so a
 * bootstrap registers tsx's loader, resolved from this module (never from the cwd), then imports it.
 */
function startWorker(req: OffThreadRequest): Worker {
  const url = new URL(`./run-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: req });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: req, execArgv: [] });
}

/**
 * Runs the probes on a worker thread and resolves to the report. Progress events arrive on this
 * thread; calibration ones are coalesced to one per PROGRESS_INTERVAL_MS, so that a render per
 * timed sample does not take CPU from the kernels either.
 */
export function runOffThread(req: OffThreadRequest, opts: { signal?: AbortSignal; onProgress?: (ev: ProgressEvent) => void } = {}): Promise<Report> {
  const worker = startWorker(req);
  let pending: ProgressEvent | undefined;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const deliver = (ev: ProgressEvent) => {
    try {
      opts.onProgress?.(ev);
    } catch {
      /* a progress consumer must not break the run */
    }
  };
  const flush = () => {
    timer = undefined;
    if (pending) deliver(pending);
    pending = undefined;
    last = performance.now();
  };
  const progress = (ev: ProgressEvent) => {
    if (ev.type !== 'calibration') {
      if (pending) flush();
      return deliver(ev);
    }
    pending = ev;
    if (timer) return;
    const wait = PROGRESS_INTERVAL_MS - (performance.now() - last);
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  };
  const abort = () => worker.postMessage({ type: 'abort' });
  if (opts.signal?.aborted) abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  return new Promise<Report>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
      // A probe past its deadline may still hold a handle in the worker: the report is what counts.
      void worker.terminate();
      f();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') progress(m.ev);
      else if (m.type === 'report') settle(() => (pending && deliver(pending), resolve(m.report)));
      else settle(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the probe run's worker thread exited (code ${code}) before its report`))));
  });
}
