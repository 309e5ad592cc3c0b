/**
 * A tiny WebAssembly binary emitter: just enough of the binary format (spec §5) to build the
 * calibration modules from code, so the repo ships sources, never an opaque .wasm file.
 * Only what the kernels use: one memory, functions with i32/f32/v128 params and locals, exports.
 */

/** Value types (spec §5.3.1). */
export const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;

/** Opcodes the kernels use. SIMD opcodes are 0xfd followed by a LEB128 u32 (spec §5.4.8). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br_if: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Store: 0x36,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  blockVoid: 0x40,
} as const;

/** SIMD128 sub-opcodes (after the 0xfd prefix). */
export const SIMD = {
  v128Load: 0x00,
  v128Store: 0x0b,
  f32x4Splat: 0x13,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
} as const;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128 (32-bit range). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Builds an instruction stream: each helper appends one instruction with its immediates. */
export class Code {
  readonly bytes: number[] = [];
  /** Appends raw opcodes. */
  op(...ops: number[]): this {
    this.bytes.push(...ops);
    return this;
  }
  /** local.get/set/tee with a local index. */
  local(op: number, index: number): this {
    return this.op(op, ...uleb(index));
  }
  /** i32.const */
  i32(v: number): this {
    return this.op(OP.i32Const, ...sleb(v | 0));
  }
  /** A memory instruction with its memarg: log2 alignment and static offset. */
  mem(op: number, alignLog2: number, offset: number): this {
    return this.op(op, ...uleb(alignLog2), ...uleb(offset));
  }
  /** A SIMD instruction (0xfd prefix), with a memarg for loads and stores. */
  simd(sub: number, memarg?: [alignLog2: number, offset: number]): this {
    this.op(0xfd, ...uleb(sub));
    return memarg ? this.op(...uleb(memarg[0]), ...uleb(memarg[1])) : this;
  }
}

/** One function of a module. */
export interface FuncDef {
  name: string;
  params: number[];
  results: number[];
  /** locals after the params, one entry per local */
  locals: number[];
  body: Code;
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

const name = (s: string) => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};

/** A module with one exported memory ("memory", `pages` × 64 KiB) and the exported functions. */
export function wasmModule(funcs: FuncDef[], pages: number): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const code = funcs.map((f) => {
    // Locals are run-length encoded: (count, type) pairs.
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...f.body.bytes, OP.end];
    return [...uleb(body.length), ...body];
  });
  const exports = [
    [...name('memory'), 0x02, ...uleb(0)],
    ...funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])), // memory: min pages, no max
    ...section(7, vec(exports)),
    ...section(10, vec(code)),
  ]);
}
