/**
 * Detection-only benchmark: wall time, CPU time and peak RSS of `hwprobe --json --calibrate off`,
 * side by side with `node -e 0` and systeminformation.getStaticData(), each a fresh process, in one
 * run, interleaved. Then the ten most expensive sources of a detection run (`--timings`).
 * Run with `npm run bench` (builds dist/ first). RUNS=N overrides the number of runs (default 7, min 5).
 * BASELINE_CLI=/path/to/other/dist/src/cli.js adds that build's two hwprobe cases to the same
 * interleaved rounds (before/after figures under the same load).
 *
 * CPU is the whole process tree: the cases run one at a time and this process reaps each tree, so
 * the growth of its own reaped-children time (cutime + cstime in /proc/self/stat, 10 ms ticks) over a
 * case is that case's CPU. Peak RSS of the tree is sampled every 10 ms (the sum of VmRSS over the
 * process and its descendants, found through /proc/<pid>/task/<tid>/children); the main process's
 * exact peak comes from rss-hook.mjs and is the floor. Linux only for CPU and tree RSS (else null).
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { stats } from '../../src/calibration.js';
import { childrenCpuMs } from '../../src/host/timings.js';
import type { RunTimings, SourceTiming } from '../../src/host/timings.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hook = join(root, 'test/bench/rss-hook.mjs');
const cli = join(root, 'dist/src/cli.js');
const runs = Math.max(5, Number(process.env.RUNS ?? 7));

interface Sample {
  ms: number;
  /** CPU of the whole tree, null off Linux */
  cpuMs: number | null;
  /** exact peak of the main process */
  rss: number;
  /** sampled peak of the tree's summed RSS, null off Linux */
  treeRss: number | null;
}

/** Sum of VmRSS over pid and its live descendants, in bytes; 0 when gone. */
function treeRss(pid: number): number {
  let sum = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      sum += Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]) * 4096;
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (kids) stack.push(...kids.split(' ').map(Number));
      }
    } catch {
      /* exited meanwhile */
    }
  }
  return sum;
}

function once(args: string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    // stderr is kept for a failure only: hwprobe prints progress lines there.
    const child = spawn(process.execPath, ['--import', hook, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let rss = '';
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    let peak: number | null = process.platform === 'linux' ? 0 : null;
    const sampler = setInterval(() => {
      if (peak !== null && child.pid !== undefined) peak = Math.max(peak, treeRss(child.pid));
    }, 10);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => (rss += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      clearInterval(sampler);
      const cpu1 = childrenCpuMs();
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
      else {
        const self = Number(rss);
        resolve({ ms, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, rss: self, treeRss: peak === null ? null : Math.max(peak, self) });
      }
    });
  });
}

const median = (xs: number[]) => stats(xs).median;

const ALL = 'hwprobe --json --calibrate off';
const BASE = '  … --probes cpu,environment';
const NO_FW = '  … all but frameworks';
const NODE0 = 'node -e 0';
const SI = 'systeminformation.getStaticData()';
const cases: [string, string[]][] = [
  [NODE0, ['-e', '0']],
  [ALL, [cli, '--json', '--calibrate', 'off']],
  [BASE, [cli, '--json', '--calibrate', 'off', '--probes', 'cpu,environment']],
  [NO_FW, [cli, '--json', '--calibrate', 'off', '--probes', 'cpu,crypto,environment,gpu,accelerators,ml']],
  [SI, ['--input-type=module', '-e', "const si = (await import('systeminformation')).default; await si.getStaticData();"]],
];
const baseline = process.env.BASELINE_CLI;
if (baseline) {
  cases.push(['baseline: all probes', [baseline, '--json', '--calibrate', 'off']]);
  cases.push(['baseline: cpu,environment', [baseline, '--json', '--calibrate', 'off', '--probes', 'cpu,environment']]);
}

const load = () => (process.platform === 'linux' ? readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : 'n/a');
const loadBefore = load();
const results = new Map<string, Sample[]>();
for (const [name] of cases) results.set(name, []);
// Interleave the cases so that drift in machine load hits all of them alike.
await once(cases[1][1]); // warm the file cache once
for (let i = 0; i < runs; i++) {
  for (const [name, args] of cases) results.get(name)!.push(await once(args));
}

