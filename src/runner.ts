/** The runner: probes concurrently, each under its own deadline; calibrations one at a time. */
import { availableParallelism } from 'node:os';
import type { Host } from './host/host.js';
import type { Calibration, CalibrationLevel, Contention, Detection, Finding, Metric, Prepared, Probe, ProbeReport, ProgressEvent } from './types.js';
import { CALIBRATION_FINDINGS, LEVELS } from './calibration.js';
import { ContentionMonitor, describeContention } from './contention.js';
import { probeScope, type RunTimings, type SourceLog } from './host/timings.js';

/** Options for runProbes. */
export interface RunOptions {
  calibrate: CalibrationLevel;
  /** Per-probe deadline. */
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (ev: ProgressEvent) => void;
  /** The log the host writes each source's cost into (`--timings`); the runner names the probe that asked. */
  timings?: SourceLog;
  /** A project directory the user named (--project): probes may load its code. Never the cwd by default. */
  project?: string;
  /**
   * Whether probes' `prepare` runs during detection. Default: with 4 or more CPUs only. Start-ups
   * are CPU-bound, and so is detection (Python imports numpy): on 2 CPUs, starting the tfjs
   * workers early made detection 0.9 s longer and calibration 1 s shorter, no gain overall.
   */
  prepare?: boolean;
}

/** What the runner hands to the report builder. */
export interface RunResult {
  probes: Record<string, ProbeReport>;
  detections: Record<string, Detection>;
  metrics: Record<string, Metric>;
  /** false when interrupted or any probe timed out */
  complete: boolean;
  /** The cost of each source, when asked for */
  timings?: RunTimings;
  /** CPU contention beside hwprobe while it calibrated (absent when nothing was calibrated) */
  contention?: Contention;
  /** the runner's own findings (CALIBRATION_CONTENTION) */
  findings?: Finding[];
}

const TIMEOUT = Symbol('timeout');
/** How long an interrupted calibration may take to hand back what it measured. */
const INTERRUPT_GRACE_MS = 1500;
const ABORTED = Symbol('aborted');

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Races a promise against a deadline and an outer abort. */
function withDeadline<T>(
  p: Promise<T>,
  ms: number,
  outer: AbortSignal | undefined,
  inner: AbortController,
): Promise<T | typeof TIMEOUT | typeof ABORTED> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      inner.abort(new Error('deadline'));
      resolve(TIMEOUT);
    }, ms);
    const onAbort = () => {
      inner.abort(outer?.reason);
      resolve(ABORTED);
    };
    if (outer?.aborted) onAbort();
    outer?.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    });
  });
}

