// The inspection output parser and the pure helpers of the frameworks probe.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execResult } from '../../../src/host/capture.js';
import { parseInspection, records, blasInfo, byteSize } from '../../../probes/frameworks/parse.js';
import { archSupported, cudaVersionString, armTier } from '../../../probes/frameworks/derive.js';
import { parseNvidiaVersion } from '../../../probes/frameworks/detect.js';
import { NUMPY_FEATURES, OPENBLAS_CORES, SIMD_TIERS, FRAMEWORK_ENV, providerId } from '../../../probes/frameworks/tables.js';
import { MASK_VARS } from '../../../src/host/env-allowlist.js';
import { PY_PACKAGES, sentinel } from '../../../probes/frameworks/script.js';
import { FRAMEWORK_FINDINGS, MATMUL_METRICS } from '../../../probes/frameworks/findings.js';
import { frameworksVocabulary } from '../../../probes/frameworks/vocabulary.js';

const NONCE = '0123456789abcdef';
const SENTINEL = sentinel(NONCE);
const rec = (o: object) => SENTINEL + JSON.stringify(o);
const META = { nonce: NONCE, maxBytes: 1 << 20 };

test('records: lines without the sentinel (warnings, banners) and cut lines are ignored', () => {
  // Hand-written: a library banner before the records and a record cut by a kill.
  const out = ['WARNING: threadpoolctl not found', rec({ section: 'python', version: '3.12.1' }), `${SENTINEL}{"section": "pack`].join('\n');
  assert.equal(records(out, NONCE), [{ section: 'python', version: '3.12.1' }]);
});

test('parseInspection: a timeout after "begin numpy" marks numpy hung and keeps the interpreter', () => {
  // Hand-written: what a run killed during `import numpy` leaves on stdout.
  const stdout = [rec({ section: 'python', version: '3.11.7', implementation: 'cpython', executable: '/x/python3', realExecutable: '/x/python3.11', prefix: '/x', basePrefix: '/x', env: {} }), rec({ section: 'package', name: 'torch', status: 'absent' }), rec({ section: 'begin', name: 'numpy' })].join('\n');
  const r = parseInspection({ status: 'timeout', code: null, signal: 'SIGKILL', stdout, stderr: '', truncated: false }, META);
  assert.is(r.status, 'timeout');
  assert.is(r.python?.version, '3.11.7');
  assert.is(r.python?.venv, false);
  assert.is(r.packages.numpy.status, 'hung');
  assert.is(r.packages.torch.status, 'absent');
  assert.is(r.packages.jax.status, 'not-inspected');
});

test('parseInspection: a process with no records says so and keeps the stderr tail', () => {
  const r = parseInspection(execResult('', 1, 'Traceback...\nSyntaxError: invalid syntax'), META);
  assert.is(r.status, 'failed');
  assert.is(r.python, null);
  assert.match(r.detail ?? '', /exit 1: SyntaxError/);
  for (const p of PY_PACKAGES) assert.is(r.packages[p].status, 'not-inspected');
});

