/**
 * numpy float64 matmul in the first interpreter where numpy imports:
 * - with the stack's default thread count and with 1 thread, in interleaved rounds inside one
 *   process (threadpoolctl, or the loaded OpenBLAS/MKL's own thread setter), so an oversubscribed
 *   BLAS (default threads slower than one on a busy or quota-limited machine) is caught with figures;
 * - when SIMD masks are set, as is and with them removed, so the speedup shows what the masks cost.
 * Timing happens inside the interpreter (process start and import are not measured).
 */
import { randomBytes } from 'node:crypto';
import type { Calibration, Detection, Finding, MeasuredMetric, Metric, ProbeContext } from '../../src/types.js';
import { LEVELS, abEstimate, plausible, roundsMetric, sig, skipped, stats, wrongResultFinding } from '../../src/calibration.js';
import { runBounded } from '../../src/host/node-host.js';
import type { InterpreterReport } from './interpreters.js';
import { PY_ENV } from './interpreters.js';
import { records, type BlasInfo } from './parse.js';
import { PY_MATMUL } from './script.js';
import { finding, MATMUL_METRICS } from './findings.js';
import { label } from './derive.js';

/** The variables that change which SIMD code numpy and its BLAS run. */
export const SIMD_MASKS = ['OPENBLAS_CORETYPE', 'MKL_ENABLE_INSTRUCTIONS', 'MKL_CBWR', 'NPY_DISABLE_CPU_FEATURES', 'NPY_ENABLE_CPU_FEATURES'] as const;

/** Matrix size: large enough to be BLAS-bound, small enough for a quick level on 2 cores. */
const N = 384;
/** The unit of the numpy matmul metrics. */
export const UNIT = 'GFLOP/s';
/** A speedup from removing the masks at or above this is reported as a finding. */
export const MASK_COST_THRESHOLD = 1.15;
export const AS_IS = MATMUL_METRICS.asIs;
export const UNMASKED = MATMUL_METRICS.unmasked;
export const ONE_THREAD = MATMUL_METRICS.oneThread;
/**
 * 1 thread over the default: oversubscription is reported when the whole interval of this paired
 * ratio lies above 1 (the default conclusively slower than one thread).
 */
export const OVERSUBSCRIBED_ABOVE = 1;
/** Alternating runs per environment for the masks comparison; the level's budget is split between them. */
const ROUNDS = 2;

type Level = Exclude<ProbeContext['calibrate'], 'off'>;

/** What one matmul run printed (its record), or a skipped/wrong metric saying why there is none. */
async function runMatmul(path: string, env: NodeJS.ProcessEnv, args: string[], budgetMs: number, signal: AbortSignal): Promise<Record<string, unknown> | Metric> {
  const nonce = randomBytes(12).toString('hex');
  const r = await runBounded(path, ['-c', PY_MATMUL, nonce, ...args], env, { timeoutMs: 15_000 + budgetMs, maxBytes: 1 << 20, env: { ...PY_ENV }, signal });
  const rec = records(r.stdout, nonce).find((x) => x.section === 'matmul');
  if (!rec) {
    const why = r.status === 'ok' ? 'no result on stdout' : r.status === 'failed' ? `exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').pop() ?? ''}` : r.status;
    return skipped(UNIT, `${path} -c <matmul>: ${why}`);
  }
  if (typeof rec.check === 'string') return { status: 'wrong', unit: UNIT, reason: rec.check };
  return rec;
}

const isMetric = (x: Record<string, unknown> | Metric): x is Metric => typeof (x as Metric).status === 'string';
const rates = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && x > 0) : []);

/** One plain run's samples (GFLOP/s), or why it gave none. */
async function plainRun(path: string, env: NodeJS.ProcessEnv, level: Level, signal: AbortSignal): Promise<number[] | Metric> {
  const b = LEVELS[level];
  const budget = Math.round(b.budgetMs / ROUNDS);
  const args = [String(N), String(b.warmupMs), String(budget), String(Math.ceil(b.minSamples / ROUNDS)), String(Math.ceil(b.maxSamples / ROUNDS)), String(b.sampleMs), 'plain'];
  const rec = await runMatmul(path, env, args, budget, signal);
  if (isMetric(rec)) return rec;
  const samples = rates(rec.samples);
  return samples.length ? samples : skipped(UNIT, 'the kernel reported no samples');
}

