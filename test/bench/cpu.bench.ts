/**
 * CPU calibration benchmark: wall time of the cpu calibration at `quick` (5 fresh processes) and
 * `full` (1), the CV of every cpu metric across the 5 quick runs, and memory copy/triad next to a
 * small C loop (memcpy; a[i] = b[i] + 3·c[i]) compiled with the machine's gcc, on arrays of the same size.
 * Run with `npm run bench`, or alone: `node --import tsx test/bench/cpu.bench.ts`. RUNS=N overrides 5.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats } from '../../src/calibration.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runs = Math.max(5, Number(process.env.RUNS ?? 5));
const built = existsSync(join(root, 'dist/src/cli.js'));
const bin = built ? [join(root, 'dist/src/cli.js')] : ['--import', 'tsx', join(root, 'src/cli.ts')];

interface Report {
  metrics: Record<string, { status: string; value?: number; unit: string; cv?: number; speedup?: number; reason?: string }>;
  probes: Record<string, { facts: Record<string, any>; evidence: { source: string; ok: boolean; detail?: string }[] }>;
}

/** One fresh `hwprobe --json --calibrate LEVEL --probes cpu,environment`: the report, wall ms and the runner's calibration ms. */
function hwprobe(level: 'quick' | 'full'): { report: Report; wallMs: number; calMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...bin, '--json', '--calibrate', level, '--probes', 'cpu,environment'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`hwprobe exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as Report;
  const ev = report.probes.cpu.evidence.find((e) => e.source === 'calibration');
  const calMs = Number(/in ([\d.]+) ms/.exec(ev?.detail ?? '')?.[1] ?? NaN);
  return { report, wallMs, calMs };
}

const median = (xs: number[]) => stats(xs).median;
const cv = (xs: number[]) => stats(xs).cv;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

console.log(`cpu calibration benchmark: ${runs} quick runs + 1 full, fresh process each, ${process.platform}-${process.arch}, node ${process.versions.node}, ${built ? 'dist' : 'tsx'}`);
const quick = Array.from({ length: runs }, () => hwprobe('quick'));
const full = hwprobe('full');

console.log('\ncalibration time (the runner\'s figure for the cpu probe; wall = whole process)');
console.log(`  quick: median ${median(quick.map((q) => q.calMs)).toFixed(0)} ms (min ${Math.min(...quick.map((q) => q.calMs)).toFixed(0)}, max ${Math.max(...quick.map((q) => q.calMs)).toFixed(0)}); wall median ${median(quick.map((q) => q.wallMs)).toFixed(0)} ms   target ≤ ~1500 ms`);
console.log(`  full:  ${full.calMs.toFixed(0)} ms; wall ${full.wallMs.toFixed(0)} ms   target ≤ ~10000 ms`);

console.log(`\ncpu metrics over ${runs} quick runs: median, CV across runs, median CV within a run; and the full run`);
console.log('  metric'.padEnd(24), 'unit'.padEnd(8), 'median'.padStart(9), 'CV runs'.padStart(8), 'CV in run'.padStart(10), 'full'.padStart(9), 'speedup'.padStart(8));
const ids = Object.keys(quick[0].report.metrics).filter((id) => id.startsWith('cpu.')).sort();
for (const id of ids) {
  const ms = quick.map((q) => q.report.metrics[id]).filter((m) => m?.status === 'ok');
  if (ms.length < quick.length) {
    console.log(`  ${id}: measured in ${ms.length} of ${quick.length} runs (${quick.map((q) => q.report.metrics[id]?.reason).filter(Boolean).join('; ')})`);
    if (!ms.length) continue;
  }
  const values = ms.map((m) => m.value!);
  const f = full.report.metrics[id];
  const sp = ms.map((m) => m.speedup).filter((x): x is number => x !== undefined);
  console.log(
    `  ${id.padEnd(22)}`,
    ms[0].unit.padEnd(8),
    median(values).toPrecision(4).padStart(9),
    pct(cv(values)).padStart(8),
    pct(median(ms.map((m) => m.cv!))).padStart(10),
    (f?.status === 'ok' ? f.value!.toPrecision(4) : f?.status ?? '-').padStart(9),
    (sp.length ? `${median(sp).toFixed(2)}×` : '').padStart(8),
  );
}

// The C loops, on arrays of the size the calibration used.
const bytes = Number(quick[0].report.probes.cpu.facts.calibration?.streamArrayBytes);
const C = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int cmp(const void *x, const void *y) { double a = *(const double *)x, b = *(const double *)y; return (a > b) - (a < b); }
int main(int argc, char **argv) {
  size_t bytes = strtoull(argv[1], 0, 10), n = bytes / 8; int reps = atoi(argv[2]);
  double *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes), cp[256], tr[256], sum = 0;
  for (size_t i = 0; i < n; i++) { a[i] = -1; b[i] = i & 1023; c[i] = (i >> 10) & 1023; }
  memcpy(a, b, bytes); /* warm-up: page faults */
  for (int r = 0; r < reps; r++) {
    double t0 = now(); memcpy(a, b, bytes); double t1 = now();
    cp[r] = 2.0 * bytes / (t1 - t0) / 1e9; sum += a[r * 997 % n];
    t0 = now(); for (size_t i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i]; t1 = now();
    tr[r] = 3.0 * bytes / (t1 - t0) / 1e9; sum += a[r * 991 % n];
  }
  qsort(cp, reps, sizeof *cp, cmp); qsort(tr, reps, sizeof *tr, cmp);
  printf("%f %f %f\\n", cp[reps / 2], tr[reps / 2], sum);
  return 0;
}
`;
console.log(`\nmemory bandwidth next to C (arrays of ${(bytes / 2 ** 20).toFixed(0)} MiB each, STREAM byte counting)`);
const gcc = ['/usr/bin/gcc', '/usr/bin/cc', '/usr/local/bin/gcc'].find((p) => existsSync(p));
if (!gcc || !(bytes > 0)) {
  console.log(`  skipped: ${gcc ? 'no streamArrayBytes in the report' : 'no gcc or cc found'}`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-bench-'));
  try {
    writeFileSync(join(dir, 'stream.c'), C);
    const cc = spawnSync(gcc, ['-O2', '-o', join(dir, 'stream'), join(dir, 'stream.c')], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`${gcc} failed: ${cc.stderr}`);
    const r = spawnSync(join(dir, 'stream'), [String(bytes), '21'], { encoding: 'utf8', timeout: 60_000 });
    const [cCopy, cTriad] = r.stdout.trim().split(' ').map(Number);
    const js = (id: string) => median(quick.map((q) => q.report.metrics[id]).filter((m) => m?.status === 'ok').map((m) => m.value!));
    const jsCopy = js('cpu.mem-copy');
    const jsTriad = js('cpu.mem-triad');
    console.log(`  copy:  JS ${jsCopy.toFixed(2)} GB/s, C memcpy loop ${cCopy.toFixed(2)} GB/s → ${(jsCopy / cCopy).toFixed(2)}× of C   target ≥ 0.6×`);
    console.log(`  triad: JS ${jsTriad.toFixed(2)} GB/s, C loop (gcc -O2) ${cTriad.toFixed(2)} GB/s → ${(jsTriad / cTriad).toFixed(2)}× of C`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
