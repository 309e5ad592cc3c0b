import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { diffReports } from '../../src/diff.js';
import type { Report } from '../../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'hwprobe-diff-'));
const env = { ...process.env, NO_COLOR: '1' };

/** A real detection-only report of this machine under the given extra environment. */
async function reportWith(extra: Record<string, string>, name: string, probes?: string): Promise<{ file: string; report: Report }> {
  const file = join(dir, name);
  const r = await cli(['--json', '--calibrate', 'off', '--out', file, ...(probes ? ['--probes', probes] : [])], { ...env, ...extra });
  assert.is(r.code, 0, r.stderr);
  return { file, report: JSON.parse(readFileSync(file, 'utf8')) };
}

test('diff of a report with itself: no regressions, exit 0', async () => {
  const a = await reportWith({}, 'same.json', 'cpu,environment');
  const r = await cli(['diff', a.file, a.file], env);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /no regressions \(0 lost, 0 degraded, 0 regressed\)/);
});

test('diff between an unmasked run and an OPENSSL_ia32cap-masked run exits 1 and names crypto.aes and the mask', async () => {
  const base = await reportWith({}, 'crypto-base.json');
  if (!base.report.capabilities['crypto.aes'] || base.report.capabilities['crypto.aes'].usable !== true) {
    console.log('  note: no usable crypto.aes in this report (crypto probe not registered, or no AES-NI/ARMv8 AES); skipped');
    return;
  }
  // Bits 57 (AES-NI) and 33 (PCLMULQDQ) of OPENSSL_ia32cap's first word, as OpenSSL's documentation masks them.
  const masked = await reportWith({ OPENSSL_ia32cap: '~0x200000200000000' }, 'crypto-masked.json');
  const r = await cli(['diff', base.file, masked.file], env);
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stdout, /crypto\.aes no longer usable/);
  assert.match(r.stdout, /OPENSSL_ia32cap/);
});

test('diff between an unmasked run and a GLIBC_TUNABLES-masked run names the capability and the mask', async () => {
  const base = await reportWith({}, 'glibc-base.json', 'cpu,environment');
  if (base.report.host.arch !== 'x64' || base.report.capabilities['cpu.simd.avx2']?.usable !== true) {
    console.log('  note: needs x86-64 with usable AVX2 under glibc; skipped');
    return;
  }
  const masked = await reportWith({ GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2' }, 'glibc-masked.json', 'cpu,environment');
  const r = await cli(['diff', base.file, masked.file], env);
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stdout, /✗ degraded\s+cpu\.simd\.avx2 no longer usable/);
  assert.match(r.stdout, /GLIBC_TUNABLES=glibc\.cpu\.hwcaps=-AVX2/);
  assert.match(r.stdout, /cpu\.glibcHwcapsLevel: "x86-64-v4" → "x86-64-v2"|cpu\.glibcHwcapsLevel: "x86-64-v3" → "x86-64-v2"/);
  // The same through --baseline on a live run.
  const live = await cli(['--calibrate', 'off', '--probes', 'cpu,environment', '--baseline', base.file], { ...env, GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2' });
  assert.is(live.code, 1);
  assert.match(live.stdout, /REGRESSIONS: 0 lost, \d+ degraded/);
});

// The regression/link logic on top of a real report. The metric values, the crypto.aes capability
// and the finding below are hand-written (tiny edge cases of the ratio and link rules).
function withAes(r: Report, usable: boolean, speedup: number, value: number): Report {
  const c = structuredClone(r);
  c.capabilities['crypto.aes'] = { advertised: true, usable, effective: usable, evidence: usable ? ['/proc/cpuinfo flags: aes'] : ['/proc/cpuinfo flags: aes', 'OPENSSL_ia32cap masks AES-NI'] };
  c.metrics['crypto.aes-128-gcm'] = { status: 'ok', value, unit: 'GB/s', samples: 9, cv: 0.02, min: value, max: value, baseline: { value: value / speedup, method: 'software AES' }, speedup };
  if (!usable) c.findings.push({ code: 'CRYPTO_MASKED', severity: 'warning', capability: 'crypto.aes', message: 'OpenSSL will not use AES-NI', args: { variable: 'OPENSSL_ia32cap', value: '~0x200000200000000' } });
  return c;
}

test('a metric regression is linked to the capability change and the mask that explain it', async () => {
  const { report } = await reportWith({}, 'link.json', 'cpu,environment');
  const d = diffReports(withAes(report, true, 5.7, 4.9), withAes(report, false, 1, 0.86));
  assert.is(d.ok, false);
  assert.equal([d.lost, d.degraded, d.regressed], [0, 1, 1]);
  const m = d.metrics.find((x) => x.id === 'crypto.aes-128-gcm')!;
  assert.is(m.basis, 'speedup', 'speedups are preferred over absolute rates');
  assert.match(m.summary, /^crypto\.aes-128-gcm 5\.7× slower \(4\.9 → 0\.86 GB\/s; speedup ×5\.7 → ×1\): crypto\.aes no longer usable: CRYPTO_MASKED: .*\(OPENSSL_ia32cap=~0x200000200000000\)/);
});

test('tolerance: 20% slower is within the default 25%, and a regression at 10%', async () => {
  const { report } = await reportWith({}, 'tol.json', 'cpu,environment');
  const base = withAes(report, true, 5, 5);
  const cur = withAes(report, true, 4, 4);
  assert.is(diffReports(base, cur).ok, true);
  assert.is(diffReports(base, cur).metrics[0].status, 'unchanged');
  assert.is(diffReports(base, cur, { tolerance: 0.1 }).metrics[0].status, 'regressed');
  assert.is(diffReports(cur, base, { tolerance: 0.1 }).metrics[0].status, 'improved');
});

test('diff --format json/junit/github/markdown carry the same verdict; --tolerance is checked', async () => {
  const { report } = await reportWith({}, 'fmt.json', 'cpu,environment');
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  writeFileSync(a, JSON.stringify(withAes(report, true, 5.7, 4.9)));
  writeFileSync(b, JSON.stringify(withAes(report, false, 1, 0.86)));
  const j = await cli(['diff', a, b, '--format', 'json'], env);
  assert.is(j.code, 1);
  assert.is(JSON.parse(j.stdout).regressed, 1);
  const g = await cli(['diff', a, b, '--format', 'github'], env);
  assert.match(g.stdout, /^::error title=hwprobe%3A crypto\.aes-128-gcm regressed::crypto\.aes-128-gcm 5\.7× slower/m);
  const n = await cli(['diff', a, b, '--format', 'nfd'], env);
  assert.is(n.code, 2);
  assert.match(n.stderr, /--format nfd describes a machine/);
  const t = await cli(['diff', a, b, '--tolerance', '25'], env);
  assert.is(t.code, 2);
  assert.match(t.stderr, /--tolerance: must be a fraction between 0 and 1/);
});

test.run();
