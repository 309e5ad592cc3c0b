import { test } from 'uvu';
import * as assert from 'uvu/assert';
import React from 'react';
import { EventEmitter } from 'node:events';
import { render } from 'ink-testing-library';
import { App, type TuiRun } from '../../../src/tui/app.js';
import { CapabilityGrid, MetricBars } from '../../../src/tui/components.js';
import { buildView, metricRow, type ViewModel } from '../../../src/view/model.js';
import type { ProgressEvent } from '../../../src/types.js';
import { replayReport } from '../../helpers/replay.js';

const strip = (s = '') => s.replace(/\x1b\[[0-9;]*m/g, '');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeRun(ids: string[]) {
  const em = new EventEmitter();
  let resolve!: (v: { view: ViewModel; exitCode: number }) => void;
  let interrupted = false;
  const run: TuiRun = {
    probeIds: ids,
    machine: 'test machine',
    subscribe: (f) => (em.on('p', f), () => void em.off('p', f)),
    result: new Promise((r) => (resolve = r)),
    interrupt: () => void (interrupted = true),
  };
  return { run, emit: (e: ProgressEvent) => em.emit('p', e), resolve, interrupted: () => interrupted };
}

test('live view: a row per probe, then the calibration bar with kernel and ETA', async () => {
  const f = fakeRun(['cpu', 'environment']);
  const ui = render(<App run={f.run} onDone={() => {}} />);
  f.emit({ type: 'probe-start', probe: 'cpu' });
  f.emit({ type: 'probe-end', probe: 'environment', status: 'ok', durationMs: 5 });
  f.emit({ type: 'calibration', probe: 'cpu', kernel: 'cpu.mem-copy', fraction: 0.25, etaMs: 1500 });
  await wait(30);
  const frame = strip(ui.lastFrame());
  assert.match(frame, /cpu\s+detecting/);
  assert.match(frame, /✓ environment\s+ok 5 ms/);
  assert.match(frame, /calibrating .* 25% cpu\.mem-copy\s+ETA 1\.5 s/);
  ui.unmount();
});

test('final view: sections, verdicts; j moves, Enter shows evidence, q quits with the run code', async () => {
  const report = await replayReport('linux-x64-epyc-kvm-docker-taskset-cpu0.json');
  const f = fakeRun(Object.keys(report.probes));
  let code: number | undefined;
  const ui = render(<App run={f.run} onDone={(c) => (code = c)} />);
  f.resolve({ view: buildView(report), exitCode: 1 });
  await wait(30);
  let frame = strip(ui.lastFrame());
  assert.match(frame, /▸ cpu\s+ok/);
  assert.match(frame, /isa\.x86-64-v2\s+✓\s+✓\s+\?/);
  for (let i = 0; i < 10 && !/▸ environment/.test(frame); i++) {
    ui.stdin.write('j');
    await wait(20);
    frame = strip(ui.lastFrame());
  }
  assert.match(frame, /▸ environment/);
  assert.match(frame, /ENV_AFFINITY/);
  ui.stdin.write('\r');
  await wait(20);
  frame = strip(ui.lastFrame());
  assert.match(frame, /▾ environment/);
  assert.match(frame, /fact\s+affinity: 0/);
  ui.stdin.write('q');
  await wait(20);
  assert.is(code, 1);
  ui.unmount();
});

test('Ctrl-C while running interrupts the run, shows the result, exits 130', async () => {
  const report = await replayReport('linux-x64-epyc-kvm-docker-cgroup1.json');
  const f = fakeRun(['cpu']);
  let code: number | undefined;
  const ui = render(<App run={f.run} onDone={(c) => (code = c)} />);
  await wait(20);
  ui.stdin.write('\x03');
  await wait(20);
  assert.ok(f.interrupted());
  f.resolve({ view: buildView(report), exitCode: 0 });
  await wait(50);
  assert.is(code, 130);
  ui.unmount();
});

test('no line is wider than the terminal, at 80 columns too', () => {
  const rows = [
    { id: 'cpu.simd.avx512_vpopcntdq', advertised: true, usable: false, effective: null, evidence: [] },
    ...Array.from({ length: 20 }, (_, i) => ({ id: `cpu.simd.f${i}`, advertised: true, usable: true, effective: true, evidence: [] })),
  ];
  for (const width of [80, 110]) {
    const g = render(<CapabilityGrid rows={rows} prefix="cpu." width={width} maxRows={30} />);
    const m = render(<MetricBars rows={[metricRow('crypto.aes-128-gcm', { status: 'ok', value: 5.6, unit: 'GB/s', samples: 9, cv: 0.01, min: 5.5, max: 5.7, speedup: 7.5, baseline: { value: 0.75, method: 'OPENSSL_ia32cap masked' } })]} width={width} />);
    for (const line of [...strip(g.lastFrame()).split('\n'), ...strip(m.lastFrame()).split('\n')]) {
      assert.ok([...line].length <= width, `${[...line].length} > ${width}: ${line}`);
    }
  }
});

test.run();
