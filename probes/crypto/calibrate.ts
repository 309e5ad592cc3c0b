/**
 * Crypto calibration: node:crypto throughput with OpenSSL's accelerated path and, for A/B, with the
 * capability masked (OPENSSL_ia32cap / OPENSSL_armcap) so OpenSSL takes its software path. The
 * paired per-round ratio is the metric's `speedup`; a capability is effective when the interval of
 * its kernels' combined speedup lies wholly at or above 2, not effective when wholly below, and
 * inconclusive (null, CALIBRATION_INCONCLUSIVE) otherwise (src/calibration.ts, "Interleaved A/B
 * rounds").
 *
 * Both sides run in child processes, ONE per side for all kernels (worker.ts, a line protocol),
 * started together at the beginning and kept alive while the parent interleaves their rounds
 * (A B A B…, kernel after kernel). They are children, measured with the same harness
 * (src/calibration.ts openSampler), because a cipher's throughput in this process is at the mercy of
 * glibc's heap: node:crypto allocates a fresh output Buffer per update(), and when the GC frees
 * them glibc trims the heap top, so the next outputs page-fault. Measured here (AES-128-GCM,
 * 64 KiB chunks, 5 ms samples): samples swing between 1.2 and 4.9 GB/s with ~43k minor faults;
 * with `glibc.malloc.trim_threshold`/`top_pad` raised they stay at 4.8–5.0 GB/s with ~11k. The
 * children get those tunables (appended to any GLIBC_TUNABLES of the host), and the host's own
 * OpenSSL variables, so both sides see the environment the detection saw.
 * Calibration measures the real machine, so it may use node:child_process directly (not Host).
 */
import { siblingWorker, workerArgv as nodeWorkerArgv } from '../../src/worker-argv.js';
import { getCiphers, getHashes } from 'node:crypto';
import type { Calibration, Detection, Finding, Metric, ProbeContext } from '../../src/types.js';
import {
  abMetric,
  combineKernels,
  inconclusiveFinding,
  interleaveRounds,
  LEVELS,
  roundsMetric,
  skipped,
  wrongResultFinding,
  type GroupRounds,
  type LevelBudget,
  type RoundGroup,
} from '../../src/calibration.js';
import { RoundChild } from '../../src/round-child.js';
import { byCodeUnit } from '../../src/canonical.js';
import { contentionOf, contentionNote } from '../../src/contention.js';
import { CRYPTO_KERNELS, CRYPTO_METRIC_UNIT, SPEEDUP_THRESHOLD, type CryptoCapId, type CryptoKernelRow } from './tables.js';
import { crossDigest } from './kernels.js';
import { finding } from './findings.js';
import type { AbPlan } from './detect.js';

/** glibc malloc tunables that keep freed output Buffers' pages mapped (see the header comment). */
export const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=67108864';

/**
 * Budgets per level: the children's warm-up and sample length, the A/B rounds (src/calibration.ts
 * LEVELS), how long one command may take (a first round includes set-up and warm-up), and the
 * share of the probe's deadline after which no round starts, so what was measured is reported
 * before the runner's deadline drops the whole probe.
 */
export const CRYPTO_BUDGETS: Record<'quick' | 'full', { child: Partial<LevelBudget>; rounds: Partial<LevelBudget>; commandTimeoutMs: number; deadlineShare: number }> = {
  // quick: 5 A/B kernels × 5 rounds × 2 sides × 3 samples × 4 ms ≈ 0.6 s of samples when idle, plus
  // two Node start-ups in parallel; a noisy kernel gets up to 15 rounds within 2.5 s.
  quick: { child: { warmupMs: 30, sampleMs: 4 }, rounds: { roundSamples: 3 }, commandTimeoutMs: 5000, deadlineShare: 0.65 },
  full: { child: { warmupMs: 50, sampleMs: 10 }, rounds: { roundSamples: 5 }, commandTimeoutMs: 20_000, deadlineShare: 0.65 },
};

