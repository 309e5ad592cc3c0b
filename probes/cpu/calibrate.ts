/**
 * The cpu probe's calibration (DESIGN §7): scalar f64 and integer JS kernels, memory bandwidth
 * (copy, triad) beyond the last-level cache, WebAssembly SIMD128 against the same kernel in
 * scalar WebAssembly, and parallel scaling on 1 vs N worker_threads, compared with the
 * environment probe's CPU limits. Loaded lazily by the probe: detection never pays for it.
 */
import { cpus, loadavg } from 'node:os';
import type { Calibration, Detection, Finding, Metric, ProbeContext, Severity } from '../../src/types.js';
import {
  abEstimate,
  measure,
  abMetric,
  inconclusiveFinding,
  interleaveRounds,
  LEVELS,
  openSampler,
  plausible,
  roundsMetric,
  sig,
  skipped,
  wrongResultFinding,
  type Kernel,
  type LevelBudget,
  type MeasureOptions,
  type Sampler,
} from '../../src/calibration.js';
import { contentionNote, contentionOf } from '../../src/contention.js';
import { scalarF64Kernel, scalarIntKernel } from './kernels/scalar.js';
import { memCopyKernel, memTriadKernel, streamArraysOnce } from './kernels/memory.js';
import { saxpyKernel, wasmSimdSupport } from './kernels/wasm-saxpy.js';
import { parallelKernel, startPool, type WorkerPool } from './kernels/parallel.js';
import { CPU_METRIC_UNITS } from './tables.js';
import { CPU_CALIBRATION_FINDINGS } from './findings.js';

type Args = Record<string, string | number | boolean | null>;

/** The WASM SIMD speedup over scalar WASM below which SIMD128 is not effective. */
export const WASM_SIMD_THRESHOLD = 1.5;

/** The cpu calibration's metric ids. */
export const CPU_METRICS = Object.keys(CPU_METRIC_UNITS) as (keyof typeof CPU_METRIC_UNITS)[];
/** Effective parallelism below this fraction of the workers (one per visible CPU) is "well below". */
export const PARALLEL_FRACTION = 0.65;
/** At most this many workers, however many CPUs are visible. */
export const MAX_WORKERS = 64;
/** Each STREAM array is this many times the last-level cache, and at least MIN_STREAM_BYTES. */
export const STREAM_LLC_FACTOR = { quick: 2, full: 4 } as const;
const MIN_STREAM_BYTES = 32 * 2 ** 20;
const MAX_STREAM_BYTES = 2 ** 30;
/** Assumed when no cache size is known (sysfs without cache entries, macOS without sysctl answers). */
const ASSUMED_LLC_BYTES = 32 * 2 ** 20;

/** A finding of the cpu calibration, its message and hint rendered from the args. */
export function calibrationFinding(code: keyof typeof CPU_CALIBRATION_FINDINGS, args: Args, evidence: string[]): Finding {
  const t = CPU_CALIBRATION_FINDINGS[code];
  return { code, severity: t.severity, capability: t.capability, message: t.message(args), args, evidence, hint: t.hint(args) };
}

/** The largest cache of the highest level among the cpu probe's `facts.caches`, in bytes; null when none is known. */
export function lastLevelCacheBytes(facts: Record<string, unknown>): number | null {
  const caches = Array.isArray(facts.caches) ? (facts.caches as Array<{ level?: unknown; type?: unknown; sizeBytes?: unknown }>) : [];
  let best: { level: number; bytes: number } | null = null;
  for (const c of caches) {
    if (typeof c.level !== 'number' || typeof c.sizeBytes !== 'number' || c.type === 'Instruction') continue;
    if (!best || c.level > best.level || (c.level === best.level && c.sizeBytes > best.bytes)) best = { level: c.level, bytes: c.sizeBytes };
  }
  return best?.bytes ?? null;
}