const mib = (b: number | null) => (b === null ? 'n/a' : (b / 2 ** 20).toFixed(1));
const fmt = (v: number | null, w: number) => (v === null ? 'n/a' : v.toFixed(0)).padStart(w);
console.log(`detection benchmark: ${runs} runs each, interleaved, fresh process per run, ${process.platform}-${process.arch}, node ${process.versions.node}, load average ${loadBefore} → ${load()}`);
console.log('case'.padEnd(36), 'median ms'.padStart(10), 'min ms'.padStart(8), 'max ms'.padStart(8), 'CPU ms'.padStart(8), 'RSS MiB'.padStart(8), 'tree RSS'.padStart(9));
const med = new Map<string, { ms: number; cpu: number | null; rss: number; tree: number | null }>();
for (const [name, samples] of results) {
  const ms = samples.map((s) => s.ms);
  const cpus = samples.map((s) => s.cpuMs).filter((c): c is number => c !== null);
  const trees = samples.map((s) => s.treeRss).filter((c): c is number => c !== null);
  const m = { ms: median(ms), cpu: cpus.length ? median(cpus) : null, rss: Math.max(...samples.map((s) => s.rss)), tree: trees.length ? Math.max(...trees) : null };
  med.set(name, m);
  console.log(name.padEnd(36), m.ms.toFixed(1).padStart(10), Math.min(...ms).toFixed(1).padStart(8), Math.max(...ms).toFixed(1).padStart(8), fmt(m.cpu, 8), mib(m.rss).padStart(8), mib(m.tree).padStart(9));
}
const all = med.get(ALL)!;
const si = med.get(SI)!;
const node0 = med.get(NODE0)!;
const base = med.get(BASE)!;
const ok = (b: boolean) => (b ? 'met' : 'NOT met');
console.log('(CPU: median over runs, whole process tree; RSS: peak of the main process; tree RSS: sampled peak of the summed tree, max over runs)');
console.log(`all probes: ${(all.ms / si.ms).toFixed(3)}× getStaticData() wall (target ≤ 0.35×: ${ok(all.ms / si.ms <= 0.35)}), CPU ${fmt(all.cpu, 0)} ms (target ≤ 1000 ms: ${ok(all.cpu !== null && all.cpu <= 1000)}), tree RSS ${mib(all.tree)} MiB (target ≤ 100 MB: ${ok(all.tree !== null && all.tree <= 100e6)})`);
console.log(`cpu,environment: ${(base.ms / node0.ms).toFixed(2)}× node -e 0 (target ≤ 2.5×: ${ok(base.ms / node0.ms <= 2.5)}), ${(base.ms / si.ms).toFixed(3)}× getStaticData(), tree RSS ${mib(base.tree)} MiB`);
if (baseline) {
  const ba = med.get('baseline: all probes')!;
  const bb = med.get('baseline: cpu,environment')!;
  console.log(`baseline ${baseline}: all probes ${(ba.ms / si.ms).toFixed(3)}× getStaticData(), CPU ${fmt(ba.cpu, 0)} ms; cpu,environment ${(bb.ms / node0.ms).toFixed(2)}× node -e 0, CPU ${fmt(bb.cpu, 0)} ms`);
}

// The sources of a detection run: medians over three `--timings` runs, the ten most expensive by CPU, then wall.
const timed: RunTimings[] = [];
for (let i = 0; i < 3; i++) {
  const out = execFileSync(process.execPath, [cli, '--json', '--calibrate', 'off', '--timings'], { cwd: root, maxBuffer: 64 << 20, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  timed.push((JSON.parse(out) as { timings: RunTimings }).timings);
}
const bySource = new Map<string, SourceTiming[]>();
// A per-run nonce in a command line (frameworks' Python scripts carry one) would keep the runs apart.
const keyOf = (s: SourceTiming) => `${s.kind} ${s.source.replace(/[0-9a-f]{16,}/g, '…')}`;
for (const t of timed) for (const s of t.sources) bySource.set(keyOf(s), [...(bySource.get(keyOf(s)) ?? []), s]);
const rows = [...bySource.values()].map((ss) => {
  const cpus = ss.map((s) => s.cpuMs).filter((c): c is number => c !== null);
  return { s: ss[0], n: ss.length / timed.length, wall: median(ss.map((s) => s.durationMs)), cpu: cpus.length ? median(cpus) : null };
});
rows.sort((a, b) => (b.cpu ?? -1) - (a.cpu ?? -1) || b.wall - a.wall);
const tm = (k: (t: RunTimings) => number) => median(timed.map(k)).toFixed(0);
console.log(`\nsources of one detection run (medians of ${timed.length} --timings runs): start-up ${tm((t) => t.startupMs)} ms (CPU ${tm((t) => t.cpuMs.startup)} ms), run ${tm((t) => t.runMs)} ms; CPU self ${tm((t) => t.cpuMs.self)} ms, children ${tm((t) => t.cpuMs.children)} ms (outside Host ${tm((t) => t.cpuMs.childrenOutsideHost)} ms); ${rows.length} distinct sources`);
console.log('wall ms'.padStart(8), 'CPU ms'.padStart(7), 'child'.padStart(6), ' ', 'probe'.padEnd(13), 'source');
for (const r of rows.slice(0, 10)) {
  const label = keyOf(r.s).replace(/\s+/g, ' ').slice(0, 90) + (r.n > 1 ? ` (×${r.n})` : '');
  console.log(r.wall.toFixed(0).padStart(8), fmt(r.cpu, 7), (r.s.child ? 'yes' : 'no').padStart(6), ' ', (r.s.probe ?? '-').padEnd(13), label);
}