/** A side's child is started again at most this many times after it died (each death costs the kernel in flight). */
export const CHILD_RESTARTS = 2;

/** node arguments that run worker.ts (under tsx, resolved absolutely) or the compiled worker.js. */
export function workerArgv(config: { level: 'quick' | 'full'; budget?: Partial<LevelBudget> }): string[] {
  return [...nodeWorkerArgv(siblingWorker(import.meta.url, 'worker')), JSON.stringify(config)];
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

/** One side of an A/B: `accelerated` runs under the host's environment, `software` with the mask. */
export type Side = 'accelerated' | 'software';

/** Options for tests: which kernels, and how to start a side's child. */
export interface CalibrateOptions {
  kernels?: readonly CryptoKernelRow[];
  /** node arguments for a side's child (default workerArgv) */
  childArgv?: (side: Side, defaults: string[]) => string[];
  /** the environment of a side's child (default childEnv) */
  childEnv?: (side: Side, defaults: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** overrides the level's command timeout */
  childTimeoutMs?: number;
}

/**
 * One mask that clears every bit any of `masks` clears: OPENSSL_ia32cap words `~0xA:~0xB` are
 * OR-ed word by word; OPENSSL_armcap values (the bits left on) are AND-ed. Null for no masks.
 */
export function unionMask(variable: AbPlan['variable'], masks: readonly string[]): string | null {
  if (!masks.length) return null;
  if (new Set(masks).size === 1 || variable === null) return masks[0];
  if (variable === 'OPENSSL_armcap') return `0x${(masks.map((m) => Number(BigInt(m))).reduce((a, b) => a & b) >>> 0).toString(16)}`;
  const words: bigint[] = [];
  for (const m of masks)
    m.split(':').forEach((w, i) => {
      words[i] = (words[i] ?? 0n) | BigInt(w.replace(/^~/, '') || '0');
    });
  return words.map((x) => `~0x${x.toString(16)}`).join(':');
}

/** A side's child, started on first use and again (up to CHILD_RESTARTS times) after it died. */
class SideChild {
  private child: Promise<RoundChild> | null = null;
  private starts = 0;
  constructor(
    private readonly start: () => Promise<RoundChild>,
    private readonly label: string,
  ) {}
  /** how many children this side started */
  get started(): number {
    return this.starts;
  }
  /** Starts the child now and waits until it is ready (both sides start together: start-up is the slow part on a slow VM). */
  async ready(): Promise<void> {
    await this.get().catch(() => {});
  }
  private get(): Promise<RoundChild> {
    if (!this.child) {
      this.starts++;
      this.child = this.start();
    }
    return this.child;
  }
  /** One command; a child that died is started again for the next command (not for this one). */
  async ask(cmd: object, timeoutMs: number): Promise<Record<string, unknown>> {
    let c: RoundChild;
    try {
      c = await this.get();
    } catch (e) {
      throw new Error(`the ${this.label} child ${(e as Error).message}`);
    }
    try {
      const r = await c.ask(cmd, timeoutMs);
      if (r.ok !== true) throw new Error(`the ${this.label} child failed: ${String(r.error ?? 'no reason given')}`);
      return r;
    } catch (e) {
      if (c.dead && this.starts <= CHILD_RESTARTS) this.child = null;
      throw e instanceof Error && e.message.startsWith(`the ${this.label}`) ? e : new Error(`the ${this.label} child ${(e as Error).message}`);
    }
  }
  async close(): Promise<void> {
    const c = await this.child?.catch(() => null);
    await c?.close();
  }
}

/** Calibrates node:crypto with an interleaved A/B against OpenSSL's software path. Never throws for a kernel's sake. */
export async function calibrateCrypto(ctx: ProbeContext, d: Detection, opts: CalibrateOptions = {}): Promise<Calibration> {
  const t0 = performance.now();
  const level = ctx.calibrate === 'full' ? 'full' : 'quick';
  const budget = CRYPTO_BUDGETS[level];
  const deadline = t0 + LEVELS[level].deadlineMs * budget.deadlineShare;
  // Commands in flight (a last round, the result checks) end by 90% of the probe's deadline, so the
  // runner never drops the whole probe for one slow child (measured here: 19.1 s of 20 at load 18).
  const hardDeadline = t0 + LEVELS[level].deadlineMs * 0.9;
  const left = () => Math.min(opts.childTimeoutMs ?? budget.commandTimeoutMs, Math.max(500, hardDeadline - performance.now()));
  const minRounds = { ...LEVELS[level], ...budget.rounds }.minRounds;
  const plan = (d.facts.abPlan as AbPlan | undefined) ?? { variable: null, masks: {}, none: { '*': 'no A/B plan from detection' } };
  const base = plan.env ?? {};
  const ciphers = new Set(getCiphers());
  const hashes = new Set(getHashes());
  const metrics: Record<string, Metric> = {};
  const findings: Finding[] = [];

  // Which kernels run, and on which sides.
  type Job = { row: CryptoKernelRow; mask?: string; why?: string };
  const jobs: Job[] = [];
  for (const row of opts.kernels ?? CRYPTO_KERNELS) {
    if (!(row.kind === 'hash' ? hashes : ciphers).has(row.algorithm)) {
      metrics[row.metric] = skipped(CRYPTO_METRIC_UNIT, `node:crypto lacks ${row.algorithm}`);
      continue;
    }
    if (!row.cap) {
      jobs.push({ row, why: 'no dedicated instruction (runs on the SIMD units); no software path to compare with' });
      continue;
    }
    const mask = plan.variable ? plan.masks[row.cap] : undefined;
    jobs.push(mask ? { row, mask } : { row, why: plan.none[row.cap] ?? plan.none['*'] ?? 'no mask for this capability' });
  }

  // One child per side: the software side runs under the union of the capabilities' masks (the
  // AES bits do not change SHA's code path and the reverse), so one child serves every kernel.
  const union = unionMask(plan.variable, jobs.flatMap((j) => (j.mask ? [j.mask] : [])));
  for (const j of jobs) if (j.mask) j.mask = union!;
  const sideChild = (which: Side, mask?: string) => {
    const label = which === 'accelerated' ? 'accelerated-path' : `software-path (${plan.variable}=${mask})`;
    const defArgv = workerArgv({ level, budget: budget.child });
    const defEnv = childEnv(base, mask && plan.variable ? { variable: plan.variable, value: mask } : undefined);
    const argv = opts.childArgv ? opts.childArgv(which, defArgv) : defArgv;
    const env = opts.childEnv ? opts.childEnv(which, defEnv) : defEnv;
    const startupMs = Math.max(1000, deadline - performance.now());
    return new SideChild(() => RoundChild.start({ argv, env, cwd: '/', signal: ctx.signal }, startupMs), label);
  };
  const accelerated = sideChild('accelerated');
  const software = new Map<string, SideChild>();
  for (const j of jobs) if (j.mask && !software.has(j.mask)) software.set(j.mask, sideChild('software', j.mask));
  const all = [accelerated, ...software.values()];

  let rounds: Record<string, GroupRounds> = {};
  const checks = new Map<string, { side: string; why: string }[]>();
  /** per kernel and side, the engine its child ran (worker.ts finish) */
  const engines: Record<string, string> = {};
  try {
    // The rounds' budget starts once both children are up, so a slow start-up does not eat it.
    if (jobs.length && !ctx.signal.aborted) await Promise.all(all.map((c) => c.ready()));
    const n = { ...LEVELS[level], ...budget.rounds }.roundSamples;
    const round = (c: SideChild, metric: string) => async () => {
      const r = await c.ask({ op: 'round', metric, n }, left());
      const rates = r.rates;
      if (!Array.isArray(rates) || !rates.length || !rates.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0))
        throw new Error(`the child gave no valid rates for ${metric}`);
      return rates as number[];
    };
    const groups: RoundGroup[] = jobs.map((j) => ({
      id: j.row.metric,
      sides: [
        { id: 'accelerated', round: round(accelerated, j.row.metric) },
        ...(j.mask ? [{ id: 'software', round: round(software.get(j.mask)!, j.row.metric) }] : []),
      ],
      pairs: j.mask ? [{ fast: 'accelerated', slow: 'software', threshold: SPEEDUP_THRESHOLD }] : [],
    }));
    const total = jobs.length;
    let finished = 0;
    rounds = await interleaveRounds(groups, {
      level,
      budget: budget.rounds,
      signal: ctx.signal,
      deadline,
      onRound: (g, r) => {
        if (r === minRounds) finished++;
        ctx.progress({ type: 'calibration', probe: 'crypto', kernel: g, fraction: Math.min(1, finished / Math.max(1, total)) });
      },
    });

    // Each side's own result check and the cross digest: both paths must compute the same bytes.
    // Each child answers one command at a time, so each side's checks run in order, the sides at once.
    const own = new Map(jobs.map((j) => [j.row.metric, crossDigest(j.row)]));
    for (const j of jobs) checks.set(j.row.metric, []);
    const checkSide = async (name: Side, childOf: (j: Job) => SideChild | undefined) => {
      for (const j of jobs) {
        const c = childOf(j);
        if (!c || !rounds[j.row.metric]?.rounds[name]?.some((r) => r.length)) continue;
        try {
          const r = await c.ask({ op: 'finish', metric: j.row.metric }, left());
          if (typeof r.engine === 'string') engines[`${j.row.metric} ${name}`] = r.engine;
          const list = checks.get(j.row.metric)!;
          if (typeof r.check === 'string') list.push({ side: name, why: r.check });
          else if (typeof r.digest === 'string' && r.digest !== own.get(j.row.metric))
            list.push({ side: name, why: `the ${name} path gives different output than this process for the same input (${r.digest.slice(0, 12)}… vs ${own.get(j.row.metric)!.slice(0, 12)}…)` });
        } catch {
          /* not checked: the child is gone after measuring; its samples stand, the check is missing */
        }
      }
    };
    await Promise.all([checkSide('accelerated', () => accelerated), checkSide('software', (j) => (j.mask ? software.get(j.mask) : undefined))]);
  } finally {
    await Promise.all(all.map((c) => c.close()));
  }

  // Metrics per kernel.
  type Judged = { row: CryptoKernelRow; metric: Metric; estimate?: { speedup: number; speedupInterval: [number, number]; rounds: number }; why?: string };
  const byCap = new Map<CryptoCapId, Judged[]>();
  const method = (mask: string) => `${plan.variable}=${mask} in a child process (OpenSSL's software path), interleaved rounds`;
  for (const j of jobs) {
    const capId = j.row.cap ? `crypto.${j.row.cap}` : undefined;
    const g = rounds[j.row.metric];
    const wrong = [...(checks.get(j.row.metric) ?? [])].sort((a, b) => byCodeUnit(a.side, b.side)); // accelerated first, whichever side answered first
    let judged: Judged;
    if (wrong.length) {
      for (const w of wrong) findings.push(wrongResultFinding(j.row.metric, `${w.side} path: ${w.why}`, capId));
      judged = { row: j.row, metric: { status: 'wrong', unit: CRYPTO_METRIC_UNIT, reason: wrong.map((w) => `${w.side} path: ${w.why}`).join('; ') } };
    } else if (!g || g.failed.accelerated || !g.rounds.accelerated.some((r) => r.length)) {
      const why = g?.failed.accelerated ?? (ctx.signal.aborted ? 'interrupted before it was measured' : 'not measured before the deadline');
      judged = { row: j.row, metric: skipped(CRYPTO_METRIC_UNIT, why), why };
    } else if (!j.mask) {
      judged = { row: j.row, metric: { ...roundsMetric(g.rounds.accelerated, CRYPTO_METRIC_UNIT)!, notes: j.why! }, why: j.why };
    } else if (g.failed.software || !g.rounds.software.some((r) => r.length)) {
      const why = g.failed.software ?? 'the software path was not measured before the deadline';
      judged = { row: j.row, metric: skipped(CRYPTO_METRIC_UNIT, why), why };
    } else {
      const ab = abMetric(g.rounds.accelerated, g.rounds.software, { unit: CRYPTO_METRIC_UNIT, threshold: SPEEDUP_THRESHOLD, method: method(j.mask), minRounds })!;
      judged = { row: j.row, metric: ab.metric, ...(ab.metric.status === 'ok' ? { estimate: ab.estimate } : { why: ab.metric.reason }) };
      if (ab.metric.status === 'wrong') findings.push(wrongResultFinding(j.row.metric, ab.metric.reason, capId));
    }
    metrics[j.row.metric] = judged.metric;
    if (j.row.cap) byCap.set(j.row.cap, [...(byCap.get(j.row.cap) ?? []), judged]);
  }

  // Verdicts per capability, on all its kernels together.
  const contention = contentionOf(ctx);
  const capabilities: NonNullable<Calibration['capabilities']> = {};
  for (const [c, results] of byCap) {
    const id = `crypto.${c}`;
    const evidence = results.map((r) =>
      r.estimate && r.metric.status === 'ok'
        ? `${r.row.metric}: ${r.metric.value} GB/s vs ${r.metric.baseline!.value} GB/s software path (×${r.metric.speedup}, interval ×${r.metric.speedupInterval![0]}–×${r.metric.speedupInterval![1]}, ${r.estimate.rounds} rounds)`
        : `${r.row.metric}: ${r.metric.status === 'ok' ? 'no software path' : `${r.metric.status}: ${r.metric.reason}`}`,
    );
    const judged = results.filter((r) => r.estimate);
    if (!judged.length) {
      const why = results.map((r) => r.why).find(Boolean);
      capabilities[id] = { effective: null, evidence, notes: why ?? 'not measured' };
      continue;
    }
    const comb = combineKernels(
      judged.map((r) => r.estimate!),
      SPEEDUP_THRESHOLD,
      minRounds,
    );
    const kernels = judged.map((r) => r.row.metric).join(', ');
    evidence.push(`${id}: combined speedup ×${comb.speedup} (interval ×${comb.speedupInterval[0]}–×${comb.speedupInterval[1]}, geometric mean over ${kernels}; threshold ×${SPEEDUP_THRESHOLD})`);
    const det = d.capabilities[id];
    if (comb.verdict.effective === null) {
      const why = comb.verdict.why + contentionNote(contention);
      capabilities[id] = { effective: null, evidence, notes: `inconclusive: ${why}` };
      findings.push(inconclusiveFinding(id, why, contention.level));
      continue;
    }
    capabilities[id] = { effective: comb.verdict.effective, evidence, notes: `effective when the interval of the speedup over the software path is wholly ≥ ${SPEEDUP_THRESHOLD}×` };
    if (!comb.verdict.effective && det?.advertised === true && det.usable === true)
      findings.push(
        finding(
          'CRYPTO_INEFFECTIVE',
          { capability: id, metric: kernels, speedup: comb.speedup, threshold: SPEEDUP_THRESHOLD, contention: contention.level },
          { capability: id, evidence },
        ),
      );
  }
  return {
    metrics,
    capabilities,
    findings,
    facts: {
      calibration: {
        level,
        children: all.reduce((a, c) => a + c.started, 0),
        engines,
        rounds: Object.fromEntries(Object.entries(rounds).map(([k, g]) => [k, Math.max(0, ...Object.values(g.rounds).map((r) => r.filter((x) => x.length).length))])),
        durationMs: Math.round(performance.now() - t0),
      },
    },
  };
}
