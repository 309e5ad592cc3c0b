/**
 * Worker-thread entry of runOffThread (src/run-off-thread.ts): the plain run's code, runProbes then
 * buildReport, on a live host built from the request; progress and the report go back as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PROBES } from '../probes/index.js';
import { NodeHost } from './host/node-host.js';
import { SourceLog } from './host/timings.js';
import { buildReport } from './report.js';
import { runProbes } from './runner.js';
import type { OffThreadRequest, WorkerMessage } from './run-off-thread.js';

const req = workerData as OffThreadRequest;
const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);
const stop = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'abort') stop.abort(new Error('interrupted'));
});

try {
  const timings = req.timings ? new SourceLog() : undefined;
  const host = new NodeHost({ env: req.env, timings });
  const probes = PROBES.filter((p) => req.probes.includes(p.id));
  const run = await runProbes(host, probes, { calibrate: req.calibrate, timeoutMs: req.timeoutMs, signal: stop.signal, timings, project: req.project, onProgress: (ev) => post({ type: 'progress', ev }) });
  post({ type: 'report', report: buildReport(host, run, { probes: probes.map((p) => p.id), calibrate: req.calibrate, redact: req.redact }) });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
// The caller terminates this thread once it has the report (a probe past its deadline may hold a handle).
