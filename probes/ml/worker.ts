/**
 * The ML calibration worker: a child process that loads one tfjs backend and then measures its
 * kernels on command, so the parent can interleave rounds between backends (src/round-child.ts).
 * Commands come on stdin, one JSON line each; replies go to file descriptor 3, one JSON line each:
 *   start-up                                  → {"ready":true,"info":{…}} or {"ready":true,"error":"why"}
 *   {"op":"round","kernel":"matmul","n":2}    → {"ok":true,"rates":[GFLOP/s, …]}
 *   {"op":"finish","kernel":"matmul"}         → {"ok":true,"check":null|"why","digest":{…}|null}
 * The first round of a kernel sets it up and warms it up (src/calibration.ts openSampler); the
 * worker exits when stdin closes. One backend per process: tfjs has one global engine and the wasm backend initialises
 * once with one binary, and a crashing native binding takes only this process down. Everything
 * tfjs prints (banners, warnings) goes to stderr, which the parent keeps for error messages.
 *
 * Run by calibrate.ts as `node [--import tsx] worker.(ts|js) '<WorkerSpec JSON>'`.
 */
import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { openSampler, type Sampler } from '../../src/calibration.js';
import type { Metric } from '../../src/types.js';
import { mlKernels, type Digest, type MlKernel, type Tf } from './kernels.js';
import { KERNELS, WASM_BINARIES, type BackendId, type KernelName } from './tables.js';
import { scanV128, type V128Use } from './wasm.js';

/** What the parent asks for. */
export interface WorkerSpec {
  backend: BackendId;
  level: 'quick' | 'full';
  /** absolute directory of the package that registers the backend */
  packageDir: string;
  /** wasm only: the tfjs-backend-wasm/dist binary to pin the run to */
  wasmBinary?: string;
}

/** Facts about the backend as it ran. */
export interface WorkerInfo {
  /** tf.getBackend() after setBackend */
  activeBackend?: string;
  tfjsCoreVersion?: string;
  /** wasm: the binary the run was pinned to, and its v128 declarations */
  wasmBinary?: string;
  v128?: V128Use;
}

/** A backend's measurements as the parent assembles them (calibrate.ts assemble). */
export type WorkerMessage = {
  type: 'result';
  backend: BackendId;
  error?: string;
  info: WorkerInfo;
  metrics: Record<string, Metric>;
  digests: Partial<Record<KernelName, Digest>>;
};

const CHANNEL_FD = 3;

/**
 * Warm-up of the cpu backend's kernels, longer than the harness default: its JavaScript needs a few
 * 25 ms matMul calls before V8 has optimised it (the first samples run at half speed otherwise).
 * The wasm backends reach their steady rate after one call, so they keep the level's warm-up.
 */
export const CPU_WARMUP_MS = { quick: 100, full: 300 } as const;

function send(m: object): void {
  writeSync(CHANNEL_FD, `${JSON.stringify(m)}\n`);
}

/** tfjs logs through console; all of it goes to stderr, and the last lines are kept for error messages. */
const logTail: string[] = [];
function captureConsole(): void {
  const toStderr = (...args: unknown[]) => {
    const line = args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : String(a))).join(' ');
    logTail.push(line.trim());
    if (logTail.length > 20) logTail.shift();
    process.stderr.write(`${line}\n`);
  };
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) console[m] = toStderr;
}

/**
 * Loads a module by absolute path: require() for the CommonJS bundles tfjs ships, import() for an
 * ES module. import() of tfjs-core's 2 MB CommonJS bundle took 125–180 ms and 290–410 ms of CPU
 * here (the exports of a CommonJS module are found by scanning its source), require() 35–50 ms and
 * 115–180 ms: with three workers starting at once on 2 CPUs, about 0.4 s of the ml calibration.
 */
async function loadModule<T>(path: string): Promise<T> {
  try {
    return createRequire(import.meta.url)(path) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw e;
    const m = (await import(pathToFileURL(path).href)) as { default?: T };
    return (m.default ?? m) as T;
  }
}

/** The tfjs namespace of the core module a package's backend registers with. */
async function importCoreFor(packageMain: string): Promise<Tf & TfEngine> {
  const m = await loadModule<{ default?: Tf & TfEngine } & Tf & TfEngine>(createRequire(packageMain).resolve('@tensorflow/tfjs-core'));
  return (m.default ?? m) as Tf & TfEngine;
}

/** The engine calls the worker makes besides the kernels. */
interface TfEngine {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  env(): { set(flag: string, value: boolean): void };
  version?: Record<string, string>;
  version_core?: string;
}

