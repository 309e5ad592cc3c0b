/**
 * The cpu probe's calibration (DESIGN §7): scalar f64 and integer JS kernels, memory bandwidth
 * (copy, triad) beyond the last-level cache, WebAssembly SIMD128 against the same kernel in
 * scalar WebAssembly, and parallel scaling on 1 vs N worker_threads, compared with the
 * environment probe's CPU limits. Loaded lazily by the probe: detection never pays for it.
 */
import { cpus, loadavg } from 'node:os';
import type { Calibration, Detection, Finding, Metric, ProbeContext, Severity } from '../../src/types.js';
import { measure, sig, skipped, wrongResultFinding, type Kernel, type LevelBudget, type MeasureOptions } from '../../src/calibration.js';
import { scalarF64Kernel, scalarIntKernel } from './kernels/scalar.js';
import { memCopyKernel, memTriadKernel, streamArraysOnce } from './kernels/memory.js';
import { saxpyKernel, wasmSimdSupport } from './kernels/wasm-saxpy.js';
import { parallelKernel, startPool, type WorkerPool } from './kernels/parallel.js';

type Args = Record<string, string | number | boolean | null>;

/** The WASM SIMD speedup over scalar WASM below which SIMD128 is not effective. */
export const WASM_SIMD_THRESHOLD = 1.5;

/** Every metric the cpu calibration reports, with its unit (the probe's vocabulary; a live test checks it against a run). */
export const CPU_METRIC_UNITS = {
  'cpu.mem-copy': 'GB/s',
  'cpu.mem-triad': 'GB/s',
  'cpu.parallel-scaling': '×',
  'cpu.scalar-f64': 'GFLOP/s',
  'cpu.scalar-int': 'Gop/s',
  'cpu.wasm-scalar': 'GFLOP/s',
  'cpu.wasm-simd': 'GFLOP/s',
} as const;
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

/** Findings of the cpu calibration: code → severity, capability, message template and hint. */
export const CPU_CALIBRATION_FINDINGS = {
  ENV_PARALLELISM_LIMITED: {
    severity: 'warning',
    capability: 'env.cpu-quota',
    message: (a: Args) =>
      `effective parallelism is ${a.effective}× with ${a.workers} workers, well below the ${a.visibleCpus} visible CPUs` +
      (a.limit ? `; the environment allows ${a.usableCpus} (${a.limit})` : '; no affinity, cpuset or CPU quota explains it'),
    hint: (a: Args) =>
      a.limit
        ? `size thread pools from the environment's usableCpus (${a.usableCpus}), not the visible CPU count, or lift the limit (${a.limit})`
        : `other processes or the hypervisor take the CPUs (load average ${a.loadAvg1}); check for CPU steal and noisy neighbours before trusting timings`,
  },
} as const satisfies Record<string, { severity: Severity; capability: string; message: (a: Args) => string; hint: (a: Args) => string }>;

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
  return {
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

/** The SIMD128 capability's effective verdict from the measured SIMD metric. */
function wasmSimdVerdict(simd: Metric): { effective: boolean | null; evidence: string[]; notes?: string } {
  if (simd.status !== 'ok')
    return simd.status === 'wrong'
      ? { effective: false, evidence: [`cpu.wasm-simd computed a wrong result: ${simd.reason}`] }
      : { effective: null, evidence: [`cpu.wasm-simd skipped: ${simd.reason}`] };
  if (simd.speedup === undefined) return { effective: null, evidence: ['cpu.wasm-simd: no scalar baseline to compare with'] };
  const ok = simd.speedup >= WASM_SIMD_THRESHOLD;
  return {
    effective: ok,
    evidence: [`cpu.wasm-simd ${simd.value} ${simd.unit}, ${simd.speedup}× scalar WebAssembly (threshold ${WASM_SIMD_THRESHOLD})`],
    ...(ok ? {} : { notes: `SIMD128 runs, but only ${simd.speedup}× the scalar kernel` }),
  };
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

  // Scalar baseline and memory bandwidth.
  const llc = lastLevelCacheBytes(d.facts);
  const arrayBytes = streamArrayBytes(llc, level);
  {
    const arrays = streamArraysOnce(arrayBytes); // unreachable after this block, so the GC can take it back
    const r = await runKernels([scalarF64Kernel(), scalarIntKernel(), memCopyKernel(arrays), memTriadKernel(arrays)], ctx);
    Object.assign(metrics, r.metrics);
    findings.push(...r.findings);
  }

  // WebAssembly: the same saxpy, scalar and SIMD128.
  const support = wasmSimdSupport();
  const r = await runKernels([saxpyKernel('cpu.wasm-scalar', { simd: false })], ctx);
  Object.assign(metrics, r.metrics);
  findings.push(...r.findings);
  let simd: Metric;
  if (!support.compiles) {
    simd = skipped('GFLOP/s', support.validates ? `this engine cannot compile SIMD128 here: ${support.error}` : 'this engine does not accept SIMD128 modules');
  } else {
    simd = await measure(saxpyKernel('cpu.wasm-simd', { simd: true }), opts(ctx));
    const base = metrics['cpu.wasm-scalar'];
    if (simd.status === 'ok' && base.status === 'ok') {
      simd = { ...simd, baseline: { value: base.value, method: 'the same saxpy in scalar WebAssembly (cpu.wasm-scalar)' }, speedup: sig(simd.value / base.value), threshold: WASM_SIMD_THRESHOLD };
    }
  }
  metrics['cpu.wasm-simd'] = simd;
  findings.push(...wrongResultFindings({ 'cpu.wasm-simd': simd }, { 'cpu.wasm-simd': 'cpu.wasm.simd128' }));
  capabilities['cpu.wasm.simd128'] = support.compiles
    ? wasmSimdVerdict(simd)
    : { effective: false, evidence: [`cpu.wasm-simd not measured: ${(simd as { reason: string }).reason}`] };

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
      const one = await measure(parallelKernel(() => p, 1), opts(ctx));
      const many = await measure(parallelKernel(() => p, workers), opts(ctx));
      scaling = scalingMetric(one, many, workers, expected);
    } catch (e) {
      scaling = skipped('×', `could not start ${workers} worker threads: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await pool?.close();
    }
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
