/**
 * ML calibration: each usable tfjs backend runs the same kernels (kernels.ts) in its own child
 * process (worker.ts). The children start together and stay alive; the parent measures every
 * kernel in interleaved rounds across the backends (src/calibration.ts interleaveRounds), so each
 * backend and its software twin are measured side by side. Results are cross-checked and turned
 * into metrics `ml.tfjs.<kernel>.<backend>`, paired speedups over each backend's software twin
 * with their intervals, and the effective verdicts of the `ml.tfjs.*` capabilities (true/false only
 * when the combined interval over the kernels is wholly on one side of the threshold).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siblingWorker, workerArgv as nodeWorkerArgv } from '../../src/worker-argv.js';
import {
  abMetric,
  combineKernels,
  inconclusiveFinding,
  interleaveRounds,
  LEVELS,
  roundsMetric,
  skipped,
  speedup,
  wrongResultFinding,
  type GroupRounds,
  type RoundGroup,
} from '../../src/calibration.js';
import { RoundChild } from '../../src/round-child.js';
import { contentionNote, contentionOf } from '../../src/contention.js';
import type { Calibration, Contention, Detection, Finding, Metric, PrepareContext, Prepared, ProbeContext, Tri } from '../../src/types.js';
import { crossCheck, type Digest } from './kernels.js';
import { nodeModulesPaths } from './resolve.js';
import { BACKENDS, KERNELS, TFJS_PACKAGES, metricId, type BackendId, type BackendRow, type KernelName } from './tables.js';
import { finding } from './findings.js';
import type { WorkerInfo, WorkerMessage, WorkerSpec } from './worker.js';
import { parseJsonBounded } from '../../src/json-bounded.js';

/** Samples per backend in one round: the cpu backend's samples are long (one 256² matMul ≈ 25 ms). */
export const ML_ROUND_SAMPLES = 2;

/** A worker's answer, or why there is none. */
export type WorkerOutcome = { ok: true; result: WorkerMessage } | { ok: false; error: string };

/** Per kernel, per backend: the interleaved rounds' samples (assemble pairs them). */
export type MlRounds = Partial<Record<KernelName, Partial<Record<BackendId, number[][]>>>>;

/** Node arguments that run the worker: under tsx (this file is .ts) the tsx loader is imported by absolute URL. */
export function workerArgv(): string[] {
  return nodeWorkerArgv(siblingWorker(import.meta.url, 'worker'));
}