/** Runs every probe; never throws for a probe's sake. */
export async function runProbes(host: Host, probes: readonly Probe[], opts: RunOptions): Promise<RunResult> {
  const emit = (ev: ProgressEvent) => {
    try {
      opts.onProgress?.(ev);
    } catch {
      /* a progress consumer must not break the run */
    }
  };
  const reports: Record<string, ProbeReport> = {};
  const detections: Record<string, Detection> = {};
  const peers: Record<string, Detection | undefined> = {};
  const pending = new Map<string, Promise<void>>();
  /** What each probe's prepare started (its calibration's workers), begun when its detection ended. */
  const prepared = new Map<string, Promise<Prepared | undefined>>();
  const calibrating = opts.calibrate !== 'off' && host.kind !== 'replay';
  const preparing = calibrating && (opts.prepare ?? availableParallelism() >= 4);
  let complete = true;

  const runOne = async (probe: Probe): Promise<void> => {
    // Wait for declared dependencies (they run under their own deadlines); every probe is in
    // `pending` by the time this continues, whatever order they were started in.
    await null;
    for (const dep of probe.after ?? []) await pending.get(dep);
    emit({ type: 'probe-start', probe: probe.id });
    const t0 = performance.now();
    const ctl = new AbortController();
    const peer = async (id: string) => (id === probe.id ? undefined : (await pending.get(id), peers[id]));
    const ctx = { signal: ctl.signal, deadline: performance.now() + Math.max(opts.timeoutMs, probe.minTimeoutMs ?? 0), calibrate: opts.calibrate, peers, peer, progress: emit, ...(opts.project ? { project: opts.project } : {}) };
    let report: ProbeReport;
    const timeoutMs = Math.max(opts.timeoutMs, probe.minTimeoutMs ?? 0);
    try {
      const r = await withDeadline(
        Promise.resolve().then(() => (opts.timings ? probeScope.run(probe.id, () => probe.detect(host, ctx)) : probe.detect(host, ctx))),
        timeoutMs,
        opts.signal,
        ctl,
      );
      const durationMs = round(performance.now() - t0);
      if (r === TIMEOUT || r === ABORTED) {
        complete = false;
        report = {
          status: r === TIMEOUT ? 'timeout' : 'skipped',
          durationMs,
          facts: {},
          evidence: [],
          error: r === TIMEOUT ? `no result within ${timeoutMs} ms` : 'interrupted',
        };
      } else {
        detections[probe.id] = r;
        peers[probe.id] = r;
        report = { status: r.status ?? 'ok', durationMs, facts: r.facts, evidence: r.evidence };
        if (preparing && probe.prepare && probe.calibrate && !opts.signal?.aborted) {
          const level = opts.calibrate as Exclude<CalibrationLevel, 'off'>;
          prepared.set(probe.id, Promise.resolve().then(() => probe.prepare!({ calibrate: level, signal: opts.signal }, r)).catch(() => undefined));
        }
      }
    } catch (e) {
      report = {
        status: 'error',
        durationMs: round(performance.now() - t0),
        facts: {},
        evidence: [],
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      };
    }
    reports[probe.id] = report;
    emit({ type: 'probe-end', probe: probe.id, status: report.status, durationMs: report.durationMs });
  };

  // The slow ones first (issue 17): their code is loaded before anything else starts (with the
  // other probes' imports and spawns interleaved, loading frameworks' detection took 130 ms
  // instead of ~15), and their start-up then overlaps everyone else's.
  const loads = probes.filter((x) => x.slow && x.load).map((x) => x.load!().catch(() => undefined));
  if (loads.length) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(loads), new Promise((r) => (timer = setTimeout(r, 500)))]);
    clearTimeout(timer);
  }
  for (const p of [...probes.filter((x) => x.slow), ...probes.filter((x) => !x.slow)]) pending.set(p.id, runOne(p));
  await Promise.all(pending.values());

  const metrics: Record<string, Metric> = {};
  let contention: Contention | undefined;
  const findings: Finding[] = [];
  if (calibrating && probes.some((p) => p.calibrate && detections[p.id])) {
    // Every worker a prepare started is up before anything is measured: start-ups (Node and
    // library loading, CPU-bound) overlapped detection, and must not overlap a measurement.
    const ready = new Map<string, Prepared | undefined>();
    for (const [id, p] of prepared) ready.set(id, await p);
    try {
      await calibrateAll(ready);
    } finally {
      await Promise.all([...ready.values()].map((p) => p?.close().catch(() => undefined)));
    }
  }
  if (opts.signal?.aborted) complete = false;
  return { probes: reports, detections, metrics, complete, ...(opts.timings ? { timings: opts.timings.summary() } : {}), ...(contention ? { contention, findings } : {}) };

  async function calibrateAll(ready: Map<string, Prepared | undefined>): Promise<void> {
    // One at a time: calibrations measure the machine and must not disturb each other. The
    // contention beside them is sampled before, during (every 250 ms) and after.
    const monitor = new ContentionMonitor().start();
    const deadline = Math.max(opts.timeoutMs, LEVELS[opts.calibrate as Exclude<CalibrationLevel, 'off'>].deadlineMs);
    for (const p of probes) {
      const d = detections[p.id];
      if (!p.calibrate || !d || opts.signal?.aborted) continue;
      const ctl = new AbortController();
      const pre = ready.get(p.id);
      const ctx = { signal: ctl.signal, calibrate: opts.calibrate, peers, progress: emit, contention: () => monitor.summary(), ...(pre ? { prepared: pre } : {}) };
      const t0 = performance.now();
      emit({ type: 'calibration-start', probe: p.id });
      try {
        const pending = p.calibrate(ctx, d);
        let r = await withDeadline(pending, deadline, opts.signal, ctl);
        if (r === ABORTED) {
          // Kernels stop at their next sample once the signal fires; wait briefly so that what was
          // already measured is kept (the rest comes back `skipped: interrupted`).
          const late = await Promise.race([pending.catch(() => undefined), new Promise<undefined>((res) => setTimeout(res, INTERRUPT_GRACE_MS))]);
          if (late) r = late;
        }
        if (r === TIMEOUT || r === ABORTED) {
          complete = false;
          reports[p.id].evidence.push({ source: 'calibration', ok: false, detail: r === TIMEOUT ? `no result within ${deadline} ms` : 'interrupted' });
        } else {
          applyCalibration(d, r);
          Object.assign(metrics, r.metrics);
          reports[p.id].facts = d.facts;
          reports[p.id].evidence.push({ source: 'calibration', ok: true, detail: `${Object.keys(r.metrics).length} metrics in ${round(performance.now() - t0)} ms` });
        }
      } catch (e) {
        reports[p.id].evidence.push({ source: 'calibration', ok: false, detail: e instanceof Error ? e.message : String(e) });
      }
      reports[p.id].calibrationMs = round(performance.now() - t0);
      emit({ type: 'calibration-end', probe: p.id, durationMs: reports[p.id].calibrationMs! });
    }
    contention = monitor.stop();
    if (contention.level === 'high') {
      const t = CALIBRATION_FINDINGS.CALIBRATION_CONTENTION;
      const summary = describeContention(contention);
      findings.push({ code: 'CALIBRATION_CONTENTION', severity: t.severity, message: t.message({ summary }), args: { summary, level: contention.level }, hint: t.hint });
    }
  }
}

/** Merges a calibration into its detection: effective verdicts, evidence, findings, facts. */
export function applyCalibration(d: Detection, c: Calibration): void {
  for (const [id, upd] of Object.entries(c.capabilities ?? {})) {
    const cap = d.capabilities[id] ?? { advertised: null, usable: null, effective: null, evidence: [] };
    d.capabilities[id] = {
      ...cap,
      effective: upd.effective,
      evidence: [...cap.evidence, ...upd.evidence],
      ...(upd.notes ? { notes: cap.notes ? `${cap.notes}; ${upd.notes}` : upd.notes } : {}),
    };
  }
  d.findings.push(...(c.findings ?? []));
  if (c.facts) d.facts = { ...d.facts, ...c.facts };
}
