import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  abEstimate,
  abMetric,
  combineKernels,
  interleaveRounds,
  judgeInterval,
  measure,
  medianInterval,
  medianRank,
  plausible,
  speedup,
  stats,
  type Kernel,
} from '../../src/calibration.js';
import type { Metric } from '../../src/types.js';
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

// ---- the interleaved A/B estimator, on synthetic sample arrays (inputs to pure functions) ----

test('medianRank / medianInterval: the distribution-free 90% interval of the median', () => {
  // P(Binomial(n, 1/2) = 0) = 1/2^n ≤ 5% from n = 5: [min, max]; n = 8: the 2nd and 7th values.
  assert.equal([1, 2, 3, 4, 5, 8, 12, 20].map((n) => medianRank(n)), [0, 0, 0, 0, 1, 2, 3, 6]);
  assert.equal(medianInterval([5, 1, 4, 2, 3]), [1, 5]);
  assert.equal(medianInterval([8, 1, 7, 2, 6, 3, 5, 4]), [2, 7]);
  assert.throws(() => medianInterval([]));
});

const rounds = (xs: number[], jitter = [1, 0.9, 0.8]) => xs.map((x) => jitter.map((j) => x * j));

test('abEstimate: per-round ratios of each round\'s fastest sample, and their interval', () => {
  const fast = rounds([10, 10, 10, 10, 10]);
  const slow = rounds([2, 2, 2.5, 2, 2]);
  const e = abEstimate(fast, slow, 2);
  assert.equal(e.ratios, [5, 5, 4, 5, 5]);
  assert.equal([e.rounds, e.speedup, e.speedupInterval], [5, 5, [4, 5]]);
  assert.equal(e.verdict, { effective: true });
});

test('contention that slows whole samples cannot fake a verdict: a round needs one clean sample per side', () => {
  // Each round has one undisturbed sample (10 vs 2) and two slowed ones, on either side at random.
  const fast = [[10, 3, 2], [4, 10, 1], [10, 9, 2], [1, 1, 10], [10, 5, 5]];
  const slow = [[0.5, 2, 1], [2, 2, 2], [1, 1, 2], [2, 0.3, 0.2], [0.1, 2, 1]];
  assert.equal(abEstimate(fast, slow, 2).verdict, { effective: true });
  // A path with no speedup stays below the threshold however the bursts fall.
  assert.equal(abEstimate(slow.map((r) => r.map((x) => x * 1.1)), slow, 2).verdict, { effective: false });
});

test('judgeInterval: true/false only with the whole interval on one side; too few rounds is inconclusive', () => {
  const table: [[number, number], number, boolean | null][] = [
    [[2, 9], 5, true],
    [[0.9, 1.9], 5, false],
    [[1.5, 3], 5, null],
    [[3, 9], 4, null],
  ];
  for (const [iv, n, want] of table) assert.is(judgeInterval(iv, 2, n).effective, want, `${iv} over ${n} rounds`);
  const v = judgeInterval([1.5, 3], 2, 5);
  assert.match(v.why ?? '', /straddles the threshold ×2/);
  assert.match(judgeInterval([3, 9], 2, 2).why ?? '', /only 2 rounds measured \(5 needed\)/);
});

test('combineKernels: a capability is judged on all its kernels together, not on its worst one', () => {
  // issue 12: aes-128-gcm ×1.83 (noisy) beside aes-256-gcm ×17.8 and aes-256-ctr ×9.5.
  const k = (sp: number, lo: number, hi: number) => ({ speedup: sp, speedupInterval: [lo, hi] as [number, number], rounds: 5 });
  const c = combineKernels([k(1.83, 1.2, 6), k(17.8, 12, 20), k(9.5, 7, 11)], 2);
  assert.is(c.verdict.effective, true);
  assert.ok(c.speedupInterval[0] >= 2 && c.speedup > 5, JSON.stringify(c));
  assert.is(combineKernels([k(1, 0.9, 1.1), k(1.1, 1, 1.2)], 2).verdict.effective, false);
  assert.is(combineKernels([k(2, 1.5, 3)], 2).verdict.effective, null);
});

