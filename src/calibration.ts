/**
 * The calibration harness (DESIGN §7): warm-up, then timed samples until the level's budget;
 * median, min, max, coefficient of variation and sample count; a result check on every kernel;
 * AbortSignal honoured between samples; progress events for the TUI.
 */
import type { CalibrationLevel, Finding, Metric, ProgressEvent } from './types.js';

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
}

/** The levels. `quick` keeps every probe's calibration within a few seconds on a 2-core machine. */
export const LEVELS: Record<Exclude<CalibrationLevel, 'off'>, LevelBudget> = {
  quick: { warmupMs: 20, budgetMs: 80, minSamples: 5, maxSamples: 40, sampleMs: 6, deadlineMs: 20_000 },
  full: { warmupMs: 100, budgetMs: 800, minSamples: 10, maxSamples: 200, sampleMs: 20, deadlineMs: 60_000 },
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
  /** Checks the kernel's own result against a reference: null when right, else what was wrong. */
  check?(state: S): string | null | Promise<string | null>;
  teardown?(state: S): void | Promise<void>;
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
} as const;

/** The finding for a kernel whose result check failed. */
export function wrongResultFinding(metric: string, why: string, capability?: string): Finding {
  const t = CALIBRATION_FINDINGS.CALIBRATION_WRONG_RESULT;
  return {
    code: 'CALIBRATION_WRONG_RESULT',
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

/**
 * Measures one kernel. Returns a measured metric, or `skipped` (it could not run, or was
 * interrupted) or `wrong` (its check failed) with the reason. Never throws.
 */
export async function measure<S>(k: Kernel<S>, opts: MeasureOptions): Promise<Metric> {
  const b = { ...LEVELS[opts.level], ...opts.budget };
  const scale = k.scale ?? 1;
  const emit = (fraction: number, etaMs?: number) =>
    opts.progress?.({ type: 'calibration', probe: opts.probe, kernel: k.id, fraction, ...(etaMs !== undefined ? { etaMs } : {}) });
  let state: S | undefined;
  let setUp = false;
  try {
    checkAbort(opts.signal);
    emit(0, b.warmupMs + b.budgetMs);
    state = (await k.setup?.()) as S;
    setUp = true;

    // Warm-up, growing the iteration count until one call takes sampleMs.
    let iterations = 1;
    const warmEnd = performance.now() + b.warmupMs;
    for (;;) {
      checkAbort(opts.signal);
      const t0 = performance.now();
      await k.run(state, iterations);
      const dt = performance.now() - t0;
      if (dt < b.sampleMs) iterations = Math.min(iterations * Math.max(2, Math.ceil(b.sampleMs / Math.max(dt, 0.01))), 2 ** 30);
      else if (performance.now() >= warmEnd) break;
      if (performance.now() >= warmEnd + b.budgetMs) break; // a kernel that never reaches sampleMs still gets measured
      await tick();
    }

    const rates: number[] = [];
    const start = performance.now();
    while (rates.length < b.maxSamples) {
      checkAbort(opts.signal);
      const t0 = performance.now();
      const work = await k.run(state, iterations);
      const seconds = (performance.now() - t0) / 1000;
      if (!(work > 0) || !(seconds > 0)) return skipped(k.unit, `kernel reported no work (${work}) or no time`);
      rates.push(work / seconds / scale);
      const elapsed = performance.now() - start;
      emit(Math.min(1, Math.max(elapsed / b.budgetMs, rates.length / b.maxSamples)), Math.max(0, b.budgetMs - elapsed));
      if (rates.length >= b.minSamples && elapsed >= b.budgetMs) break;
      await tick();
    }

    const why = await k.check?.(state);
    if (why) return { status: 'wrong', unit: k.unit, reason: why };
    const st = stats(rates);
    emit(1, 0);
    return { status: 'ok', value: sig(st.median), unit: k.unit, samples: st.n, cv: sig(st.cv), min: sig(st.min), max: sig(st.max) };
  } catch (e) {
    if (e instanceof Aborted) return skipped(k.unit, 'interrupted before it finished');
    return skipped(k.unit, `${setUp ? 'kernel failed' : 'could not set up'}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    if (setUp) await Promise.resolve(k.teardown?.(state as S)).catch(() => {});
  }
}

/** speedup = fast / slow for two measured metrics, or undefined when either is not measured. */
export function speedup(fast: Metric, slow: Metric): number | undefined {
  if (fast.status !== 'ok' || slow.status !== 'ok' || slow.value <= 0) return undefined;
  return sig(fast.value / slow.value);
}
