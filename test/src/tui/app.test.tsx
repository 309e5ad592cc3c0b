import { test } from 'uvu';
import * as assert from 'uvu/assert';
import React from 'react';
import { EventEmitter } from 'node:events';
import { render } from 'ink-testing-library';
import { Box } from 'ink';
import { App, type TuiRun } from '../../../src/tui/app.js';
import { capabilityLines, metricLines } from '../../../src/tui/components.js';
import { buildView, metricRow, requirementProblems, type ViewModel } from '../../../src/view/model.js';
import { evaluate } from '../../../src/expect/evaluate.js';
import { loadExpectations } from '../../../src/expect/load.js';
import type { ProgressEvent } from '../../../src/types.js';
import { replayReport } from '../../helpers/replay.js';

const strip = (s = '') => s.replace(/\x1b\[[0-9;]*m/g, '');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the last frame until it matches (the machine is shared: fixed sleeps are flaky). */
async function frameMatching(ui: { lastFrame(): string | undefined }, re: RegExp, ms = 3000): Promise<string> {
  const end = Date.now() + ms;
  let f = '';
  while (Date.now() < end) {
    f = strip(ui.lastFrame());
    if (re.test(f)) return f;
    await wait(15);
  }
  throw new Error(`frame never matched ${re}:\n${f}`);
}

function fakeRun(ids: string[]) {
  const em = new EventEmitter();
  let resolve!: (v: { view: ViewModel; exitCode: number }) => void;
  let interrupted = false;
  const run: TuiRun = {
    probeIds: ids,
    machine: 'test machine',
    calibrate: 'quick',
    subscribe: (f) => (em.on('p', f), () => void em.off('p', f)),
    result: new Promise((r) => (resolve = r)),
    interrupt: () => void (interrupted = true),
  };
  return { run, emit: (e: ProgressEvent) => em.emit('p', e), resolve, interrupted: () => interrupted };
}

test('live view: a row per probe, one bar for the whole run that moves while a child-process kernel is silent', async () => {
  const f = fakeRun(['cpu', 'crypto', 'environment']);
  const ui = render(<App run={f.run} onDone={() => {}} />);
  f.emit({ type: 'probe-start', probe: 'cpu' });
  f.emit({ type: 'probe-end', probe: 'environment', status: 'ok', durationMs: 5 });
  let frame = await frameMatching(ui, /✓ environment\s+ok 5 ms/);
  assert.match(frame, /cpu\s+detecting/);
  f.emit({ type: 'probe-end', probe: 'cpu', status: 'ok', durationMs: 1420.1 });
  f.emit({ type: 'probe-end', probe: 'crypto', status: 'ok', durationMs: 3 });
  f.emit({ type: 'calibration-start', probe: 'crypto' });
  frame = await frameMatching(ui, /calibrating crypto/);
  assert.match(frame, /✓ cpu\s+ok 1\.4 s/, 'durations formatted one way');
  const pct = (s: string) => Number(/(\d+)%/.exec(s)![1]);
  const before = pct(frame);
  await wait(700);
  const after = strip(ui.lastFrame());
  assert.ok(pct(after) > before, `the bar moved: ${before}% → ${pct(after)}%`);
  assert.match(after, /ETA \d/);
  f.emit({ type: 'calibration-end', probe: 'crypto', durationMs: 700 });
  assert.match(await frameMatching(ui, /%/), /ETA/, 'the bar stays between kernels');
  ui.unmount();
});

async function judgedView() {
  const report = await replayReport('linux-x64-epyc-kvm-docker-openssl-ia32cap-empty.json');
  const check = evaluate(report, await loadExpectations(['aes-hw', 'x86-64-v3']));
  return buildView(report, { passed: check.passed, failed: check.failed, warnings: check.warned, problems: requirementProblems(check.verdicts) });
}

test('final view at 80×24: failed requirements with their first reason, warnings named, keys, every row reachable', async () => {
  const view = await judgedView();
  const f = fakeRun(view.sections.map((s) => s.id));
  let code: number | undefined;
  const ui = render(<App run={f.run} onDone={(c) => (code = c)} />);
  f.resolve({ view, exitCode: 1 });
  let frame = await frameMatching(ui, /▸cpu/);
  assert.match(frame, /✗ FAIL crypto\.aes usable: not usable/);
  assert.match(frame, /warnings?: OPENSSL_ia32cap=""/);
  for (const line of frame.split('\n')) assert.ok([...line].length <= 100, line);
  assert.ok(frame.split('\n').length <= 24, `taller than 24 rows:\n${frame}`);
  // the cpu grid is longer than the pane: space scrolls until its last row shows
  const last = view.sections[0].capabilities.at(-1)!.id.replace(/^cpu\./, '');
  for (let i = 0; i < 10 && !frame.includes(last); i++) {
    ui.stdin.write(' ');
    await wait(30);
    frame = strip(ui.lastFrame());
  }
  assert.ok(frame.includes(last), `the last cpu capability is reachable:\n${frame}`);
  ui.stdin.write('j');
  frame = await frameMatching(ui, /▸crypto/);
  ui.stdin.write('\r');
  frame = await frameMatching(ui, /fact\s+\w+:/);
  ui.stdin.write('?');
  frame = await frameMatching(ui, /PgDn/);
  assert.match(frame, /q +Esc\s+quit/);
  ui.stdin.write('?');
  await frameMatching(ui, /capability|fact/);
  for (let i = 0; i < 8 && !/▸(reqs|requirements)/.test(frame); i++) {
    ui.stdin.write('k');
    await wait(40);
    frame = strip(ui.lastFrame());
  }
  assert.match(frame, /required at profile aes-hw/);
  ui.stdin.write('q');
  await wait(30);
  assert.is(code, 1);
  ui.unmount();
});

test('Ctrl-C while running interrupts the run, shows the result, exits 130', async () => {
  const report = await replayReport('linux-x64-epyc-kvm-docker-cgroup1.json');
  const f = fakeRun(['cpu']);
  let code: number | undefined;
  const ui = render(<App run={f.run} onDone={(c) => (code = c)} />);
  await frameMatching(ui, /probing/);
  ui.stdin.write('\x03');
  const end = Date.now() + 2000;
  while (!f.interrupted() && Date.now() < end) await wait(10);
  assert.ok(f.interrupted());
  f.resolve({ view: buildView(report), exitCode: 0 });
  const end2 = Date.now() + 3000;
  while (code === undefined && Date.now() < end2) await wait(10);
  assert.is(code, 130);
  ui.unmount();
});

test('grid header once per column, aligned with its cells; bars share a labelled scale; nothing wider than 80 or 120', () => {
  const rows = [
    { id: 'crypto.aes', advertised: true, usable: false, effective: null, evidence: [] },
    ...Array.from({ length: 20 }, (_, i) => ({ id: `crypto.f${i}`, advertised: true, usable: true, effective: true, evidence: [] })),
  ];
  for (const width of [80, 120]) {
    const g = render(<Box flexDirection="column" width={width}>{capabilityLines(rows, 'crypto.', width)}</Box>);
    const lines = strip(g.lastFrame()).split('\n');
    const heads = lines[0].match(/capability +adv use eff/g) ?? [];
    assert.is(heads.length, Math.floor((width - 2) / 26), `one header per column at ${width}`);
    assert.not.match(lines[0], /effcapability/);
    // under each header, the ✓/✗ of the first row sits under the middle letter of "adv"
    const adv = lines[0].indexOf('adv') + 1;
    assert.ok(['✓', '✗', '?'].includes([...lines[1]][adv]), `aligned: ${lines[0]}\n${lines[1]}`);
    const m = render(
      <Box flexDirection="column" width={width}>
        {metricLines([metricRow('crypto.aes-128-gcm', { status: 'ok', value: 5.6, unit: 'GB/s', samples: 9, cv: 0.01, min: 5.5, max: 5.7, speedup: 7.5, threshold: 2, baseline: { value: 0.75, method: 'OPENSSL_ia32cap masked' } })], width)}
      </Box>,
    );
    const ml = strip(m.lastFrame());
    assert.match(ml, /bars: speedup, │ = ×2\.00 threshold/);
    for (const line of [...lines, ...ml.split('\n')]) assert.ok([...line].length <= width, `${[...line].length} > ${width}: ${line}`);
  }
});

test.run();
