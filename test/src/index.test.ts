// The library API (src/index.ts): probe, check, diff, loadReport, schemas — against the CLI that
// shares its engine, on this machine and on real captures. The library must never print or exit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probe, check, diff, has, loadReport, render, schemas, validate, probeIds, profiles, InputError, version, type ProgressEvent, type Report } from '../../src/index.js';
import { cli } from '../helpers/cli.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../fixtures/${p}`, import.meta.url));
const NO_AESNI = fixture('captures/linux-x64-epyc-kvm-docker-openssl-no-aesni.json');
const PLAIN = fixture('captures/linux-x64-epyc-kvm-docker-taskset-cpu0.json');

/** Run details that differ between two runs of the same machine. */
function stable(r: Report): unknown {
  const c = JSON.parse(JSON.stringify(r));
  delete c.createdAt;
  for (const p of Object.values(c.probes) as { durationMs?: number }[]) delete p.durationMs;
  return c;
}

/** Runs fn while failing on any write to stdout/stderr, any console call and any process.exit. */
async function silently<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { out: process.stdout.write, err: process.stderr.write, exit: process.exit, log: console.log, error: console.error, warn: console.warn };
  const noisy: string[] = [];
  process.stdout.write = ((c: unknown) => (noisy.push(`stdout: ${String(c)}`), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: unknown) => (noisy.push(`stderr: ${String(c)}`), true)) as typeof process.stderr.write;
  console.log = console.error = console.warn = (...a: unknown[]) => void noisy.push(`console: ${a.join(' ')}`);
  process.exit = ((code?: number) => {
    throw new Error(`process.exit(${code}) called`);
  }) as typeof process.exit;
  try {
    return await fn();
  } finally {
    Object.assign(process.stdout, { write: saved.out });
    Object.assign(process.stderr, { write: saved.err });
    Object.assign(console, { log: saved.log, error: saved.error, warn: saved.warn });
    process.exit = saved.exit;
    assert.equal(noisy, [], 'the library printed nothing');
  }
}

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<Error> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, InputError);
    assert.match((e as Error).message, pattern);
    return e as Error;
  }
  throw new Error(`expected a rejection matching ${pattern}`);
}

test('probe() on this machine: a valid report, silently, with progress for every probe', async () => {
  const events: ProgressEvent[] = [];
  const report = await silently(() => probe({ probes: ['cpu', 'environment'], onProgress: (e) => events.push(e) }));
  assert.equal(validate('report', report), []);
  assert.equal(report.options, { probes: ['cpu', 'environment'], calibrate: 'off', replay: false, redacted: true });
  assert.equal(report.tool.version, version);
  assert.equal(Object.keys(report.probes).sort(), ['cpu', 'environment']);
  const ended = events.filter((e) => e.type === 'probe-end').map((e) => e.probe).sort();
  assert.equal(ended, ['cpu', 'environment']);
  assert.is(report.host.hostname, undefined, 'redacted by default');
});

test('probe() replaying a capture equals `hwprobe --replay … --json` (file path and data)', async () => {
  const viaCli = await cli(['--replay', NO_AESNI, '--json']);
  assert.is(viaCli.code, 0, viaCli.stderr);
  const fromCli = JSON.parse(viaCli.stdout) as Report;
  const byPath = await silently(() => probe({ host: { replay: NO_AESNI }, calibrate: 'quick' }));
  assert.is(byPath.options.calibrate, 'off', 'replay never calibrates');
  assert.equal(stable(byPath), stable(fromCli));
  const byData = await probe({ host: { replay: JSON.parse(readFileSync(NO_AESNI, 'utf8')) } });
  assert.equal(stable(byData), stable(fromCli));
});

test('probe(): an aborted signal gives a partial report, not a rejection', async () => {
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  const report = await silently(() => probe({ probes: ['cpu'], signal: ac.signal }));
  assert.is(report.complete, false);
  assert.is(report.probes.cpu?.status, 'skipped');
});

