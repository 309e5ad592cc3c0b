/**
 * ML calibration benchmark: wall time of the ML probe's quick and full calibration, the CV of
 * every ML metric over 5 quick runs, and the tfjs wasm-simd / wasm speedup.
 * Run with `npm run bench` (builds dist/ first, so the workers run as compiled JavaScript);
 * RUNS=N overrides the number of quick runs (default 5), FULL=0 skips the full run.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Calibration, MeasuredMetric } from '../../src/types.js';
import type * as Cal from '../../probes/ml/calibrate.js';
import type * as Det from '../../probes/ml/detect.js';
import { NodeHost } from '../../src/host/node-host.js';
import { stats } from '../../src/calibration.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runs = Math.max(1, Number(process.env.RUNS ?? 5));

// The built modules when present (workers then start without tsx), the sources otherwise.
const built = existsSync(join(root, 'dist/probes/ml/calibrate.js'));
const from = (rel: string) => pathToFileURL(join(root, built ? `dist/probes/ml/${rel}.js` : `probes/ml/${rel}.ts`)).href;
const { calibrateMl } = (await import(from('calibrate'))) as typeof Cal;
const { detectMl } = (await import(from('detect'))) as typeof Det;

const detection = await detectMl(new NodeHost());

async function once(level: 'quick' | 'full'): Promise<{ ms: number; cal: Calibration }> {
  const t0 = performance.now();
  const cal = await calibrateMl({ signal: new AbortController().signal, calibrate: level, peers: {}, progress() {} }, detection);
  return { ms: performance.now() - t0, cal };
}

const median = (xs: number[]) => stats(xs).median;
function cv(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) / m;
}
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const quick: { ms: number; cal: Calibration }[] = [];
for (let i = 0; i < runs; i++) quick.push(await once('quick'));
const full = process.env.FULL === '0' ? undefined : await once('full');

console.log(`ML calibration benchmark: ${runs} quick runs${full ? ' + 1 full' : ''}, workers from ${built ? 'dist/ (compiled)' : 'sources (tsx)'}, ${process.platform}-${process.arch}, node ${process.versions.node}`);
const qms = quick.map((q) => q.ms);
console.log(`quick calibration wall: median ${median(qms).toFixed(0)} ms, min ${Math.min(...qms).toFixed(0)}, max ${Math.max(...qms).toFixed(0)} (target ≤ ~1500 ms)`);
if (full) console.log(`full calibration wall: ${full.ms.toFixed(0)} ms (target ≤ 10000 ms)`);

console.log('metric'.padEnd(28), 'median'.padStart(9), 'unit'.padStart(8), 'CV over runs'.padStart(13), 'within-run CV'.padStart(14), 'samples'.padStart(8));
const ids = Object.keys(quick[0].cal.metrics).sort();
for (const id of ids) {
  const ms = quick.map((q) => q.cal.metrics[id]).filter((m): m is MeasuredMetric => m.status === 'ok');
  if (ms.length === 0) {
    const m = quick[0].cal.metrics[id];
    console.log(id.padEnd(28), `${m.status}: ${'reason' in m ? m.reason : ''}`.slice(0, 100));
    continue;
  }
  const v = ms.map((m) => m.value);
  console.log(
    id.padEnd(28),
    median(v).toFixed(2).padStart(9),
    ms[0].unit.padStart(8),
    pct(cv(v)).padStart(13),
    `med ${pct(median(ms.map((m) => m.cv)))}`.padStart(14),
    String(median(ms.map((m) => m.samples))).padStart(8),
  );
}

for (const k of ['matmul', 'conv2d']) {
  const sp = quick.map((q) => q.cal.metrics[`ml.tfjs.${k}.wasm-simd`]).map((m) => (m.status === 'ok' ? m.speedup : undefined)).filter((x): x is number => x !== undefined);
  if (sp.length) console.log(`tfjs wasm-simd / wasm, ${k}: median ${median(sp).toFixed(2)}×, min ${Math.min(...sp).toFixed(2)}×, max ${Math.max(...sp).toFixed(2)}× (target ≥ 1.5×)`);
}
const eff = quick.map((q) => q.cal.capabilities?.['ml.tfjs.wasm-simd']?.effective);
console.log(`ml.tfjs.wasm-simd effective in ${eff.filter((e) => e === true).length} of ${runs} quick runs`);