/** The metric from pooled samples. */
function metricOf(samples: number[]): Metric {
  const st = stats(samples);
  return { status: 'ok', value: sig(st.median), unit: UNIT, samples: st.n, cv: sig(st.cv), min: sig(st.min), max: sig(st.max) };
}

/**
 * Measures each environment in ROUNDS alternating runs (as is, unmasked, as is, …) and pools the
 * samples, so that drift in machine load hits both alike.
 */
async function measureEnvs(path: string, envs: NodeJS.ProcessEnv[], ctx: ProbeContext, level: Level): Promise<Metric[]> {
  const pooled: number[][] = envs.map(() => []);
  const failed: Array<Metric | undefined> = envs.map(() => undefined);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < envs.length; k++) {
      if (failed[k] || ctx.signal.aborted) continue;
      ctx.progress({ type: 'calibration', probe: 'frameworks', kernel: k ? UNMASKED : AS_IS, fraction: 0.5 + (round * envs.length + k) / (2 * ROUNDS * envs.length) });
      const r = await plainRun(path, envs[k], level, ctx.signal);
      if (Array.isArray(r)) pooled[k].push(...r);
      else failed[k] = r;
    }
  }
  return envs.map((_, k) => failed[k] ?? (pooled[k].length ? metricOf(pooled[k]) : skipped(UNIT, 'interrupted before it finished')));
}

/** What the threads comparison produced: the default side's metric, the 1-thread metric, and the finding. */
interface ThreadsResult {
  asIs?: Metric;
  oneThread: Metric;
  findings: Finding[];
}

