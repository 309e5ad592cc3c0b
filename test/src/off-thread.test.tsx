// The TUI path measures like the plain path (issue 12 part 5). Under the TUI, ink rendered on the
// thread that timed the parallel kernel across an await, and cpu.parallel-scaling read 309 820×
// (/work/notes/gates.md). Now the kernel times itself in its workers, and the TUI's run goes to a
// worker thread (src/run-off-thread.ts). These tests run the same kernels both ways and compare the
// distributions: physically plausible, and agreeing within a generous factor. No speed is asserted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import React from 'react';
import { render } from 'ink-testing-library';
import { App, type TuiRun } from '../../src/tui/app.js';
import { measure } from '../../src/calibration.js';
import { parallelKernel, startPool } from '../../probes/cpu/kernels/parallel.js';
import { runOffThread } from '../../src/run-off-thread.js';
import { runProbes } from '../../src/runner.js';
import { buildReport } from '../../src/report.js';
import { NodeHost } from '../../src/host/node-host.js';
import { PROBES } from '../../probes/index.js';
import type { Metric, ProgressEvent, Report } from '../../src/types.js';

const WORKERS = 2;
/** Scaling above the worker count (plus a margin) or near zero cannot be true of 2 workers. */
const plausible = (x: number) => x > 0.05 && x <= WORKERS * 1.25;
/**
 * The two paths must agree within this factor: loose, since other jobs share these CPUs while tests
 * run (plain runs alone spread 0.28–2.1× at a load average of 16); the fault it guards against was
 * off by 10^5.
 */
const FACTOR = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const value = (m: Metric | undefined) => (m?.status === 'ok' ? m.value : NaN);

/** A renderer's load on this thread: the real App, fed every progress event, plus a busy-wait per tick. */
function mountApp(blockMs: number) {
  const listeners = new Set<(ev: ProgressEvent) => void>();
  const run: TuiRun = {
    probeIds: ['cpu'],
    machine: 'test',
    subscribe: (fn) => (listeners.add(fn), () => void listeners.delete(fn)),
    result: new Promise(() => {}),
    interrupt() {},
  };
  const ui = render(<App run={run} onDone={() => {}} />);
  // A slow terminal's render: this thread is busy for blockMs of every 2·blockMs.
  const hog = setInterval(() => {
    const end = performance.now() + blockMs;
    while (performance.now() < end);
  }, blockMs);
  return {
    progress: (ev: ProgressEvent) => listeners.forEach((l) => l(ev)),
    frames: () => ui.frames.length,
    stop: () => (clearInterval(hog), ui.unmount()),
  };
}

async function scalingOnce(progress?: (ev: ProgressEvent) => void): Promise<number> {
  const pool = await startPool(WORKERS);
  try {
    const opts = { level: 'quick' as const, probe: 'cpu', progress };
    const one = await measure(parallelKernel(() => pool, 1), opts);
    const many = await measure(parallelKernel(() => pool, WORKERS), opts);
    return value(many) / value(one);
  } finally {
    await pool.close();
  }
}

test('the parallel kernel measures the same with a renderer hogging this thread', async () => {
  const plain: number[] = [];
  const busy: number[] = [];
  for (let i = 0; i < 5; i++) {
    plain.push(await scalingOnce());
    const app = mountApp(8);
    try {
      busy.push(await scalingOnce(app.progress));
      assert.ok(app.frames() > 1, 'the App rendered while the kernel ran');
    } finally {
      app.stop();
    }
  }
  const [p, b] = [median(plain), median(busy)];
  console.log(`  cpu.parallel-scaling medians: plain ${p.toFixed(3)}× ${JSON.stringify(plain.map((x) => +x.toFixed(3)))}, renderer busy ${b.toFixed(3)}× ${JSON.stringify(busy.map((x) => +x.toFixed(3)))}`);
  assert.ok(plausible(p), `plain median ${p}`);
  assert.ok(plausible(b), `busy-renderer median ${b}`);
  assert.ok(Math.max(p / b, b / p) <= FACTOR, `plain ${p} vs busy ${b}`);
});

/** A plain run of the cpu probe: runProbes then buildReport on this thread, as without the TUI. */
async function plainReport(): Promise<Report> {
  const host = new NodeHost({ env: process.env });
  const probes = PROBES.filter((p) => p.id === 'cpu');
  return buildReport(host, await runProbes(host, probes, { calibrate: 'quick', timeoutMs: 20_000 }), { probes: ['cpu'], calibrate: 'quick', redact: true });
}

test('the TUI path (a worker thread, the App rendering here) and the plain path report alike', async () => {
  const plain = [await plainReport(), await plainReport()];
  const tui: Report[] = [];
  const events: ProgressEvent[] = [];
  for (let i = 0; i < 2; i++) {
    const app = mountApp(8);
    try {
      tui.push(
        await runOffThread(
          { probes: ['cpu'], calibrate: 'quick', timeoutMs: 20_000, redact: true, env: { ...process.env } },
          { onProgress: (ev) => (events.push(ev), app.progress(ev)) },
        ),
      );
    } finally {
      app.stop();
    }
  }
  // The same code ran: the same metrics, each measured.
  assert.equal(Object.keys(tui[0].metrics).sort(), Object.keys(plain[0].metrics).sort());
  assert.ok(tui.every((r) => r.complete && r.probes.cpu?.status === 'ok'));
  // Progress crossed the thread: probe start and end, and calibration kernels.
  assert.ok(events.some((e) => e.type === 'probe-start') && events.some((e) => e.type === 'probe-end'));
  assert.ok(events.some((e) => e.type === 'calibration' && e.probe === 'cpu'));
  const scale = (rs: Report[]) => rs.map((r) => value(r.metrics['cpu.parallel-scaling']));
  const [p, t] = [scale(plain), scale(tui)];
  console.log(`  cpu.parallel-scaling: plain ${JSON.stringify(p)}, TUI path ${JSON.stringify(t)}`);
  for (const x of [...p, ...t]) assert.ok(plausible(x), `cpu.parallel-scaling ${x}`);
  const [mp, mt] = [median(p), median(t)];
  assert.ok(Math.max(mp / mt, mt / mp) <= FACTOR, `plain ${mp} vs TUI path ${mt}`);
});

test('Ctrl-C reaches the worker thread: the report still comes back, marked incomplete', async () => {
  const ctl = new AbortController();
  const report = await runOffThread(
    { probes: ['cpu'], calibrate: 'quick', timeoutMs: 20_000, redact: true, env: { ...process.env } },
    { signal: ctl.signal, onProgress: (ev) => ev.type === 'calibration' && ctl.abort() },
  );
  assert.is(report.complete, false);
  assert.is(report.probes.cpu?.status, 'ok');
});

test.run();
