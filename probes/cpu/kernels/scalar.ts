/**
 * Single-thread scalar JS kernels. Each runs four independent dependency chains (so the CPU's
 * pipelines, not one chain's latency, set the pace) and checks its measured result against a
 * closed form computed another way.
 */
import type { Kernel } from '../../../src/calibration.js';

/** f64 chains x ← x·a + b with a = 1 − 2^−k and b = 2^−k from x = 0, so x_n = 1 − a^n. */
const F64_K = [26, 27, 28, 29] as const;

/** Runs n steps of the four f64 chains; exported for the tests. */
export function f64Chains(n: number, bug = false): [number, number, number, number] {
  const a0 = 1 - 2 ** -F64_K[0], a1 = 1 - 2 ** -F64_K[1], a2 = 1 - 2 ** -F64_K[2], a3 = 1 - 2 ** -F64_K[3];
  const b0 = 2 ** -F64_K[0], b1 = 2 ** -F64_K[1], b2 = 2 ** -F64_K[2], b3 = bug ? 2 ** -F64_K[2] : 2 ** -F64_K[3];
  let x0 = 0, x1 = 0, x2 = 0, x3 = 0;
  for (let i = 0; i < n; i++) {
    x0 = x0 * a0 + b0;
    x1 = x1 * a1 + b1;
    x2 = x2 * a2 + b2;
    x3 = x3 * a3 + b3;
  }
  return [x0, x1, x2, x3];
}

/** The f64 chains' closed form, 1 − (1 − 2^−k)^n, computed through expm1/log1p. */
export function f64Reference(n: number): number[] {
  return F64_K.map((k) => -Math.expm1(n * Math.log1p(-(2 ** -k))));
}

/** LCG constants (Numerical Recipes' multiplier); one increment per stream. */
const LCG_A = 1664525;
const LCG_C = [1013904223, 12345, 2531011, 907633385] as const;
const LCG_SEED = [1, 2, 3, 4] as const;
/** The LCG's constants, for the worker script that runs lcgStreams' source (parallel.ts). */
export const LCG = { A: LCG_A, C: LCG_C, SEED: LCG_SEED } as const;

/** Runs n steps of four 32-bit LCG streams s ← s·A + C (mod 2^32); exported for the tests and the workers. */
export function lcgStreams(n: number, bug = false): [number, number, number, number] {
  let s0: number = LCG_SEED[0], s1: number = LCG_SEED[1], s2: number = LCG_SEED[2], s3: number = LCG_SEED[3];
  const c0 = LCG_C[0], c1 = LCG_C[1], c2 = LCG_C[2], c3 = bug ? LCG_C[3] + 1 : LCG_C[3];
  for (let i = 0; i < n; i++) {
    s0 = (Math.imul(s0, LCG_A) + c0) | 0;
    s1 = (Math.imul(s1, LCG_A) + c1) | 0;
    s2 = (Math.imul(s2, LCG_A) + c2) | 0;
    s3 = (Math.imul(s3, LCG_A) + c3) | 0;
  }
  return [s0, s1, s2, s3];
}

/** The LCG streams after n steps by jump-ahead: the affine map s ↦ A·s + C composed n times by squaring, in BigInt. */
export function lcgReference(n: number): number[] {
  const M = 1n << 32n;
  return LCG_C.map((c, k) => {
    // (mulAcc, addAcc) is the map applied so far; (mul, add) the map applied 2^bit times.
    let mulAcc = 1n, addAcc = 0n, mul = BigInt(LCG_A), add = BigInt(c);
    for (let m = BigInt(n); m > 0n; m >>= 1n) {
      if (m & 1n) {
        mulAcc = (mulAcc * mul) % M;
        addAcc = (addAcc * mul + add) % M;
      }
      add = (add * mul + add) % M;
      mul = (mul * mul) % M;
    }
    return Number(BigInt.asIntN(32, mulAcc * BigInt(LCG_SEED[k]) + addAcc));
  });
}

/** Ops counted per loop iteration: a multiply and an add on each of four chains. */
export const OPS_PER_ITERATION = 8;

interface ChainState {
  n: number;
  out: number[];
}

/** `cpu.scalar-f64`: GFLOP/s of the f64 chains. `bug` makes a deliberately wrong kernel (tests). */
export function scalarF64Kernel(bug = false): Kernel<ChainState> {
  return {
    id: 'cpu.scalar-f64',
    unit: 'GFLOP/s',
    scale: 1e9,
    setup: () => ({ n: 0, out: [] }),
    run(s, n) {
      s.out = f64Chains(n, bug);
      s.n = n;
      return n * OPS_PER_ITERATION;
    },
    check(s) {
      const want = f64Reference(s.n);
      // Rounding errors grow at most linearly with n (2^−53 per step): 1e−6 is far above that.
      const i = s.out.findIndex((x, k) => !(Math.abs(x - want[k]) <= Math.abs(want[k]) * 1e-6));
      return i < 0 ? null : `chain ${i} = ${s.out[i]} after ${s.n} steps, expected ${want[i]}`;
    },
  };
}

/** `cpu.scalar-int`: Gop/s of the 32-bit LCG streams. `bug` makes a deliberately wrong kernel (tests). */
export function scalarIntKernel(bug = false): Kernel<ChainState> {
  return {
    id: 'cpu.scalar-int',
    unit: 'Gop/s',
    scale: 1e9,
    setup: () => ({ n: 0, out: [] }),
    run(s, n) {
      s.out = lcgStreams(n, bug);
      s.n = n;
      return n * OPS_PER_ITERATION;
    },
    check(s) {
      const want = lcgReference(s.n);
      const i = s.out.findIndex((x, k) => x !== want[k]);
      return i < 0 ? null : `stream ${i} = ${s.out[i]} after ${s.n} steps, expected ${want[i]}`;
    },
  };
}
