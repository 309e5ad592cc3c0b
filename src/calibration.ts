/**
 * The calibration harness (DESIGN §7): warm-up, then timed samples until the level's budget;
 * median, min, max, coefficient of variation and sample count; a result check on every kernel;
 * AbortSignal honoured between samples; progress events for the TUI.
 *
 * A/B comparisons (an accelerated path against its software twin) run in interleaved rounds
 * (interleaveRounds, abEstimate): see "Interleaved A/B rounds" below for why. Every metric passes
 * one plausibility check per metric kind (plausible) before it is reported.
 */
import type { CalibrationLevel, Finding, MeasuredMetric, Metric, ProgressEvent } from './types.js';

/** Time budgets of a calibration level. */
export interface LevelBudget {
  /** warm-up before the first timed sample */
  warmupMs: number;
  /** time for timed samples of one kernel */
  budgetMs: number;
  minSamples: number;
  maxSamples: number;
  /** iterations are scaled so one sample takes at least this long (timer resolution, JIT noise) */
  sampleMs: number;
  /** deadline for one probe's whole calibration */
  deadlineMs: number;
  /** A/B: timed samples per side in one round */
  roundSamples: number;
  /** A/B: rounds before a verdict may be conclusive (5 is the least for a 90% median interval) */
  minRounds: number;
  /** A/B: rounds at most, while the verdict stays inconclusive */
  maxRounds: number;
  /** A/B: time for all rounds of one probe's comparisons */
  abBudgetMs: number;
}

/** The levels. `quick` keeps every probe's calibration within a few seconds on a 2-core machine. */
export const LEVELS: Record<Exclude<CalibrationLevel, 'off'>, LevelBudget> = {
  quick: { warmupMs: 20, budgetMs: 80, minSamples: 5, maxSamples: 40, sampleMs: 6, deadlineMs: 20_000, roundSamples: 3, minRounds: 5, maxRounds: 15, abBudgetMs: 2500 },
  full: { warmupMs: 100, budgetMs: 800, minSamples: 10, maxSamples: 200, sampleMs: 20, deadlineMs: 60_000, roundSamples: 5, minRounds: 7, maxRounds: 40, abBudgetMs: 15_000 },
};

/**
 * One kernel. `run(state, iterations)` does the work `iterations` times and returns the amount
 * of work done (bytes, operations, FLOPs); the rate is work / seconds / `scale`.
 */
export interface Kernel<S = unknown> {
  /** metric id, e.g. "cpu.scalar-f64" */
  id: string;
  /** unit of work/second/scale, e.g. "GB/s" with scale 1e9 over bytes */
  unit: string;
  scale?: number;
  setup?(): S | Promise<S>;
  run(state: S, iterations: number): number | Promise<number>;
  /** What the value is, for the plausibility check (default 'rate') */
  kind?: MetricKind;
  /**
   * 'cpu': a sample's time is the smaller of its wall time and this process's CPU time, so time the
   * process spent descheduled by other processes does not count (as `openssl speed` measures user
   * CPU time unless told -elapsed). Only for single-threaded kernels; default 'wall'.
   */
  clock?: 'wall' | 'cpu';
  /** Checks the kernel's own result against a reference: null when right, else what was wrong. */
  check?(state: S): string | null | Promise<string | null>;
  teardown?(state: S): void | Promise<void>;
  /**
   * The last run() timed where the work ran (inside its worker threads), for a kernel whose run()
   * awaits replies: this thread's wall clock would also count whatever else its event loop ran
   * meanwhile (the TUI's renders stretched 0.025 ms of worker work to 25 ms). `seconds` gives the
   * rate; `busySeconds`, how long the slowest thread computed, sizes the iterations (a thread the
   * scheduler starts late must not end the warm-up at a few iterations). Overrides `clock`.
   */
  timing?(state: S): { seconds: number; busySeconds?: number } | undefined;
}

/** Options for measure(). */
export interface MeasureOptions {
  level: Exclude<CalibrationLevel, 'off'>;
  signal?: AbortSignal;
  /** probe id, for progress events */
  probe: string;
  progress?: (ev: ProgressEvent) => void;
  /** overrides of the level's budget (tests) */
  budget?: Partial<LevelBudget>;
}

/** Summary statistics of samples. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  mean: number;
  /** stddev / mean (population), 0 for a single sample */
  cv: number;
  n: number;
}

