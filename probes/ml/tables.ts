/** The ML probe's vocabularies: the tfjs packages it looks for and the backends it measures. */

/** The tfjs packages the probe reads: hwprobe depends on core and the cpu and wasm backends, tfjs-node is optional, the umbrella is read where a project has it. */
export const TFJS_PACKAGES = {
  tfjs: '@tensorflow/tfjs',
  core: '@tensorflow/tfjs-core',
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  node: '@tensorflow/tfjs-node',
} as const;

/** Key of a tfjs package in TFJS_PACKAGES. */
export type PackageKey = keyof typeof TFJS_PACKAGES;

/**
 * The backends, in calibration order. `pkg` is the package that registers the tfjs backend named
 * `tfjsBackend`; `wasmBinary` is the file of tfjs-backend-wasm/dist the run is pinned to.
 * `baseline` is the software path its speedup is measured against, `threshold` the speedup
 * (geometric mean over the kernels) at which it counts as effective.
 */
export const BACKENDS = [
  {
    id: 'tensorflow',
    capability: 'ml.tfjs.tensorflow',
    pkg: 'node',
    tfjsBackend: 'tensorflow',
    label: 'native TensorFlow (@tensorflow/tfjs-node)',
    baseline: 'wasm-simd',
    threshold: 1,
  },
  {
    id: 'wasm-simd',
    capability: 'ml.tfjs.wasm-simd',
    pkg: 'wasm',
    tfjsBackend: 'wasm',
    wasmBinary: 'tfjs-backend-wasm-simd.wasm',
    label: 'tfjs wasm backend with SIMD128 (tfjs-backend-wasm-simd.wasm)',
    baseline: 'wasm',
    threshold: 1.5,
  },
  {
    id: 'wasm',
    capability: 'ml.tfjs.wasm',
    pkg: 'wasm',
    tfjsBackend: 'wasm',
    wasmBinary: 'tfjs-backend-wasm.wasm',
    label: 'tfjs wasm backend without SIMD (tfjs-backend-wasm.wasm)',
    baseline: 'cpu',
    threshold: 1.5,
  },
  {
    id: 'cpu',
    capability: 'ml.tfjs.cpu',
    pkg: 'cpu',
    tfjsBackend: 'cpu',
    label: 'tfjs cpu backend (plain JavaScript)',
    baseline: undefined,
    threshold: undefined,
  },
] as const satisfies ReadonlyArray<{
  id: string;
  capability: string;
  pkg: PackageKey;
  tfjsBackend: string;
  wasmBinary?: string;
  label: string;
  baseline: string | undefined;
  threshold: number | undefined;
}>;

/** A backend's id: tensorflow | wasm-simd | wasm | cpu. */
export type BackendId = (typeof BACKENDS)[number]['id'];

/** One row of BACKENDS. */
export type BackendRow = (typeof BACKENDS)[number];

/** The unit of every ml calibration metric. */
export const ML_METRIC_UNIT = 'GFLOP/s';

/** The kernels every backend runs; metric ids are `ml.tfjs.<kernel>.<backend>`. */
export const KERNELS = ['matmul', 'conv2d'] as const;

/** A kernel name. */
export type KernelName = (typeof KERNELS)[number];

/** The metric id of one kernel on one backend. */
export function metricId(kernel: KernelName, backend: BackendId): string {
  return `ml.tfjs.${kernel}.${backend}`;
}

/** The three wasm binaries tfjs-backend-wasm chooses from (dist/), as setWasmPaths names them. */
export const WASM_BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;
