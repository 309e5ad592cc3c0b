/**
 * Crypto benchmark, in one run:
 * 1. hwprobe's AES-128-GCM and SHA-256 (full level, A/B) next to `openssl speed -evp … -bytes 16384`,
 *    interleaved, with the ratio (target 0.8–1.25×);
 * 2. the quick crypto calibration's wall time including the A/B children (target ≤ 1.5 s) and the
 *    run-to-run CV of each metric (target ≤ 5%);
 * 3. sensitivity/specificity: N CLI runs with AES-NI masked (all must be flagged), N unmasked runs
 *    (no crypto warning may appear), and a SHA-only mask (flips crypto.sha256, leaves crypto.aes effective).
 * Uses dist/ (the shipped code; `npm run bench` builds it) when present, src/ otherwise.
 * Run alone: `npm run build && node --import tsx test/bench/crypto.bench.ts` (RUNS=N, default 10).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Calibration, Metric, ProbeContext, Report } from '../../src/types.js';
import { stats } from '../../src/calibration.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runs = Math.max(1, Number(process.env.RUNS ?? 10));
const useDist = existsSync(join(root, 'dist/probes/crypto/calibrate.js'));
const base = useDist ? join(root, 'dist') : root;
const ext = useDist ? 'js' : 'ts';
const cliArgs = useDist ? [join(root, 'dist/src/cli.js')] : ['--import', 'tsx', join(root, 'src/cli.ts')];

const { calibrateCrypto } = (await import(join(base, `probes/crypto/calibrate.${ext}`))) as typeof import('../../probes/crypto/calibrate.js');
const { detectCrypto } = (await import(join(base, `probes/crypto/detect.${ext}`))) as typeof import('../../probes/crypto/detect.js');
const { CRYPTO_KERNELS } = (await import(join(base, `probes/crypto/tables.${ext}`))) as typeof import('../../probes/crypto/tables.js');
const { NodeHost } = (await import(join(base, `src/host/node-host.${ext}`))) as typeof import('../../src/host/node-host.js');

const median = (xs: number[]) => stats(xs).median;
const cv = (xs: number[]) => stats(xs).cv;
const ctx = (calibrate: 'quick' | 'full'): ProbeContext => ({ signal: new AbortController().signal, calibrate, peers: {}, progress() {} });
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.OPENSSL_ia32cap;
delete env.OPENSSL_armcap;

console.log(`crypto bench (${useDist ? 'dist/' : 'src/ under tsx'}), Node ${process.versions.node}, OpenSSL in Node ${process.versions.openssl}`);
const detection = await detectCrypto(new NodeHost({ env }), ctx('quick'));

// 1. side by side with openssl speed
let opensslVersion: string | null = null;
try {
  opensslVersion = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
} catch {
  console.log('\n(openssl not on PATH: skipping the side-by-side with `openssl speed`)');
}
if (opensslVersion) {
  console.log(`\n1. hwprobe (full level, 64 KiB chunks) vs \`openssl speed -evp <alg> -bytes 16384 -seconds 1\` (${opensslVersion}), interleaved, 3 rounds`);
  const speed = (alg: string): number => {
    const out = execFileSync('openssl', ['speed', '-mr', '-evp', alg, '-bytes', '16384', '-seconds', '1'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /^\+F:\d+:[^:]+:([\d.]+)/m.exec(out);
    if (!m) throw new Error(`no +F line from openssl speed ${alg}`);
    return Number(m[1]) / 1e9;
  };
  const rows = CRYPTO_KERNELS.filter((k) => k.metric === 'crypto.aes-128-gcm' || k.metric === 'crypto.sha256');
  const res: Record<string, { hw: number[]; os: number[]; speedup: number[] }> = {};
  for (let round = 0; round < 3; round++) {
    const c: Calibration = await calibrateCrypto(ctx('full'), detection, { kernels: rows });
    for (const r of rows) {
      const m = c.metrics[r.metric] as Metric;
      const e = (res[r.algorithm] ??= { hw: [], os: [], speedup: [] });
      if (m.status === 'ok') {
        e.hw.push(m.value);
        if (m.speedup) e.speedup.push(m.speedup);
      } else console.log(`   ${r.metric}: ${m.status} (${m.reason})`);
      e.os.push(speed(r.algorithm));
    }
  }
  console.log('   algorithm       hwprobe GB/s   openssl speed GB/s   ratio   hwprobe speedup over software path');
  for (const [alg, e] of Object.entries(res)) {
    const hw = median(e.hw);
    const os = median(e.os);
    console.log(
      `   ${alg.padEnd(15)} ${hw.toFixed(3).padStart(12)}   ${os.toFixed(3).padStart(18)}   ${(hw / os).toFixed(2).padStart(5)}   ${e.speedup.length ? `${median(e.speedup).toFixed(2)}×` : '-'}`,
    );
  }
}

// 2. quick calibration: wall time and run-to-run CV
console.log(`\n2. quick crypto calibration, A/B included, ${Math.min(runs, 5)} runs`);
const walls: number[] = [];
const values: Record<string, number[]> = {};
const innerCv: Record<string, number[]> = {};
let children = 0;
for (let i = 0; i < Math.min(runs, 5); i++) {
  const t0 = performance.now();
  const c = await calibrateCrypto(ctx('quick'), detection);
  walls.push(performance.now() - t0);
  children += (c.facts?.calibration as { children: number }).children;
  for (const [id, m] of Object.entries(c.metrics)) {
    if (m.status !== 'ok') continue;
    (values[id] ??= []).push(m.value);
    (innerCv[id] ??= []).push(m.cv);
  }
}
console.log(`   wall: median ${median(walls).toFixed(0)} ms (min ${Math.min(...walls).toFixed(0)}, max ${Math.max(...walls).toFixed(0)}); ${(children / walls.length).toFixed(1)} children per run`);
for (const [id, xs] of Object.entries(values))
  console.log(`   ${id.padEnd(26)} median ${median(xs).toFixed(3)} GB/s   run-to-run CV ${(cv(xs) * 100).toFixed(1)}%   within-run CV (median) ${(median(innerCv[id]) * 100).toFixed(1)}%`);

// 3. sensitivity / specificity through the CLI
/** One CLI run; a run that fails (no JSON) is reported and counts against the target. */
function cliRun(extra: Record<string, string>): Promise<Report | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliArgs, '--probes', 'crypto', '--calibrate', 'quick', '--json'], { cwd: root, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(out) as Report);
      } catch (e) {
        console.log(`   a CLI run printed no report: ${String(e)}`);
        resolve(null);
      }
    });
  });
}
const warnings = (r: Report) => r.findings.filter((f) => f.code.startsWith('CRYPTO_') && f.severity !== 'info');
console.log(`\n3. sensitivity and specificity, ${runs} CLI runs each (\`hwprobe --probes crypto --calibrate quick --json\`)`);
let flagged = 0;
for (let i = 0; i < runs; i++) {
  const r = await cliRun({ OPENSSL_ia32cap: '~0x200000200000000:~0x0' });
  if (!r) continue;
  const aes = r.capabilities['crypto.aes'];
  if (warnings(r).some((f) => f.capability === 'crypto.aes') && aes.usable === false && aes.effective === false) flagged++;
}
console.log(`   AES-NI masked (OPENSSL_ia32cap='~0x200000200000000:~0x0'): ${flagged}/${runs} runs flagged crypto.aes (target ${runs}/${runs})`);
let clean = 0;
let totalWarnings = 0;
for (let i = 0; i < runs; i++) {
  const r = await cliRun({});
  if (!r) continue;
  const w = warnings(r);
  totalWarnings += w.length;
  if (w.length === 0 && r.capabilities['crypto.aes'].effective === true && r.capabilities['crypto.sha256'].effective === true) clean++;
  else console.log(`   unmasked run ${i + 1}: ${w.map((f) => `${f.code} ${f.message}`).join('; ') || 'an effective verdict was not true'}`);
}
console.log(`   nothing masked: ${clean}/${runs} runs with aes+sha256 effective and no crypto warning; ${totalWarnings} crypto warnings in all (target 0)`);
const sha = await cliRun({ OPENSSL_ia32cap: ':~0x20000000' });
if (sha)
  console.log(
  `   SHA-only mask (':~0x20000000'): crypto.sha256 usable=${sha.capabilities['crypto.sha256'].usable} effective=${sha.capabilities['crypto.sha256'].effective}; crypto.aes effective=${sha.capabilities['crypto.aes'].effective} (target false/false/true)`,
);