/** Median, min, max, mean and coefficient of variation. Throws on an empty list. */
export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) throw new Error('stats of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const variance = s.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const cv = mean === 0 ? 0 : Math.sqrt(variance) / Math.abs(mean);
  return { median, min: s[0], max: s[n - 1], mean, cv, n };
}

/** Rounds to 4 significant digits: measurement noise is far above that. */
export function sig(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4));
}

/** A metric that was not measured, with the reason. */
export function skipped(unit: string, reason: string): Metric {
  return { status: 'skipped', unit, reason };
}

/** The harness's own finding codes, with severity, message template and hint (the finding docs are generated from it). */
export const CALIBRATION_FINDINGS = {
  CALIBRATION_WRONG_RESULT: {
    severity: 'error',
    message: (a: Record<string, string | number | boolean | null>) => `calibration kernel ${a.metric} computed a wrong result: ${a.why}`,
    hint: 'a wrong answer from hardware or a driver is worse than a slow one: check the driver, firmware and emulation layer',
  },
  CALIBRATION_IMPLAUSIBLE: {
    severity: 'warning',
    message: (a: Record<string, unknown>) => `calibration metric ${a.metric} measured a physically impossible value, so it is not reported: ${a.why}`,
    hint: 'usually a disturbed measurement (a blocked event loop, heavy contention, a timer jump); rerun, and see the top-level `contention`',
  },
  CALIBRATION_INCONCLUSIVE: {
    severity: 'info',
    message: (a: Record<string, unknown>) => `could not tell whether ${a.capability} is effective: ${a.why}`,
    hint: 'the measurements were too noisy for a verdict (often other processes on the CPUs); rerun on a quieter machine or with --calibrate full, and see the top-level `contention` facts',
  },
  CALIBRATION_CONTENTION: {
    severity: 'warning',
    message: (a: Record<string, unknown>) => `the CPUs were contended during calibration: ${a.summary}`,
    hint: 'timings from a contended machine are low and noisy; verdicts that could not be told apart are reported as inconclusive, not as "not effective"',
  },
} as const;

/** The finding for a capability whose effective verdict could not be told (args: capability, why). */
export function inconclusiveFinding(capability: string, why: string, contention?: string): Finding {
  const t = CALIBRATION_FINDINGS.CALIBRATION_INCONCLUSIVE;
  return {
    code: 'CALIBRATION_INCONCLUSIVE',
    severity: t.severity,
    message: t.message({ capability, why }),
    capability,
    args: { capability, why, ...(contention ? { contention } : {}) },
    hint: t.hint,
  };
}

/** The finding for a kernel whose result check failed, or (reason "implausible: …") whose value cannot be true. */
export function wrongResultFinding(metric: string, why: string, capability?: string): Finding {
  const code = why.startsWith('implausible: ') ? 'CALIBRATION_IMPLAUSIBLE' : 'CALIBRATION_WRONG_RESULT';
  const t = CALIBRATION_FINDINGS[code];
  if (code === 'CALIBRATION_IMPLAUSIBLE') why = why.slice('implausible: '.length);
  return {
    code,
    severity: t.severity,
    message: t.message({ metric, why }),
    ...(capability ? { capability } : {}),
    args: { metric, why },
    hint: t.hint,
  };
}

class Aborted extends Error {}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Aborted('interrupted');
}

/** Yields to the event loop so an abort (Ctrl-C, deadline) can be seen between samples. */
const tick = () => new Promise<void>((r) => setImmediate(r));

/** The kernel's own timing of its last run in ms (Kernel.timing), when it has one. */
function ownMs<S>(k: Kernel<S>, state: S): { ms: number; busyMs: number } | undefined {
  const t = k.timing?.(state);
  if (!t || !Number.isFinite(t.seconds)) return undefined;
  const busy = t.busySeconds !== undefined && Number.isFinite(t.busySeconds) ? t.busySeconds : t.seconds;
  return { ms: t.seconds * 1000, busyMs: busy * 1000 };
}

