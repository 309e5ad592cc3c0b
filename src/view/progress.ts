/**
 * Whole-run progress, shared by the TUI's bar and the stderr progress lines: a pure fold of the
 * progress events (with their arrival times) into stages, and an ETA from expected durations.
 *
 * A run is one detection stage (probes in parallel) and then one calibration stage per probe, one
 * at a time (src/runner.ts). Child-process kernels (crypto's openssl, ml's worker, numpy) report no
 * fraction while they run, so a running stage's progress is synthesised from its elapsed time over
 * its expected duration; it never claims more than 95% until the stage ends.
 */
import type { CalibrationLevel, ProgressEvent } from '../types.js';

/**
 * Expected calibration time per probe and level, in ms. `quick`: measured on the 2-core development
 * VM with `node --import tsx /tmp/ux-prog.mts quick` (src/runner.ts's calibration-start to -end per
 * probe; load average ~1 from other jobs), rounded up. `full`: the quick figure scaled by the
 * budget ratio of the two levels (src/calibration.ts LEVELS), not measured. An estimate for the ETA,
 * never a result. A probe not listed calibrates nothing.
 */
export const EXPECTED_CALIBRATION_MS: Readonly<Record<string, Record<Exclude<CalibrationLevel, 'off'>, number>>> = {
  cpu: { quick: 1500, full: 10000 },
  crypto: { quick: 9000, full: 45000 },
  ml: { quick: 3000, full: 15000 },
  gpu: { quick: 1600, full: 8000 },
  frameworks: { quick: 1500, full: 8000 },
};

/** Expected detection time (all probes in parallel), in ms; measured as above (1.0 s). */
export const EXPECTED_DETECTION_MS = 1200;

/** One stage of the run. */
export interface Stage {
  /** `detect`, or the id of the probe calibrating */
  id: string;
  expectedMs: number;
  startedAt?: number;
  endedAt?: number;
  /** the last kernel the stage named, and its own fraction when it gave one */
  kernel?: string;
  kernelFraction?: number;
}

/** The fold's state. */
export interface RunProgress {
  startedAt: number;
  stages: Stage[];
  /** probes whose detection ended */
  detected: number;
  probes: number;
}

/** The stages of a run of these probes at this level. */
export function initialProgress(probeIds: readonly string[], level: CalibrationLevel, now: number): RunProgress {
  const stages: Stage[] = [{ id: 'detect', expectedMs: EXPECTED_DETECTION_MS, startedAt: now }];
  if (level !== 'off') {
    for (const id of probeIds) {
      const e = EXPECTED_CALIBRATION_MS[id];
      if (e) stages.push({ id, expectedMs: e[level] });
    }
  }
  return { startedAt: now, stages, detected: 0, probes: probeIds.length };
}

function setStage(p: RunProgress, id: string, f: (s: Stage) => Stage): RunProgress {
  return { ...p, stages: p.stages.map((s) => (s.id === id ? f(s) : s)) };
}

/** Ends every stage before `id` that is still open: a calibration event means the earlier ones are over. */
function closeBefore(p: RunProgress, id: string, now: number): RunProgress {
  const i = p.stages.findIndex((s) => s.id === id);
  if (i < 0) return p;
  return { ...p, stages: p.stages.map((s, j) => (j < i && s.endedAt === undefined ? { ...s, startedAt: s.startedAt ?? now, endedAt: now } : s)) };
}

/** Folds one event (arrived at `now`) into the progress (pure). */
export function reduceProgress(p: RunProgress, ev: ProgressEvent, now: number): RunProgress {
  switch (ev.type) {
    case 'probe-start':
      return p;
    case 'probe-end': {
      const detected = p.detected + 1;
      const q = { ...p, detected };
      return detected >= p.probes ? setStage(q, 'detect', (s) => ({ ...s, endedAt: s.endedAt ?? now })) : q;
    }
    case 'calibration-start': {
      const q = p.stages.some((s) => s.id === ev.probe) ? p : { ...p, stages: [...p.stages, { id: ev.probe, expectedMs: 2000 }] };
      return setStage(closeBefore(q, ev.probe, now), ev.probe, (s) => ({ ...s, startedAt: now }));
    }
    case 'calibration-end':
      return setStage(p, ev.probe, (s) => ({ ...s, startedAt: s.startedAt ?? now, endedAt: now }));
    case 'calibration':
      return setStage(p, ev.probe, (s) => ({ ...s, startedAt: s.startedAt ?? now, kernel: ev.kernel, kernelFraction: ev.fraction }));
  }
}

/** Marks the whole run finished (the report is built). */
export function finishProgress(p: RunProgress, now: number): RunProgress {
  return { ...p, stages: p.stages.map((s) => (s.endedAt === undefined ? { ...s, startedAt: s.startedAt ?? now, endedAt: now } : s)) };
}

/** What a bar and a progress line show. */
export interface ProgressSummary {
  /** the whole run, in [0, 1] */
  fraction: number;
  /** estimated time left, ms */
  etaMs: number;
  elapsedMs: number;
  /** "detecting (4/7 probes)", "calibrating crypto: aes-128-gcm" */
  label: string;
  /** the stage running now, when one is */
  stage?: Stage;
}

/** The whole run's fraction and ETA at `now`. */
export function summarize(p: RunProgress, now: number): ProgressSummary {
  let total = 0;
  let done = 0;
  let left = 0;
  let running: Stage | undefined;
  for (const s of p.stages) {
    total += s.expectedMs;
    if (s.endedAt !== undefined) done += s.expectedMs;
    else if (s.startedAt !== undefined && !running) {
      running = s;
      const elapsed = now - s.startedAt;
      // a stage's own fraction (in-process kernels report one) or its elapsed time, capped at 95%
      const byTime = Math.min(0.95, elapsed / s.expectedMs);
      const f = s.id === 'detect' ? Math.max(byTime, Math.min(0.95, p.detected / Math.max(1, p.probes))) : byTime;
      done += f * s.expectedMs;
      left += Math.max(s.expectedMs - elapsed, 0.05 * s.expectedMs);
    } else left += s.expectedMs;
  }
  const label = !running
    ? p.stages.every((s) => s.endedAt !== undefined)
      ? 'done'
      : 'waiting'
    : running.id === 'detect'
      ? `detecting (${p.detected}/${p.probes} probes)`
      : `calibrating ${running.id}${running.kernel ? `: ${running.kernel}` : ''}`;
  return { fraction: total ? Math.min(1, done / total) : 1, etaMs: Math.round(left), elapsedMs: now - p.startedAt, label, ...(running ? { stage: running } : {}) };
}

/** Durations the one way every view prints them: "850 ms", "1.4 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** One plain progress line, for stderr when it is not a terminal. */
export function progressLine(p: RunProgress, now: number): string {
  const s = summarize(p, now);
  const eta = s.label === 'done' ? '' : ` · ETA ${formatDuration(s.etaMs)}`;
  return `hwprobe: ${formatDuration(s.elapsedMs).padStart(7)} ${String(Math.round(s.fraction * 100)).padStart(3)}% ${s.label}${eta}`;
}