test('blasInfo: threadpoolctl wins over the direct OpenBLAS answer, which wins over library names', () => {
  // Hand-written: the shapes the script emits.
  const direct = { loaded: ['/l/libopenblas.so.0'], openblas: { '/l/libopenblas.so.0': { corename: 'Haswell', config: 'OpenBLAS 0.3.21 DYNAMIC_ARCH', numThreads: 4 } } };
  assert.equal([blasInfo(direct)?.library, blasInfo(direct)?.version, blasInfo(direct)?.coretype, blasInfo(direct)?.threads], ['openblas', '0.3.21', 'Haswell', 4]);
  const tpc = { ...direct, threadpoolctl: [{ user_api: 'blas', internal_api: 'openblas', version: '0.3.27', num_threads: 8, architecture: 'SkylakeX' }] };
  assert.equal([blasInfo(tpc)?.version, blasInfo(tpc)?.coretype, blasInfo(tpc)?.threads], ['0.3.27', 'SkylakeX', 8]);
  assert.is(blasInfo({ loaded: ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0'], openblas: {} })?.library, 'reference');
});

test('archSupported: sm cubins run on the same major and newer minors; PTX on anything newer', () => {
  const cases: [string, string[], boolean][] = [
    ['8.6', ['sm_80', 'sm_90'], true],
    ['8.0', ['sm_86'], false],
    ['9.0', ['sm_80', 'sm_86'], false],
    ['9.0', ['sm_80', 'compute_80'], true],
    ['12.0', ['sm_90', 'sm_100'], false],
    ['12.0', ['sm_120'], true],
    ['7.5', ['sm_50', 'sm_60', 'sm_70', 'sm_75'], true],
  ];
  for (const [cap, list, want] of cases) assert.is(archSupported(cap, list), want, `${cap} on ${list}`);
});

test('small helpers', () => {
  assert.is(cudaVersionString(12040), '12.4');
  assert.is(cudaVersionString(11080), '11.8');
  assert.is(armTier(new Set(['asimd', 'sve', 'sve2'])), 'sve2');
  assert.is(armTier(new Set(['fp', 'asimd'])), 'asimd');
  assert.is(providerId('CUDAExecutionProvider'), 'cuda');
  assert.is(providerId('CPUExecutionProvider'), 'cpu');
  // Hand-written: the two /proc/driver/nvidia/version formats (proprietary and open kernel modules).
  assert.is(parseNvidiaVersion('NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\n'), '535.104.05');
  assert.is(parseNvidiaVersion('NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.15  Release Build\n'), '550.54.15');
  assert.is(parseNvidiaVersion(''), null);
});

test('tables: every core tier and every variable is known; the variables are allowlisted', () => {
  const tiers = new Set<string>([...SIMD_TIERS.x86, ...SIMD_TIERS.arm64]);
  for (const [core, tier] of Object.entries(OPENBLAS_CORES)) {
    assert.ok(tiers.has(tier), core);
    assert.is(core, core.toLowerCase());
  }
  for (const name of Object.keys(FRAMEWORK_ENV)) assert.ok((MASK_VARS as readonly string[]).includes(name), `${name} is in MASK_VARS`);
  for (const [f, flags] of Object.entries(NUMPY_FEATURES)) {
    assert.ok(flags.length > 0, f);
    for (const fl of flags) assert.match(fl, /^[a-z0-9_]+$/, `${f}: ${fl} is a kernel flag spelling`);
  }
});

test("findings' `affects` name only the probe's own metrics, and the thread findings explain the default-threads matmul", () => {
  const metrics = new Set(Object.keys(frameworksVocabulary.metrics));
  for (const [code, row] of Object.entries(FRAMEWORK_FINDINGS)) for (const m of row.affects) assert.ok(metrics.has(m), `${code}: ${m}`);
  for (const code of ['THREADS_OVERSUBSCRIBED', 'THREADS_ABOVE_QUOTA', 'FRAMEWORK_SIMD_BELOW_CPU'] as const)
    assert.ok((FRAMEWORK_FINDINGS[code].affects as readonly string[]).includes(MATMUL_METRICS.asIs), code);
});

test('records: only lines with this run\'s nonce count', () => {
  // Hand-written: a forged line with the old fixed marker and one with another nonce.
  const out = [`${sentinel()}{"section": "python", "version": "9.9.9"}`, `${sentinel('ffffffffffffffff')}{"section": "python", "version": "9.9.9"}`, rec({ section: 'python', version: '3.12.1' })].join('\n');
  assert.equal(records(out, NONCE), [{ section: 'python', version: '3.12.1' }]);
});

test('parseInspection: stdout cut at the cap names the cap; a truncated stderr alone does not', () => {
  // Hand-written: what Host.exec returns when it kills a child at a 1 KiB cap.
  const big = { status: 'failed' as const, code: null, signal: 'SIGKILL', stdout: 'x'.repeat(1024), stderr: '', truncated: true };
  assert.is(parseInspection(big, { nonce: NONCE, maxBytes: 1024 }).detail, 'stdout exceeded the 1 KiB cap: the interpreter was killed');
  const errOnly = { ...big, stdout: '', code: 1, signal: null };
  assert.is(parseInspection(errOnly, { nonce: NONCE, maxBytes: 1024 }).detail, 'exit 1');
  assert.equal([byteSize(1 << 20), byteSize(16384), byteSize(1000)], ['1 MiB', '16 KiB', '1000 B']);
});

test.run();
