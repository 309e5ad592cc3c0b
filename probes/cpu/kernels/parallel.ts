/**
 * Parallel scaling: the scalar-int LCG kernel on 1 and on N worker_threads at once.
 * The kernel is one WebAssembly module (lcgModule), compiled once here and handed to every worker:
 * V8 shares a posted module's machine code between isolates, so all workers run the very same
 * code. Each worker compiling its own copy of the JavaScript loop (as before) ran it at one of two
 * speeds, fixed per worker for its life (5.3 or 10 ms for 1.5M steps here, code placement): a
 * process whose first worker was fast and second slow read ×1.0 on 2 idle CPUs, the bimodal
 * ×1.0 / ×1.95 of issue 12, and a false "parallelism limited" finding with it.
 * The worker script is eval'd with no execArgv, so it starts fast and loads no loader hooks or
 * project files.
 *
 * Each worker times its own work, and a run's time is the span from the first worker's start to
 * the last one's end, on the workers' clocks. Timing on this thread instead, across the await,
 * counted whatever its event loop ran meanwhile: under the TUI a render landed in the first
 * warm-up call (25 ms wall for 0.025 ms of work), the warm-up ended at 1 iteration, and scaling
 * read 309 820× (/work/notes/gates.md has the per-sample log).
 */
import { Worker } from 'node:worker_threads';
import type { Kernel } from '../../../src/calibration.js';
import { LCG, OPS_PER_ITERATION, lcgReference } from './scalar.js';
import { Code, OP, T, wasmModule } from './wasm-emit.js';

/**
 * lcgStreams in WebAssembly: `lcg(n)` runs n steps of the four streams s ← s·A + C (mod 2^32) from
 * the seeds and stores them as i32 at bytes 0–15 of its memory.
 */
export function lcgModule(): WebAssembly.Module {
  const c = new Code();
  // locals: 0 = n (param), 1–4 = s0–s3, 5 = i
  LCG.SEED.forEach((seed, k) => c.i32(seed).local(OP.localSet, 1 + k));
  c.op(OP.block, OP.blockVoid).local(OP.localGet, 0).op(OP.i32Eqz, OP.br_if, 0);
  c.op(OP.loop, OP.blockVoid);
  LCG.C.forEach((inc, k) => c.local(OP.localGet, 1 + k).i32(LCG.A).op(OP.i32Mul).i32(inc).op(OP.i32Add).local(OP.localSet, 1 + k));
  c.local(OP.localGet, 5).i32(1).op(OP.i32Add).local(OP.localTee, 5).local(OP.localGet, 0).op(OP.i32LtU, OP.br_if, 0);
  c.op(OP.end, OP.end);
  for (let k = 0; k < 4; k++) c.i32(0).local(OP.localGet, 1 + k).mem(OP.i32Store, 2, 4 * k);
  return new WebAssembly.Module(wasmModule([{ name: 'lcg', params: [T.i32], results: [], locals: [T.i32, T.i32, T.i32, T.i32, T.i32], body: c }], 1));
}

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

/** The worker's script: instantiates the shared module (workerData), warms it up, then times each call itself. */
export function workerSource(): string {
  return [
    '"use strict";',
    "const { parentPort, workerData } = require('node:worker_threads');",
    'const inst = new WebAssembly.Instance(workerData.module);',
    'const lcg = inst.exports.lcg;',
    'const mem = new Int32Array(inst.exports.memory.buffer, 0, 4);',
    // timeOrigin + now(): one clock for all workers (each worker's now() starts at its own origin).
    'const now = () => performance.timeOrigin + performance.now();',
    // Many short calls first: V8 tiers the function up to optimized code while they run.
    `for (let i = 0; i < ${WARM_CALLS}; i++) lcg(${WARM_CALL_STEPS});`,
    'parentPort.on("message", (n) => { const t0 = now(); lcg(n); const t1 = now(); parentPort.postMessage({ r: Array.from(mem), t0, t1 }); });',
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
/** The workers' own warm-up: this many calls of this many steps (~2 ms), before any message. */
const WARM_CALLS = 300;
const WARM_CALL_STEPS = 5000;

/** Starts `size` workers, waits until each is online and has run the kernel once. */
export async function startPool(size: number): Promise<WorkerPool> {
  const src = workerSource();
  const module = lcgModule(); // compiled once; every worker gets this very code
  const workers: Worker[] = [];
  const close = async () => {
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  };
  try {
    for (let i = 0; i < size; i++) workers.push(new Worker(src, { eval: true, execArgv: [], stdout: true, stderr: true, resourceLimits: WORKER_LIMITS, workerData: { module } }));
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
