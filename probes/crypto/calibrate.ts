/**
 * Crypto calibration: node:crypto throughput with OpenSSL's accelerated path and, for A/B, with the
 * capability masked (OPENSSL_ia32cap / OPENSSL_armcap) so OpenSSL takes its software path. The
 * ratio is the metric's `speedup`; `effective` is speedup ≥ 2.
 *
 * Both sides run in child processes (one per kernel and side), measured with the same harness
 * (src/calibration.ts measure()), because a cipher's throughput in this process is at the mercy of
 * glibc's heap: node:crypto allocates a fresh output Buffer per update(), and when the GC frees
 * them glibc trims the heap top, so the next outputs page-fault. Measured here (AES-128-GCM,
 * 64 KiB chunks, 5 ms samples): samples swing between 1.2 and 4.9 GB/s with ~43k minor faults;
 * with `glibc.malloc.trim_threshold`/`top_pad` raised they stay at 4.8–5.0 GB/s with ~11k. The
 * children get those tunables (appended to any GLIBC_TUNABLES of the host), and the host's own
 * OpenSSL variables, so both sides see the environment the detection saw.
 * Calibration measures the real machine, so it may use node:child_process directly (not Host).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getCiphers, getHashes } from 'node:crypto';
import type { Calibration, Detection, Finding, Metric, ProbeContext, Tri } from '../../src/types.js';
import { sig, skipped, wrongResultFinding, type LevelBudget } from '../../src/calibration.js';
import { CRYPTO_KERNELS, CRYPTO_METRIC_UNIT, SPEEDUP_THRESHOLD, type CryptoCapId, type CryptoKernelRow } from './tables.js';
import { crossDigest } from './kernels.js';
import { finding } from './findings.js';
import type { AbPlan } from './detect.js';

/** glibc malloc tunables that keep freed output Buffers' pages mapped (see the header comment). */
export const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=67108864';

/** A pair is measured again when either side's coefficient of variation exceeds this. */
export const RETRY_CV = 0.1;

/** Budgets per level for one child's measurement, and how long a child may take in all. */
export const CRYPTO_BUDGETS: Record<'quick' | 'full', { child: Partial<LevelBudget>; childTimeoutMs: number }> = {
  // quick: 10 children × (~50 ms Node start-up + ~75 ms measuring) ≈ 1.3 s from dist/ on an idle machine.
  quick: { child: { warmupMs: 30, budgetMs: 40, minSamples: 5, sampleMs: 4 }, childTimeoutMs: 5000 },
  full: { child: { warmupMs: 50, budgetMs: 400, minSamples: 10, sampleMs: 10 }, childTimeoutMs: 20_000 },
};

/** How a software-path child ended. */
export type ChildOutcome = { ok: true; metric: Metric; digest: string | null } | { ok: false; reason: string };

/** node arguments that run worker.ts (under tsx, resolved absolutely) or the compiled worker.js. */
export function workerArgv(request: { metric: string; level: 'quick' | 'full'; budget?: Partial<LevelBudget> }): string[] {
  const ts = fileURLToPath(import.meta.url).endsWith('.ts');
  const worker = fileURLToPath(new URL(ts ? './worker.ts' : './worker.js', import.meta.url));
  return [...(ts ? ['--import', import.meta.resolve('tsx')] : []), worker, JSON.stringify(request)];
}

/**
 * A child's environment: the host's OpenSSL/glibc variables (nothing else of this process's
 * environment), the malloc tunables, and the mask when there is one.
 */
export function childEnv(base: Record<string, string>, mask?: { variable: string; value: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  env.GLIBC_TUNABLES = base.GLIBC_TUNABLES ? `${base.GLIBC_TUNABLES}:${MALLOC_TUNABLES}` : MALLOC_TUNABLES;
  if (process.platform === 'win32' && process.env.SystemRoot) env.SystemRoot = process.env.SystemRoot;
  if (mask) env[mask.variable] = mask.value;
  return env;
}

/** Runs `node …argv` and reads its last JSON line. A child that dies, hangs or prints garbage gives a reason, never a number. */
export function runChild(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    let why: string | null = null;
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const kill = (reason: string) => {
      why ??= reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`gave no result within ${timeoutMs} ms and was killed`), timeoutMs);
    const onAbort = () => kill('was interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => {
      if (out.length < 1 << 20) out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 1 << 16) err += b.toString();
    });
    child.on('error', (e) => kill(`could not start: ${e.message}`));
    child.on('close', (code, sigName) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const lastErr = err.trim().split('\n').filter(Boolean).at(-1)?.slice(0, 200);
      if (why) return resolve({ ok: false, reason: why });
      if (sigName) return resolve({ ok: false, reason: `was killed by ${sigName}` });
      const line = out.trim().split('\n').at(-1) ?? '';
      let parsed: { metric?: Metric; digest?: string | null; error?: string } | undefined;
      try {
        parsed = JSON.parse(line);
      } catch {
        /* below */
      }
      if (code !== 0) return resolve({ ok: false, reason: `exited with code ${code}${parsed?.error ? `: ${parsed.error}` : lastErr ? `: ${lastErr}` : ''}` });
      if (!parsed?.metric || typeof parsed.metric !== 'object') return resolve({ ok: false, reason: `printed no result${lastErr ? ` (${lastErr})` : ''}` });
      resolve({ ok: true, metric: parsed.metric, digest: typeof parsed.digest === 'string' ? parsed.digest : null });
    });
  });
}

