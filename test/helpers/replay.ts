/** Builds reports from the captures in fixtures/captures, the way `hwprobe --replay` does. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROBES } from '../../probes/index.js';
import { ReplayHost } from '../../src/host/replay-host.js';
import { runProbes } from '../../src/runner.js';
import { buildReport } from '../../src/report.js';
import type { Capture } from '../../src/host/capture.js';
import type { Report } from '../../src/types.js';

/** The capture fixtures/captures/<name>. */
export function loadCapture(name: string): Capture {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/captures/${name}`, import.meta.url)), 'utf8')) as Capture;
}

/** The report a capture replays to, with every probe. */
export async function replayReport(name: string): Promise<Report> {
  const host = new ReplayHost(loadCapture(name));
  const run = await runProbes(host, PROBES, { calibrate: 'off', timeoutMs: 5000 });
  return buildReport(host, run, { probes: PROBES.map((p) => p.id), calibrate: 'off', redact: true });
}
