/** Loads tfjs-core with the cpu and wasm backends in this process, resolved as the ML worker resolves them. */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Tf, TensorLike } from '../../../probes/ml/kernels.js';

/** tfjs-core's namespace, with the engine calls the tests use. */
export type TfCore = Tf & {
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
  env(): { set(flag: string, value: boolean): void };
  add(a: TensorLike, b: number): TensorLike;
};

const require = createRequire(import.meta.url);

/** tfjs-core with backend-cpu and backend-wasm registered (the wasm backend picks its SIMD binary here). */
export async function loadTf(): Promise<TfCore> {
  const wasmMain = require.resolve('@tensorflow/tfjs-backend-wasm');
  const cpuMain = require.resolve('@tensorflow/tfjs-backend-cpu');
  const corePath = createRequire(wasmMain).resolve('@tensorflow/tfjs-core');
  if (createRequire(cpuMain).resolve('@tensorflow/tfjs-core') !== corePath) throw new Error('two tfjs-core installs: the test needs one');
  const tf = ((await import(pathToFileURL(corePath).href)) as { default: TfCore }).default;
  await import(pathToFileURL(cpuMain).href);
  await import(pathToFileURL(wasmMain).href);
  // tfjs's own test switch: silences its warnings (the cpu backend's "install tfjs-node" banner).
  tf.env().set('IS_TEST', true);
  return tf;
}

/** Switches the engine to a backend and checks it really switched. */
export async function use(tf: TfCore, name: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`could not switch to ${name}`);
  await tf.ready();
}
