/**
 * Parallel scaling: the scalar-int LCG kernel on 1 and on N worker_threads at once.
 * The workers run the very function the main thread measures (its source is handed to them
 * with the constants it reads), from an eval'd script with no execArgv, so they start fast
 * and load no loader hooks or project files.
 */
import { Worker } from 'node:worker_threads';
import type { Kernel } from '../../../src/calibration.js';
import { LCG, OPS_PER_ITERATION, lcgReference, lcgStreams } from './scalar.js';

/** A started pool of kernel workers. */
export interface WorkerPool {
  size: number;
  /** Runs n steps on the first k workers at once; resolves with each worker's result. */
  run(k: number, n: number): Promise<number[][]>;
  close(): Promise<void>;
}

/** The worker's script: the kernel's constants and source, and a message loop. */
export function workerSource(): string {
  return [
    '"use strict";',
    'const __name = (f) => f;', // esbuild's keepNames helper, should the function's source mention it
    `const LCG_A = ${LCG.A}, LCG_C = ${JSON.stringify(LCG.C)}, LCG_SEED = ${JSON.stringify(LCG.SEED)};`,
    `const lcgStreams = (${lcgStreams.toString()});`,
    "const { parentPort } = require('node:worker_threads');",
    'parentPort.on("message", (n) => parentPort.postMessage(lcgStreams(n)));',
  ].join('\n');
}

/** Starts `size` workers and waits until each is online. */
export async function startPool(size: number): Promise<WorkerPool> {
  const src = workerSource();
  const workers: Worker[] = [];
  const close = async () => {
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  };
  try {
    for (let i = 0; i < size; i++) workers.push(new Worker(src, { eval: true, execArgv: [], stdout: true, stderr: true }));
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
    new Promise<number[]>((resolve, reject) => {
      const onError = (e: Error) => {
        w.off('message', onMessage);
        reject(e);
      };
      const onMessage = (r: number[]) => {
        w.off('error', onError);
        resolve(r);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(n);
    });
  return {
    size,
    run: (k, n) => Promise.all(workers.slice(0, k).map((w) => call(w, n))),
    close,
  };
}

interface PoolState {
  n: number;
  out: number[][];
}

/** The LCG kernel on the first k workers of the pool, in Gop/s summed over the workers. */
export function parallelKernel(pool: () => WorkerPool, k: number): Kernel<PoolState> {
  return {
    id: `cpu.parallel-${k}`,
    unit: 'Gop/s',
    scale: 1e9,
    setup: () => ({ n: 0, out: [] }),
    async run(s, n) {
      s.out = await pool().run(k, n);
      s.n = n;
      return k * n * OPS_PER_ITERATION;
    },
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
