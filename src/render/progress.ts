/**
 * Progress lines on stderr for runs without the TUI (piped, --json, CI): which probe, which kernel,
 * the elapsed time and the ETA, as plain lines (no cursor movement), never on stdout.
 */
import type { Writable } from 'node:stream';
import type { CalibrationLevel, ProgressEvent } from '../types.js';
import { finishProgress, formatDuration, initialProgress, progressLine, reduceProgress, summarize, type RunProgress } from '../view/progress.js';

/** A line at least this often while something runs, so a long child-process kernel still shows life. */
const HEARTBEAT_MS = 3000;
/** Kernel changes closer together than this are folded into the next line. */
const MIN_GAP_MS = 700;

/**
 * Writes progress lines to `out`. The first line goes out at once, before the probes are even
 * loaded; `start` names them with the first ETA, `listen` takes the run's events, `done` prints the
 * last line and stops the timer.
 */
export function progressPrinter(out: Writable, level: CalibrationLevel, now: () => number = () => performance.now()) {
  let p: RunProgress | undefined;
  let lastAt = -Infinity;
  let lastLabel = '';
  let timer: ReturnType<typeof setInterval> | undefined;
  const write = (force = false) => {
    if (!p) return;
    const t = now();
    const label = summarize(p, t).label;
    if (!force && label === lastLabel && t - lastAt < HEARTBEAT_MS) return;
    if (!force && t - lastAt < MIN_GAP_MS) return;
    if (label === 'done' && lastLabel === 'done') return;
    out.write(progressLine(p, t) + '\n');
    lastAt = t;
    lastLabel = label;
  };
  out.write(`hwprobe: starting · calibration ${level} (--quiet hides these lines)\n`);
  lastAt = now();
  return {
    start(probeIds: readonly string[]): void {
      p = initialProgress(probeIds, level, now());
      out.write(`hwprobe: probing ${probeIds.join(', ')} · ETA ${formatDuration(summarize(p, now()).etaMs)}\n`);
      lastAt = now();
      timer = setInterval(() => write(), HEARTBEAT_MS);
      timer.unref();
    },
    listen(ev: ProgressEvent): void {
      if (!p) return;
      p = reduceProgress(p, ev, now());
      write(ev.type === 'calibration-start');
    },
    done(): void {
      if (timer) clearInterval(timer);
      if (!p) return;
      p = finishProgress(p, now());
      write(true);
    },
  };
}