/** The package root (for the child's cwd: never the user's current directory). */
function packageRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** The directory of an installed package as Node would resolve it from `from` (default: this module). */
export function packageDir(name: string, from?: string): string | undefined {
  const paths = from ? nodeModulesPaths(from, process.platform) : createRequire(import.meta.url).resolve.paths(name) ?? [];
  for (const p of paths) {
    const dir = join(p, ...name.split('/'));
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** The spec of a backend's worker, or why it cannot run. */
function specFor(row: BackendRow, level: 'quick' | 'full'): WorkerSpec | string {
  const dir = packageDir(TFJS_PACKAGES[row.pkg]);
  if (!dir) return `${TFJS_PACKAGES[row.pkg]} is not installed`;
  const spec: WorkerSpec = { backend: row.id, level, packageDir: dir };
  if ('wasmBinary' in row) spec.wasmBinary = row.wasmBinary;
  return spec;
}

/** Checks that the run really used the binary it was pinned to: SIMD builds declare v128 values, scalar builds none. */
export function binaryProblem(backend: BackendId, info: WorkerInfo): string | undefined {
  if (backend !== 'wasm' && backend !== 'wasm-simd') return undefined;
  if (!info.v128 || !info.wasmBinary) return 'the worker did not report which wasm binary it ran';
  const simd = info.v128.locals + info.v128.types > 0;
  if (backend === 'wasm-simd' && !simd) return `${info.wasmBinary} declares no v128 values: it is not a SIMD build`;
  if (backend === 'wasm' && simd) return `${info.wasmBinary} declares v128 values: it is a SIMD build, not the scalar one`;
  return undefined;
}

const fmt = (x: number) => Number(x.toPrecision(3));

/** Turns the workers' outcomes into metrics, speedups, verdicts and findings (pure; tests call it directly). */
export function assemble(
  outcomes: Partial<Record<BackendId, WorkerOutcome | { ok: false; error: string; skipped: true }>>,
  rounds?: MlRounds,
  contention?: Contention,
): Calibration {
  const metrics: Record<string, Metric> = {};
  const findings: Finding[] = [];
  const capabilities: NonNullable<Calibration['capabilities']> = {};
  const backendFacts: Record<string, unknown> = {};
  const digests: Record<KernelName, Record<string, Digest>> = { matmul: {}, conv2d: {} };

  for (const row of BACKENDS) {
    const o = outcomes[row.id];
    const info = o?.ok ? o.result.info : undefined;
    const problem = !o ? 'not run' : !o.ok ? o.error : o.result.error ?? binaryProblem(row.id, o.result.info);
    backendFacts[row.id] = o?.ok && !problem ? { ran: true, ...info } : { ran: false, reason: problem };
    for (const k of KERNELS) {
      const id = metricId(k, row.id);
      if (problem || !o?.ok) {
        metrics[id] = skipped('GFLOP/s', o && 'skipped' in o ? problem! : `could not run on ${row.id}: ${problem}`);
        continue;
      }
      const m = o.result.metrics[id] ?? skipped('GFLOP/s', 'the worker returned no measurement');
      metrics[id] = m;
      if (m.status === 'wrong') findings.push(wrongResultFinding(id, m.reason, row.capability));
      const dg = o.result.digests[k];
      if (m.status === 'ok' && dg) digests[k][row.id] = dg;
    }
  }

  // The same product on every backend: a backend that disagrees with the others computed it wrong.
  for (const k of KERNELS) {
    for (const mm of crossCheck(digests[k])) {
      const id = metricId(k, mm.backend as BackendId);
      const row = BACKENDS.find((b) => b.id === mm.backend)!;
      const why = `disagrees with ${mm.against.join(', ')}: ${mm.why}`;
      metrics[id] = { status: 'wrong', unit: metrics[id].unit, reason: why };
      findings.push(wrongResultFinding(id, why, row.capability));
    }
  }

  for (const row of BACKENDS) {
    const evidence: string[] = [];
    let wrong = false;
    let measured = 0;
    const speedups: number[] = [];
    const estimates: { speedup: number; speedupInterval: [number, number]; rounds: number }[] = [];
    const baseRow = BACKENDS.find((b) => b.id === row.baseline);
    for (const k of KERNELS) {
      const id = metricId(k, row.id);
      const m = metrics[id];
      if (m.status === 'wrong' && !m.reason.startsWith('implausible: ')) {
        wrong = true;
        evidence.push(`${k}: wrong result`);
        continue;
      }
      if (m.status !== 'ok') continue;
      measured++;
      const base = baseRow ? metrics[metricId(k, baseRow.id)] : undefined;
      const sp = base ? speedup(m, base) : undefined;
      if (!baseRow || row.threshold === undefined || !base || base.status !== 'ok' || sp === undefined) {
        evidence.push(`${k}: ${m.value} GFLOP/s${baseRow ? `, no ${baseRow.id} baseline` : ''}`);
        continue;
      }
      const r = rounds?.[k];
      const ab = r?.[row.id] && r[baseRow.id] ? abMetric(r[row.id]!, r[baseRow.id]!, { unit: 'GFLOP/s', threshold: row.threshold, method: `${baseRow.label}, interleaved rounds` }) : null;
      if (ab && ab.metric.status === 'ok') {
        metrics[id] = ab.metric;
        estimates.push(ab.estimate);
        evidence.push(`${k}: ${ab.metric.value} GFLOP/s = ${fmt(ab.estimate.speedup)}× ${baseRow.id} (interval ×${fmt(ab.estimate.speedupInterval[0])}–×${fmt(ab.estimate.speedupInterval[1])}, ${ab.estimate.rounds} rounds)`);
        continue;
      }
      if (ab) {
        metrics[id] = ab.metric;
        findings.push(wrongResultFinding(id, (ab.metric as { reason: string }).reason, row.capability));
        continue;
      }
      metrics[id] = { ...m, baseline: { value: base.value, method: baseRow.label }, speedup: sp, threshold: row.threshold };
      speedups.push(sp);
      evidence.push(`${k}: ${m.value} GFLOP/s = ${fmt(sp)}× ${baseRow.id}`);
    }
    // The verdict: every kernel right, and the kernels' speedups combined (src/calibration.ts
    // combineKernels): true/false only when the combined interval is wholly on one side of the
    // threshold. Without rounds (results assembled from single runs), the geometric mean of the
    // kernels' speedups against the threshold. The plain-JavaScript backend has no software twin: a
    // correct measured result is its verdict.
    let effective: Tri = null;
    let notes: string | undefined;
    const cn = contention ? contentionNote(contention) : '';
    if (wrong) effective = false;
    else if (!baseRow || row.threshold === undefined) effective = measured === KERNELS.length ? true : null;
    else if (estimates.length) {
      const c = combineKernels(estimates, row.threshold);
      evidence.push(`speedup over ${baseRow.id}: ${c.speedup}× (interval ×${c.speedupInterval[0]}–×${c.speedupInterval[1]}, geometric mean over the kernels; ≥ ${row.threshold}× expected)`);
      effective = c.verdict.effective;
      if (c.verdict.effective === null) {
        notes = `inconclusive: ${c.verdict.why}${cn}`;
        findings.push(inconclusiveFinding(row.capability, c.verdict.why + cn, contention?.level));
      } else if (!effective) {
        findings.push(
          finding('ML_TFJS_SPEEDUP_LOW', { backend: row.id, speedup: c.speedup, baseline: baseRow.id, threshold: row.threshold, contention: contention?.level ?? null }, evidence.slice(), row.capability),
        );
      }
    } else if (speedups.length) {
      const gm = fmt(Math.exp(speedups.reduce((a, b) => a + Math.log(b), 0) / speedups.length));
      effective = gm >= row.threshold;
      evidence.push(`speedup over ${baseRow.id}: ${gm}× (geometric mean; ≥ ${row.threshold}× expected)`);
      if (!effective) {
        findings.push(finding('ML_TFJS_SPEEDUP_LOW', { backend: row.id, speedup: gm, baseline: baseRow.id, threshold: row.threshold }, evidence.slice(), row.capability));
      }
    }
    if (measured === 0 && !wrong) {
      const f = backendFacts[row.id] as { ran: boolean; reason?: string };
      const m = metrics[metricId(KERNELS[0], row.id)];
      const why = f.reason ?? (m.status !== 'ok' ? m.reason : 'no result');
      evidence.push(`not measured: ${why}`);
      notes ??= why;
    }
    capabilities[row.capability] = { effective, evidence, ...(notes ? { notes } : {}) };
  }
  return { metrics, capabilities, findings, facts: { calibration: backendFacts } };
}

/** Starts one backend's worker and waits for its ready line (with the backend's facts, or why it could not load). */
async function startWorker(spec: WorkerSpec, timeoutMs: number, signal: AbortSignal | undefined): Promise<{ child: RoundChild; info: WorkerInfo; error?: string }> {
  const child = await RoundChild.start(
    { argv: [...workerArgv(), JSON.stringify(spec)], env: process.env, cwd: packageRoot(), channel: 'fd3', signal },
    timeoutMs,
  );
  const r = child.readyLine ?? {};
  return { child, info: (r.info as WorkerInfo) ?? {}, ...(typeof r.error === 'string' ? { error: r.error } : {}) };
}

type Outcomes = Partial<Record<BackendId, WorkerOutcome | { ok: false; error: string; skipped: true }>>;
type Workers = Partial<Record<BackendId, { child: RoundChild; info: WorkerInfo }>>;

/** Which backends get a worker (detection did not rule them out, their package is installed), and why the others do not. */
function planBackends(d: Detection, level: 'quick' | 'full', aborted: boolean): { outcomes: Outcomes; specs: Partial<Record<BackendId, WorkerSpec>> } {
  const outcomes: Outcomes = {};
  const specs: Partial<Record<BackendId, WorkerSpec>> = {};
  for (const row of BACKENDS) {
    const cap = d.capabilities[row.capability];
    if (cap?.usable === false) outcomes[row.id] = { ok: false, skipped: true, error: `${row.id} is not usable: ${cap.notes ?? 'see detection'}` };
    else if (aborted) outcomes[row.id] = { ok: false, skipped: true, error: 'interrupted before it started' };
    else {
      const spec = specFor(row, level);
      if (typeof spec === 'string') outcomes[row.id] = { ok: false, skipped: true, error: spec };
      else specs[row.id] = spec;
    }
  }
  return { outcomes, specs };
}

/** Starts every planned backend's worker at once and waits for their ready lines; a worker that cannot load becomes its outcome. */
async function startWorkers(plan: { outcomes: Outcomes; specs: Partial<Record<BackendId, WorkerSpec>> }, deadline: number, signal: AbortSignal | undefined): Promise<{ outcomes: Outcomes; workers: Workers }> {
  const outcomes: Outcomes = { ...plan.outcomes };
  const workers: Workers = {};
  await Promise.all(
    (Object.entries(plan.specs) as [BackendId, WorkerSpec][]).map(async ([id, spec]) => {
      try {
        const w = await startWorker(spec, Math.max(1000, deadline - performance.now()), signal);
        if (w.error) {
          outcomes[id] = { ok: true, result: { type: 'result', backend: id, error: w.error, info: w.info, metrics: {}, digests: {} } };
          await w.child.close();
        } else workers[id] = w;
      } catch (e) {
        outcomes[id] = { ok: false, error: (e as Error).message };
      }
    }),
  );
  return { outcomes, workers };
}

/** The backends' workers, started by prepareMl while the other probes detected (loading tfjs takes ~1 s here). */
class MlWorkers implements Prepared {
  private taken = false;
  constructor(
    readonly level: 'quick' | 'full',
    private readonly started: { outcomes: Outcomes; workers: Workers },
  ) {}
  /** The workers, once: the calibration that takes them closes them. */
  take(): { outcomes: Outcomes; workers: Workers } | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    return this.started;
  }
  async close(): Promise<void> {
    this.taken = true;
    await Promise.all(Object.values(this.started.workers).map((w) => w!.child.close()));
  }
}

/** Starts the calibration's workers as soon as detection has ruled backends in or out (Probe.prepare). */
export async function prepareMl(ctx: PrepareContext, d: Detection): Promise<Prepared> {
  const level = ctx.calibrate === 'full' ? 'full' : 'quick';
  const deadline = performance.now() + LEVELS[level].deadlineMs * 0.85;
  return new MlWorkers(level, await startWorkers(planBackends(d, level, !!ctx.signal?.aborted), deadline, ctx.signal));
}

/** The ML calibration: one worker per backend that detection did not rule out, all started at once (or already, by prepareMl), kernels measured in interleaved rounds. */
export async function calibrateMl(ctx: ProbeContext, d: Detection): Promise<Calibration> {
  const level = ctx.calibrate === 'full' ? 'full' : 'quick';
  const t0 = performance.now();
  // No round starts after this, so what was measured is assembled before the runner's deadline.
  const deadline = t0 + LEVELS[level].deadlineMs * 0.85;
  const hardDeadline = t0 + LEVELS[level].deadlineMs * 0.95;
  let g: Record<string, GroupRounds> = {};
  const results: Partial<Record<BackendId, WorkerMessage>> = {};
  const pre = ctx.prepared instanceof MlWorkers && ctx.prepared.level === level ? ctx.prepared.take() : undefined;
  const { outcomes, workers } = pre ?? (await startWorkers(planBackends(d, level, ctx.signal.aborted), deadline, ctx.signal));
  try {
    const live = Object.keys(workers) as BackendId[];
    const round = (id: BackendId, kernel: KernelName) => async () => {
      // A round that has started may finish past the round deadline, up to the probe's own.
      const r = await workers[id]!.child.ask({ op: 'round', kernel, n: ML_ROUND_SAMPLES }, Math.max(5000, hardDeadline - performance.now()));
      if (r.ok !== true) throw new Error(`the ${id} worker failed: ${String(r.error ?? 'no reason')}`);
      const rates = r.rates;
      if (!Array.isArray(rates) || !rates.length || !rates.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)) throw new Error(`the ${id} worker gave no valid rates`);
      return rates as number[];
    };
    const groups: RoundGroup[] = KERNELS.map((k) => ({
      id: k,
      sides: live.map((id) => ({ id, round: round(id, k) })),
      pairs: BACKENDS.filter((b) => b.baseline && b.threshold !== undefined && live.includes(b.id) && live.includes(b.baseline as BackendId)).map((b) => ({
        fast: b.id,
        slow: b.baseline!,
        threshold: b.threshold!,
      })),
    }));
    const min = LEVELS[level].minRounds;
    for (const k of KERNELS) for (const id of live) ctx.progress({ type: 'calibration', probe: 'ml', kernel: metricId(k, id), fraction: 0 });
    g = await interleaveRounds(groups, {
      level,
      signal: ctx.signal,
      deadline,
      onRound: (k, r) => {
        for (const id of live) ctx.progress({ type: 'calibration', probe: 'ml', kernel: metricId(k as KernelName, id), fraction: Math.min(1, r / min) });
      },
    });
    for (const k of KERNELS) for (const id of live) ctx.progress({ type: 'calibration', probe: 'ml', kernel: metricId(k, id), fraction: 1 });
    for (const id of live) {
      const res: WorkerMessage = { type: 'result', backend: id, info: workers[id]!.info, metrics: {}, digests: {} };
      for (const k of KERNELS) {
        const mid = metricId(k, id);
        const gr = g[k];
        const failed = gr?.failed[id];
        const m = gr ? roundsMetric(gr.rounds[id] ?? [], 'GFLOP/s') : null;
        if (failed) res.metrics[mid] = skipped('GFLOP/s', ctx.signal.aborted ? 'interrupted before it finished' : failed);
        else if (!m) res.metrics[mid] = skipped('GFLOP/s', ctx.signal.aborted ? 'interrupted before it finished' : 'not measured before the deadline');
        else {
          try {
            const f = await workers[id]!.child.ask({ op: 'finish', kernel: k }, Math.max(500, hardDeadline - performance.now()));
            if (typeof f.check === 'string') res.metrics[mid] = { status: 'wrong', unit: 'GFLOP/s', reason: f.check };
            else res.metrics[mid] = m;
            if (f.digest && typeof f.digest === 'object') res.digests[k] = f.digest as WorkerMessage['digests'][KernelName];
          } catch (e) {
            res.metrics[mid] = ctx.signal.aborted ? skipped('GFLOP/s', 'interrupted before it finished') : m;
          }
        }
      }
      results[id] = res;
    }
  } finally {
    await Promise.all(Object.values(workers).map((w) => w!.child.close()));
  }
  for (const [id, r] of Object.entries(results) as [BackendId, WorkerMessage][]) outcomes[id] = { ok: true, result: r };
  const rounds: MlRounds = {};
  for (const k of KERNELS) rounds[k] = g[k]?.rounds as Partial<Record<BackendId, number[][]>>;
  return assemble(outcomes, rounds, contentionOf(ctx));
}
