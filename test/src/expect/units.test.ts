import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseQuantity, parseUnit, lowerIsBetter, fmtNum } from '../../../src/expect/units.js';

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

test.run();
