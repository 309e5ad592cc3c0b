/**
 * Issue 12 target "TUI and plain runs agree: cpu.parallel-scaling within 20%": N interleaved runs
 * of the cpu probe at the quick level, plain (runProbes on this thread, as `--json`) and through
 * the TUI's path (the run on a worker thread, src/run-off-thread.ts, while the real App renders
 * every progress event on this thread), and the medians of both. `TUI_RUNS=N` (default 6).
 */
import React from 'react';
import { render } from 'ink-testing-library';
import { App, type TuiRun } from '../../src/tui/app.js';
import { runOffThread } from '../../src/run-off-thread.js';
import { runProbes } from '../../src/runner.js';
import { buildReport } from '../../src/report.js';
import { NodeHost } from '../../src/host/node-host.js';
import { PROBES } from '../../probes/index.js';
import type { Metric, ProgressEvent, Report } from '../../src/types.js';

const N = Math.max(2, Number(process.env.TUI_RUNS ?? 6));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const value = (m: Metric | undefined) => (m?.status === 'ok' ? m.value : NaN);

async function plain(): Promise<Report> {
  const host = new NodeHost({ env: process.env });
  return buildReport(host, await runProbes(host, PROBES.filter((p) => p.id === 'cpu'), { calibrate: 'quick', timeoutMs: 20_000 }), { probes: ['cpu'], calibrate: 'quick', redact: true });
}

async function viaTui(): Promise<{ report: Report; frames: number }> {
  const listeners = new Set<(ev: ProgressEvent) => void>();
  const run: TuiRun = { probeIds: ['cpu'], machine: 'bench', subscribe: (fn) => (listeners.add(fn), () => void listeners.delete(fn)), result: new Promise(() => {}), interrupt() {} };
  const ui = render(React.createElement(App, { run, onDone: () => {} }));
  try {
    const report = await runOffThread({ probes: ['cpu'], calibrate: 'quick', timeoutMs: 20_000, redact: true, env: { ...process.env } }, { onProgress: (ev) => listeners.forEach((l) => l(ev)) });
    return { report, frames: ui.frames.length };
  } finally {
    ui.unmount();
  }
}

const p: number[] = [];
const t: number[] = [];
let frames = 0;
for (let i = 0; i < N; i++) {
  p.push(value((await plain()).metrics['cpu.parallel-scaling']));
  const r = await viaTui();
  frames += r.frames;
  t.push(value(r.report.metrics['cpu.parallel-scaling']));
}
const [mp, mt] = [median(p), median(t)];
const off = Math.abs(mt / mp - 1);
console.log(`TUI vs plain (${N} interleaved runs each, cpu probe, quick; the App drew ${frames} frames)`);
console.log(`   cpu.parallel-scaling plain: median ${mp.toFixed(3)}× ${JSON.stringify(p.map((x) => +x.toFixed(3)))}`);
console.log(`   cpu.parallel-scaling TUI:   median ${mt.toFixed(3)}× ${JSON.stringify(t.map((x) => +x.toFixed(3)))}`);
console.log(`   medians differ by ${(off * 100).toFixed(0)}% (target within 20%: ${off <= 0.2 ? 'met' : 'NOT met'})`);
process.exit(0);
