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

test('metric rows: bars scale against threshold × baseline; unmeasured metrics say why', () => {
  const m = metricRow('crypto.aes-128-gcm', {
    status: 'ok', value: 6, unit: 'GB/s', samples: 5, cv: 0.02, min: 5.9, max: 6.1,
    baseline: { value: 1, method: 'software AES' }, speedup: 6, threshold: 2,
  });
  assert.is(m.bar, 1);
  assert.is(m.speedup, '×6.00 vs software AES');
  const slow = metricRow('x', { status: 'ok', value: 1, unit: 'GB/s', samples: 5, cv: 0, min: 1, max: 1, baseline: { value: 1, method: 'sw' }, threshold: 2 });
  assert.is(slow.bar, 0.5);
  assert.is(slow.reference, '2× sw');
  assert.equal(metricRow('y', { status: 'skipped', unit: 'GB/s', reason: 'no device' }), { id: 'y', status: 'skipped', text: 'skipped: no device', bar: 0 });
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