test('probe(): bad options reject with an InputError naming the option', async () => {
  await rejects(probe({ probes: ['cpu', 'gpus'] }), /probes: unknown probe "gpus"; valid names: cpu, /);
  await rejects(probe({ timeoutMs: 0 }), /^timeoutMs: must be a positive number/);
  await rejects(probe({ calibrate: 'fast' as never }), /^calibrate: must be one of/);
  await rejects(probe({ host: { replay: '/nonexistent/capture.json' } }), /\/nonexistent\/capture\.json: cannot read: no such file/);
  await rejects(probe({ host: { replay: { captureVersion: '1' } as never } }), /host\.replay: not a valid capture .*\n {2}\/tool: is required/);
});

test('check(): a profile and an inline document give the same verdicts as `hwprobe check`', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-api-'));
  try {
    const report = await probe({ host: { replay: NO_AESNI } });
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify(report));
    const doc = { name: 'tls', require: [{ capability: 'crypto.aes', level: 'usable' as const, why: 'TLS' }] };
    const docFile = join(dir, 'tls.json');
    writeFileSync(docFile, JSON.stringify(doc));
    const viaCli = await cli(['check', file, '--expect', 'x86-64-v3', '--expect', docFile, '--json']);
    assert.is(viaCli.code, 1, 'crypto.aes is masked in this capture');
    const fromCli = JSON.parse(viaCli.stdout);
    const result = await silently(() => check(report, ['x86-64-v3', doc]));
    assert.is(result.ok, false);
    const strip = (vs: { origin: unknown }[]) => vs.map(({ origin: _o, ...v }) => v);
    assert.equal(strip(result.verdicts), strip(fromCli.verdicts));
    const aes = result.verdicts.find((v) => v.subject === 'crypto.aes')!;
    assert.is(aes.status, 'fail');
    assert.match(aes.reasons.join(' '), /OPENSSL_ia32cap/);
    // A single string or document works too.
    assert.is((await check(report, 'x86-64-v3')).ok, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check(): invalid input rejects with the document and JSON path', async () => {
  const report = await probe({ host: { replay: PLAIN } });
  await rejects(check(report, { name: 'mine', require: [{ capability: 'crypto.aess' }] }), /^mine: \/require\/0\/capability: unknown capability "crypto\.aess"/);
  await rejects(check(report, { require: [{ capability: 'crypto.aes', level: 'fast' as never }] }), /^expectations\[0\]: not a valid expectation file[^]*\/require\/0\/level: must be one of/);
  await rejects(check(report, 'x86-64-v9'), /"x86-64-v9" is neither a file nor a built-in profile/);
  await rejects(check({ ...report, schemaVersion: undefined } as never, 'x86-64-v2'), /^report: not a valid report[^]*\/schemaVersion: is required/);
});

