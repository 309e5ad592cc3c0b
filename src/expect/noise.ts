/**
 * What a gate or a diff may conclude from a noisy measurement: the interval a metric's value (or
 * speedup) lies in, and whether a capability's verdict was left open as inconclusive. One place,
 * so `check` and `diff` read noise the same way.
 */
import type { Capability, MeasuredMetric, Report } from '../types.js';

/**
 * The interval a metric's value lies in: its confidence interval when the report has one, else the
 * range of its samples [min, max] (older reports: the measured spread, no distribution assumed).
 */
export function valueInterval(m: MeasuredMetric): [number, number] {
  const i = m.interval;
  if (i && Number.isFinite(i[0]) && Number.isFinite(i[1])) return [Math.min(i[0], i[1]), Math.max(i[0], i[1])];
  return [Math.min(m.min, m.value), Math.max(m.max, m.value)];
}

/**
 * The interval of a metric's speedup: the paired per-round ratio's interval when the report has one,
 * else the speedup scaled by the value's relative interval (the fast side's spread; the baseline's
 * spread is not in older reports). undefined when there is no speedup.
 */
export function speedupInterval(m: MeasuredMetric): [number, number] | undefined {
  if (m.speedup === undefined) return undefined;
  const i = m.speedupInterval;
  if (i && Number.isFinite(i[0]) && Number.isFinite(i[1])) return [Math.min(i[0], i[1]), Math.max(i[0], i[1])];
  if (!(m.value > 0)) return [m.speedup, m.speedup];
  const [lo, hi] = valueInterval(m);
  return [m.speedup * (lo / m.value), m.speedup * (hi / m.value)];
}

/** Whether two intervals are apart: they do not overlap, so the two values differ beyond their noise. */
export function apart(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[1] < b[0] || b[1] < a[0];
}

/** "[0.91, 1.3]" */
export function fmtInterval(i: readonly [number, number], fmt: (x: number) => string): string {
  return `[${fmt(i[0])}, ${fmt(i[1])}]`;
}

/** The prefix of a capability's notes that marks an inconclusive effective verdict (issue 12's contract). */
export const INCONCLUSIVE_NOTE = /(?:^|;\s*)inconclusive\b:?\s*([^;]*)/;
/** The finding code a probe raises for an inconclusive calibration (args: capability, why). */
export const INCONCLUSIVE_CODE = 'CALIBRATION_INCONCLUSIVE';

/**
 * Why a capability's effective verdict is inconclusive (measured, but the evidence decided neither
 * way), or undefined when it is not: effective is null and the notes say "inconclusive: …", or a
 * CALIBRATION_INCONCLUSIVE finding names the capability. A null with no such mark is unknown (not
 * measured), which is a different thing: it never passes and is not softened to inconclusive.
 */
export function inconclusiveWhy(report: Report, id: string, c: Capability | undefined): string | undefined {
  if (!c || c.effective !== null) return undefined;
  const note = INCONCLUSIVE_NOTE.exec(c.notes ?? '');
  if (note) return note[1].trim() || 'the evidence decided neither way';
  const f = report.findings.find((x) => x.code === INCONCLUSIVE_CODE && x.args?.capability === id);
  if (f) return typeof f.args?.why === 'string' ? f.args.why : f.message;
  return undefined;
}
