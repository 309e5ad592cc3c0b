/**
 * Memory bandwidth, STREAM style: copy (a ← b) and triad (a ← b + s·c) over Float64Arrays larger
 * than the last-level cache, so the caches cannot hold them. Bytes are counted as STREAM counts
 * them: copy moves 2 × size (read b, write a), triad 3 × size; write-allocate traffic is not counted.
 * Copy uses TypedArray.prototype.set, which is what JS code copies with (V8 lowers it to memmove).
 */
import type { Kernel } from '../../../src/calibration.js';

/** The three arrays, allocated once and shared by the copy and triad kernels. */
export interface StreamArrays {
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
}

/** Triad's scalar. */
const S = 3;

/** Allocates three arrays of `bytes` each and touches every page (b and c get values whose triad is exact). */
export function allocStreamArrays(bytes: number): StreamArrays {
  const n = Math.floor(bytes / 8);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    b[i] = i & 1023;
    c[i] = (i >> 10) & 1023;
    a[i] = -1;
  }
  return { a, b, c };
}

/** Lazily allocates the arrays on first use (inside a kernel's setup, so a failure is that kernel's `skipped`). */
export function streamArraysOnce(bytes: number): () => StreamArrays {
  let arrays: StreamArrays | undefined;
  return () => (arrays ??= allocStreamArrays(bytes));
}

/** Compares a with b + s·c at every index (s = 0: a copy of b); null or what differed. A plain loop: through a callback per element the triad check took 130 ms of the quick level. */
function compare(a: Float64Array, b: Float64Array, c: Float64Array, s: number, what: string): string | null {
  const n = a.length;
  let i = 0;
  if (s === 0) while (i < n && a[i] === b[i]) i++;
  else while (i < n && a[i] === b[i] + s * c[i]) i++;
  return i < n ? `${what}: a[${i}] = ${a[i]}, expected ${b[i] + s * c[i]}` : null;
}

/** `cpu.mem-copy` in GB/s. `bug` copies one element short (tests). */
export function memCopyKernel(arrays: () => StreamArrays, bug = false): Kernel<StreamArrays> {
  return {
    id: 'cpu.mem-copy',
    unit: 'GB/s',
    scale: 1e9,
    setup: () => {
      const s = arrays();
      s.a.fill(-1);
      return s;
    },
    run(s, iterations) {
      const src = bug ? s.b.subarray(1) : s.b;
      for (let k = 0; k < iterations; k++) s.a.set(src);
      return iterations * 2 * s.a.byteLength;
    },
    check: (s) => compare(s.a, s.b, s.c, 0, 'copy'),
  };
}

/**
 * One triad pass, a ← b + s·c, unrolled by 8. V8 neither unrolls nor vectorizes: the plain loop is
 * bound by its own overhead (about half of what a gcc -O2 loop reaches here), unrolled it is bound
 * by memory, which is what the metric is about (test/bench/cpu.bench.ts compares it with C).
 */
export function triadPass(a: Float64Array, b: Float64Array, c: Float64Array, s: number): void {
  const n = a.length;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    a[i] = b[i] + s * c[i];
    a[i + 1] = b[i + 1] + s * c[i + 1];
    a[i + 2] = b[i + 2] + s * c[i + 2];
    a[i + 3] = b[i + 3] + s * c[i + 3];
    a[i + 4] = b[i + 4] + s * c[i + 4];
    a[i + 5] = b[i + 5] + s * c[i + 5];
    a[i + 6] = b[i + 6] + s * c[i + 6];
    a[i + 7] = b[i + 7] + s * c[i + 7];
  }
  for (; i < n; i++) a[i] = b[i] + s * c[i];
}

/** `cpu.mem-triad` in GB/s. */
export function memTriadKernel(arrays: () => StreamArrays): Kernel<StreamArrays> {
  return {
    id: 'cpu.mem-triad',
    unit: 'GB/s',
    scale: 1e9,
    setup: arrays,
    run(s, iterations) {
      for (let k = 0; k < iterations; k++) triadPass(s.a, s.b, s.c, S);
      return iterations * 3 * s.a.byteLength;
    },
    // Small integers: b + 3·c is exact, so the check is an exact comparison.
    check: (s) => compare(s.a, s.b, s.c, S, 'triad'),
  };
}
