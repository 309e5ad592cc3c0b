/**
 * GPU benchmark: (1) what the gpu and accelerators probes add to a detection-only run
 * (`hwprobe --json --calibrate off` with and without them, fresh processes, interleaved);
 * (2) the OpenCL calibration figures, with the FMA rate against the CPU's single-precision
 * figures from the cpu probe's kernels and against the CPU's theoretical FMA peak.
 * Run with `npm run bench` (builds dist/ first). RUNS=N overrides the number of runs (default 7).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { stats } from '../../src/calibration.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/src/cli.js');
const runs = Math.max(5, Number(process.env.RUNS ?? 7));
if (!existsSync(cli)) {
  console.log('gpu.bench: dist/ is not built (npm run bench builds it)');
  process.exit(0);
}

function run(args: string[]): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`hwprobe ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const all = JSON.parse(run(['--json', '--calibrate', 'off']).out) as { options: { probes: string[] } };
const others = all.options.probes.filter((p) => p !== 'gpu' && p !== 'accelerators');
const withGpu: number[] = [];
const without: number[] = [];
const gpuAlone: number[] = [];
for (let i = 0; i < runs; i++) {
  withGpu.push(run(['--json', '--calibrate', 'off']).ms);
  without.push(run(['--json', '--calibrate', 'off', '--probes', others.join(',')]).ms);
  const r = JSON.parse(run(['--json', '--calibrate', 'off', '--probes', 'gpu,accelerators']).out) as { probes: Record<string, { durationMs: number }> };
  gpuAlone.push(r.probes.gpu.durationMs);
}
const med = (xs: number[]) => stats(xs).median.toFixed(1);
console.log(`detection only, ${runs} runs each (median wall ms):`);
console.log(`  all probes                     ${med(withGpu)} ms`);
console.log(`  without gpu, accelerators      ${med(without)} ms   → gpu+accelerators add ${(stats(withGpu).median - stats(without).median).toFixed(1)} ms`);
console.log(`  gpu probe durationMs (alone)   ${med(gpuAlone)} ms`);

const cal = JSON.parse(run(['--json', '--calibrate', 'quick', '--probes', 'cpu,gpu']).out) as { metrics: Record<string, { status: string; value?: number; unit: string; cv?: number; reason?: string }> };
console.log('\ncalibration (quick):');
for (const [id, m] of Object.entries(cal.metrics).filter(([id]) => id.startsWith('gpu.'))) {
  console.log(`  ${id.padEnd(28)} ${m.status === 'ok' ? `${m.value} ${m.unit} (cv ${m.cv})` : `${m.status}: ${m.reason}`}`);
}
const fma = Object.entries(cal.metrics).find(([id, m]) => /^gpu\.opencl\..*\.fma-f32$/.test(id) && m.status === 'ok');
const cpuF32 = Object.entries(cal.metrics).filter(([id, m]) => id.startsWith('cpu.') && m.unit === 'GFLOP/s' && m.status === 'ok');
if (fma) {
  for (const [id, m] of cpuF32) console.log(`  OpenCL FMA / ${id} (${m.value} GFLOP/s) = ${(fma[1].value! / m.value!).toFixed(2)}×`);
  const c = cpus();
  const mhz = Math.max(...c.map((x) => x.speed)) || 0;
  // AVX2/AVX-512 FMA: 2 FMA pipes × 8 f32 lanes (256-bit datapath) × 2 FLOPs per cycle per core.
  const peak = (c.length * mhz * 1e6 * 32) / 1e9;
  if (peak) console.log(`  OpenCL FMA / theoretical ${c.length} CPUs × ${mhz} MHz × 32 FLOP/cycle (${peak.toFixed(0)} GFLOP/s) = ${((100 * fma[1].value!) / peak).toFixed(0)}%`);
}