/** One side of an A/B: `accelerated` runs under the host's environment, `software` with the mask. */
export type Side = 'accelerated' | 'software';

/** Options for tests: which kernels, and how to start a child. */
export interface CalibrateOptions {
  kernels?: readonly CryptoKernelRow[];
  /** node arguments for a kernel's child (default workerArgv) */
  childArgv?: (row: CryptoKernelRow, side: Side, defaults: string[]) => string[];
  /** the environment of a kernel's child (default childEnv) */
  childEnv?: (row: CryptoKernelRow, side: Side, defaults: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** overrides the level's child timeout */
  childTimeoutMs?: number;
}

/** Calibrates node:crypto with an A/B against OpenSSL's software path. Never throws for a kernel's sake. */
export async function calibrateCrypto(ctx: ProbeContext, d: Detection, opts: CalibrateOptions = {}): Promise<Calibration> {
  const t0 = performance.now();
  const level = ctx.calibrate === 'full' ? 'full' : 'quick';
  const budget = CRYPTO_BUDGETS[level];
  const plan = (d.facts.abPlan as AbPlan | undefined) ?? { variable: null, masks: {}, none: { '*': 'no A/B plan from detection' } };
  const base = plan.env ?? {};
  const ciphers = new Set(getCiphers());
  const hashes = new Set(getHashes());
  const metrics: Record<string, Metric> = {};
  const findings: Finding[] = [];
  const byCap = new Map<CryptoCapId, { row: CryptoKernelRow; metric: Metric; why?: string }[]>();
  let children = 0;

  /** Runs one side of one kernel in a child. */
  const side = async (row: CryptoKernelRow, which: Side, mask?: string): Promise<ChildOutcome> => {
    const kernel = `${row.metric}${which === 'software' ? ' (software path)' : ''}`;
    ctx.progress({ type: 'calibration', probe: 'crypto', kernel, fraction: 0 });
    const defArgv = workerArgv({ metric: row.metric, level, budget: budget.child });
    const defEnv = childEnv(base, mask && plan.variable ? { variable: plan.variable, value: mask } : undefined);
    children++;
    const r = await runChild(
      opts.childArgv ? opts.childArgv(row, which, defArgv) : defArgv,
      opts.childEnv ? opts.childEnv(row, which, defEnv) : defEnv,
      opts.childTimeoutMs ?? budget.childTimeoutMs,
      ctx.signal,
    );
    ctx.progress({ type: 'calibration', probe: 'crypto', kernel, fraction: 1 });
    return r;
  };

  for (const row of opts.kernels ?? CRYPTO_KERNELS) {
    if (ctx.signal.aborted) break;
    const capId = row.cap ? `crypto.${row.cap}` : undefined;
    const record = (m: Metric, why?: string) => {
      metrics[row.metric] = m;
      if (row.cap) byCap.set(row.cap, [...(byCap.get(row.cap) ?? []), { row, metric: m, why }]);
    };
    if (!(row.kind === 'hash' ? hashes : ciphers).has(row.algorithm)) {
      record(skipped('GB/s', `node:crypto lacks ${row.algorithm}`));
      continue;
    }
    const own = crossDigest(row);
    // A child that dies, hangs or computes a different result costs only this metric.
    const check = (c: ChildOutcome, label: string): Metric | { status: 'fail'; why: string } => {
      if (!c.ok) return { status: 'fail', why: `the ${label} child ${c.reason}` };
      if (c.metric.status === 'wrong') {
        findings.push(wrongResultFinding(row.metric, `${label}: ${c.metric.reason}`, capId));
        return c.metric;
      }
      if (c.metric.status !== 'ok') return { status: 'fail', why: `the ${label} was not measured: ${c.metric.reason}` };
      if (c.digest && c.digest !== own) {
        const why = `the ${label} gives different output than this process for the same input (${c.digest.slice(0, 12)}… vs ${own.slice(0, 12)}…)`;
        findings.push(wrongResultFinding(row.metric, why, capId));
        return { status: 'wrong', unit: CRYPTO_METRIC_UNIT, reason: why };
      }
      return c.metric;
    };
    const a1 = check(await side(row, 'accelerated'), 'accelerated-path');
    if (a1.status === 'fail') {
      record(skipped('GB/s', a1.why), a1.why);
      continue;
    }
    if (a1.status !== 'ok') {
      record(a1);
      continue;
    }
    if (!row.cap) {
      record({ ...a1, notes: 'no dedicated instruction (runs on the SIMD units); no software path to compare with' });
      continue;
    }
    const mask = plan.variable ? plan.masks[row.cap] : undefined;
    if (!mask) {
      const why = plan.none[row.cap] ?? plan.none['*'] ?? 'no mask for this capability';
      record({ ...a1, notes: why }, why);
      continue;
    }
    const label = `software-path (${plan.variable}=${mask})`;
    const b1 = check(await side(row, 'software', mask), label);
    if (b1.status === 'fail') {
      record(skipped('GB/s', b1.why), b1.why);
      continue;
    }
    if (b1.status !== 'ok') {
      record(b1);
      continue;
    }
    let [a, b] = [a1, b1];
    let notes: string | undefined;
    // Other processes only ever slow a side down. When the pair is noisy or below the threshold,
    // measure it once more and keep each side's faster run before judging.
    if (a.value / b.value < SPEEDUP_THRESHOLD || a.cv > RETRY_CV || b.cv > RETRY_CV) {
      const a2 = check(await side(row, 'accelerated'), 'accelerated-path');
      const b2 = check(await side(row, 'software', mask), label);
      if (a2.status === 'ok' && a2.value > a.value) a = a2;
      if (b2.status === 'ok' && b2.value > b.value) b = b2;
      notes = `measured twice (first pair ${a1.value} vs ${b1.value} GB/s, cv ${a1.cv}/${b1.cv}); each side's faster run kept`;
    }
    const method = `${plan.variable}=${mask} in a child process (OpenSSL's software path)`;
    record({ ...a, baseline: { value: b.value, method }, speedup: sig(a.value / b.value), threshold: SPEEDUP_THRESHOLD, ...(notes ? { notes } : {}) });
  }

  const capabilities: NonNullable<Calibration['capabilities']> = {};
  for (const [c, results] of byCap) {
    const id = `crypto.${c}`;
    const judged = results.filter((r) => r.metric.status === 'ok' && r.metric.speedup !== undefined);
    const evidence = results.map((r) =>
      r.metric.status === 'ok' && r.metric.speedup !== undefined
        ? `${r.row.metric}: ${r.metric.value} GB/s vs ${r.metric.baseline!.value} GB/s software path (${r.metric.speedup}×)`
        : `${r.row.metric}: ${r.metric.status === 'ok' ? 'no software path' : r.metric.status}`,
    );
    if (!judged.length) {
      const why = results.map((r) => r.why ?? (r.metric.status !== 'ok' ? r.metric.reason : undefined)).find(Boolean);
      capabilities[id] = { effective: null, evidence, notes: why ?? 'not measured' };
      continue;
    }
    const worst = judged.reduce((a, b) => ((a.metric as { speedup: number }).speedup <= (b.metric as { speedup: number }).speedup ? a : b));
    const ws = (worst.metric as { speedup: number }).speedup;
    const effective: Tri = ws >= SPEEDUP_THRESHOLD;
    capabilities[id] = { effective, evidence, notes: `effective when the speedup over the software path is ≥ ${SPEEDUP_THRESHOLD}×` };
    const det = d.capabilities[id];
    if (!effective && det?.advertised === true && det.usable === true)
      findings.push(
        finding('CRYPTO_INEFFECTIVE', { capability: id, metric: worst.row.metric, speedup: ws, threshold: SPEEDUP_THRESHOLD }, { capability: id, evidence }),
      );
  }
  return {
    metrics,
    capabilities,
    findings,
    facts: { calibration: { level, softwarePathChildren: children, durationMs: Math.round(performance.now() - t0) } },
  };
}
