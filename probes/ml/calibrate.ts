/**
 * ML calibration: each usable tfjs backend runs the same kernels (kernels.ts) in its own child
 * process (worker.ts), one after the other; their results are cross-checked and turned into
 * metrics `ml.tfjs.<kernel>.<backend>`, speedups over each backend's software twin, and the
 * effective verdicts of the `ml.tfjs.*` capabilities.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEVELS, skipped, speedup, wrongResultFinding } from '../../src/calibration.js';
import type { Calibration, Detection, Finding, Metric, ProbeContext, Tri } from '../../src/types.js';
import { crossCheck, type Digest } from './kernels.js';
import { nodeModulesPaths } from './resolve.js';
import { BACKENDS, KERNELS, TFJS_PACKAGES, metricId, type BackendId, type BackendRow, type KernelName } from './tables.js';
import { finding } from './findings.js';
import type { WorkerInfo, WorkerMessage, WorkerSpec } from './worker.js';

/** A worker's answer, or why there is none. */
export type WorkerOutcome = { ok: true; result: Extract<WorkerMessage, { type: 'result' }> } | { ok: false; error: string };

/** Node arguments that run the worker: under tsx (this file is .ts) the tsx loader is imported by absolute URL. */
export function workerArgv(): string[] {
  const self = fileURLToPath(import.meta.url);
  const ts = self.endsWith('.ts');
  const file = join(dirname(self), ts ? 'worker.ts' : 'worker.js');
  return ts ? ['--import', import.meta.resolve('tsx'), file] : [file];
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

/**
 * Runs the worker for one backend: kills it on abort or timeout, forwards its progress, and
 * returns its result. Its stdout and stderr never reach ours; stderr's tail explains a failure.
 */
export function runWorker(
  spec: WorkerSpec,
  opts: { timeoutMs: number; signal?: AbortSignal; onProgress?: (m: Extract<WorkerMessage, { type: 'progress' }>) => void },
): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    if (opts.signal?.aborted) return resolve({ ok: false, error: 'interrupted before it started' });
    const child = spawn(process.execPath, [...workerArgv(), JSON.stringify(spec)], {
      cwd: packageRoot(),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let result: Extract<WorkerMessage, { type: 'result' }> | undefined;
    let buf = '';
    let stderr = '';
    let why: string | undefined;
    const kill = (reason: string) => {
      why ??= reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`no result within ${opts.timeoutMs} ms`), opts.timeoutMs);
    const onAbort = () => kill('interrupted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.resume(); // banners: read and dropped
    child.stderr!.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-8192);
    });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => {
      buf += b.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let m: WorkerMessage;
        try {
          m = JSON.parse(line) as WorkerMessage;
        } catch {
          continue;
        }
        if (m.type === 'progress') opts.onProgress?.(m);
        else if (m.type === 'result') result = m;
      }
    });
    child.on('error', (e) => {
      why ??= `could not start the worker: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (result && !why) return resolve({ ok: true, result });
      const tail = stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ').slice(0, 400);
      const how = why ?? (signal ? `worker killed by ${signal}` : `worker exited ${code} without a result`);
      resolve({ ok: false, error: tail && !why ? `${how}: ${tail}` : how });
    });
  });
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
    const baseRow = BACKENDS.find((b) => b.id === row.baseline);
    for (const k of KERNELS) {
      const id = metricId(k, row.id);
      const m = metrics[id];
      if (m.status === 'wrong') {
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
      metrics[id] = { ...m, baseline: { value: base.value, method: baseRow.label }, speedup: sp, threshold: row.threshold };
      speedups.push(sp);
      evidence.push(`${k}: ${m.value} GFLOP/s = ${fmt(sp)}× ${baseRow.id}`);
    }
    // The verdict: every kernel right, and the geometric mean of the kernels' speedups at the
    // threshold (one kernel disturbed by a noisy neighbour does not flip it). The plain-JavaScript
    // backend has no software twin: a correct measured result is its verdict.
    let effective: Tri = null;
    if (wrong) effective = false;
    else if (!baseRow || row.threshold === undefined) effective = measured === KERNELS.length ? true : null;
    else if (speedups.length) {
      const gm = fmt(Math.exp(speedups.reduce((a, b) => a + Math.log(b), 0) / speedups.length));
      effective = gm >= row.threshold;
      evidence.push(`speedup over ${baseRow.id}: ${gm}× (geometric mean; ≥ ${row.threshold}× expected)`);
      if (!effective) {
        findings.push(finding('ML_TFJS_SPEEDUP_LOW', { backend: row.id, speedup: gm, baseline: baseRow.id, threshold: row.threshold }, evidence.slice(), row.capability));
      }
    }
    if (measured === 0 && !wrong) {
      const f = backendFacts[row.id] as { ran: boolean; reason?: string };
      evidence.push(`not measured: ${f.reason ?? 'no result'}`);
    }
    capabilities[row.capability] = { effective, evidence };
  }
  return { metrics, capabilities, findings, facts: { calibration: backendFacts } };
}

/** The ML calibration: one worker per backend that detection did not rule out, one at a time. */
export async function calibrateMl(ctx: ProbeContext, d: Detection): Promise<Calibration> {
  const level = ctx.calibrate === 'full' ? 'full' : 'quick';
  // Four workers share the probe's deadline.
  const timeoutMs = Math.floor(LEVELS[level].deadlineMs / 4);
  const outcomes: Partial<Record<BackendId, WorkerOutcome | { ok: false; error: string; skipped: true }>> = {};
  for (const row of BACKENDS) {
    const cap = d.capabilities[row.capability];
    if (cap?.usable === false) {
      outcomes[row.id] = { ok: false, skipped: true, error: `${row.id} is not usable: ${cap.notes ?? 'see detection'}` };
      continue;
    }
    if (ctx.signal.aborted) {
      outcomes[row.id] = { ok: false, skipped: true, error: 'interrupted before it started' };
      continue;
    }
    const spec = specFor(row, level);
    if (typeof spec === 'string') {
      outcomes[row.id] = { ok: false, skipped: true, error: spec };
      continue;
    }
    outcomes[row.id] = await runWorker(spec, {
      timeoutMs,
      signal: ctx.signal,
      onProgress: (m) => ctx.progress({ type: 'calibration', probe: 'ml', kernel: m.kernel, fraction: m.fraction, ...(m.etaMs !== undefined ? { etaMs: m.etaMs } : {}) }),
    });
  }
  return assemble(outcomes);
}
