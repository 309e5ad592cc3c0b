import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { measure, speedup, stats, type Kernel } from '../../src/calibration.js';
import type { ProgressEvent } from '../../src/types.js';

const fast = { warmupMs: 5, budgetMs: 40, minSamples: 5, maxSamples: 50, sampleMs: 2 };

test('stats: median, min, max, cv', () => {
  const s = stats([4, 1, 3, 2]);
  assert.equal([s.median, s.min, s.max, s.n], [2.5, 1, 4, 4]);
  assert.ok(Math.abs(s.cv - Math.sqrt(1.25) / 2.5) < 1e-12);
  assert.is(stats([7]).cv, 0);
  assert.is(stats([1, 2, 3]).median, 2);
  assert.throws(() => stats([]));
});

/** Sums 0..n-1 in a Float64Array; the reference is n(n-1)/2. */
function sumKernel(broken: boolean): Kernel<{ a: Float64Array; last: number }> {
  return {
    id: 'test.sum',
    unit: 'Melem/s',
    scale: 1e6,
    setup: () => ({ a: Float64Array.from({ length: 10_000 }, (_, i) => i), last: 0 }),
    run(s, iterations) {
      for (let k = 0; k < iterations; k++) {
        let t = 0;
        for (let i = 0; i < s.a.length; i++) t += s.a[i];
        s.last = broken ? t + 1 : t;
      }
      return s.a.length * iterations;
    },
    check: (s) => (s.last === (s.a.length * (s.a.length - 1)) / 2 ? null : `sum ${s.last} != ${(s.a.length * (s.a.length - 1)) / 2}`),
  };
}

test('a correct kernel is measured: at least minSamples, a cv, progress up to 1', async () => {
  const events: ProgressEvent[] = [];
  const m = await measure(sumKernel(false), { level: 'quick', probe: 't', budget: fast, progress: (e) => events.push(e) });
  assert.is(m.status, 'ok');
  if (m.status !== 'ok') return;
  assert.ok(m.samples >= 5);
  assert.ok(m.value > 0 && m.min <= m.value && m.value <= m.max);
  assert.ok(m.cv >= 0);
  const fr = events.map((e) => (e.type === 'calibration' ? e.fraction : -1));
  assert.is(fr[0], 0);
  assert.is(fr[fr.length - 1], 1);
});

test('a deliberately broken kernel is caught: status wrong, no number', async () => {
  const m = await measure(sumKernel(true), { level: 'quick', probe: 't', budget: fast });
  assert.is(m.status, 'wrong');
  assert.not.ok('value' in m);
  assert.match((m as { reason: string }).reason, /sum 49995001 != 49995000/);
});

test('a kernel that cannot set up is skipped with the reason', async () => {
  const k: Kernel<void> = { id: 'x', unit: 'u', setup: () => { throw new Error('no device'); }, run: () => 1 };
  const m = await measure(k, { level: 'quick', probe: 't', budget: fast });
  assert.equal(m, { status: 'skipped', unit: 'u', reason: 'could not set up: no device' });
});

test('an abort stops the kernel between samples and reports skipped', async () => {
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 30);
  const t0 = Date.now();
  const m = await measure(sumKernel(false), { level: 'full', probe: 't', signal: ctl.signal });
  assert.ok(Date.now() - t0 < 500);
  assert.is(m.status, 'skipped');
  assert.match((m as { reason: string }).reason, /interrupted/);
});

test('speedup is defined only between two measured metrics', () => {
  const ok = (value: number) => ({ status: 'ok' as const, value, unit: 'u', samples: 3, cv: 0, min: value, max: value });
  assert.is(speedup(ok(6), ok(2)), 3);
  assert.is(speedup(ok(6), { status: 'skipped', unit: 'u', reason: 'r' }), undefined);
});

test.run();