/** The size of each STREAM array for a level: a multiple of the LLC, within [32 MiB, 1 GiB], a multiple of 4 KiB. */
export function streamArrayBytes(llcBytes: number | null, level: 'quick' | 'full'): number {
  const want = (llcBytes ?? ASSUMED_LLC_BYTES) * STREAM_LLC_FACTOR[level];
  return Math.ceil(Math.min(MAX_STREAM_BYTES, Math.max(MIN_STREAM_BYTES, want)) / 4096) * 4096;
}

/** The visible CPU count: the cpu probe's logical CPUs, else os.cpus(). Not the affinity: a restriction must show. */
export function visibleCpus(facts: Record<string, unknown>): number {
  const n = facts.logicalCpus;
  return typeof n === 'number' && n > 0 ? n : cpus().length || 1;
}

/**
 * The parallelism N workers can be expected to reach: N, or N / threads-per-core on an SMT machine,
 * where sibling threads share a core's execution units (an integer kernel gains little from them).
 */
export function expectedParallelism(workers: number, threadsPerCore: unknown): number {
  const tpc = typeof threadsPerCore === 'number' && threadsPerCore > 1 ? threadsPerCore : 1;
  return Math.max(1, workers / tpc);
}

/**
 * Effective parallelism from the N-worker and 1-worker throughputs: the ratio of medians, its range
 * from the extremes, its CV propagated from both (first order: cv² adds for a ratio), and the
 * smaller sample count.
 */
export function scalingMetric(one: Metric, many: Metric, workers: number, expected = workers): Metric {
  if (one.status !== 'ok') return { status: one.status, unit: '×', reason: `1 worker: ${one.reason}` };
  if (many.status !== 'ok') return { status: many.status, unit: '×', reason: `${workers} workers: ${many.reason}` };
  const m: Metric = {
    status: 'ok',
    value: sig(many.value / one.value),
    unit: '×',
    samples: Math.min(one.samples, many.samples),
    cv: sig(Math.hypot(one.cv, many.cv)),
    min: sig(many.min / one.max),
    max: sig(many.max / one.min),
    speedup: sig(many.value / one.value),
    threshold: sig(PARALLEL_FRACTION * expected),
    notes: `${workers} workers ${many.value} Gop/s, 1 worker ${one.value} Gop/s (scalar-int kernel)`,
  };
  return plausible(m, 'scaling', workers);
}

/**
 * Parallel scaling from interleaved rounds of 1 and N workers (src/calibration.ts): the median of
 * the per-round ratios of each round's best N-worker and 1-worker samples, with its interval; the
 * plausibility bound is the CPUs this process may really use (`cpus`: visible, affinity, cpuset).
 */
export function scalingFromRounds(one: number[][], many: number[][], workers: number, cpus: number, expected = workers): Metric {
  const threshold = sig(PARALLEL_FRACTION * expected);
  const e = abEstimate(many, one, threshold);
  const a = roundsMetric(one, 'Gop/s');
  const b = roundsMetric(many, 'Gop/s');
  if (!a || !b || !e.rounds) return skipped('×', 'no round measured both 1 and N workers');
  const m: Metric = {
    status: 'ok',
    value: sig(e.speedup),
    unit: '×',
    samples: Math.min(a.samples, b.samples),
    cv: sig(Math.hypot(a.cv, b.cv)),
    min: sig(Math.min(...e.ratios)),
    max: sig(Math.max(...e.ratios)),
    rounds: e.rounds,
    interval: [sig(e.speedupInterval[0]), sig(e.speedupInterval[1])],
    speedup: sig(e.speedup),
    speedupInterval: [sig(e.speedupInterval[0]), sig(e.speedupInterval[1])],
    threshold,
    notes: `${workers} workers ${b.value} Gop/s, 1 worker ${a.value} Gop/s (scalar-int kernel; median of ${e.rounds} interleaved rounds)`,
  };
  return plausible(m, 'scaling', cpus);
}

/** The environment probe's CPU limits, as far as its facts tell. */
export interface EnvCpuLimits {
  usableCpus: number | null;
  cpuQuota: number | null;
  cpusetCpus: number | null;
  affinityCpus: number | null;
}

