/**
 * Parallel scaling: the scalar-int LCG kernel on 1 and on N worker_threads at once.
 * The workers run the very function the main thread measures (its source is handed to them
 * with the constants it reads), from an eval'd script with no execArgv, so they start fast
 * and load no loader hooks or project files.
 *
 * Each worker times its own work, and a run's time is the span from the first worker's start to
 * the last one's end, on the workers' clocks. Timing on this thread instead, across the await,
 * counted whatever its event loop ran meanwhile: under the TUI a render landed in the first
 * warm-up call (25 ms wall for 0.025 ms of work), the warm-up ended at 1 iteration, and scaling
 * read 309 820× (/work/notes/gates.md has the per-sample log).
 */
import { Worker } from 'node:worker_threads';
import type { Kernel } from '../../../src/calibration.js';
import { LCG, OPS_PER_ITERATION, lcgReference, lcgStreams } from './scalar.js';

/** A started pool of kernel workers. */
export interface WorkerPool {
  size: number;
  /** Runs n steps on the first k workers at once; resolves with each worker's result and the span they ran in. */
  run(k: number, n: number): Promise<PoolRun>;
  close(): Promise<void>;
}

/** One pooled run: each worker's LCG streams, the ms from the first worker's start to the last one's end, and the longest any worker computed. */
export interface PoolRun {
  out: number[][];
  spanMs: number;
  busyMs: number;
}

/** What a worker answers: its streams, and when it started and ended (ms on the shared epoch clock). */
interface WorkerReply {
  r: number[];
  t0: number;
  t1: number;
}

/** The worker's script: the kernel's constants and source, and a message loop that times the work itself. */
export function workerSource(): string {
  return [
    '"use strict";',
    'const __name = (f) => f;', // esbuild's keepNames helper, should the function's source mention it
    `const LCG_A = ${LCG.A}, LCG_C = ${JSON.stringify(LCG.C)}, LCG_SEED = ${JSON.stringify(LCG.SEED)};`,
    `const lcgStreams = (${lcgStreams.toString()});`,
    "const { parentPort } = require('node:worker_threads');",
    // timeOrigin + now(): one clock for all workers (each worker's now() starts at its own origin).
    'const now = () => performance.timeOrigin + performance.now();',
    'parentPort.on("message", (n) => { const t0 = now(); const r = lcgStreams(n); const t1 = now(); parentPort.postMessage({ r, t0, t1 }); });',
  ].join('\n');
}

/**
 * Each worker isolate's reservations, kept small: V8 reserves a code range per isolate (128 MiB by
 * default), and under `ulimit -v 2000000` the reservation failed with a *fatal* OOM that killed the
 * whole run, report and all (issue 13 §6). The kernel's code is a few lines; 16 MiB is plenty.
 */
const WORKER_LIMITS = { codeRangeSizeMb: 16, maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 };

/** Steps each worker runs once at start, untimed (about a millisecond of work). */
const WARM_STEPS = 1 << 20;

/** Starts `size` workers, waits until each is online and has run the kernel once. */
export async function startPool(size: number): Promise<WorkerPool> {
  const src = workerSource();
  const workers: Worker[] = [];
  const close = async () => {
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  };
  try {
    for (let i = 0; i < size; i++) workers.push(new Worker(src, { eval: true, execArgv: [], stdout: true, stderr: true, resourceLimits: WORKER_LIMITS }));
    await Promise.all(
      workers.map((w) => new Promise<void>((resolve, reject) => {
        w.once('online', resolve);
        w.once('error', reject);
      })),
    );
  } catch (e) {
    await close();
    throw e;
  }
  const call = (w: Worker, n: number) =>
    new Promise<WorkerReply>((resolve, reject) => {
      const onError = (e: Error) => {
        w.off('message', onMessage);
        reject(e);
      };
      const onMessage = (r: WorkerReply) => {
        w.off('error', onError);
        resolve(r);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(n);
    });
  // One call on every worker before any is timed: a worker's first message pays for compiling the
  // handler and the loop, which starts it milliseconds after the others and, as a run's span, made
  // the 2-worker warm-up stop at a few iterations (0.0003 Gop/s here). Warm, the span of 2 workers
  // over 1000 steps was ≤ 1 ms at the 99th percentile with a load average of 18.
  try {
    await Promise.all(workers.map((w) => call(w, WARM_STEPS)));
  } catch (e) {
    await close();
    throw e;
  }
  return {
    size,
    run: async (k, n) => {
      const replies = await Promise.all(workers.slice(0, k).map((w) => call(w, n)));
      const spanMs = Math.max(...replies.map((x) => x.t1)) - Math.min(...replies.map((x) => x.t0));
      return { out: replies.map((x) => x.r), spanMs, busyMs: Math.max(...replies.map((x) => x.t1 - x.t0)) };
    },
    close,
  };
}

interface PoolState {
  n: number;
  out: number[][];
  spanMs: number;
  busyMs: number;
}

/** The LCG kernel on the first k workers of the pool, in Gop/s summed over the workers. */
export function parallelKernel(pool: () => WorkerPool, k: number): Kernel<PoolState> {
  return {
    id: `cpu.parallel-${k}`,
    unit: 'Gop/s',
    scale: 1e9,
    setup: () => ({ n: 0, out: [], spanMs: 0, busyMs: 0 }),
    async run(s, n) {
      ({ out: s.out, spanMs: s.spanMs, busyMs: s.busyMs } = await pool().run(k, n));
      s.n = n;
      return k * n * OPS_PER_ITERATION;
    },
    // The workers' own clocks, not this thread's wall clock across the await (see the file comment).
    // The rate takes the span (a worker started late is lost throughput, not hidden); the sizing,
    // the longest a worker computed.
    timing: (s) => ({ seconds: s.spanMs / 1000, busySeconds: s.busyMs / 1000 }),
    check(s) {
      const want = lcgReference(s.n);
      for (const [w, out] of s.out.entries()) {
        const i = out.findIndex((x, j) => x !== want[j]);
        if (i >= 0) return `worker ${w} stream ${i} = ${out[i]} after ${s.n} steps, expected ${want[i]}`;
      }
      return s.out.length === k ? null : `${s.out.length} of ${k} workers answered`;
    },
  };
}
