/**
 * numpy float64 matmul in the first interpreter where numpy imports: once with the environment as it
 * is and, when SIMD masks are set, once with them removed, so the speedup shows what the masks cost.
 * Timing happens inside the interpreter (process start and import are not measured).
 */
import type { Calibration, Detection, Metric, ProbeContext } from '../../src/types.js';
import { LEVELS, sig, skipped, stats, wrongResultFinding } from '../../src/calibration.js';
import { runBounded } from '../../src/host/node-host.js';
import type { InterpreterReport } from './interpreters.js';
import { PY_ENV } from './interpreters.js';
import { records } from './parse.js';
import { PY_MATMUL } from './script.js';
import { finding } from './findings.js';
import { label } from './derive.js';

/** The variables that change which SIMD code numpy and its BLAS run. */
export const SIMD_MASKS = ['OPENBLAS_CORETYPE', 'MKL_ENABLE_INSTRUCTIONS', 'MKL_CBWR', 'NPY_DISABLE_CPU_FEATURES'] as const;

/** Matrix size: large enough to be BLAS-bound, small enough for a quick level on 2 cores. */
const N = 384;
/** The unit of the numpy matmul metrics. */
export const UNIT = 'GFLOP/s';
/** A speedup from removing the masks at or above this is reported as a finding. */
export const MASK_COST_THRESHOLD = 1.15;
export const AS_IS = 'frameworks.numpy.matmul-f64';
/** Alternating runs per environment; the level's budget is split between them. */
const ROUNDS = 2;
export const UNMASKED = 'frameworks.numpy.matmul-f64-unmasked';

type Level = Exclude<ProbeContext['calibrate'], 'off'>;

/** One run of the matmul script: its samples (GFLOP/s), or why it gave none. */
async function runMatmul(path: string, env: NodeJS.ProcessEnv, level: Level, signal: AbortSignal): Promise<number[] | Metric> {
  const b = LEVELS[level];
  const budget = Math.round(b.budgetMs / ROUNDS);
  const args = ['-c', PY_MATMUL, String(N), String(b.warmupMs), String(budget), String(Math.ceil(b.minSamples / ROUNDS)), String(Math.ceil(b.maxSamples / ROUNDS)), String(b.sampleMs)];
  const r = await runBounded(path, args, env, { timeoutMs: 15_000 + budget, maxBytes: 1 << 20, env: { ...PY_ENV }, signal });
  const rec = records(r.stdout).find((x) => x.section === 'matmul');
  if (!rec) {
    const why = r.status === 'ok' ? 'no result on stdout' : r.status === 'failed' ? `exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').pop() ?? ''}` : r.status;
    return skipped(UNIT, `${path} -c <matmul>: ${why}`);
  }
  if (typeof rec.check === 'string') return { status: 'wrong', unit: UNIT, reason: rec.check };
  const samples = Array.isArray(rec.samples) ? rec.samples.filter((x): x is number => typeof x === 'number' && x > 0) : [];
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
      ctx.progress({ type: 'calibration', probe: 'frameworks', kernel: k ? UNMASKED : AS_IS, fraction: (round * envs.length + k) / (ROUNDS * envs.length) });
      const r = await runMatmul(path, envs[k], level, ctx.signal);
      if (Array.isArray(r)) pooled[k].push(...r);
      else failed[k] = r;
    }
  }
  return envs.map((_, k) => failed[k] ?? (pooled[k].length ? metricOf(pooled[k]) : skipped(UNIT, 'interrupted before it finished')));
}

/** The frameworks probe's calibration. */
export async function calibrateFrameworks(ctx: ProbeContext, d: Detection): Promise<Calibration> {
  if (ctx.calibrate === 'off') return { metrics: {} };
  const level = ctx.calibrate;
  const interps = Array.isArray(d.facts.python) ? (d.facts.python as InterpreterReport[]) : [];
  const it = interps.find((i) => i.packages?.numpy?.status === 'ok');
  if (!it) return { metrics: { [AS_IS]: skipped(UNIT, 'no inspected Python interpreter imports numpy') } };

  const where = `numpy ${it.packages.numpy.version} in ${label(it)}, ${N}x${N} float64`;
  const set = SIMD_MASKS.filter((m) => process.env[m] !== undefined);
  const unmaskedEnv = { ...process.env };
  for (const m of set) delete unmaskedEnv[m];
  const [asIs, un] = await measureEnvs(it.path, set.length ? [process.env, unmaskedEnv] : [process.env], ctx, level);
  const metrics: Record<string, Metric> = { [AS_IS]: asIs.status === 'ok' ? { ...asIs, notes: where } : asIs };
  const findings = asIs.status === 'wrong' ? [wrongResultFinding(AS_IS, asIs.reason)] : [];

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
  ctx.progress({ type: 'calibration', probe: 'frameworks', kernel: AS_IS, fraction: 1 });
  return { metrics, findings };
}
