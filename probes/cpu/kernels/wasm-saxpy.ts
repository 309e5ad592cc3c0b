/**
 * saxpy over f32 in WebAssembly linear memory, scalar and SIMD128 (f32x4), built by code.
 * y[i] = a*x[i] + y[i] for i < ELEMENTS, repeated `reps` times. x lives at byte 0 and y at
 * Y_OFFSET; both fit in L1 (32 KiB) so the kernel measures the arithmetic path, not memory.
 *
 * The scalar function, as WebAssembly text (the SIMD one differs where marked):
 *
 *   (func (export "saxpy") (param $reps i32) (param $a f32) (local $i i32)
 *     ;; SIMD: (local $va v128)  local.get $a  f32x4.splat  local.set $va
 *     (block (br_if 0 (i32.eqz (local.get $reps)))
 *       (loop $rep
 *         (local.set $i (i32.const 0))
 *         (loop $elem
 *           (f32.store offset=Y_OFFSET (local.get $i)            ;; SIMD: v128.store
 *             (f32.add                                            ;; SIMD: f32x4.add
 *               (f32.mul (local.get $a) (f32.load (local.get $i)))  ;; SIMD: f32x4.mul $va, v128.load
 *               (f32.load offset=Y_OFFSET (local.get $i))))       ;; SIMD: v128.load
 *           (br_if $elem (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4)))  ;; SIMD: 16
 *                                  (i32.const BYTES))))
 *         (br_if $rep (local.tee $reps (i32.sub (local.get $reps) (i32.const 1)))))))
 */
import { Code, OP, SIMD, T, wasmModule } from './wasm-emit.js';
import type { Kernel } from '../../../src/calibration.js';
import type { Capability } from '../../../src/types.js';
import type { Host } from '../../../src/host/host.js';

/** f32 elements per vector. */
export const ELEMENTS = 4096;
const BYTES = ELEMENTS * 4;
const Y_OFFSET = BYTES;
/** The scale factor a. With x in multiples of 0.5 below 8, every product and running sum is exact in f32. */
const A = 0.5;

/** Options of the module builder. */
export interface SaxpyOptions {
  simd: boolean;
  /** Emits f32.sub instead of f32.add: a deliberately wrong kernel, for tests of the result check. */
  broken?: boolean;
}

/** The saxpy module's bytes. */
export function saxpyModule(o: SaxpyOptions): Uint8Array<ArrayBuffer> {
  const reps = 0;
  const a = 1;
  const i = 2;
  const va = 3;
  const c = new Code();
  if (o.simd) c.local(OP.localGet, a).simd(SIMD.f32x4Splat).local(OP.localSet, va);
  c.op(OP.block, OP.blockVoid).local(OP.localGet, reps).op(OP.i32Eqz, OP.br_if, 0);
  c.op(OP.loop, OP.blockVoid).i32(0).local(OP.localSet, i);
  c.op(OP.loop, OP.blockVoid);
  c.local(OP.localGet, i); // store address
  if (o.simd) {
    c.local(OP.localGet, va).local(OP.localGet, i).simd(SIMD.v128Load, [4, 0]).simd(SIMD.f32x4Mul);
    c.local(OP.localGet, i).simd(SIMD.v128Load, [4, Y_OFFSET]);
    c.simd(o.broken ? SIMD.f32x4Sub : SIMD.f32x4Add);
    c.simd(SIMD.v128Store, [4, Y_OFFSET]);
  } else {
    c.local(OP.localGet, a).local(OP.localGet, i).mem(OP.f32Load, 2, 0).op(OP.f32Mul);
    c.local(OP.localGet, i).mem(OP.f32Load, 2, Y_OFFSET);
    c.op(o.broken ? OP.f32Sub : OP.f32Add);
    c.mem(OP.f32Store, 2, Y_OFFSET);
  }
  c.local(OP.localGet, i).i32(o.simd ? 16 : 4).op(OP.i32Add).local(OP.localTee, i);
  c.i32(BYTES).op(OP.i32LtU, OP.br_if, 0);
  c.op(OP.end); // elem
  c.local(OP.localGet, reps).i32(1).op(OP.i32Sub).local(OP.localTee, reps).op(OP.br_if, 0);
  c.op(OP.end, OP.end); // rep, block
  return wasmModule(
    [{ name: 'saxpy', params: [T.i32, T.f32], results: [], locals: o.simd ? [T.i32, T.v128] : [T.i32], body: c }],
    1,
  );
}

