// Faults: vendor tools that hang, print garbage or fail (stand-in executables first in PATH), and an
// FFI worker that really segfaults. The run must go on, stay bounded, and say what happened.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHost } from '../../../src/host/node-host.js';
import { runProbes } from '../../../src/runner.js';
import { buildReport } from '../../../src/report.js';
import { validate } from '../../../src/schemas.js';
import { gpuProbe } from '../../../probes/gpu/index.js';
import { runWorker } from '../../../probes/gpu/worker-client.js';
import { derive } from '../../../probes/gpu/derive.js';
import { calibrateGpu } from '../../../probes/gpu/calibrate.js';
import type { Finding, ProbeContext } from '../../../src/types.js';

const CRASH_WORKER = new URL('./crash-worker.ts', import.meta.url);
const ctx = (): ProbeContext => ({ signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} });

/** A host whose PATH starts with a directory holding `nvidia-smi` = the given shell script. */
function withStandIn(script: string): { host: NodeHost; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-standin-'));
  const file = join(dir, 'nvidia-smi');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return { host: new NodeHost({ env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } }), done: () => rmSync(dir, { recursive: true, force: true }) };
}

const toolFindings = (fs: Finding[]) => fs.filter((f) => f.code === 'GPU_TOOL_FAILED' && f.args?.tool === 'nvidia-smi');

test('a hanging nvidia-smi costs its timeout, not the run: under 20 s, a valid report', async () => {
  const s = withStandIn('exec sleep 60');
  try {
    const t0 = performance.now();
    const run = await runProbes(s.host, [gpuProbe], { calibrate: 'off', timeoutMs: 10_000 });
    const ms = performance.now() - t0;
    assert.ok(ms < 20_000, `took ${ms} ms`);
    assert.is(run.probes.gpu.status, 'ok');
    const report = buildReport(s.host, run, { probes: ['gpu'], calibrate: 'off', redact: true });
    assert.equal(validate('report', JSON.parse(JSON.stringify(report))), []);
    const f = toolFindings(report.findings);
    assert.ok(f.length >= 1 && f.every((x) => /timed out/.test(x.message)), JSON.stringify(f));
  } finally {
    s.done();
  }
});

test('nvidia-smi printing garbage: a finding quoting its first line, no crash', async () => {
  const s = withStandIn('echo "this is not nvidia-smi output"; echo "second line"');
  try {
    const d = await gpuProbe.detect(s.host, ctx());
    const f = toolFindings(d.findings);
    assert.ok(f.length === 2, JSON.stringify(f)); // the CSV and the XML query
    for (const x of f) assert.is(x.args?.firstLine, 'this is not nvidia-smi output');
    assert.is(d.capabilities['gpu.nvidia'].usable === true, false);
  } finally {
    s.done();
  }
});

test('nvidia-smi exiting non-zero: a finding with the exit code and its first line', async () => {
  const s = withStandIn(`echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."; exit 9`);
  try {
    const d = await gpuProbe.detect(s.host, ctx());
    const f = toolFindings(d.findings);
    assert.ok(f.length === 2);
    for (const x of f) {
      assert.match(x.message, /exited 9/);
      assert.match(String(x.args?.firstLine), /^NVIDIA-SMI has failed/);
    }
  } finally {
    s.done();
  }
});

test('a worker that segfaults: status error for the stack it was in, with the signal named', async () => {
  const host = new NodeHost();
  const run = await runWorker(host, 'test.crash', CRASH_WORKER, [], ['opencl', 'cuda'], 10_000);
  assert.is(run.ok, false);
  assert.match(run.detail, /SIGSEGV/);
  assert.is(run.stacks.opencl.status, 'error');
  assert.match(run.stacks.opencl.error!, /SIGSEGV while querying opencl/);
  assert.match(run.stacks.cuda.error!, /^not reached/);
  const d = derive({ worker: run, masks: [], pci: [] }, [], []);
  const f = d.findings.find((x) => x.code === 'GPU_WORKER_FAILED');
  assert.ok(f && /SIGSEGV/.test(f.message), JSON.stringify(d.findings));
  assert.is(d.capabilities['gpu.opencl'].usable, null); // could not tell, not "no"
  assert.equal((d.facts.stacks as Record<string, string>).opencl, 'error');
});

test('a calibration worker that segfaults: metrics skipped with the reason, a finding, no throw', async () => {
  const c = await calibrateGpu({ ...ctx(), calibrate: 'quick' }, { facts: { stacks: { opencl: 'ok' } }, evidence: [], capabilities: {}, findings: [] }, { workerUrl: CRASH_WORKER });
  const m = c.metrics['gpu.opencl.fma-f32'];
  assert.is(m.status, 'skipped');
  assert.match(m.status === 'skipped' ? m.reason : '', /SIGSEGV/);
  assert.ok(c.findings?.some((f) => f.code === 'GPU_WORKER_FAILED'));
});

test.run();
