// The backend-agnostic ML kernels on the real cpu and wasm backends of tfjs, their result checks,
// and the cross-check between backends, including deliberately wrong results that must be caught.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { measure } from '../../../src/calibration.js';
import { conv2dKernel, crossCheck, matMulKernel, mlKernels, type Digest, type Tf } from '../../../probes/ml/kernels.js';
import { assemble, type WorkerOutcome } from '../../../probes/ml/calibrate.js';
import { KERNELS, type KernelName } from '../../../probes/ml/tables.js';
import { loadTf, use } from './tf-helpers.js';

const fast = { warmupMs: 5, budgetMs: 30, minSamples: 3, maxSamples: 20, sampleMs: 2 };
const tf = await loadTf();

/** Runs both kernels on one backend; returns the metrics and digests. */
async function runOn(backend: 'cpu' | 'wasm', t: Tf = tf) {
  await use(tf, backend);
  const ks = mlKernels(t, backend);
  const out: Partial<Record<KernelName, { status: string; reason?: string; digest: Digest | null }>> = {};
  for (const k of KERNELS) {
    const m = await measure(ks[k], { level: 'quick', probe: 'ml', budget: fast });
    out[k] = { status: m.status, ...(m.status !== 'ok' ? { reason: m.reason } : {}), digest: ks[k].digest() };
  }
  return out as Record<KernelName, { status: string; reason?: string; digest: Digest | null }>;
}

const onCpu = await runOn('cpu');
const onWasm = await runOn('wasm');

test('the same kernel code measures and checks correctly on cpu and on wasm', () => {
  for (const [backend, r] of [['cpu', onCpu], ['wasm', onWasm]] as const) {
    for (const k of KERNELS) {
      assert.is(r[k].status, 'ok', `${k} on ${backend}: ${r[k].reason}`);
      assert.ok(r[k].digest && r[k].digest!.value.length === 64, `${k} on ${backend} digest`);
    }
  }
});

test('cpu and wasm agree on every sampled output (cross-check finds nothing)', () => {
  for (const k of KERNELS) assert.equal(crossCheck({ cpu: onCpu[k].digest, wasm: onWasm[k].digest }), []);
});

test('a deliberately broken backend op is caught by the kernel check: status wrong, no number', async () => {
  await use(tf, 'wasm');
  // A matMul/conv2d that is off by 0.01: far beyond float32 rounding, small enough to look plausible.
  const broken: Tf = {
    ...tf,
    tensor2d: tf.tensor2d,
    tensor4d: tf.tensor4d,
    matMul: (a, b) => tf.add(tf.matMul(a, b), 0.01),
    conv2d: (x, f, s, p) => tf.add(tf.conv2d(x, f, s, p), 0.01),
  };
  for (const k of [matMulKernel(broken, 'ml.tfjs.matmul.broken'), conv2dKernel(broken, 'ml.tfjs.conv2d.broken')]) {
    const m = await measure(k, { level: 'quick', probe: 'ml', budget: fast });
    assert.is(m.status, 'wrong', k.id);
    assert.not.ok('value' in m);
    assert.match((m as { reason: string }).reason, /output\[\d+\] = .*, reference .*tolerance/);
  }
});

test('cross-check: a perturbed backend is named, and two disagreeing backends are both named', () => {
  const good = onWasm.matmul.digest!;
  const bad: Digest = { ...good, value: good.value.map((v, i) => (i === 7 ? v + 0.05 : v)) };
  const three = crossCheck({ cpu: onCpu.matmul.digest, wasm: good, 'wasm-simd': bad });
  assert.equal(three.map((m) => [m.backend, m.against.sort()]), [['wasm-simd', ['cpu', 'wasm']]]);
  assert.match(three[0].why, /output\[\d+\]/);
  const two = crossCheck({ cpu: onCpu.matmul.digest, 'wasm-simd': bad });
  assert.equal(two.map((m) => m.backend).sort(), ['cpu', 'wasm-simd']);
});

