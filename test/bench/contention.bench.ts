/**
 * Contention bench (issue 12 item 11): N quick runs idle and N busy (`stress-ng --cpu $(nproc)`,
 * one stress-ng of at most 60 s per run), each `hwprobe --json --calibrate quick --probes
 * crypto,cpu,ml`, printing per phase:
 *  - false "ineffective" verdicts on crypto.aes, crypto.sha256, cpu.wasm.simd128, ml.tfjs.wasm-simd
 *    (working hardware here: any `false` is false) and the share of inconclusive (null) verdicts;
 *  - physically impossible values shown (a measured metric that fails the harness's plausibility check);
 *  - distinct verdict sets over the runs (target idle: 1);
 *  - the crypto kernels' within-run CV (median over kernels and runs; target idle ≤ 5%);
 *  - AES-128-GCM against `openssl speed -evp aes-128-gcm` right after each run (target 0.8–1.25×);
 *  - masked capabilities caught: `hwprobe --expect aes-hw` with OPENSSL_ia32cap clearing AES-NI exits 1;
 *  - the wall time of a quick calibration of all probes (target idle ≤ 6 s).
 * Memory copy against the C loop is in cpu.bench.ts (same `npm run bench`).
 * N from CONTENTION_RUNS (default 5; the issue's targets are for 20). Uses dist/ (`npm run bench` builds it).
 * Skips the busy phase with a printed reason when stress-ng is not installed.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/types.js';
import { plausible, stats } from '../../src/calibration.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const N = Math.max(1, Number(process.env.CONTENTION_RUNS ?? 5));
const cli = existsSync(join(root, 'dist/src/cli.js')) ? [join(root, 'dist/src/cli.js')] : ['--import', 'tsx', join(root, 'src/cli.ts')];
const CAPS = ['crypto.aes', 'crypto.sha256', 'cpu.wasm.simd128', 'ml.tfjs.wasm-simd'];
const AES_MASK = '~0x200000200000000:~0x0';
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
delete env.OPENSSL_ia32cap;
const median = (xs: number[]) => (xs.length ? stats(xs).median : NaN);
const hasStress = spawnSync('stress-ng', ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0;

/** Runs the CLI; resolves with exit code, wall ms and the parsed report (null when it printed none). */
function hwprobe(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; ms: number; report: Report | null }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...cli, ...args], { cwd: root, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', (code) => {
      let report: Report | null = null;
      try {
        report = JSON.parse(out) as Report;
      } catch {
        /* no report */
      }
      resolve({ code, ms: performance.now() - t0, report });
    });
  });
}

