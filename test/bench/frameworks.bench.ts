/**
 * Frameworks probe benchmark: what it adds to `hwprobe --json --calibrate off` (every probe vs every
 * probe but frameworks, interleaved, fresh process per run), the probe's own duration, and the numpy
 * matmul calibration with and without the SIMD masks. RUNS=N overrides the number of runs (default 7).
 * Run with `npm run bench` (builds dist/ first).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { PROBE_IDS } from '../../probes/index.js';
import { stats } from '../../src/calibration.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/src/cli.js');
const runs = Math.max(3, Number(process.env.RUNS ?? 7));

function run(args: string[]): { ms: number; report: { probes: Record<string, { durationMs: number }>; metrics: Record<string, Record<string, unknown>> } } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, '--json', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`hwprobe ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, report: JSON.parse(r.stdout) };
}

const median = (xs: number[]) => stats(xs).median;

const others = PROBE_IDS.filter((id) => id !== 'frameworks').join(',');
const cases: [string, string[]][] = [
  ['all probes', ['--calibrate', 'off']],
  ['all probes but frameworks', ['--calibrate', 'off', '--probes', others]],
];
const wall = new Map<string, number[]>(cases.map(([n]) => [n, []]));
const own: number[] = [];
run(cases[0][1]); // warm the file cache once
for (let i = 0; i < runs; i++) {
  for (const [name, args] of cases) {
    const r = run(args);
    wall.get(name)!.push(r.ms);
    if (r.report.probes.frameworks) own.push(r.report.probes.frameworks.durationMs);
  }
}
console.log(`frameworks benchmark: ${runs} runs each, fresh process per run, ${process.platform}-${process.arch}, node ${process.versions.node}`);
for (const [name, xs] of wall) console.log(`${name.padEnd(28)} median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`);
console.log(`frameworks adds ${(median(wall.get('all probes')!) - median(wall.get('all probes but frameworks')!)).toFixed(1)} ms to the detection-only median; its own durationMs median ${median(own).toFixed(1)} ms (it starts after the ml probe)`);

const cal = run(['--calibrate', 'quick', '--probes', 'cpu,environment,frameworks']).report.metrics;
for (const [id, m] of Object.entries(cal)) {
  if (!id.startsWith('frameworks.')) continue;
  console.log(`${id}: ${m.status === 'ok' ? `${m.value} ${m.unit} (cv ${m.cv}, ${m.samples} samples)${m.speedup !== undefined ? `, speedup ${m.speedup}× over ${JSON.stringify(m.baseline)}` : ''}` : `${m.status}: ${m.reason}`}`);
}