test('diff(): equals `hwprobe diff --json` and explains the loss', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-api-'));
  try {
    const base = await probe({ host: { replay: PLAIN } });
    const cur = await probe({ host: { replay: NO_AESNI } });
    writeFileSync(join(dir, 'a.json'), JSON.stringify(base));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(cur));
    const viaCli = await cli(['diff', join(dir, 'a.json'), join(dir, 'b.json'), '--json']);
    const d = await diff(base, cur);
    assert.equal(d, JSON.parse(viaCli.stdout));
    assert.is(d.ok, false);
    const aes = d.capabilities.find((c) => c.id === 'crypto.aes');
    assert.ok(aes && aes.change === 'degraded', 'crypto.aes no longer usable');
    assert.ok(aes!.explanation.some((e) => /OPENSSL_ia32cap/.test(e)));
    assert.equal((await diff(base, base)).ok, true);
    await rejects(diff(base, { nope: 1 } as never), /^current: not a valid report/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('has(): true/false from the report, null where it could not tell', async () => {
  const r = await probe({ host: { replay: NO_AESNI }, probes: ['cpu', 'crypto', 'accelerators'] });
  const rows: [Parameters<typeof has>[1], Parameters<typeof has>[2], boolean | null][] = [
    ['cpu.simd.avx2', 'advertised', r.capabilities['cpu.simd.avx2']!.advertised],
    ['crypto.aes', 'usable', r.capabilities['crypto.aes']!.usable],
    ['crypto.aes', 'effective', null], // a replay never calibrates
    ['accel.tpu', 'usable', r.capabilities['accel.tpu']?.usable ?? false], // the probe ran: absent means no
    ['gpu.cuda', 'usable', null], // the gpu probe did not run
  ];
  for (const [id, level, want] of rows) assert.is(has(r, id, level), want, `${id} ${level}`);
  assert.is(has(r, 'crypto.aes', 'usable'), false, 'OPENSSL_ia32cap masks AES-NI in this capture');
  assert.throws(() => has(r, 'crypto.aes', 'fast' as never), (e: Error) => e instanceof InputError && /^has: level must be one of/.test(e.message));
});

test('library messages name library options, not CLI flags', async () => {
  const r = await probe({ probes: ['crypto'], calibrate: 'off' });
  const e = await rejects(check(r, ['x86-64-v9']), /^expectations\[0\]: "x86-64-v9" is neither/);
  assert.not.match(e.message, /--expect/);
  const res = await check(r, { require: [{ metric: 'crypto.aes-128-gcm', min: '1 GB/s' }, { capability: 'gpu.cuda' }] });
  const reasons = res.verdicts.flatMap((v) => v.reasons).join('\n');
  assert.match(reasons, /run with calibrate: 'quick'/);
  assert.match(reasons, /not in probes, or not in this hwprobe version/);
  assert.not.match(reasons, /--calibrate|--probes/);
  // The CLI keeps its flags.
  const c = await cli(['--probes', 'crypto', '--calibrate', 'off', '--expect', 'x86-64-v9']);
  assert.match(c.stderr, /--expect: "x86-64-v9"/);
});

test('loadReport(): a file, data, and clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-api-'));
  try {
    const report = await probe({ host: { replay: PLAIN } });
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify(report));
    assert.equal(await loadReport(file), report);
    assert.equal(await loadReport(report), report);
    writeFileSync(file, JSON.stringify({ ...report, capabilities: { 'crypto.aes': { advertised: 'yes' } } }));
    await rejects(loadReport(file), /r\.json: not a valid report[^]*\/capabilities\/crypto\.aes\/advertised: must be/);
    await rejects(loadReport(PLAIN), /not a hwprobe report \(no schemaVersion\) \(it is a capture/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('render(): what `hwprobe check --format F` prints, for every format', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-api-'));
  try {
    const report = await probe({ host: { replay: NO_AESNI } });
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify(report));
    const result = await check(report, ['aes-hw']);
    for (const format of ['markdown', 'github', 'junit', 'nfd', 'prometheus', 'text'] as const) {
      const viaCli = await cli(['check', file, '--expect', 'aes-hw', '--format', format], { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' });
      // `check` shows a saved report's verdicts only in text; render shows the report too when given one.
      const outcome = format === 'text' ? { check: result } : { report, check: result };
      assert.is(await silently(() => render(outcome, format)), viaCli.stdout, format);
    }
    assert.match(await render({ report, check: result }, 'text'), /^hwprobe [^]*expectations NOT met/);
    await rejects(render({ diff: await diff(report, report) }, 'nfd'), /^render: format 'nfd' describes a machine/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('schemas, probeIds, profiles', async () => {
  assert.equal(Object.keys(schemas).sort(), ['capture', 'expect', 'report']);
  assert.is(schemas.report.$id, 'https://hwprobe.dev/schemas/report.schema.json');
  assert.equal(schemas.expect, JSON.parse(readFileSync(fileURLToPath(new URL('../../schemas/expect.schema.json', import.meta.url)), 'utf8')));
  assert.ok((await probeIds()).includes('crypto'));
  assert.ok((await profiles()).includes('aes-hw'));
});

test.run();