/** Reads the CPU limits from the environment probe's facts (absent probe: all null). */
export function envCpuLimits(facts: Record<string, unknown> | undefined): EnvCpuLimits {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const len = (v: unknown) => (Array.isArray(v) ? v.length : null);
  const cg = (facts?.cgroup ?? {}) as Record<string, unknown>;
  return {
    usableCpus: num(facts?.usableCpus),
    cpuQuota: num(cg.cpuQuota),
    cpusetCpus: len(cg.cpuset),
    affinityCpus: len(facts?.affinity),
  };
}

/** ENV_PARALLELISM_LIMITED when the measured scaling is below PARALLEL_FRACTION of the workers, with the environment's explanation if it has one. */
export function parallelismFinding(scaling: Metric, workers: number, visible: number, env: EnvCpuLimits, load1: number, expected = workers): Finding | null {
  if (scaling.status !== 'ok' || workers < 2 || scaling.value >= PARALLEL_FRACTION * expected) return null;
  const limits: string[] = [];
  if (env.affinityCpus !== null && env.affinityCpus < visible) limits.push(`CPU affinity ${env.affinityCpus} of ${visible} CPUs`);
  if (env.cpusetCpus !== null && env.cpusetCpus < visible) limits.push(`cgroup cpuset ${env.cpusetCpus} of ${visible} CPUs`);
  if (env.cpuQuota !== null && env.cpuQuota < visible) limits.push(`cgroup CPU quota ${env.cpuQuota} CPUs`);
  const args: Args = {
    effective: scaling.value,
    workers,
    visibleCpus: visible,
    usableCpus: env.usableCpus,
    cpuQuota: env.cpuQuota,
    cpusetCpus: env.cpusetCpus,
    affinityCpus: env.affinityCpus,
    limit: limits.length ? limits.join(', ') : null,
    loadAvg1: sig(load1),
  };
  return calibrationFinding('ENV_PARALLELISM_LIMITED', args, [
    `cpu.parallel-scaling ${scaling.value}× with ${workers} workers (threshold ${sig(PARALLEL_FRACTION * expected)})`,
    `environment: usableCpus ${env.usableCpus ?? 'unknown'}, affinity ${env.affinityCpus ?? 'unknown'}, cpuset ${env.cpusetCpus ?? 'none'}, quota ${env.cpuQuota ?? 'none'}`,
  ]);
}

/** One CALIBRATION_WRONG_RESULT finding per metric whose kernel computed a wrong result. */
export function wrongResultFindings(metrics: Record<string, Metric>, capabilities: Record<string, string> = {}): Finding[] {
  return Object.entries(metrics)
    .filter(([, m]) => m.status === 'wrong')
    .map(([id, m]) => wrongResultFinding(id, (m as { reason: string }).reason, capabilities[id]));
}

/** The measure() options for a probe context. */
function opts(ctx: ProbeContext): MeasureOptions {
  return { level: ctx.calibrate === 'full' ? 'full' : 'quick', signal: ctx.signal, probe: 'cpu', progress: ctx.progress };
}

/** Measures kernels one after the other, keyed by kernel id; wrong results become findings. `budget` overrides the level's (tests). */
export async function runKernels(
  kernels: Kernel<any>[],
  ctx: ProbeContext,
  budget?: Partial<LevelBudget>,
): Promise<{ metrics: Record<string, Metric>; findings: Finding[] }> {
  const metrics: Record<string, Metric> = {};
  for (const k of kernels) metrics[k.id] = await measure(k, { ...opts(ctx), ...(budget ? { budget } : {}) });
  return { metrics, findings: wrongResultFindings(metrics) };
}