/**
 * Warm-up, growing the iteration count until a call takes sampleMs; returns that count. The count
 * comes from the fastest time per iteration seen, and the warm-up ends only after two calls at the
 * final count: a slow first call (a cold worker thread, a busy CPU, a render blocking the event
 * loop) once ended it at 1 iteration, so every sample timed mostly message latency and the
 * parallel-scaling ratio came out as ×6204 on 2 CPUs. Its budget is spent in the kernel's own
 * compute time (Kernel.timing, else the wall time of its calls): a kernel timed in its workers is
 * sized however long this thread took to hear back (under the TUI at a load average of 20, 197 ms
 * of wall for 0.09 ms of work ended the warm-up at 65 iterations on the wall-clock cutoff).
 */
async function warmUp<S>(k: Kernel<S>, state: S, b: LevelBudget, signal?: AbortSignal): Promise<number> {
  let iterations = 1;
  let best = Infinity;
  let settled = 0;
  let spent = 0;
  for (;;) {
    checkAbort(signal);
    const t0 = performance.now();
    await k.run(state, iterations);
    const dt = ownMs(k, state)?.busyMs ?? performance.now() - t0;
    spent += dt;
    best = Math.min(best, Math.max(dt, 0.001) / iterations);
    const want = Math.ceil(b.sampleMs / best);
    if (want > iterations) {
      iterations = Math.min(Math.max(iterations * 2, want), 2 ** 30);
      settled = 0;
    } else settled++;
    if (settled >= 2 && spent >= b.warmupMs) break;
    if (spent >= b.warmupMs + b.budgetMs || (settled >= 2 && iterations >= 2 ** 30)) break; // a kernel that never reaches sampleMs still gets measured
    await tick();
  }
  return iterations;
}

/** One timed sample: work / seconds / scale. Throws when the kernel reports no work or no time. */
async function sampleOnce<S>(k: Kernel<S>, state: S, iterations: number): Promise<number> {
  const cpu0 = k.clock === 'cpu' ? process.cpuUsage() : null;
  const t0 = performance.now();
  const work = await k.run(state, iterations);
  let seconds = (performance.now() - t0) / 1000;
  const own = ownMs(k, state);
  if (own) seconds = own.ms / 1000;
  else if (cpu0) {
    // min(wall, CPU): a descheduled sample is charged only for the time it ran; when helper threads
    // add CPU time beyond the wall time, the wall time is the honest (smaller) one.
    const c = process.cpuUsage(cpu0);
    const cpuSeconds = (c.user + c.system) / 1e6;
    if (cpuSeconds > 0) seconds = Math.min(seconds, cpuSeconds);
  }
  if (!(work > 0) || !(seconds > 0)) throw new NoWork(`kernel reported no work (${work}) or no time`);
  return work / seconds / (k.scale ?? 1);
}
class NoWork extends Error {}

/**
 * Measures one kernel. Returns a measured metric, or `skipped` (it could not run, or was
 * interrupted) or `wrong` (its check failed, or the value is physically implausible) with the
 * reason. Never throws.
 */
