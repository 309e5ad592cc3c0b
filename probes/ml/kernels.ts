/**
 * The ML calibration kernels, backend-agnostic: the same code runs on every tfjs backend
 * (tensorflow, wasm with and without SIMD, cpu) given that backend's `tf` namespace. Inputs are
 * seeded, so every backend computes the same product; each kernel checks sampled outputs against
 * a float64 reference computed here, and returns those samples as a digest for the cross-check
 * between backends.
 */
import type { Kernel } from '../../src/calibration.js';
import { ML_METRIC_UNIT, type KernelName } from './tables.js';

/** The part of a tfjs tensor the kernels use. */
export interface TensorLike {
  dataSync(): ArrayLike<number>;
  dispose(): void;
}

/** The part of the tfjs API the kernels use; `@tensorflow/tfjs-core` and `@tensorflow/tfjs-node` both fit. */
export interface Tf {
  tensor2d(values: Float32Array, shape: [number, number], dtype: 'float32'): TensorLike;
  tensor4d(values: Float32Array, shape: [number, number, number, number], dtype: 'float32'): TensorLike;
  matMul(a: TensorLike, b: TensorLike): TensorLike;
  conv2d(x: TensorLike, filter: TensorLike, strides: number, pad: 'same'): TensorLike;
}

/** Problem sizes: the same on every backend of a run, so their outputs can be compared. */
export interface Sizes {
  /** matMul of two n×n matrices */
  n: number;
  /** conv2d of a [1, h, w, cin] input with a [3, 3, cin, cout] filter, stride 1, 'same' padding */
  h: number;
  w: number;
  cin: number;
  cout: number;
}

/** The sizes every level uses: big enough for the wasm backends to reach their steady rate, small enough for the cpu backend's samples. */
export const SIZES: Sizes = { n: 256, h: 28, w: 28, cin: 16, cout: 32 };

/** How many output elements are checked and compared between backends. */
const SAMPLES = 64;

/** Relative tolerance against the sum of |terms|: float32 accumulation over a few hundred terms stays far below it; a wrong kernel does not. */
export const REL_TOL = 1e-4;

/** Sampled outputs of a kernel: flat indices, values, and each value's magnitude scale (Σ|terms|) for tolerances. */
export interface Digest {
  kernel: KernelName;
  index: number[];
  value: number[];
  scale: number[];
}

/** mulberry32: a tiny seeded PRNG, so every backend (in its own process) gets the same inputs. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` values uniform in [-1, 1), from a seed. */
export function randomValues(length: number, seed: number): Float32Array {
  const r = seeded(seed);
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = r() * 2 - 1;
  return a;
}

/** SAMPLES distinct flat indices in [0, size), always including the first and the last. */
function sampleIndices(size: number, seed: number): number[] {
  const r = seeded(seed);
  const set = new Set<number>([0, size - 1]);
  while (set.size < Math.min(SAMPLES, size)) set.add(Math.floor(r() * size));
  return [...set].sort((a, b) => a - b);
}

/** A reference value and its scale (Σ|terms|). */
interface Ref {
  value: number;
  scale: number;
}

/** Compares sampled outputs with references: null when every one is within tolerance, else the first mismatch. */
function compare(kernel: KernelName, index: number[], got: number[], ref: Ref[]): string | null {
  for (let i = 0; i < index.length; i++) {
    const tol = REL_TOL * ref[i].scale + 1e-6;
    if (!Number.isFinite(got[i]) || Math.abs(got[i] - ref[i].value) > tol) {
      return `${kernel} output[${index[i]}] = ${got[i]}, reference ${ref[i].value.toPrecision(7)} (tolerance ${tol.toPrecision(2)})`;
    }
  }
  return null;
}

/** State of a kernel between setup and teardown. */
interface State {
  inputs: TensorLike[];
  index: number[];
  /** sampled outputs of the last run */
  last: number[] | null;
}

/**
 * Runs `op` `iterations` times and reads the last result back. The backends measured here compute
 * eagerly; an asynchronous one would queue the work in order, so reading the last result back waits
 * for all of it. Reading only the last keeps 256 KiB copies (and their GC) out of the timing.
 */
function runOp(s: State, iterations: number, op: () => TensorLike): void {
  for (let k = 0; k < iterations; k++) {
    const out = op();
    try {
      if (k === iterations - 1) {
        const data = out.dataSync();
        s.last = s.index.map((i) => data[i]);
      }
    } finally {
      out.dispose();
    }
  }
}

/** A kernel plus the digest of its last run (for the cross-check). */
export interface MlKernel extends Kernel<State> {
  digest(): Digest | null;
}