/** The SIMD128 capability's effective verdict from the measured SIMD metric and its interleaved A/B verdict. */
function wasmSimdVerdict(
  simd: Metric,
  verdict: { effective: boolean | null; why?: string } | undefined,
  contention = '',
): { effective: boolean | null; evidence: string[]; notes?: string } {
  if (simd.status !== 'ok')
    return simd.status === 'wrong' && !simd.reason.startsWith('implausible: ')
      ? { effective: false, evidence: [`cpu.wasm-simd computed a wrong result: ${simd.reason}`] }
      : { effective: null, evidence: [`cpu.wasm-simd ${simd.status}: ${simd.reason}`] };
  if (simd.speedup === undefined || !verdict) return { effective: null, evidence: ['cpu.wasm-simd: no scalar baseline to compare with'] };
  const iv = simd.speedupInterval ? `, interval ×${simd.speedupInterval[0]}–×${simd.speedupInterval[1]} over ${simd.rounds} rounds` : '';
  const evidence = [`cpu.wasm-simd ${simd.value} ${simd.unit}, ${simd.speedup}× scalar WebAssembly${iv} (threshold ${WASM_SIMD_THRESHOLD})`];
  if (verdict.effective === null) return { effective: null, evidence, notes: `inconclusive: ${verdict.why}${contention}` };
  return {
    effective: verdict.effective,
    evidence,
    ...(verdict.effective ? {} : { notes: `SIMD128 runs, but only ${simd.speedup}× the scalar kernel (the whole interval below ${WASM_SIMD_THRESHOLD})${contention}` }),
  };
}

/** Progress events for interleaved rounds: a fraction of the level's minimum rounds, per metric. */
function roundProgress(ctx: ProbeContext, kernels: string[]): (group: string, round: number) => void {
  const min = LEVELS[opts(ctx).level].minRounds;
  return (_g, r) => {
    for (const kernel of kernels) ctx.progress({ type: 'calibration', probe: 'cpu', kernel, fraction: Math.min(1, r / min) });
  };
}

