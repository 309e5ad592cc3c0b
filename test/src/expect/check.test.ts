import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../helpers/cli.js';
import { PKG_ROOT } from '../../../src/paths.js';
import { resolveFact, compareLoose } from '../../../src/expect/evaluate.js';

const dir = mkdtempSync(join(tmpdir(), 'hwprobe-check-'));
const fx = (f: string) => join(PKG_ROOT, 'fixtures', 'expect', f);
const env = { ...process.env, NO_COLOR: '1' };

// One real report of this machine (detection only), saved for `check`.
const reportFile = join(dir, 'report.json');
let report: any;
test.before(async () => {
  const r = await cli(['--json', '--calibrate', 'off', '--out', reportFile], env);
  assert.is(r.code, 0, r.stderr);
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
});

test('a passing file exits 0; its warning-severity requirement is shown but does not fail', async () => {
  const r = await cli(['check', reportFile, '--expect', fx('portable-pass.yaml')], env);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /✓ pass\s+runtime\.node satisfies >=20/);
  if (report.capabilities['cpu.simd.sve']?.usable !== true) {
    assert.match(r.stdout, /! warn\s+cpu\.simd\.sve usable/);
    assert.match(r.stdout, /1 warning/);
  }
  assert.match(r.stdout, /expectations met/);
});

test('a file requiring cpu.simd.sve exits 1 and names it (live run and saved report)', async () => {
  if (report.capabilities['cpu.simd.sve']?.usable === true) {
    console.log('  note: this machine has usable SVE; the failing case cannot be shown here');
    return;
  }
  for (const argv of [['--calibrate', 'off', '--probes', 'cpu', '--expect', fx('needs-sve.json')], ['check', reportFile, '--expect', 'sve']]) {
    const r = await cli(argv, env);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stdout, /✗ FAIL\s+cpu\.simd\.sve usable/);
    assert.match(r.stdout, /not advertised/);
  }
});

test('a requirement built from the report itself passes: every capability it says is usable', async () => {
  const usable = Object.entries(report.capabilities).filter(([, c]: any) => c.usable === true).map(([id]) => ({ capability: id }));
  assert.ok(usable.length > 0);
  const f = join(dir, 'self.json');
  writeFileSync(f, JSON.stringify({ name: 'self', require: usable }));
  const r = await cli(['check', reportFile, '--expect', f], env);
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, new RegExp(`${usable.length} passed, 0 failed`));
});

test('unknown is not a pass: a metric under --calibrate off fails with "not measured: calibration off"', async () => {
  const f = join(dir, 'metric.json');
  writeFileSync(f, JSON.stringify({ require: [{ metric: 'crypto.aes-128-gcm', min: '1 GB/s' }] }));
  const r = await cli(['check', reportFile, '--expect', f], env);
  assert.is(r.code, 1);
  assert.match(r.stdout, /not measured: calibration off/);
});

test('a masked capability names the mask variable and its value (GLIBC_TUNABLES on x86-64)', async () => {
  if (report.host.arch !== 'x64' || report.capabilities['cpu.isa.x86-64-v3']?.usable !== true) {
    console.log('  note: needs an x86-64-v3 machine running glibc; skipped');
    return;
  }
  const masked = { ...env, GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2' };
  const r = await cli(['--calibrate', 'off', '--probes', 'cpu', '--expect', 'x86-64-v3'], masked);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /✗ FAIL\s+cpu\.isa\.x86-64-v3 usable\n\s+not usable/);
  assert.match(r.stdout, /GLIBC_TUNABLES=glibc\.cpu\.hwcaps=-AVX2/);
});

test('aes-hw under OPENSSL_ia32cap fails naming the variable and its value', async () => {
  if (report.capabilities['crypto.aes']?.usable !== true) {
    console.log('  note: no usable crypto.aes here (crypto probe absent, or no AES instructions); skipped');
    return;
  }
  const ok = await cli(['--calibrate', 'off', '--probes', 'cpu,crypto', '--expect', 'aes-hw'], env);
  assert.match(ok.stdout, /✓ pass\s+crypto\.aes usable/);
  const r = await cli(['--calibrate', 'off', '--probes', 'cpu,crypto', '--expect', 'aes-hw'], { ...env, OPENSSL_ia32cap: '~0x200000200000000' });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /✗ FAIL\s+crypto\.aes usable\n\s+not usable/);
  assert.match(r.stdout, /OPENSSL_ia32cap="?~0x200000200000000/);
});

