// WebAssembly facts: the SIMD probe module, and the v128 scan that tells a SIMD build from a scalar one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CONTROL_MODULE, SIMD_PROBE_MODULE, scanV128, wasmSupport } from '../../../probes/ml/wasm.js';
import { WASM_BINARIES } from '../../../probes/ml/tables.js';

const require = createRequire(import.meta.url);
const wasmMain = require.resolve('@tensorflow/tfjs-backend-wasm');
const dist = dirname(wasmMain);

test('the SIMD probe module is byte for byte the one tfjs-backend-wasm validates for WASM_HAS_SIMD_SUPPORT', () => {
  // Independent source: the array literal in tfjs-backend-wasm's own flag definition.
  const src = readFileSync(wasmMain, 'utf8');
  const at = src.indexOf("registerFlag('WASM_HAS_SIMD_SUPPORT'");
  assert.ok(at >= 0, 'flag definition found');
  const arr = /new Uint8Array\(\[([\d,\s]+)\]\)/.exec(src.slice(at, at + 1500));
  assert.ok(arr, 'byte array found');
  assert.equal([...SIMD_PROBE_MODULE], arr![1].split(',').map((s) => Number(s.trim())));
});

test('the control module validates, and this engine (Node 20, V8 11) accepts SIMD128', () => {
  assert.ok(WebAssembly.validate(CONTROL_MODULE));
  assert.equal(wasmSupport(), { wasm: true, simd: true });
});

test("scanV128: tfjs's SIMD builds declare v128 locals, its scalar build none", () => {
  const use = Object.fromEntries(WASM_BINARIES.map((b) => [b, scanV128(readFileSync(join(dist, b)))]));
  assert.equal(use['tfjs-backend-wasm.wasm'], { types: 0, locals: 0 });
  assert.ok(use['tfjs-backend-wasm-simd.wasm'].locals > 0);
  assert.ok(use['tfjs-backend-wasm-threaded-simd.wasm'].locals > 0);
  // the probe modules themselves: no v128 declared (SIMD used on the operand stack only)
  assert.equal(scanV128(SIMD_PROBE_MODULE), { types: 0, locals: 0 });
});

test('scanV128 rejects what is not a module, and a truncated one', () => {
  assert.throws(() => scanV128(new Uint8Array([1, 2, 3])), /not a WebAssembly 1 module/);
  const bin = readFileSync(join(dist, 'tfjs-backend-wasm.wasm'));
  assert.throws(() => scanV128(bin.subarray(0, 1000)), /runs past the end|truncated/);
});

test.run();