test('abMetric: value from the rounds\' best samples, interval, rounds, speedupInterval; cv of all samples', () => {
  const r = abMetric(rounds([10, 11, 10, 12, 10]), rounds([2, 2, 2, 2, 2]), { unit: 'GB/s', threshold: 2, method: 'software' })!;
  const m = r.metric;
  assert.is(m.status, 'ok');
  if (m.status !== 'ok') return;
  assert.equal([m.value, m.rounds, m.samples, m.interval, m.baseline?.value, m.speedup, m.speedupInterval, m.threshold], [10, 5, 15, [10, 12], 2, 5, [5, 6], 2]);
  assert.ok(m.cv > 0);
  assert.is(abMetric([], [[1]], { unit: 'GB/s', threshold: 2, method: 's' }), null);
});

test('interleaveRounds: A and B alternate which goes first; rounds are added while inconclusive, up to maxRounds', async () => {
  const order: string[] = [];
  let i = 0;
  // A noisy pair around the threshold never gets conclusive: it runs to maxRounds.
  const noisy = [3, 1.2, 2.5, 1.4, 3.1, 1.1];
  const groups = [
    {
      id: 'g',
      sides: [
        { id: 'a', round: async () => (order.push('a'), [noisy[i++ % noisy.length]]) },
        { id: 'b', round: async () => (order.push('b'), [1]) },
      ],
      pairs: [{ fast: 'a', slow: 'b', threshold: 2 }],
    },
    {
      id: 'clear',
      sides: [
        { id: 'a', round: async () => [10] },
        { id: 'b', round: async () => [1] },
      ],
      pairs: [{ fast: 'a', slow: 'b', threshold: 2 }],
    },
  ];
  const out = await interleaveRounds(groups, { level: 'quick', budget: { maxRounds: 9, minRounds: 5 } });
  assert.equal(order.slice(0, 6), ['a', 'b', 'b', 'a', 'a', 'b']);
  assert.is(out.g.rounds.a.length, 9);
  assert.is(out.clear.rounds.a.length, 5, 'a conclusive pair stops at minRounds');
});

test('interleaveRounds: a side that throws ends with its reason; the other sides keep their samples', async () => {
  let n = 0;
  const out = await interleaveRounds(
    [
      {
        id: 'g',
        sides: [
          { id: 'a', round: async () => [2] },
          { id: 'b', round: async () => { if (++n === 2) throw new Error('the child died'); return [1]; } },
        ],
        pairs: [{ fast: 'a', slow: 'b', threshold: 2 }],
      },
    ],
    { level: 'quick', budget: { minRounds: 3, maxRounds: 5 } },
  );
  assert.equal(out.g.failed, { b: 'the child died' });
  assert.is(out.g.rounds.a.length, 3);
  assert.equal(out.g.rounds.b.map((r) => r.length), [1, 0, 0]);
});

test('plausible: impossible values become wrong with a reason, plausible ones pass unchanged', () => {
  const m = (o: Partial<Extract<Metric, { status: 'ok' }>>): Metric => ({ status: 'ok', value: 1, unit: 'x', samples: 5, cv: 0.1, min: 0.9, max: 1.1, ...o });
  const table: [string, Metric, Parameters<typeof plausible>[1], number | undefined, RegExp | null][] = [
    ['a normal rate', m({}), 'rate', undefined, null],
    ['a negative rate', m({ value: -1, min: -1 }), 'rate', undefined, /cannot be zero or negative/],
    ['a non-finite rate', m({ value: Infinity }), 'rate', undefined, /non-finite/],
    ['cv beyond the mean ×3', m({ cv: 4 }), 'rate', undefined, /cv 400%/],
    ['scaling 21520× on 2 CPUs', m({ value: 21520, max: 30000 }), 'scaling', 2, /at most ×2\.5/],
    ['scaling 0.0000036× on 2 CPUs', m({ value: 0.0000036, min: 0.000001 }), 'scaling', 2, /below ×0\.25/],
    ['scaling 1.9× on 2 CPUs', m({ value: 1.9 }), 'scaling', 2, null],
    ['software 10× faster than accelerated', m({ speedup: 0.1, baseline: { value: 10, method: 's' } }), 'rate', undefined, /software path measured ×10 faster/],
    ['software a little faster (noise)', m({ speedup: 0.8, baseline: { value: 1.2, method: 's' } }), 'rate', undefined, null],
  ];
  for (const [name, metric, kind, cpus, want] of table) {
    const got = plausible(metric, kind, cpus);
    if (want === null) assert.equal(got, metric, name);
    else {
      assert.is(got.status, 'wrong', name);
      assert.match((got as { reason: string }).reason, want, name);
      assert.match((got as { reason: string }).reason, /^implausible: /, name);
    }
  }
});

test.run();
