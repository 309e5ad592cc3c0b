import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runProbes } from '../../src/runner.js';
import { buildReport, assertValidReport } from '../../src/report.js';
import { ReplayHost } from '../../src/host/replay-host.js';
import { makeCapture } from '../../src/host/capture.js';
import { emptyDetection, type Probe, type ProgressEvent } from '../../src/types.js';
import type { FindingCode } from '../../src/ids.generated.js';

const good: Probe = {
  id: 'good',
  title: 'Good',
  vocabulary: { capabilities: ['good.thing'], metrics: {}, findings: {}, facts: ['answer'] },
  async detect() {
    const d = emptyDetection();
    d.facts.answer = 42;
    d.capabilities['good.thing'] = { advertised: true, usable: true, effective: null, evidence: ['test'] };
    return d;
  },
};
const throws: Probe = {
  id: 'throws',
  title: 'Throws',
  vocabulary: { capabilities: [], metrics: {}, findings: {}, facts: [] },
  async detect() {
    throw new Error('boom');
  },
};
const hangs: Probe = {
  id: 'hangs',
  title: 'Hangs',
  vocabulary: { capabilities: [], metrics: {}, findings: {}, facts: [] },
  detect: () => new Promise(() => {}),
};

test('a throwing probe is status error and a hanging one is timeout; the rest is intact', async () => {
  const host = new ReplayHost(makeCapture());
  const events: ProgressEvent[] = [];
  const t0 = Date.now();
  const run = await runProbes(host, [good, throws, hangs], { calibrate: 'off', timeoutMs: 300, onProgress: (e) => events.push(e) });
  assert.ok(Date.now() - t0 < 2000);
  assert.is(run.probes.good.status, 'ok');
  assert.equal(run.probes.good.facts, { answer: 42 });
  assert.is(run.probes.throws.status, 'error');
  assert.match(run.probes.throws.error!, /boom/);
  assert.is(run.probes.hangs.status, 'timeout');
  assert.is(run.complete, false);
  assert.equal(
    events.filter((e) => e.type === 'probe-end').map((e) => (e as { probe: string }).probe).sort(),
    ['good', 'hangs', 'throws'],
  );
  const report = buildReport(host, run, { probes: ['good', 'throws', 'hangs'], calibrate: 'off', redact: true });
  assertValidReport(report);
  assert.equal(report.capabilities['good.thing'].advertised, true);
});

test('an outer abort stops the run and marks it incomplete', async () => {
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 50);
  const run = await runProbes(new ReplayHost(makeCapture()), [hangs, good], { calibrate: 'off', timeoutMs: 10_000, signal: ctl.signal });
  assert.is(run.probes.hangs.status, 'skipped');
  assert.is(run.probes.good.status, 'ok');
  assert.is(run.complete, false);
});

test('calibration never runs under replay', async () => {
  let called = false;
  const cal: Probe = { ...good, id: 'cal', calibrate: async () => ((called = true), { metrics: {} }) };
  await runProbes(new ReplayHost(makeCapture()), [cal], { calibrate: 'quick', timeoutMs: 1000 });
  assert.is(called, false);
});

test('on a live host, calibration runs after detection and its verdicts are merged', async () => {
  const { NodeHost } = await import('../../src/host/node-host.js');
  const cal: Probe = {
    ...good,
    id: 'cal',
    calibrate: async (ctx) => {
      assert.ok(ctx.peers.cal, 'the probe sees its own detection');
      return {
        metrics: { 'good.speed': { status: 'ok', value: 2, unit: 'GB/s', samples: 3, cv: 0.01, min: 1.9, max: 2.1, speedup: 4 } },
        capabilities: { 'good.thing': { effective: true, evidence: ['speedup 4 ≥ 2'] } },
        findings: [{ code: 'GOOD_FAST' as FindingCode /* a test probe's own code */, severity: 'info', message: 'fast' }],
      };
    },
  };
  const host = new NodeHost();
  const run = await runProbes(host, [cal], { calibrate: 'quick', timeoutMs: 1000 });
  assert.is(run.metrics['good.speed'].status, 'ok');
  const r = buildReport(host, run, { probes: ['cal'], calibrate: 'quick', redact: true });
  assertValidReport(r);
  assert.equal(r.capabilities['good.thing'], { advertised: true, usable: true, effective: true, evidence: ['test', 'speedup 4 ≥ 2'] });
  // CALIBRATION_CONTENTION comes with a busy machine (the shared test machine may be one).
  assert.equal(r.findings.map((f) => f.code).filter((c) => c !== 'CALIBRATION_CONTENTION'), ['GOOD_FAST']);
  assert.ok(r.contention && ['low', 'moderate', 'high', 'unknown'].includes(r.contention.level), 'calibration reports contention');
  assert.is(r.findings.some((f) => f.code === 'CALIBRATION_CONTENTION'), r.contention!.level === 'high');
});

