import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { banner, buildView, initialLive, metricRow, reduceLive } from '../../../src/view/model.js';
import { replayReport } from '../../helpers/replay.js';

test('the view of a replayed capture: one section per probe, capabilities in their section', async () => {
  const r = await replayReport('linux-x64-epyc-kvm-docker-taskset-cpu0.json');
  const v = buildView(r);
  assert.equal(v.sections.map((s) => s.id).filter((id) => id !== 'other findings').sort(), Object.keys(r.probes).sort());
  assert.is(v.sections[0].id, 'cpu', 'sections follow the registry order, cpu first');
  const cpu = v.sections.find((s) => s.id === 'cpu')!;
  assert.ok(cpu.capabilities.length > 0 && cpu.capabilities.every((c) => c.id.startsWith('cpu.')));
  const env = v.sections.find((s) => s.id === 'environment')!;
  assert.ok(env.findings.some((f) => f.code === 'ENV_AFFINITY' && f.severity === 'warning'));
  // Every finding of the report is shown exactly once.
  assert.is(v.sections.reduce((n, s) => n + s.findings.length, 0), r.findings.length);
  assert.match(v.machine, /2 CPUs/);
  assert.is(v.banner.tone, r.findings.some((f) => f.severity === 'error') ? 'bad' : 'warn');
});

test('banner: expectations when given, else findings by severity', async () => {
  const r = await replayReport('linux-x64-epyc-kvm-docker-cgroup1.json');
  assert.equal(banner(r, { passed: 3, failed: 1, warnings: 0 }), { kind: 'expectations', text: 'expectations: 3 passed, 1 failed', tone: 'bad' });
  assert.equal(banner(r, { passed: 3, failed: 0, warnings: 0 }).tone, 'good');
  assert.is(banner(r).kind, 'findings');
});

test('metric rows: a judged speedup is drawn against its threshold (marked); unmeasured metrics say why', () => {
  const m = metricRow('crypto.aes-128-gcm', {
    status: 'ok', value: 6, unit: 'GB/s', samples: 5, cv: 0.02, min: 5.9, max: 6.1,
    baseline: { value: 1, method: 'software AES' }, speedup: 6, threshold: 2,
  });
  assert.is(m.bar, 1);
  assert.is(m.mark, 0.5);
  assert.is(m.speedup, '×6.00 vs software AES (needs ×2.00)');
  const slow = metricRow('x', { status: 'ok', value: 1, unit: 'GB/s', samples: 5, cv: 0, min: 1, max: 1, baseline: { value: 1, method: 'sw' }, speedup: 1, threshold: 2 });
  assert.is(slow.bar, 0.25, 'below the threshold mark');
  assert.equal(metricRow('y', { status: 'skipped', unit: 'GB/s', reason: 'no device' }), { id: 'y', status: 'skipped', text: 'skipped: no device', bar: 0 });
});

test('bars of one unit share one scale: the slower metric never gets the longer bar', async () => {
  const r = await replayReport('linux-x64-epyc-kvm-docker-cgroup1.json');
  // Hand-written metrics: two GB/s kernels, the slower one with a baseline that used to lengthen its bar.
  r.metrics = {
    'crypto.aes-128-gcm': { status: 'ok', value: 0.5, unit: 'GB/s', samples: 5, cv: 0, min: 0.5, max: 0.5, baseline: { value: 0.1, method: 'sw' } },
    'crypto.sha256': { status: 'ok', value: 2, unit: 'GB/s', samples: 5, cv: 0, min: 2, max: 2 },
  };
  const rows = buildView(r).sections.find((s) => s.id === 'crypto')!.metrics;
  const [aes, sha] = ['crypto.aes-128-gcm', 'crypto.sha256'].map((id) => rows.find((x) => x.id === id)!);
  assert.ok(aes.bar < sha.bar);
  assert.is(sha.bar, 1);
  assert.is(aes.scale, 'GB/s, scale 0–2.00');
});

test('capabilities: what the machine has first, then what is masked, then unknown, then absent', async () => {
  const r = await replayReport('linux-x64-epyc-kvm-docker-openssl-ia32cap-empty.json');
  const caps = buildView(r).sections.find((s) => s.id === 'crypto')!.capabilities;
  const rank = caps.map((c) => (c.advertised === true ? (c.usable === false ? 1 : 0) : c.advertised === null ? 2 : 3));
  assert.equal(rank, [...rank].sort((a, b) => a - b));
  assert.ok(rank.includes(1) && rank.includes(0), 'this capture has both usable and masked capabilities');
  const cpu = buildView(r).sections.find((s) => s.id === 'cpu')!.capabilities;
  assert.ok(cpu.findIndex((c) => c.id === 'cpu.simd.avx2') < cpu.findIndex((c) => c.id === 'cpu.simd.amx_tile'));
});

test('facts in words by default: names of devices, no nested jargon; everything in facts', async () => {
  const r = await replayReport('linux-x64-epyc-kvm-docker-openssl-ia32cap-empty.json');
  const v = buildView(r, undefined, { truncate: false });
  const gpu = v.sections.find((s) => s.id === 'gpu')!;
  assert.ok(gpu.plainFacts.some((f) => /^softwareDevices: .*llvmpipe/.test(f)), gpu.plainFacts.join('\n'));
  const crypto = v.sections.find((s) => s.id === 'crypto')!;
  assert.not.ok(crypto.plainFacts.some((f) => f.startsWith('abPlan')));
  assert.ok(crypto.facts.some((f) => f.startsWith('abPlan')));
  assert.not.ok(v.sections.flatMap((s) => s.facts).some((f) => f.endsWith('…')), 'not truncated off a terminal');
});

test('root causes: one masking variable is one cause, listing what it affects', async () => {
  const r = await replayReport('linux-x64-epyc-kvm-docker-openssl-ia32cap-empty.json');
  const causes = buildView(r).causes;
  const mask = causes.filter((c) => c.title.startsWith('OPENSSL_ia32cap'));
  assert.is(mask.length, 1);
  assert.ok(mask[0].affects.includes('crypto.aes') && mask[0].count > 1);
});

test('live state folds progress events', () => {
  let s = initialLive(['cpu', 'gpu'], 0);
  s = reduceLive(s, { type: 'probe-start', probe: 'cpu' });
  assert.equal(s.probes.map((p) => p.state), ['running', 'waiting']);
  s = reduceLive(s, { type: 'probe-end', probe: 'cpu', status: 'ok', durationMs: 12 });
  s = reduceLive(s, { type: 'calibration', probe: 'cpu', kernel: 'cpu.mem-copy', fraction: 0.5, etaMs: 100 });
  assert.equal(s.probes[0], { id: 'cpu', state: 'done', status: 'ok', durationMs: 12 });
  assert.equal(s.calibration, { probe: 'cpu', kernel: 'cpu.mem-copy', fraction: 0.5, etaMs: 100 });
});

test.run();
