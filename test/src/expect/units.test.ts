import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseQuantity, parseUnit, lowerIsBetter, fmtNum, metricBase } from '../../../src/expect/units.js';
import { runProbes } from '../../../src/runner.js';
import { NodeHost } from '../../../src/host/node-host.js';
import { PROBES } from '../../../probes/index.js';

// Hand-written unit strings: the parser's edge cases (decimal vs binary prefixes, spacing, times).
const good: [string | number, number, string | null][] = [
  ['1 GB/s', 1e9, 'B/s'],
  ['500 MB/s', 5e8, 'B/s'],
  ['0.5GB/s', 5e8, 'B/s'],
  ['2 GiB', 2 * 2 ** 30, 'B'],
  ['64 KiB/s', 64 * 1024, 'B/s'],
  ['1.5 GFLOP/s', 1.5e9, 'FLOP/s'],
  ['3 ms', 0.003, 's'],
  ['250 us', 0.00025, 's'],
  ['10 kop/s', 1e4, 'op/s'],
  ['1.5', 1.5, null],
  [8, 8, null],
  ['2 x', 2, 'x'],
];
for (const [q, value, base] of good) {
  test(`parses ${JSON.stringify(q)}`, () => {
    const p = parseQuantity(q);
    assert.ok(Math.abs(p.value - value) < 1e-9 * Math.max(1, value), `${p.value} != ${value}`);
    assert.is(p.base, base);
  });
}

for (const bad of ['1 GX/s', 'fast', '1 G', '1 Gx', '']) {
  test(`rejects ${JSON.stringify(bad)} with a message naming it`, () => {
    assert.throws(() => parseQuantity(bad), (e: Error) => e.message.includes(JSON.stringify(bad.trim()).slice(1, -1)) || bad === '');
  });
}

test('units compare as numbers, never as strings: 900 MB/s < 1 GB/s < 1 GiB/s', () => {
  const [a, b, c] = ['900 MB/s', '1 GB/s', '1 GiB/s'].map((q) => parseQuantity(q).value);
  assert.ok(a < b && b < c);
});

test('times are lower-is-better, rates higher-is-better', () => {
  assert.equal(['ms', 's', 'GB/s', 'GFLOP/s', 'x', 'furlongs'].map(lowerIsBetter), [true, true, false, false, false, false]);
  assert.is(parseUnit('furlongs'), null);
});

test('fmtNum keeps three significant digits', () => {
  assert.equal([0.3333, 5.678, 123.456, 4].map(fmtNum), ['0.33', '5.68', '123.5', '4']);
});

test('metric dimensions: the table agrees with the units a real cpu calibration reports', async () => {
  // Real kernels on this machine (quick level); asserts units only, never a speed.
  const run = await runProbes(new NodeHost({ env: process.env }), PROBES.filter((p) => p.id === 'cpu'), { calibrate: 'quick', timeoutMs: 10_000 });
  const metrics = Object.entries(run.metrics);
  assert.ok(metrics.length > 0, 'the cpu calibration produced metrics');
  for (const [id, m] of metrics) {
    const u = m.unit === '×' ? 'x' : parseUnit(m.unit)?.base;
    assert.is(metricBase(id), u, `${id} in ${m.unit}`);
  }
});

test('metric dimensions of the other families (hand-written ids in the families\' id shapes)', () => {
  const rows: [string, string | undefined][] = [
    ['crypto.aes-128-gcm', 'B/s'],
    ['ml.tfjs.matmul.wasm', 'FLOP/s'],
    ['gpu.opencl.llvmpipe.fma-f32', 'FLOP/s'],
    ['gpu.cuda.0.bandwidth', 'B/s'],
    ['frameworks.numpy.matmul-f64', 'FLOP/s'],
    ['something.else', undefined],
  ];
  for (const [id, base] of rows) assert.is(metricBase(id), base, id);
});

test.run();