test('prepare starts after its detection, before any calibration; calibrate gets it, and it is closed after', async () => {
  const { NodeHost } = await import('../../src/host/node-host.js');
  const log: string[] = [];
  const slow: Probe = { ...good, id: 'slow', detect: async () => (await new Promise((r) => setTimeout(r, 150)), log.push('slow detected'), emptyDetection()), calibrate: async () => (log.push('slow calibrates'), { metrics: {} }) };
  const prep: Probe = {
    ...good,
    id: 'prep',
    detect: async () => (log.push('prep detected'), emptyDetection()),
    prepare: async () => {
      log.push('prep prepares');
      await new Promise((r) => setTimeout(r, 50));
      log.push('prep ready');
      return { close: async () => void log.push('prep closed') };
    },
    calibrate: async (ctx) => (log.push(`prep calibrates with${ctx.prepared ? '' : 'out'} its prepared workers`), { metrics: {} }),
  };
  const failing: Probe = { ...prep, id: 'failing', prepare: async () => Promise.reject(new Error('no')), calibrate: async (ctx) => (log.push(`failing calibrates with${ctx.prepared ? '' : 'out'} prepared`), { metrics: {} }) };
  await runProbes(new NodeHost(), [slow, prep, failing], { calibrate: 'quick', timeoutMs: 2000, prepare: true });
  const at = (x: string) => log.indexOf(x);
  assert.ok(at('prep detected') < at('prep prepares') && at('prep prepares') < at('slow detected'), `prepare overlaps the other detections: ${log.join(' → ')}`);
  assert.ok(at('prep ready') < at('slow calibrates'), 'every prepare is ready before the first calibration');
  assert.ok(at('prep calibrates with its prepared workers') > 0, log.join(' → '));
  assert.ok(at('failing calibrates without prepared') > 0, 'a failed prepare only means calibrate starts its own');
  assert.ok(at('prep closed') > at('prep calibrates with its prepared workers'), 'closed after the calibrations');
  log.length = 0;
  await runProbes(new NodeHost(), [prep], { calibrate: 'off', timeoutMs: 2000, prepare: true });
  assert.equal(log, ['prep detected'], 'nothing is prepared without calibration');
});

test('Ctrl-C during calibration keeps what was already measured and marks the run incomplete', async () => {
  const { NodeHost } = await import('../../src/host/node-host.js');
  const ctl = new AbortController();
  const cal: Probe = {
    ...good,
    id: 'cal',
    calibrate: async (ctx) => {
      setTimeout(() => ctl.abort(), 20);
      await new Promise<void>((res) => ctx.signal.addEventListener('abort', () => res(), { once: true }));
      return {
        metrics: {
          'good.first': { status: 'ok', value: 1, unit: 'GB/s', samples: 3, cv: 0, min: 1, max: 1 },
          'good.second': { status: 'skipped', unit: 'GB/s', reason: 'interrupted before it finished' },
        },
      };
    },
  };
  const run = await runProbes(new NodeHost(), [cal], { calibrate: 'quick', timeoutMs: 5000, signal: ctl.signal });
  assert.is(run.complete, false);
  assert.is(run.metrics['good.first'].status, 'ok');
  assert.is(run.metrics['good.second'].status, 'skipped');
});

test.run();
