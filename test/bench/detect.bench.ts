/**
 * Detection-only benchmark: wall time and peak RSS of `hwprobe --json --calibrate off`, side by side
 * with `node -e 0` and systeminformation.getStaticData(), each a fresh process, in one run.
 * Run with `npm run bench` (builds dist/ first). RUNS=N overrides the number of runs (default 7, min 5).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { stats } from '../../src/calibration.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hook = join(root, 'test/bench/rss-hook.mjs');
const runs = Math.max(5, Number(process.env.RUNS ?? 7));

interface Sample {
  ms: number;
  rss: number;
}

function once(args: string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', hook, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    let rss = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => (rss += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`));
      else resolve({ ms, rss: Number(rss) });
    });
  });
}

const median = (xs: number[]) => stats(xs).median;

const cases: [string, string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['hwprobe --json --calibrate off', [join(root, 'dist/src/cli.js'), '--json', '--calibrate', 'off']],
  ['  … --probes cpu,environment', [join(root, 'dist/src/cli.js'), '--json', '--calibrate', 'off', '--probes', 'cpu,environment']],
  ['systeminformation.getStaticData()', ['--input-type=module', '-e', "const si = (await import('systeminformation')).default; await si.getStaticData();"]],
];

const results = new Map<string, Sample[]>();
for (const [name] of cases) results.set(name, []);
// Interleave the cases so that drift in machine load hits all of them alike.
await once(cases[1][1]); // warm the file cache once
for (let i = 0; i < runs; i++) {
  for (const [name, args] of cases) results.get(name)!.push(await once(args));
}

const mib = (b: number) => (b / 2 ** 20).toFixed(1);
console.log(`detection benchmark: ${runs} runs each, fresh process per run, ${process.platform}-${process.arch}, node ${process.versions.node}`);
console.log('case'.padEnd(36), 'median ms'.padStart(10), 'min ms'.padStart(8), 'max ms'.padStart(8), 'peak RSS MiB'.padStart(13));
const med = new Map<string, number>();
for (const [name, samples] of results) {
  const ms = samples.map((s) => s.ms);
  med.set(name, median(ms));
  console.log(
    name.padEnd(36),
    median(ms).toFixed(1).padStart(10),
    Math.min(...ms).toFixed(1).padStart(8),
    Math.max(...ms).toFixed(1).padStart(8),
    mib(Math.max(...samples.map((s) => s.rss))).padStart(13),
  );
}
const hw = med.get('hwprobe --json --calibrate off')!;
const si = med.get('systeminformation.getStaticData()')!;
const node0 = med.get('node -e 0')!;
const base = med.get('  … --probes cpu,environment')!;
const rss = Math.max(...results.get('hwprobe --json --calibrate off')!.map((s) => s.rss));
const baseRss = Math.max(...results.get('  … --probes cpu,environment')!.map((s) => s.rss));
console.log(`cpu+environment (the foundation probes): median ${base.toFixed(1)} ms (target ≤ 150 ms), ${(base / si).toFixed(3)}× systeminformation.getStaticData() (target ≤ 0.25×), peak RSS ${mib(baseRss)} MiB (target ≤ 100 MB)`);
console.log(`all probes: median ${hw.toFixed(1)} ms, ${(hw / si).toFixed(3)}× systeminformation.getStaticData(), peak RSS ${mib(rss)} MiB; node start-up alone ${node0.toFixed(1)} ms`);