/** stress-ng on every CPU for at most 60 s, in its own process group; returns a stop function. */
function stress(): () => Promise<void> {
  const p: ChildProcess = spawn('stress-ng', ['--cpu', String(availableParallelism()), '--timeout', '60s', '--quiet'], { stdio: 'ignore', detached: true });
  return async () => {
    const exited = new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(null) : p.once('exit', r)));
    try {
      process.kill(-p.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    const t = setTimeout(() => {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 2000);
    await exited;
    clearTimeout(t);
  };
}

/**
 * `openssl speed -evp aes-128-gcm` at 16 KiB blocks (user CPU time, as hwprobe's CPU clock), in
 * GB/s: three 1 s runs. Their best is what hwprobe's value (the median of each round's best
 * sample) is compared with, upper part against upper part; their spread is this host's own noise,
 * the floor under any within-run CV (measured here: 1.9–3.2 GB/s between 1 s runs when idle).
 * Null without openssl.
 */
function opensslAesGcm(): { best: number; runs: number[] } | null {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    try {
      const out = execFileSync('openssl', ['speed', '-mr', '-evp', 'aes-128-gcm', '-bytes', '16384', '-seconds', '1'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
      const m = /^\+F:\d+:[^:]+:([\d.]+)/m.exec(out);
      if (m) runs.push(Number(m[1]) / 1e9);
    } catch {
      return null;
    }
  }
  return runs.length ? { best: Math.max(...runs), runs } : null;
}

async function phase(name: 'idle' | 'busy'): Promise<void> {
  const busy = name === 'busy';
  let falseIneffective = 0;
  let verdicts = 0;
  let inconclusive = 0;
  let impossible = 0;
  const sets = new Set<string>();
  const cryptoCv: number[] = [];
  const vsOpenssl: number[] = [];
  const opensslCv: number[] = [];
  const walls: number[] = [];
  const levels: string[] = [];
  for (let i = 0; i < N; i++) {
    const stop = busy ? stress() : null;
    try {
      if (busy) await new Promise((r) => setTimeout(r, 500));
      const r = await hwprobe(['--json', '--calibrate', 'quick', '--probes', 'crypto,cpu,ml']);
      walls.push(r.ms);
      const rep = r.report;
      if (!rep) {
        console.log(`   run ${i + 1}: no report (exit ${r.code})`);
        continue;
      }
      levels.push(rep.contention?.level ?? 'none');
      const set: string[] = [];
      for (const id of CAPS) {
        const e = rep.capabilities[id]?.effective;
        if (e === undefined) continue;
        verdicts++;
        if (e === false) {
          falseIneffective++;
          console.log(`   run ${i + 1}: ${id} effective false: ${rep.capabilities[id].evidence.at(-1)}`);
        }
        if (e === null) inconclusive++;
        set.push(`${id}=${e}`);
      }
      sets.add(set.join(' '));
      for (const [id, m] of Object.entries(rep.metrics)) {
        if (m.status !== 'ok') continue;
        const kind = id === 'cpu.parallel-scaling' ? 'scaling' : 'rate';
        if (plausible(m, kind, rep.host.cpuCount).status !== 'ok') {
          impossible++;
          console.log(`   run ${i + 1}: ${id} shown although impossible: ${JSON.stringify(m)}`);
        }
        if (id.startsWith('crypto.')) cryptoCv.push(m.cv);
      }
      const aes = rep.metrics['crypto.aes-128-gcm'];
      const os = opensslAesGcm();
      if (aes?.status === 'ok' && os) vsOpenssl.push(aes.value / os.best);
      if (os && os.runs.length > 1) opensslCv.push(stats(os.runs).cv);
    } finally {
      await stop?.();
    }
  }
  // Masked: --expect aes-hw must fail (exit 1) in every run.
  let caught = 0;
  for (let i = 0; i < N; i++) {
    const stop = busy ? stress() : null;
    try {
      const r = await hwprobe(['--json', '--calibrate', 'quick', '--probes', 'crypto,cpu', '--expect', 'aes-hw'], { OPENSSL_ia32cap: AES_MASK });
      if (r.code === 1) caught++;
    } finally {
      await stop?.();
    }
  }
  // Quick calibration of all probes.
  const stop = busy ? stress() : null;
  let all: number;
  try {
    all = (await hwprobe(['--json', '--calibrate', 'quick'])).ms;
  } finally {
    await stop?.();
  }
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  console.log(`\n${name} (${N} runs; contention levels seen: ${[...new Set(levels)].join(', ')})`);
  console.log(`   false "ineffective": ${falseIneffective} of ${verdicts} verdicts (target 0)`);
  console.log(`   inconclusive: ${inconclusive} of ${verdicts} = ${pct(inconclusive / Math.max(1, verdicts))} (target ≤ 10%, i.e. ≥ 90% conclusive)`);
  console.log(`   impossible values shown: ${impossible} (target 0)`);
  console.log(`   distinct verdict sets: ${sets.size}${busy ? '' : ' (target 1)'}  ${[...sets].join(' | ')}`);
  console.log(`   crypto within-run CV: median ${pct(median(cryptoCv))}, max ${pct(Math.max(...cryptoCv, 0))}${busy ? '' : ' (target ≤ 5%)'}`);
  console.log(`   openssl speed's own spread (3 × 1 s per run, the host's noise floor): CV median ${pct(median(opensslCv))}, max ${pct(Math.max(...opensslCv, 0))}`);
  console.log(`   AES-128-GCM / openssl speed (best of its 3 runs, right after each run): median ${median(vsOpenssl).toFixed(2)}× (range ${Math.min(...vsOpenssl).toFixed(2)}–${Math.max(...vsOpenssl).toFixed(2)}; target 0.8–1.25×)`);
  console.log(`   AES-NI masked, --expect aes-hw exits 1: ${caught}/${N} (target ${N}/${N})`);
  console.log(`   wall of --probes crypto,cpu,ml quick: median ${(median(walls) / 1000).toFixed(1)} s; all probes quick: ${(all / 1000).toFixed(1)} s${busy ? '' : ' (target ≤ 6 s)'}`);
}

console.log(`contention bench: ${N} runs per phase, ${availableParallelism()} CPUs, ${cli[0].endsWith('.js') ? 'dist/' : 'src/ under tsx'}`);
console.log('   (a shared machine is never idle: the "idle" phase runs beside whatever else runs; see each phase\'s contention levels)');
await phase('idle');
if (hasStress) await phase('busy');
else console.log('\nbusy: skipped: stress-ng not installed');