/** Loads the backend and returns its tf namespace; throws with the loader's message. */
async function load(spec: WorkerSpec, info: WorkerInfo): Promise<Tf & TfEngine> {
  const main = createRequire(import.meta.url).resolve(spec.packageDir);
  let tf: Tf & TfEngine;
  let name: string;
  if (spec.backend === 'tensorflow') {
    // tfjs-node re-exports the whole tfjs API and registers the 'tensorflow' backend on import.
    const m = await loadModule<{ default?: Tf & TfEngine } & Tf & TfEngine>(main);
    tf = (m.default ?? m) as Tf & TfEngine;
    name = 'tensorflow';
  } else if (spec.backend === 'cpu') {
    tf = await importCoreFor(main);
    await loadModule(main);
    name = 'cpu';
  } else {
    tf = await importCoreFor(main);
    const wasm = await loadModule<{ default?: WasmModule } & WasmModule>(main);
    const w = wasm.default ?? wasm;
    const dist = join(spec.packageDir, 'dist');
    const wanted = spec.wasmBinary!;
    // Pin the binary: tfjs picks a file name from its SIMD and threads flags; the wanted name maps
    // to its file and the others to paths that do not exist, so a wrong pick fails to load
    // instead of measuring the wrong binary. Node has no wasm threads in tfjs, so no threaded build.
    tf.env().set('WASM_HAS_SIMD_SUPPORT', wanted !== WASM_BINARIES[0]);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    w.setWasmPaths(Object.fromEntries(WASM_BINARIES.map((b) => [b, b === wanted ? join(dist, b) : join(dist, `not-chosen-${b}`)])));
    info.wasmBinary = wanted;
    info.v128 = scanV128(readFileSync(join(dist, wanted)));
    name = 'wasm';
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`tfjs could not initialise the ${name} backend${logTail.length ? `: ${logTail.slice(-3).join(' | ')}` : ''}`);
  }
  info.activeBackend = tf.getBackend();
  info.tfjsCoreVersion = tf.version?.['tfjs-core'] ?? tf.version_core;
  return tf;
}

/** The part of tfjs-backend-wasm the worker uses. */
interface WasmModule {
  setWasmPaths(map: Record<string, string>): void;
}

async function main(): Promise<void> {
  captureConsole();
  const spec = JSON.parse(process.argv[2] ?? '{}') as WorkerSpec;
  const level = spec.level === 'full' ? 'full' : 'quick';
  const info: WorkerInfo = {};
  let tf: Tf & TfEngine;
  try {
    tf = await load(spec, info);
  } catch (e) {
    send({ ready: true, error: e instanceof Error ? e.message : String(e), info });
    process.exit(0);
  }
  const kernels = mlKernels(tf, spec.backend);
  const samplers = new Map<KernelName, Sampler>();
  // tfjs-node runs its kernels on a thread pool, so wall time; the wasm (no threads in Node) and cpu
  // backends run on this thread, so time descheduled by other processes does not count.
  const clock = spec.backend === 'tensorflow' ? 'wall' : 'cpu';
  const handle = async (cmd: { op?: string; kernel?: string; n?: number }): Promise<object> => {
    const k = KERNELS.find((x) => x === cmd.kernel);
    if (!k) return { ok: false, error: `unknown kernel ${String(cmd.kernel)}` };
    const kernel: MlKernel = kernels[k];
    if (cmd.op === 'round') {
      let s = samplers.get(k);
      if (!s) {
        s = await openSampler({ ...kernel, clock }, { level, ...(spec.backend === 'cpu' ? { budget: { warmupMs: CPU_WARMUP_MS[level] } } : {}) });
        samplers.set(k, s);
      }
      return { ok: true, rates: await s.take(Math.max(1, Math.min(100, Math.floor(cmd.n ?? 1)))) };
    }
    if (cmd.op === 'finish') {
      const check = (await samplers.get(k)?.finish()) ?? null;
      return { ok: true, check, digest: kernel.digest() ?? null };
    }
    return { ok: false, error: `unknown op ${String(cmd.op)}` };
  };
  let queue = Promise.resolve();
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      try {
        send(await handle(JSON.parse(line)));
      } catch (e) {
        send({ ok: false, error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
  // The wasm runtime and tfjs-node may hold handles open: leave when the parent closes stdin.
  rl.on('close', () => void queue.then(() => process.exit(0)));
  send({ ready: true, info });
}

await main();