/** The variables a child interpreter gets to run its BLAS on 1 thread, when it cannot be set in-process. */
const ONE_THREAD_ENV = { OPENBLAS_NUM_THREADS: '1', GOTO_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', BLIS_NUM_THREADS: '1', VECLIB_MAXIMUM_THREADS: '1' };

/**
 * Default threads against 1 thread in child interpreters, one child per side and round, the order
 * alternating: for stacks whose thread count cannot be set in-process. Costlier (a Python start and a
 * numpy import per child), so at the quick level it is often inconclusive, and says so.
 */
async function childRounds(it: InterpreterReport, ctx: ProbeContext, level: Level): Promise<{ def: number[][]; one: number[][] } | Metric> {
  const b = LEVELS[level];
  const budget = b.abBudgetMs / 2;
  const args = [String(N), String(b.warmupMs), '0', String(b.roundSamples), String(b.roundSamples), String(b.sampleMs), 'plain'];
  const envs = { def: process.env, one: { ...process.env, ...ONE_THREAD_ENV } };
  const out = { def: [] as number[][], one: [] as number[][] };
  const t0 = performance.now();
  for (let r = 0; r < b.maxRounds && !ctx.signal.aborted; r++) {
    for (const side of r % 2 ? (['one', 'def'] as const) : (['def', 'one'] as const)) {
      const rec = await runMatmul(it.path, envs[side], args, 0, ctx.signal);
      if (isMetric(rec)) return rec;
      out[side].push(rates(rec.samples));
    }
    ctx.progress({ type: 'calibration', probe: 'frameworks', kernel: ONE_THREAD, fraction: Math.min(0.5, (performance.now() - t0) / budget / 2) });
    if (r + 1 >= b.minRounds && (abEstimate(out.one, out.def, OVERSUBSCRIBED_ABOVE, b.minRounds).verdict.effective !== null || performance.now() - t0 >= budget)) break;
  }
  return out;
}

/**
 * Default threads against 1 thread: interleaved rounds (the order alternating), each side's best
 * sample per round, the paired per-round ratio and its order-statistic interval (the harness's
 * abEstimate), more rounds while the verdict is inconclusive, within the level's A/B budget. In one
 * process where the thread count can be set there (threadpoolctl, OpenBLAS, MKL), else in child
 * interpreters with ONE_THREAD_ENV (also when `inProcess` is false, for tests).
 */
async function measureThreads(it: InterpreterReport, ctx: ProbeContext, level: Level, where: string, inProcess: boolean): Promise<ThreadsResult> {
  const blas = it.packages.numpy.blas as BlasInfo | null | undefined;
  if (blas?.library === 'reference') return { oneThread: skipped(UNIT, `numpy in ${label(it)} uses the reference BLAS, which runs 1 thread`), findings: [] };
  if (blas?.threads === 1) return { oneThread: skipped(UNIT, `${blas.library ?? 'the BLAS'} in numpy (${label(it)}) already runs 1 thread`), findings: [] };
  const b = LEVELS[level];
  const budget = Math.round(b.abBudgetMs / 2);
  ctx.progress({ type: 'calibration', probe: 'frameworks', kernel: ONE_THREAD, fraction: 0 });
  let threads: number | null = blas?.threads ?? null;
  let lib = blas?.library ?? 'BLAS';
  let how: string;
  let def: number[][];
  let one: number[][];
  const rec = inProcess
    ? await runMatmul(it.path, process.env, [String(N), String(b.warmupMs), String(budget), String(b.minRounds), String(b.maxRounds), String(b.sampleMs), 'threads', String(b.minRounds), String(b.roundSamples)], budget, ctx.signal)
    : { limiter: null };
  if (isMetric(rec)) return { oneThread: rec, findings: rec.status === 'wrong' ? [wrongResultFinding(ONE_THREAD, rec.reason)] : [] };
  if (rec.limiter === null) {
    const c = await childRounds(it, ctx, level);
    if (isMetric(c)) return { oneThread: c, findings: c.status === 'wrong' ? [wrongResultFinding(ONE_THREAD, c.reason)] : [] };
    ({ def, one } = c);
    how = `${Object.keys(ONE_THREAD_ENV).join('/')}=1 in a child interpreter (no in-process thread control)`;
  } else {
    threads = typeof rec.defaultThreads === 'number' ? rec.defaultThreads : null;
    lib = String(rec.library ?? lib);
    if (threads === null || threads <= 1) return { oneThread: skipped(UNIT, `${lib} in numpy (${label(it)}) runs ${threads ?? 'an unknown number of'} thread${threads === 1 ? '' : 's'} by default: nothing to compare`), findings: [] };
    const rounds = Array.isArray(rec.rounds) ? (rec.rounds as Array<Record<string, unknown>>) : [];
    def = rounds.map((r) => rates(r.default));
    one = rounds.map((r) => rates(r.single));
    how = `${String(rec.limiter)}, same process`;
  }
  const dm = roundsMetric(def, UNIT);
  const om = roundsMetric(one, UNIT);
  if (!dm || !om) return { oneThread: skipped(UNIT, 'no round measured both sides'), findings: [] };
  const e = abEstimate(one, def, OVERSUBSCRIBED_ABOVE, b.minRounds);
  const dflt = threads === null ? 'its default thread count' : `default ${threads} threads`;
  const said = `${where}; ${lib} ${dflt} vs 1 (${how}), ${e.rounds} interleaved rounds`;
  const asIs = plausible({ ...dm, notes: said }, 'rate');
  // The speedup here is 1 thread over the default: far below 1 on a large idle machine, which is no
  // fault, so plausible() sees the value without it (its "software path faster" rule is for twins).
  const checked = plausible({ ...om }, 'rate');
  if (checked.status !== 'ok') return { asIs, oneThread: checked, findings: [] };
  const oneThread: MeasuredMetric = {
    ...om,
    baseline: { value: dm.value, method: `the stack's ${dflt}, interleaved rounds (${how})` },
    speedup: sig(e.speedup),
    speedupInterval: [sig(e.speedupInterval[0]), sig(e.speedupInterval[1])],
    threshold: OVERSUBSCRIBED_ABOVE,
    notes: e.verdict.effective === null ? `inconclusive: ${e.verdict.why}` : said,
  };
  const findings: Finding[] = [];
  // The default is conclusively slower than 1 thread when the whole interval of (1 thread / default) is above 1.
  if (e.verdict.effective === true) {
    const inv = (x: number) => sig(1 / x);
    findings.push(
      finding(
        'THREADS_OVERSUBSCRIBED',
        { metric: AS_IS, library: lib, threads, defaultValue: dm.value, oneThread: om.value, ratio: inv(e.speedup), low: inv(e.speedupInterval[1]), high: inv(e.speedupInterval[0]), rounds: e.rounds, interpreter: label(it) },
        { evidence: [`${AS_IS} ${dm.value} ${UNIT} (${dflt})`, `${ONE_THREAD} ${om.value} ${UNIT}`, `1 thread / default per round: ${e.ratios.map((x) => sig(x)).join(' ')}`] },
      ),
    );
  }
  return { asIs, oneThread, findings };
}

/** The frameworks probe's calibration. `inProcess: false` forces the child-interpreter thread comparison (tests). */
export async function calibrateFrameworks(ctx: ProbeContext, d: Detection, opts: { inProcess?: boolean } = {}): Promise<Calibration> {
  if (ctx.calibrate === 'off') return { metrics: {} };
  const level = ctx.calibrate;
  const interps = Array.isArray(d.facts.python) ? (d.facts.python as InterpreterReport[]) : [];
  const it = interps.find((i) => i.packages?.numpy?.status === 'ok');
  if (!it) return { metrics: { [AS_IS]: skipped(UNIT, 'no inspected Python interpreter imports numpy') } };

  const where = `numpy ${it.packages.numpy.version} in ${label(it)}, ${N}x${N} float64`;
  const metrics: Record<string, Metric> = {};
  const findings: Finding[] = [];

  const th = await measureThreads(it, ctx, level, where, opts.inProcess ?? true);
  metrics[ONE_THREAD] = th.oneThread;
  findings.push(...th.findings);

  const set = SIMD_MASKS.filter((m) => process.env[m] !== undefined);
  if (!set.length && th.asIs) metrics[AS_IS] = th.asIs;
  else {
    const unmaskedEnv = { ...process.env };
    for (const m of set) delete unmaskedEnv[m];
    const [asIs, un] = await measureEnvs(it.path, set.length ? [process.env, unmaskedEnv] : [process.env], ctx, level);
    metrics[AS_IS] = asIs.status === 'ok' ? { ...asIs, notes: where } : asIs;
    if (asIs.status === 'wrong') findings.push(wrongResultFinding(AS_IS, asIs.reason));
    if (un) {
      const masks = set.map((m) => `${m}=${process.env[m]}`).join(' ');
      if (un.status === 'ok' && asIs.status === 'ok') {
        const speedup = sig(un.value / asIs.value);
        metrics[UNMASKED] = { ...un, baseline: { value: asIs.value, method: `the environment as is (${masks})` }, speedup, threshold: MASK_COST_THRESHOLD, notes: `${where}, without ${set.join(', ')}` };
        if (speedup >= MASK_COST_THRESHOLD)
          findings.push(finding('FRAMEWORK_MASK_COST', { speedup, masks, unmasked: un.value, asIs: asIs.value }, { evidence: [`${AS_IS} ${asIs.value} ${UNIT}`, `${UNMASKED} ${un.value} ${UNIT}`] }));
      } else {
        metrics[UNMASKED] = un.status === 'ok' ? skipped(UNIT, 'the as-is run did not measure, so there is nothing to compare with') : un;
        if (un.status === 'wrong') findings.push(wrongResultFinding(UNMASKED, un.reason));
      }
    }
  }
  ctx.progress({ type: 'calibration', probe: 'frameworks', kernel: AS_IS, fraction: 1 });
  return { metrics, findings };
}
