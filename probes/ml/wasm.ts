/**
 * WebAssembly facts for the ML probe: whether the engine accepts SIMD128, and whether a .wasm
 * binary declares v128 values (how the calibration verifies which tfjs wasm binary it ran).
 */

/** Builds a module with one function `() -> ()` whose body is `body` (instructions, without the final `end`). */
function moduleWithBody(body: number[]): Uint8Array<ArrayBuffer> {
  const code = [0x00 /* no locals */, ...body, 0x0b /* end */];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d], // magic "\0asm"
    ...[0x01, 0x00, 0x00, 0x00], // version 1
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: 1 type, func () -> ()
    ...[0x03, 0x02, 0x01, 0x00], // function section: 1 function of type 0
    ...[0x0a, code.length + 2, 0x01, code.length, ...code], // code section: 1 body
  ]);
}

/**
 * `i32.const 0; i8x16.splat; drop` — validates only where the engine implements SIMD128
 * (0xfd 0x0f is i8x16.splat). The same bytes as wasm-feature-detect's SIMD test, which tfjs uses.
 */
export const SIMD_PROBE_MODULE = moduleWithBody([0x41, 0x00, 0xfd, 0x0f, 0x1a]);

/** `i32.const 0; drop` — the same module without SIMD: it must validate, or the probe bytes are wrong. */
export const CONTROL_MODULE = moduleWithBody([0x41, 0x00, 0x1a]);

/** What this engine's WebAssembly accepts. */
export interface WasmSupport {
  wasm: boolean;
  /** null when the plain control module did not validate either (so the SIMD answer means nothing) */
  simd: boolean | null;
}

/** Asks the running engine (no module is instantiated). */
export function wasmSupport(): WasmSupport {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return { wasm: false, simd: null };
  try {
    if (!WebAssembly.validate(CONTROL_MODULE)) return { wasm: true, simd: null };
    return { wasm: true, simd: WebAssembly.validate(SIMD_PROBE_MODULE) };
  } catch {
    return { wasm: true, simd: null };
  }
}

/** v128 declarations found in a module's function types and function locals. */
export interface V128Use {
  /** function types with a v128 parameter or result */
  types: number;
  /** function bodies declaring a v128 local */
  locals: number;
}

const V128 = 0x7b;

/**
 * Counts v128 in a .wasm binary's type section (signatures) and code section (local declarations).
 * Scalar builds declare none; SIMD builds of XNNPACK declare many. Throws on a malformed module.
 */
export function scanV128(bytes: Uint8Array): V128Use {
  let p = 0;
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (p >= bytes.length) throw new Error('truncated LEB128');
      const b = bytes[p++];
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift > 35) throw new Error('LEB128 too long');
    }
  };
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || magic.some((b, i) => bytes[i] !== b)) throw new Error('not a WebAssembly 1 module');
  p = 8;
  const use: V128Use = { types: 0, locals: 0 };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = u32();
    const end = p + size;
    if (end > bytes.length) throw new Error(`section ${id} runs past the end`);
    if (id === 1) {
      // type section: vec(functype), functype = 0x60 vec(valtype) vec(valtype)
      for (let n = u32(); n > 0; n--) {
        if (bytes[p++] !== 0x60) throw new Error('unexpected type form');
        let hasV128 = false;
        for (let k = 0; k < 2; k++) {
          for (let m = u32(); m > 0; m--) if (bytes[p++] === V128) hasV128 = true;
        }
        if (hasV128) use.types++;
      }
    } else if (id === 10) {
      // code section: vec(code), code = size (vec(locals) expr), locals = count valtype
      for (let n = u32(); n > 0; n--) {
        const bodySize = u32();
        const bodyEnd = p + bodySize;
        let hasV128 = false;
        for (let m = u32(); m > 0; m--) {
          u32();
          if (bytes[p++] === V128) hasV128 = true;
        }
        if (hasV128) use.locals++;
        p = bodyEnd;
      }
    }
    p = end;
  }
  return use;
}