test('opencl-gpu does not count a software OpenCL device (PoCL) as a GPU', async () => {
  const hardware = resolveFact(report, 'gpu.opencl.hardwareGpuDevices');
  if (report.capabilities['software.opencl']?.usable !== true || !hardware.includes(0)) {
    console.log('  note: needs a machine whose only OpenCL devices are software/CPU ones (PoCL); skipped');
    return;
  }
  // The software runtime is software.opencl; gpu.opencl counts hardware only.
  assert.is(report.capabilities['gpu.opencl'].usable, false);
  const r = await cli(['check', reportFile, '--expect', 'opencl-gpu'], env);
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stdout, /✗ FAIL\s+gpu\.opencl\.hardwareGpuDevices ≥ 1\n\s+gpu\.opencl\.hardwareGpuDevices 0 < 1 required/);
  assert.match(r.stdout, /gpu\.opencl/);
});

test('exit 2: baseline or report that is not a hwprobe report, or from a newer schema version', async () => {
  const other = join(dir, 'other.json');
  writeFileSync(other, '{"hello": 1}\n');
  const newer = join(dir, 'newer.json');
  writeFileSync(newer, JSON.stringify({ ...report, schemaVersion: '2' }));
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify({ ...report, capabilities: { 'cpu.simd.avx2': { advertised: 'yes' } } }));
  const cases: [string[], RegExp][] = [
    [['--calibrate', 'off', '--probes', 'cpu', '--baseline', other], /other\.json: \/schemaVersion: not a hwprobe report/],
    [['diff', other, reportFile], /other\.json: \/schemaVersion: not a hwprobe report/],
    [['check', newer, '--expect', 'x86-64-v2'], /newer\.json: \/schemaVersion: report schema version 2 \(written by hwprobe .*\) is newer than this hwprobe reads \(1\)/],
    [['diff', reportFile, newer], /newer\.json: \/schemaVersion: report schema version 2/],
    [['check', broken, '--expect', 'x86-64-v2'], /broken\.json: not a valid report[\s\S]*\/capabilities\/cpu\.simd\.avx2\/advertised/],
    [['check', join(dir, 'missing.json'), '--expect', 'x86-64-v2'], /missing\.json: cannot read: no such file/],
    [['validate', newer], /newer\.json: \/schemaVersion: report schema version 2/],
  ];
  for (const [argv, re] of cases) {
    const r = await cli(argv, env);
    assert.is(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test('--json keeps stdout a valid report and puts the verdicts on stderr', async () => {
  const r = await cli(['--json', '--calibrate', 'off', '--probes', 'cpu', '--expect', fx('portable-pass.yaml')], env);
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).schemaVersion, '1');
  assert.match(r.stderr, /expectations met/);
  const c = await cli(['check', reportFile, '--expect', fx('portable-pass.yaml'), '--json'], env);
  const check = JSON.parse(c.stdout);
  assert.is(check.ok, true);
  assert.equal(check.verdicts.map((v: any) => v.subject), ['runtime.node', 'host.cpuCount', 'cpu.simd.sve']);
});

test('fact paths: runtime/host map to the report, <probe>.<path> to its facts, devices lists fan out', () => {
  assert.equal(resolveFact(report, 'runtime.node'), [report.runtime.node]);
  assert.equal(resolveFact(report, 'environment.libc.family'), [report.probes.environment.facts.libc.family]);
  // Hand-written facts: the shape a multi-device probe would report (tiny edge case of the resolver).
  const r = { ...report, probes: { gpu: { status: 'ok', durationMs: 1, evidence: [], facts: { cuda: { devices: [{ computeCapability: '7.5' }, { computeCapability: '8.6' }] } } } } };
  assert.equal(resolveFact(r, 'gpu.cuda.computeCapability'), ['7.5', '8.6']);
  assert.ok(compareLoose('8.6', 8)! > 0 && compareLoose('7.5', 8)! < 0 && compareLoose('3.0.19', '3.0.2')! > 0);
});

test.run();