/** Opens samplers for the kernels (set up and warmed up); a kernel that cannot is skipped with its reason. */
async function openAll(kernels: Kernel<any>[], ctx: ProbeContext): Promise<{ samplers: Record<string, Sampler>; failed: Record<string, Metric> }> {
  const samplers: Record<string, Sampler> = {};
  const failed: Record<string, Metric> = {};
  for (const k of kernels) {
    try {
      samplers[k.id] = await openSampler(k, opts(ctx));
    } catch (e) {
      failed[k.id] = skipped(k.unit, ctx.signal.aborted ? 'interrupted before it finished' : `could not set up: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { samplers, failed };
}

/** Scalar and SIMD128 saxpy in interleaved rounds: both metrics, and the A/B verdict. */
async function wasmAb(ctx: ProbeContext): Promise<{ metrics: Record<string, Metric>; verdict?: { effective: boolean | null; why?: string } }> {
  const level = opts(ctx).level;
  const { samplers, failed } = await openAll([saxpyKernel('cpu.wasm-scalar', { simd: false }), saxpyKernel('cpu.wasm-simd', { simd: true })], ctx);
  const sc = samplers['cpu.wasm-scalar'];
  const sd = samplers['cpu.wasm-simd'];
  const metrics: Record<string, Metric> = { ...failed };
  const sides = [sc && { id: 'scalar', round: () => sc.take(LEVELS[level].roundSamples) }, sd && { id: 'simd', round: () => sd.take(LEVELS[level].roundSamples) }].filter(Boolean) as { id: string; round: () => Promise<number[]> }[];
  const g = (
    await interleaveRounds([{ id: 'wasm', sides, pairs: sc && sd ? [{ fast: 'simd', slow: 'scalar', threshold: WASM_SIMD_THRESHOLD }] : [] }], {
      level,
      signal: ctx.signal,
      onRound: roundProgress(ctx, ['cpu.wasm-scalar', 'cpu.wasm-simd']),
    })
  ).wasm;
  const checks = { scalar: await sc?.finish(), simd: await sd?.finish() };
  const side = (id: 'scalar' | 'simd', metric: string): Metric | null => {
    if (!samplers[metric]) return null;
    if (checks[id]) return { status: 'wrong', unit: 'GFLOP/s', reason: checks[id]! };
    if (g.failed[id]) return skipped('GFLOP/s', g.failed[id].startsWith('interrupted') ? 'interrupted before it finished' : `kernel failed: ${g.failed[id]}`);
    return roundsMetric(g.rounds[id], 'GFLOP/s') ?? skipped('GFLOP/s', 'interrupted before it finished');
  };
  const scalar = side('scalar', 'cpu.wasm-scalar');
  let simd = side('simd', 'cpu.wasm-simd');
  if (scalar) metrics['cpu.wasm-scalar'] = plausible(scalar, 'rate');
  let verdict: { effective: boolean | null; why?: string } | undefined;
  if (simd?.status === 'ok' && scalar?.status === 'ok') {
    const ab = abMetric(g.rounds.simd, g.rounds.scalar, { unit: 'GFLOP/s', threshold: WASM_SIMD_THRESHOLD, method: 'the same saxpy in scalar WebAssembly (cpu.wasm-scalar), interleaved rounds' })!;
    simd = ab.metric;
    verdict = ab.estimate.verdict;
  }
  if (simd) metrics['cpu.wasm-simd'] = simd.status === 'ok' ? plausible(simd, 'rate') : simd;
  return { metrics, verdict };
}

/** 1 and N workers in interleaved rounds (the pool is shared; the two never run at once). */
async function scalingAb(pool: WorkerPool, workers: number, cpus: number, expected: number, ctx: ProbeContext): Promise<Metric> {
  const level = opts(ctx).level;
  const { samplers, failed } = await openAll([parallelKernel(() => pool, 1), parallelKernel(() => pool, workers)], ctx);
  const ids = Object.keys(samplers);
  if (ids.length < 2) {
    const f = Object.values(failed)[0] as Extract<Metric, { reason: string }>;
    for (const s of Object.values(samplers)) await s.finish();
    return { status: 'skipped', unit: '×', reason: f?.reason ?? 'not measured' };
  }
  const [oneS, manyS] = [samplers[ids[0]], samplers[ids[1]]];
  const g = (
    await interleaveRounds(
      [
        {
          id: 'scaling',
          sides: [
            { id: 'one', round: () => oneS.take(LEVELS[level].roundSamples) },
            { id: 'many', round: () => manyS.take(LEVELS[level].roundSamples) },
          ],
          pairs: [{ fast: 'many', slow: 'one', threshold: sig(PARALLEL_FRACTION * expected) }],
        },
      ],
      { level, signal: ctx.signal, onRound: roundProgress(ctx, ['cpu.parallel-scaling']) },
    )
  ).scaling;
  const why = [await oneS.finish(), await manyS.finish()].find(Boolean);
  if (why) return { status: 'wrong', unit: '×', reason: why };
  if (g.failed.one || g.failed.many) return skipped('×', `kernel failed: ${g.failed.one ?? g.failed.many}`);
  return scalingFromRounds(g.rounds.one, g.rounds.many, workers, cpus, expected);
}

/** The cpu probe's calibration. Never throws: every kernel that cannot run is `skipped` with its reason. */
/**
 * Under an emulator (user-mode QEMU, Rosetta) every kernel runs translated: each measured figure
 * says so in its notes (facts.emulation from detection).
 */
export function markEmulated(metrics: Record<string, Metric>, facts: Record<string, unknown>): void {
  const emu = facts.emulation as { emulated?: boolean; mechanism?: string; hostArch?: string | null } | undefined;
  if (!emu?.emulated) return;
  const why = `measured under emulation (${emu.mechanism}${emu.hostArch ? ` on ${emu.hostArch}` : ''}): the emulator's speed, not the CPU's`;
  for (const [id, m] of Object.entries(metrics)) if (m.status === 'ok') metrics[id] = { ...m, notes: m.notes ? `${m.notes}; ${why}` : why };
}

export async function calibrateCpu(ctx: ProbeContext, d: Detection): Promise<Calibration> {
  if (ctx.calibrate === 'off') return { metrics: {} };
  const level = opts(ctx).level;
  const metrics: Record<string, Metric> = {};
  const findings: Finding[] = [];
  const capabilities: NonNullable<Calibration['capabilities']> = {};

  // Parallel scaling: one worker per visible CPU.
  const visible = visibleCpus(d.facts);
  const workers = Math.min(visible, MAX_WORKERS);
  const expected = expectedParallelism(workers, d.facts.threadsPerCore);
  let scaling: Metric;
  if (workers < 2) scaling = skipped('×', `${visible} visible CPU: nothing to scale to`);
  else if (ctx.signal.aborted) scaling = skipped('×', 'interrupted before it started');
  else {
    let pool: WorkerPool | undefined;
    try {
      pool = await startPool(workers);
      const p = pool;
      const env0 = envCpuLimits(ctx.peers.environment?.facts);
      const usable = Math.min(visible, env0.affinityCpus ?? visible, env0.cpusetCpus ?? visible);
      scaling = await scalingAb(p, workers, usable, expected, ctx);
    } catch (e) {
      scaling = skipped('×', `could not start ${workers} worker threads: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await pool?.close();
    }
  }
  // Scalar baseline and memory bandwidth.
  const llc = lastLevelCacheBytes(d.facts);
  const arrayBytes = streamArrayBytes(llc, level);
  {
    const arrays = streamArraysOnce(arrayBytes); // unreachable after this block, so the GC can take it back
    const r = await runKernels([scalarF64Kernel(), scalarIntKernel(), memCopyKernel(arrays), memTriadKernel(arrays)], ctx);
    Object.assign(metrics, r.metrics);
    findings.push(...r.findings);
  }

  // WebAssembly: the same saxpy, scalar and SIMD128, in interleaved rounds (src/calibration.ts).
  const support = wasmSimdSupport();
  const contention = contentionOf(ctx);
  if (!support.compiles) {
    Object.assign(metrics, (await runKernels([saxpyKernel('cpu.wasm-scalar', { simd: false })], ctx)).metrics);
    const why = support.validates ? `this engine cannot compile SIMD128 here: ${support.error}` : 'this engine does not accept SIMD128 modules';
    metrics['cpu.wasm-simd'] = skipped('GFLOP/s', why);
    capabilities['cpu.wasm.simd128'] = { effective: false, evidence: [`cpu.wasm-simd not measured: ${why}`] };
  } else {
    const r = await wasmAb(ctx);
    Object.assign(metrics, r.metrics);
    findings.push(...wrongResultFindings(r.metrics, { 'cpu.wasm-simd': 'cpu.wasm.simd128' }));
    capabilities['cpu.wasm.simd128'] = wasmSimdVerdict(r.metrics['cpu.wasm-simd'], r.verdict, contentionNote(contention));
    if (capabilities['cpu.wasm.simd128'].effective === null && r.verdict?.effective === null)
      findings.push(inconclusiveFinding('cpu.wasm.simd128', r.verdict.why + contentionNote(contention), contention.level));
  }

  const env = envCpuLimits(ctx.peers.environment?.facts);
  if (scaling.status === 'ok') {
    scaling = { ...scaling, notes: `${scaling.notes}; environment usableCpus ${env.usableCpus ?? 'unknown'}, affinity ${env.affinityCpus ?? 'unknown'}, cpuset ${env.cpusetCpus ?? 'none'}, quota ${env.cpuQuota ?? 'none'}` };
  }
  metrics['cpu.parallel-scaling'] = scaling;
  findings.push(...wrongResultFindings({ 'cpu.parallel-scaling': scaling }));
  const limited = parallelismFinding(scaling, workers, visible, env, loadavg()[0], expected);
  if (limited) findings.push(limited);

  markEmulated(metrics, d.facts);

  return {
    metrics,
    capabilities,
    findings,
    facts: {
      calibration: {
        lastLevelCacheBytes: llc,
        streamArrayBytes: arrayBytes,
        wasmSimd128: support,
        parallelWorkers: workers,
      },
    },
  };
}
