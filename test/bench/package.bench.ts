/**
 * Install footprint: packs hwprobe (`npm pack`), installs the tarball into an empty temp directory
 * (`npm install <tgz>`, with the registry, as a user would), and prints the installed size of
 * node_modules, in MB (10^6 bytes, as `du --apparent-size`), with the largest packages. Target ≤ 120 MB.
 * Run with `npm run bench` (builds dist/ first), or alone: node --import tsx test/bench/package.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TARGET_MB = 120;

/** Apparent size of a tree in bytes (symlinks counted as links, not followed). */
function size(p: string): number {
  const st = lstatSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, e) => n + size(join(p, e)), 0);
}

/** Sizes of the packages under node_modules, scoped ones as one entry per package. */
function packages(nm: string): [string, number][] {
  const out: [string, number][] = [];
  for (const e of readdirSync(nm)) {
    if (e.startsWith('.')) continue;
    if (e.startsWith('@')) for (const s of readdirSync(join(nm, e))) out.push([`${e}/${s}`, size(join(nm, e, s))]);
    else out.push([e, size(join(nm, e))]);
  }
  return out.sort((a, b) => b[1] - a[1]);
}

const mb = (n: number) => (n / 1e6).toFixed(1);
const tmp = mkdtempSync(join(tmpdir(), 'hwprobe-pack-'));
try {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as { filename: string; size: number }[];
  const tgz = join(tmp, packed[0].filename);
  const app = join(tmp, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}\n');
  const t0 = performance.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', tgz], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
  const secs = (performance.now() - t0) / 1000;
  const nm = join(app, 'node_modules');
  const total = size(nm);
  console.log(`tarball ${packed[0].filename}: ${(packed[0].size / 1024).toFixed(0)} KiB`);
  console.log(`npm install <tarball> in an empty directory: ${mb(total)} MB installed in node_modules (target ≤ ${TARGET_MB} MB), ${secs.toFixed(0)} s`);
  for (const [name, n] of packages(nm).slice(0, 8)) console.log(`  ${mb(n).padStart(7)} MB  ${name}`);
  if (total > TARGET_MB * 1e6) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