/** What the runtime says about SIMD128: validate (the engine knows the opcodes) and compile (it can generate code for this CPU). */
export interface WasmSimdSupport {
  validates: boolean;
  compiles: boolean;
  error?: string;
}

/** Checks SIMD128 support with the SIMD saxpy module: cheap (a few hundred bytes, no instantiation). */
export function wasmSimdSupport(): WasmSimdSupport {
  const bytes = saxpyModule({ simd: true });
  const validates = WebAssembly.validate(bytes);
  if (!validates) return { validates, compiles: false };
  try {
    new WebAssembly.Module(bytes);
    return { validates, compiles: true };
  } catch (e) {
    return { validates, compiles: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** The key under which a capture records wasmSimdSupport(). */
export const WASM_SIMD_CALL = 'cpu.wasm-simd128';

/**
 * `cpu.wasm.simd128` for detection: advertised when the engine validates a SIMD128 module, usable
 * when it compiles one for this CPU (V8 needs SSE4.1 on x64). Through Host.call so a capture records
 * it; null (no capability) when a replayed capture predates it. Effective is set by calibration.
 */
export async function detectWasmSimd(host: Host): Promise<Capability | null> {
  const s = await host.call(WASM_SIMD_CALL, async () => wasmSimdSupport());
  if (!s || typeof s.validates !== 'boolean') return null;
  const engine = host.info().versions.v8 ? `V8 ${host.info().versions.v8}` : 'the WebAssembly engine';
  const evidence = [`WebAssembly.validate(SIMD128 saxpy): ${s.validates} (${engine})`];
  if (s.validates) evidence.push(`new WebAssembly.Module(SIMD128 saxpy): ${s.compiles ? 'compiled' : `failed: ${s.error ?? 'unknown error'}`}`);
  return { advertised: s.validates, usable: s.validates && s.compiles, effective: null, evidence };
}

interface SaxpyState {
  saxpy: (reps: number, a: number) => void;
  x: Float32Array;
  y: Float32Array;
  lastReps: number;
}

/** The saxpy kernel as a calibration kernel (GFLOP/s: 2 FLOPs per element). */
export function saxpyKernel(id: string, o: SaxpyOptions): Kernel<SaxpyState> {
  return {
    id,
    unit: 'GFLOP/s',
    scale: 1e9,
    // Single-threaded: time descheduled by other processes is not the kernel's (src/calibration.ts Kernel.clock).
    clock: 'cpu',
    setup() {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(saxpyModule(o)));
      const mem = inst.exports.memory as WebAssembly.Memory;
      const x = new Float32Array(mem.buffer, 0, ELEMENTS);
      const y = new Float32Array(mem.buffer, Y_OFFSET, ELEMENTS);
      for (let k = 0; k < ELEMENTS; k++) x[k] = ((k * 7) % 16) * 0.5 - 4; // -4 … 3.5, lanes differ
      return { saxpy: inst.exports.saxpy as SaxpyState['saxpy'], x, y, lastReps: 0 };
    },
    run(s, reps) {
      s.y.fill(0);
      s.saxpy(reps, A);
      s.lastReps = reps;
      return reps * ELEMENTS * 2;
    },
    check(s) {
      // y = reps·a·x exactly while the sums stay below 2^24 ulps; beyond that, within f32 rounding.
      const exact = s.lastReps * 4 < 2 ** 23;
      for (let k = 0; k < ELEMENTS; k++) {
        const want = s.lastReps * A * s.x[k];
        const got = s.y[k];
        if (exact ? got !== want : Math.abs(got - want) > Math.abs(want) * 1e-5)
          return `y[${k}] = ${got} after ${s.lastReps} repetitions, expected ${want}`;
      }
      return null;
    },
  };
}