/** matMul of two seeded n×n float32 matrices; work is 2n³ FLOP per product. */
export function matMulKernel(tf: Tf, metric: string, sizes: Sizes = SIZES): MlKernel {
  const { n } = sizes;
  const a = randomValues(n * n, 1);
  const b = randomValues(n * n, 2);
  let state: State | undefined;
  const reference = (idx: number): Ref => {
    const i = Math.floor(idx / n);
    const j = idx % n;
    let value = 0;
    let scale = 0;
    for (let k = 0; k < n; k++) {
      const t = a[i * n + k] * b[k * n + j];
      value += t;
      scale += Math.abs(t);
    }
    return { value, scale };
  };
  return {
    id: metric,
    unit: ML_METRIC_UNIT,
    scale: 1e9,
    setup() {
      state = { inputs: [tf.tensor2d(a, [n, n], 'float32'), tf.tensor2d(b, [n, n], 'float32')], index: sampleIndices(n * n, 3), last: null };
      return state;
    },
    run(s, iterations) {
      runOp(s, iterations, () => tf.matMul(s.inputs[0], s.inputs[1]));
      return 2 * n ** 3 * iterations;
    },
    check(s) {
      if (!s.last) return 'matmul produced no output';
      return compare('matmul', s.index, s.last, s.index.map(reference));
    },
    teardown(s) {
      for (const t of s.inputs) t.dispose();
    },
    digest() {
      if (!state?.last) return null;
      return { kernel: 'matmul', index: state.index, value: state.last, scale: state.index.map((i) => reference(i).scale) };
    },
  };
}

/** conv2d of a seeded [1,h,w,cin] input with a seeded [3,3,cin,cout] filter, stride 1, 'same'; work is 2·h·w·cout·cin·9 FLOP. */
export function conv2dKernel(tf: Tf, metric: string, sizes: Sizes = SIZES): MlKernel {
  const { h, w, cin, cout } = sizes;
  const x = randomValues(h * w * cin, 4);
  const f = randomValues(3 * 3 * cin * cout, 5);
  let state: State | undefined;
  // NHWC input, HWIO filter; 'same' with a 3×3 filter and stride 1 pads one pixel on each side.
  const reference = (idx: number): Ref => {
    const co = idx % cout;
    const px = Math.floor(idx / cout) % w;
    const py = Math.floor(idx / cout / w);
    let value = 0;
    let scale = 0;
    for (let dy = 0; dy < 3; dy++) {
      const y = py + dy - 1;
      if (y < 0 || y >= h) continue;
      for (let dx = 0; dx < 3; dx++) {
        const xx = px + dx - 1;
        if (xx < 0 || xx >= w) continue;
        for (let ci = 0; ci < cin; ci++) {
          const t = x[(y * w + xx) * cin + ci] * f[((dy * 3 + dx) * cin + ci) * cout + co];
          value += t;
          scale += Math.abs(t);
        }
      }
    }
    return { value, scale };
  };
  return {
    id: metric,
    unit: ML_METRIC_UNIT,
    scale: 1e9,
    setup() {
      state = {
        inputs: [tf.tensor4d(x, [1, h, w, cin], 'float32'), tf.tensor4d(f, [3, 3, cin, cout], 'float32')],
        index: sampleIndices(h * w * cout, 6),
        last: null,
      };
      return state;
    },
    run(s, iterations) {
      runOp(s, iterations, () => tf.conv2d(s.inputs[0], s.inputs[1], 1, 'same'));
      return 2 * h * w * cout * cin * 9 * iterations;
    },
    check(s) {
      if (!s.last) return 'conv2d produced no output';
      return compare('conv2d', s.index, s.last, s.index.map(reference));
    },
    teardown(s) {
      for (const t of s.inputs) t.dispose();
    },
    digest() {
      if (!state?.last) return null;
      return { kernel: 'conv2d', index: state.index, value: state.last, scale: state.index.map((i) => reference(i).scale) };
    },
  };
}

/** The kernels in KERNELS order, for one backend. */
export function mlKernels(tf: Tf, backend: string, sizes: Sizes = SIZES): Record<KernelName, MlKernel> {
  return {
    matmul: matMulKernel(tf, `ml.tfjs.matmul.${backend}`, sizes),
    conv2d: conv2dKernel(tf, `ml.tfjs.conv2d.${backend}`, sizes),
  };
}

/** A disagreement found by crossCheck. */
export interface Mismatch {
  kernel: KernelName;
  /** the backend that disagrees with the others */
  backend: string;
  /** the backends it was compared with */
  against: string[];
  why: string;
}

/**
 * Compares the digests of one kernel between backends. A backend whose samples disagree with the
 * majority of the others is reported; with two backends that disagree, both are.
 */
export function crossCheck(digests: Readonly<Record<string, Digest | null | undefined>>): Mismatch[] {
  const names = Object.keys(digests).filter((b) => digests[b]);
  const differs = (x: Digest, y: Digest): string | null => {
    if (x.index.length !== y.index.length || x.index.some((v, i) => v !== y.index[i])) return 'different sample positions (different problem sizes)';
    for (let i = 0; i < x.index.length; i++) {
      const tol = 2 * REL_TOL * Math.max(x.scale[i], y.scale[i]) + 1e-6;
      if (!(Math.abs(x.value[i] - y.value[i]) <= tol)) return `output[${x.index[i]}] ${x.value[i]} vs ${y.value[i]}`;
    }
    return null;
  };
  const out: Mismatch[] = [];
  for (const b of names) {
    const others = names.filter((o) => o !== b);
    const disagree = others.map((o) => ({ o, why: differs(digests[b]!, digests[o]!) })).filter((d) => d.why);
    // b is the odd one out when it disagrees with more than half of the others (all of them when there is one other).
    if (others.length > 0 && disagree.length * 2 > others.length) {
      out.push({ kernel: digests[b]!.kernel, backend: b, against: disagree.map((d) => d.o), why: disagree.map((d) => `vs ${d.o}: ${d.why}`).join('; ') });
    }
  }
  return out;
}