test('assemble: a cross-check mismatch becomes a wrong metric, CALIBRATION_WRONG_RESULT and effective false', () => {
  const metric = (v: number) => ({ status: 'ok' as const, value: v, unit: 'GFLOP/s', samples: 5, cv: 0.01, min: v, max: v });
  const result = (backend: 'wasm-simd' | 'wasm' | 'cpu', v: number, dg: Record<KernelName, Digest>): WorkerOutcome => ({
    ok: true,
    result: {
      type: 'result',
      backend,
      info: backend === 'cpu' ? {} : { wasmBinary: backend === 'wasm' ? 'tfjs-backend-wasm.wasm' : 'tfjs-backend-wasm-simd.wasm', v128: { types: 0, locals: backend === 'wasm' ? 0 : 9 } },
      metrics: Object.fromEntries(KERNELS.map((k) => [`ml.tfjs.${k}.${backend}`, metric(v)])),
      digests: dg,
    },
  });
  const cpuDg = { matmul: onCpu.matmul.digest!, conv2d: onCpu.conv2d.digest! };
  const wasmDg = { matmul: onWasm.matmul.digest!, conv2d: onWasm.conv2d.digest! };
  const badDg = { ...wasmDg, conv2d: { ...wasmDg.conv2d, value: wasmDg.conv2d.value.map((v) => -v) } };
  const c = assemble({ 'wasm-simd': result('wasm-simd', 40, badDg), wasm: result('wasm', 15, wasmDg), cpu: result('cpu', 1.2, cpuDg) });
  assert.is(c.metrics['ml.tfjs.conv2d.wasm-simd'].status, 'wrong');
  assert.is(c.metrics['ml.tfjs.matmul.wasm-simd'].status, 'ok');
  assert.equal(c.findings!.map((f) => [f.code, f.args?.metric]), [['CALIBRATION_WRONG_RESULT', 'ml.tfjs.conv2d.wasm-simd']]);
  assert.is(c.capabilities!['ml.tfjs.wasm-simd'].effective, false);
  assert.is(c.capabilities!['ml.tfjs.wasm'].effective, true);
  // speedups are computed against each backend's software twin
  const mm = c.metrics['ml.tfjs.matmul.wasm-simd'];
  assert.ok(mm.status === 'ok' && mm.speedup === 2.667 && mm.threshold === 1.5 && mm.baseline?.value === 15);
  assert.is(c.metrics['ml.tfjs.matmul.tensorflow'].status, 'skipped');
});

test('assemble: a speedup below the threshold makes the capability ineffective, with ML_TFJS_SPEEDUP_LOW', () => {
  const metric = (v: number) => ({ status: 'ok' as const, value: v, unit: 'GFLOP/s', samples: 5, cv: 0.01, min: v, max: v });
  const result = (backend: 'wasm-simd' | 'wasm', v: number): WorkerOutcome => ({
    ok: true,
    result: {
      type: 'result',
      backend,
      info: { wasmBinary: backend === 'wasm' ? 'tfjs-backend-wasm.wasm' : 'tfjs-backend-wasm-simd.wasm', v128: { types: 0, locals: backend === 'wasm' ? 0 : 9 } },
      metrics: Object.fromEntries(KERNELS.map((k) => [`ml.tfjs.${k}.${backend}`, metric(v)])),
      digests: { matmul: onWasm.matmul.digest!, conv2d: onWasm.conv2d.digest! },
    },
  });
  const c = assemble({ 'wasm-simd': result('wasm-simd', 18), wasm: result('wasm', 15) });
  assert.is(c.capabilities!['ml.tfjs.wasm-simd'].effective, false);
  assert.equal(c.findings!.map((f) => [f.code, f.capability, f.args?.speedup]), [['ML_TFJS_SPEEDUP_LOW', 'ml.tfjs.wasm-simd', 1.2]]);
  // wasm has no cpu result to compare with: measured, but its verdict cannot be told
  assert.is(c.capabilities!['ml.tfjs.wasm'].effective, null);
});

test('assemble: a wasm run whose binary does not match its backend is not measured', () => {
  const o: WorkerOutcome = {
    ok: true,
    result: { type: 'result', backend: 'wasm', info: { wasmBinary: 'tfjs-backend-wasm-simd.wasm', v128: { types: 0, locals: 186 } }, metrics: {}, digests: {} },
  };
  const c = assemble({ wasm: o });
  const m = c.metrics['ml.tfjs.matmul.wasm'];
  assert.is(m.status, 'skipped');
  assert.match((m as { reason: string }).reason, /declares v128 values: it is a SIMD build/);
  assert.is(c.capabilities!['ml.tfjs.wasm'].effective, null);
});

test.run();