export async function measure<S>(k: Kernel<S>, opts: MeasureOptions): Promise<Metric> {
  const b = { ...LEVELS[opts.level], ...opts.budget };
  const emit = (fraction: number, etaMs?: number) =>
    opts.progress?.({ type: 'calibration', probe: opts.probe, kernel: k.id, fraction, ...(etaMs !== undefined ? { etaMs } : {}) });
  let state: S | undefined;
  let setUp = false;
  try {
    checkAbort(opts.signal);
    emit(0, b.warmupMs + b.budgetMs);
    state = (await k.setup?.()) as S;
    setUp = true;
    const iterations = await warmUp(k, state, b, opts.signal);

    const rates: number[] = [];
    const start = performance.now();
    while (rates.length < b.maxSamples) {
      checkAbort(opts.signal);
      rates.push(await sampleOnce(k, state, iterations));
      const elapsed = performance.now() - start;
      emit(Math.min(1, Math.max(elapsed / b.budgetMs, rates.length / b.maxSamples)), Math.max(0, b.budgetMs - elapsed));
      if (rates.length >= b.minSamples && elapsed >= b.budgetMs) break;
      await tick();
    }

    const why = await k.check?.(state);
    if (why) return { status: 'wrong', unit: k.unit, reason: why };
    emit(1, 0);
    return plausible(samplesMetric(rates, k.unit), k.kind ?? 'rate');
  } catch (e) {
    if (e instanceof Aborted) return skipped(k.unit, 'interrupted before it finished');
    if (e instanceof NoWork) return skipped(k.unit, e.message);
    return skipped(k.unit, `${setUp ? 'kernel failed' : 'could not set up'}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    if (setUp) await Promise.resolve(k.teardown?.(state as S)).catch(() => {});
  }
}

/** The metric of plain samples: median value with its order-statistic interval, cv, min, max. */
export function samplesMetric(rates: readonly number[], unit: string): MeasuredMetric {
  const st = stats(rates);
  const [lo, hi] = medianInterval(rates);
  return { status: 'ok', value: sig(st.median), unit, samples: st.n, cv: sig(st.cv), min: sig(st.min), max: sig(st.max), interval: [sig(lo), sig(hi)] };
}

/** A kernel set up and warmed up once, whose samples are taken in rounds on request (A/B rounds). */
export interface Sampler {
  /** `n` timed samples (rates), at the iteration count found in the warm-up */
  take(n: number): Promise<number[]>;
  /** runs the kernel's result check (null when right), then tears it down */
  finish(): Promise<string | null>;
}

/** Sets a kernel up and warms it up; throws (with the reason) when it cannot. Call finish() when done. */
export async function openSampler<S>(k: Kernel<S>, opts: Omit<MeasureOptions, 'probe'>): Promise<Sampler> {
  const b = { ...LEVELS[opts.level], ...opts.budget };
  checkAbort(opts.signal);
  const state = (await k.setup?.()) as S;
  let iterations: number;
  try {
    iterations = await warmUp(k, state, b, opts.signal);
  } catch (e) {
    await Promise.resolve(k.teardown?.(state)).catch(() => {});
    throw e;
  }
  let closed = false;
  return {
    async take(n) {
      const rates: number[] = [];
      for (let i = 0; i < n; i++) {
        checkAbort(opts.signal);
        rates.push(await sampleOnce(k, state, iterations));
      }
      return rates;
    },
    async finish() {
      if (closed) return null;
      closed = true;
      try {
        return (await k.check?.(state)) ?? null;
      } finally {
        await Promise.resolve(k.teardown?.(state)).catch(() => {});
      }
    },
  };
}

/** speedup = fast / slow for two measured metrics, or undefined when either is not measured. */
export function speedup(fast: Metric, slow: Metric): number | undefined {
  if (fast.status !== 'ok' || slow.status !== 'ok' || slow.value <= 0) return undefined;
  return sig(fast.value / slow.value);
}

// ---------------------------------------------------------------------------------------------
// Interleaved A/B rounds.
//
// Why rounds, and why interleaved: another process on the CPU only ever slows a sample down, and
// it comes and goes over tens to hundreds of milliseconds. Measuring all of A and then all of B
// lets a burst land on one side only (issue 12 saw crypto.aes judged ×1.83 while the same run's
// other AES kernels gave ×9.5 and ×17.8). Alternating A B A B…, and which side goes first, puts
// both sides of a round within a few milliseconds of each other, so a burst hits both or is
// confined to one round.
//
// Why each round's maximum: within a round a side takes `roundSamples` samples; contention cannot
// make a sample faster than the machine is, so the fastest of a round is the least disturbed one,
// and one clean sample per round is enough.
//
// Why the paired ratio and an order-statistic interval: the per-round ratio A_i / B_i cancels what
// both sides of a round share (frequency, a slow phase of the machine). The rounds' ratios are not
// normal (a burst makes a heavy tail), so the interval is the distribution-free one for their
// median: [x_(k), x_(n-k+1)] with k the largest rank where P(Binomial(n, ½) < k) ≤ α/2. With
// α = 10% it needs at least 5 rounds ([min, max] of 5 covers the median with 93.75%).
//
// Why a verdict needs the whole interval on one side of the threshold: then it does not flip when
// the run is repeated on a busy machine; in between, the honest answer is "could not tell".
// ---------------------------------------------------------------------------------------------

/** Two-sided miss probability of the intervals (10%: 90% confidence). */
export const INTERVAL_ALPHA = 0.1;

/** The distribution-free interval of the median of `xs` at 1 − alpha; [min, max] when there are too few values. */
export function medianInterval(xs: readonly number[], alpha = INTERVAL_ALPHA): [number, number] {
  if (!xs.length) throw new Error('interval of no values');
  const s = [...xs].sort((a, b) => a - b);
  const k = medianRank(s.length, alpha);
  return k === 0 ? [s[0], s[s.length - 1]] : [s[k - 1], s[s.length - k]];
}

/** The rank k (1-based) of the median interval's lower end for n values, 0 when n is too small for 1 − alpha. */
export function medianRank(n: number, alpha = INTERVAL_ALPHA): number {
  // P(Binomial(n, 1/2) ≤ j) summed term by term; k = j + 1 for the largest j with P ≤ alpha/2.
  let k = 0;
  let cdf = 0;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  for (let j = 0; j < n; j++) {
    cdf += term;
    if (cdf > alpha / 2) break;
    k = j + 1;
    term = (term * (n - j)) / (j + 1);
  }
  return k;
}

/** A verdict on a speedup interval against a threshold: true/false only when the whole interval is on one side. */
export type AbVerdict = { effective: boolean; why?: undefined } | { effective: null; why: string };

/** What abEstimate() makes of the rounds of a fast side and its slow twin. */
export interface AbEstimate {
  rounds: number;
  /** the per-round ratios of the rounds' fastest samples, in round order */
  ratios: number[];
  /** median of the per-round ratios */
  speedup: number;
  speedupInterval: [number, number];
  verdict: AbVerdict;
}

/**
 * The paired estimate: round i's ratio is the fast side's best sample over the slow side's best
 * sample of the same round. Only rounds where both sides have samples count. Pure (tests feed it
 * synthetic arrays).
 */
export function abEstimate(fast: readonly (readonly number[])[], slow: readonly (readonly number[])[], threshold: number, minRounds = 5): AbEstimate {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(fast.length, slow.length); i++) {
    if (!fast[i].length || !slow[i].length) continue;
    ratios.push(Math.max(...fast[i]) / Math.max(...slow[i]));
  }
  if (!ratios.length) return { rounds: 0, ratios, speedup: NaN, speedupInterval: [NaN, NaN], verdict: { effective: null, why: 'no round measured both sides' } };
  const sp = stats(ratios).median;
  const iv = medianInterval(ratios);
  return { rounds: ratios.length, ratios, speedup: sp, speedupInterval: iv, verdict: judgeInterval(iv, threshold, ratios.length, minRounds) };
}

/** true when the interval lies wholly at or above the threshold, false when wholly below, else null with why. */
export function judgeInterval(iv: readonly [number, number], threshold: number, rounds: number, minRounds = 5): AbVerdict {
  const fmt = (x: number) => sig(x);
  if (rounds < minRounds || medianRank(rounds) === 0)
    return { effective: null, why: `only ${rounds} round${rounds === 1 ? '' : 's'} measured (${minRounds} needed), speedup ×${fmt(iv[0])}–×${fmt(iv[1])}` };
  if (iv[0] >= threshold) return { effective: true };
  if (iv[1] < threshold) return { effective: false };
  return { effective: null, why: `the speedup's interval ×${fmt(iv[0])}–×${fmt(iv[1])} straddles the threshold ×${threshold}` };
}

/**
 * A capability judged on all its kernels together: the geometric mean of the kernels' speedups,
 * with the geometric means of their interval ends as its interval. When every kernel's interval
 * holds its true speedup, the geometric mean of the true speedups lies in that combined interval,
 * so it is conclusive exactly when the combined evidence is, and one disturbed kernel cannot decide
 * it alone (issue 12: "the weakest kernel decides").
 */
export function combineKernels(
  kernels: readonly { speedup: number; speedupInterval: readonly [number, number]; rounds: number }[],
  threshold: number,
  minRounds = 5,
): { speedup: number; speedupInterval: [number, number]; verdict: AbVerdict } {
  const gm = (xs: number[]) => Math.exp(xs.reduce((a, b) => a + Math.log(b), 0) / xs.length);
  const iv: [number, number] = [gm(kernels.map((k) => k.speedupInterval[0])), gm(kernels.map((k) => k.speedupInterval[1]))];
  const rounds = Math.min(...kernels.map((k) => k.rounds));
  return { speedup: sig(gm(kernels.map((k) => k.speedup))), speedupInterval: [sig(iv[0]), sig(iv[1])], verdict: judgeInterval(iv, threshold, rounds, minRounds) };
}

/** A side of a round group: takes one round of samples (rates). Throwing ends this side (its reason is kept). */
export interface RoundSide {
  id: string;
  round(): Promise<number[]>;
}

/** A group of sides measured in the same rounds (one kernel on two or more paths), and the pairs judged on them. */
export interface RoundGroup {
  id: string;
  sides: RoundSide[];
  /** fast/slow side ids and the threshold; the group stops adding rounds once every pair is conclusive */
  pairs: { fast: string; slow: string; threshold: number }[];
}

/** The rounds a group measured: per side, one array of rates per round (empty where that side failed), and why a side stopped. */
export interface GroupRounds {
  rounds: Record<string, number[][]>;
  failed: Record<string, string>;
}

/** Options of interleaveRounds(). */
export interface InterleaveOptions {
  level: Exclude<CalibrationLevel, 'off'>;
  budget?: Partial<LevelBudget>;
  signal?: AbortSignal;
  /** performance.now() time after which no round starts (what was measured is kept) */
  deadline?: number;
  onRound?: (group: string, round: number) => void;
}

/**
 * Runs the groups' rounds, round-robin over the groups (so each group's rounds are spread over
 * the run, not bunched in one burst), rotating which side goes first from round to round. Adds
 * rounds to a group while any of its pairs is inconclusive, up to maxRounds, within abBudgetMs
 * and the deadline (minRounds within the deadline only). Never throws: a failing side keeps its reason in `failed`.
 */
export async function interleaveRounds(groups: readonly RoundGroup[], opts: InterleaveOptions): Promise<Record<string, GroupRounds>> {
  const b = { ...LEVELS[opts.level], ...opts.budget };
  // The first minRounds rounds are bounded by the deadline only (a busy machine makes them slow, and
  // without them there is no verdict at all); the rounds added after them by abBudgetMs as well.
  const hardEnd = opts.deadline ?? Infinity;
  const end = Math.min(hardEnd, performance.now() + b.abBudgetMs);
  const out: Record<string, GroupRounds> = {};
  for (const g of groups) out[g.id] = { rounds: Object.fromEntries(g.sides.map((s) => [s.id, []])), failed: {} };
  const done = new Set<string>();
  for (let r = 0; r < b.maxRounds; r++) {
    for (const g of groups) {
      if (done.has(g.id)) continue;
      const res = out[g.id];
      const live = g.sides.filter((s) => !(s.id in res.failed));
      const order = live.map((_, i) => live[(i + r) % live.length]);
      for (const s of order) {
        if (opts.signal?.aborted || performance.now() >= (r < b.minRounds ? hardEnd : end)) return out;
        try {
          res.rounds[s.id].push(await s.round());
        } catch (e) {
          res.failed[s.id] = e instanceof Aborted ? 'interrupted' : e instanceof Error ? e.message : String(e);
          res.rounds[s.id].push([]);
        }
      }
      for (const s of g.sides) if (s.id in res.failed && res.rounds[s.id].length <= r) res.rounds[s.id].push([]);
      opts.onRound?.(g.id, r + 1);
      const pairsLive = g.pairs.filter((p) => !(p.fast in res.failed) && !(p.slow in res.failed));
      const decided = pairsLive.every((p) => abEstimate(res.rounds[p.fast], res.rounds[p.slow], p.threshold, b.minRounds).verdict.effective !== null);
      if (r + 1 >= b.minRounds && (live.length <= 1 || decided)) done.add(g.id);
    }
    if (done.size === groups.length) break;
  }
  return out;
}

/**
 * The metric of one side's rounds: value is the median of the rounds' fastest samples (contention
 * only slows samples, so a round's best is its least disturbed), `interval` that median's
 * order-statistic interval, `cv` the spread of all samples as measured, `rounds` their count.
 */
export function roundsMetric(rounds: readonly (readonly number[])[], unit: string): MeasuredMetric | null {
  const all = rounds.flat();
  const bests = rounds.filter((r) => r.length).map((r) => Math.max(...r));
  if (!bests.length) return null;
  const st = stats(all);
  const [lo, hi] = medianInterval(bests);
  return {
    status: 'ok',
    value: sig(stats(bests).median),
    unit,
    samples: st.n,
    cv: sig(st.cv),
    min: sig(st.min),
    max: sig(st.max),
    rounds: bests.length,
    interval: [sig(lo), sig(hi)],
  };
}

/**
 * A fast side's metric with its slow twin as baseline: value and interval from roundsMetric, the
 * speedup and speedupInterval from the paired ratios (abEstimate), checked for plausibility.
 * Null when the fast side has no rounds.
 */
export function abMetric(
  fast: readonly (readonly number[])[],
  slow: readonly (readonly number[])[],
  o: { unit: string; threshold: number; method: string; minRounds?: number },
): { metric: Metric; estimate: AbEstimate } | null {
  const m = roundsMetric(fast, o.unit);
  const base = roundsMetric(slow, o.unit);
  if (!m || !base) return null;
  const e = abEstimate(fast, slow, o.threshold, o.minRounds);
  const metric: MeasuredMetric = {
    ...m,
    baseline: { value: base.value, method: o.method },
    speedup: sig(e.speedup),
    speedupInterval: [sig(e.speedupInterval[0]), sig(e.speedupInterval[1])],
    threshold: o.threshold,
  };
  return { metric: plausible(metric, 'rate'), estimate: e };
}

// ---------------------------------------------------------------------------------------------
// Physical plausibility: one place, per metric kind. A value that cannot be true is `wrong` with
// the reason; it is never reported as a number (issue 12: scaling ratios of 0.0000036× and 21520×
// on a 2-CPU machine were drawn as ordinary bars).
// ---------------------------------------------------------------------------------------------

/** What a metric's value is: a throughput, a parallel scaling ratio over 1 worker, or a plain ratio. */
export type MetricKind = 'rate' | 'scaling' | 'ratio';

/** Limits of the plausibility check. */
export const PLAUSIBILITY = {
  /**
   * cv above this: the samples are spread beyond what a measurement can be. Not 1: under heavy
   * contention most samples are slowed and a few are not, which gives cv 0.8–0.9 here (20 runnable
   * tasks on 2 CPUs); cv 3 needs fewer than 1 sample in 10 at a rate ~10× the others'.
   */
  maxCv: 3,
  /** scaling may exceed the CPU count by this factor (turbo on 1 core is lower, caches add a little) */
  scalingMargin: 1.25,
  /** scaling below 1 / (this × CPUs): N workers slower than 1 by more than any scheduler explains */
  scalingFloorFactor: 2,
  /** a software twin faster than the accelerated path by more than this factor is a broken measurement */
  maxSoftwareLead: 4,
} as const;

/** The plausibility check: the metric unchanged, or `wrong` with a reason starting "implausible: ". `cpus` is needed for 'scaling'. */
export function plausible(m: Metric, kind: MetricKind, cpus?: number): Metric {
  if (m.status !== 'ok') return m;
  const wrong = (why: string): Metric => ({ status: 'wrong', unit: m.unit, reason: `implausible: ${why}` });
  const nums = [m.value, m.min, m.max, m.cv, ...(m.interval ?? []), ...(m.speedupInterval ?? []), ...(m.speedup !== undefined ? [m.speedup] : [])];
  if (!nums.every(Number.isFinite)) return wrong(`a non-finite number (value ${m.value}, min ${m.min}, max ${m.max}, cv ${m.cv})`);
  if (kind !== 'ratio' && m.value <= 0) return wrong(`a ${kind} of ${m.value} ${m.unit}: it cannot be zero or negative`);
  if (m.min < 0) return wrong(`a negative sample (${m.min} ${m.unit})`);
  if (m.cv > PLAUSIBILITY.maxCv) return wrong(`samples spread with cv ${sig(m.cv * 100)}%: more than the mean itself`);
  if (kind === 'scaling' && cpus && cpus > 0) {
    const hi = cpus * PLAUSIBILITY.scalingMargin;
    const lo = 1 / (PLAUSIBILITY.scalingFloorFactor * cpus);
    if (m.value > hi) return wrong(`parallel scaling ×${m.value} on ${cpus} CPU${cpus === 1 ? '' : 's'} (at most ×${sig(hi)} is possible)`);
    if (m.value < lo) return wrong(`parallel scaling ×${m.value} on ${cpus} CPU${cpus === 1 ? '' : 's'} (below ×${sig(lo)}: N workers cannot be that much slower than one)`);
  }
  if (m.speedup !== undefined && m.speedup < 1 / PLAUSIBILITY.maxSoftwareLead)
    return wrong(`the software path measured ×${sig(1 / m.speedup)} faster than the accelerated one (${m.value} vs ${m.baseline?.value} ${m.unit})`);
  return m;
}
