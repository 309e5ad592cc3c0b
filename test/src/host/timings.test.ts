import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeHost } from '../../../src/host/node-host.js';
import { SourceLog, commandLabel, procCpuMs } from '../../../src/host/timings.js';
import { runProbes } from '../../../src/runner.js';
import { buildReport, assertValidReport } from '../../../src/report.js';
import { emptyDetection, type Probe } from '../../../src/types.js';

const linux = process.platform === 'linux';
const PID = 'process.stdout.write(String(process.pid))';

test('exec: a command asked twice, at once or later, is started once and both get its answer', async () => {
  const log = new SourceLog();
  const h = new NodeHost({ timings: log });
  const [a, b] = await Promise.all([h.exec('node', ['-e', PID]), h.exec('node', ['-e', PID])]);
  const c = await h.exec('node', ['-e', PID]);
  assert.is(a.status, 'ok');
  assert.is(a.stdout, b.stdout);
  assert.is(a.stdout, c.stdout);
  const other = await h.exec('node', ['-e', PID, 'another argv']);
  assert.is.not(other.stdout, a.stdout, 'another argv is another command');
  const runs = log.summary().sources.filter((s) => s.kind === 'exec');
  assert.is(runs.filter((s) => s.child).length, 2);
  assert.is(runs.filter((s) => s.reused).length, 2);
});

test('exec: a child is timed with its own CPU; a program not found is no child', async () => {
  const log = new SourceLog();
  const h = new NodeHost({ timings: log });
  // Burns 300 ms of its own CPU whatever the load (CPU time, not wall time, is what it counts).
  const burn = 'const t=process.cpuUsage();for(;;){const u=process.cpuUsage(t);if(u.user+u.system>3e5)break}';
  const r = await h.exec('node', ['-e', burn]);
  assert.is(r.status, 'ok');
  await h.exec('hwprobe-no-such-program-xyz', []);
  const [burnt, missing] = log.summary().sources;
  assert.is(burnt.source, `node -e ${burn.slice(0, 37)}…`);
  assert.is(burnt.child, true);
  if (linux) {
    assert.ok(burnt.cpuMs !== null && burnt.cpuMs >= 290, `cpuMs ${burnt.cpuMs} counts the child's 300 ms`);
    assert.ok(log.summary().cpuMs.children >= 290);
  }
  assert.ok(burnt.durationMs > 0);
  assert.is(missing.child, false);
  assert.is(missing.cpuMs, null);
});

test('reads and calls are timed in-process: no child, no CPU figure', async () => {
  const log = new SourceLog();
  const h = new NodeHost({ timings: log });
  await h.readFile('/nonexistent/hwprobe');
  await h.exists('/');
  assert.is(await h.call('k', async () => 7), 7);
  const kinds = log.summary().sources.map((s) => [s.kind, s.source, s.child, s.cpuMs]);
  assert.equal(kinds, [
    ['read', '/nonexistent/hwprobe', false, null],
    ['exists', '/', false, null],
    ['call', 'k', false, null],
  ]);
});

test('the runner names the probe that asked, and the report carries a valid timings section', async () => {
  const log = new SourceLog();
  const host = new NodeHost({ timings: log });
  const mk = (id: string, path: string): Probe => ({
    id,
    title: id,
    vocabulary: { capabilities: [], metrics: {}, findings: {}, facts: [] },
    async detect(h) {
      await h.readFile(path);
      return emptyDetection();
    },
  });
  const run = await runProbes(host, [mk('one', '/proc/self/status'), mk('two', '/etc/hostname')], { calibrate: 'off', timeoutMs: 5000, timings: log });
  const by = Object.fromEntries(run.timings!.sources.map((s) => [s.source, s.probe]));
  assert.equal(by, { '/proc/self/status': 'one', '/etc/hostname': 'two' });
  const report = buildReport(host, run, { probes: ['one', 'two'], calibrate: 'off', redact: true });
  assertValidReport(report);
  assert.ok(report.timings!.startupMs >= 0 && report.timings!.runMs >= 0);
  assert.is(Object.keys(report).at(-1), 'timings');
  const plain = await runProbes(new NodeHost(), [mk('one', '/proc/self/status')], { calibrate: 'off', timeoutMs: 5000 });
  assert.is(plain.timings, undefined, 'no timings unless asked');
});

test('commandLabel shortens absolute paths and long arguments', () => {
  const cases: [string, string[], string][] = [
    ['/usr/bin/node', ['/opt/x/dist/probes/gpu/ffi-worker.js', 'query', 'opencl'], 'node ffi-worker.js query opencl'],
    ['lscpu', [], 'lscpu'],
    ['python3', ['-c', 'x'.repeat(50)], `python3 -c ${'x'.repeat(37)}…`],
  ];
  for (const [f, a, want] of cases) assert.is(commandLabel(f, a), want);
});

test('procCpuMs reads this process (Linux) or says null', () => {
  const c = procCpuMs('self');
  if (linux) assert.ok(c !== null && c[0] >= 0 && c[1] >= 0);
  else assert.is(c, null);
  assert.is(procCpuMs(2 ** 30), null, 'a pid that does not exist');
});

test.run();
