import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { makeCapture, type Capture } from '../../../src/host/capture.js';
import { environmentProbe } from '../../../probes/environment/index.js';

const ctx = () => ({ signal: new AbortController().signal, calibrate: 'off' as const, peers: {}, progress() {} });
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/captures/${name}`, import.meta.url), 'utf8')) as Capture;
const CAPS = ['env.ci', 'env.container', 'env.cpu-quota', 'env.emulated', 'env.memory-limit', 'env.virtualized'];

test('probe identity', () => {
  assert.is(environmentProbe.id, 'environment');
  assert.is(environmentProbe.title, 'Environment');
});

test('empty host: sane, all-unknown result, no throw', async () => {
  const d = await environmentProbe.detect(new ReplayHost(makeCapture()), ctx());
  assert.equal(Object.keys(d.capabilities).sort(), CAPS);
  for (const id of CAPS.filter((c) => c !== 'env.ci')) assert.is(d.capabilities[id].advertised, null, id);
  assert.is(d.capabilities['env.ci'].advertised, false);
  assert.equal(d.findings, []);
  const f = d.facts as Record<string, any>;
  assert.equal(f.virtualization, { isVirtual: null, technology: null, sources: [] });
  assert.is(f.container.isContainer, null);
  assert.is(f.usableCpus, null);
  assert.ok(d.evidence.some((e) => !e.ok), 'absence is recorded as evidence');
});

test('unknown platform: no throw', async () => {
  const d = await environmentProbe.detect(new ReplayHost(makeCapture({ info: { platform: 'aix', cpuCount: 4 } })), ctx());
  assert.is((d.facts as any).usableCpus, 4);
});

test('fixture: KVM guest, docker container, cgroup v1, no limits', async () => {
  const d = await environmentProbe.detect(new ReplayHost(fixture('linux-x64-epyc-kvm-docker-cgroup1.json')), ctx());
  const f = d.facts as Record<string, any>;
  assert.equal(f.os, { id: 'debian', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
  assert.equal(f.libc, { family: 'glibc', version: '2.36' });
  assert.equal(f.virtualization, { isVirtual: true, technology: 'kvm', sources: ['cpuinfo', 'systemd-detect-virt'] });
  assert.equal(f.container, { isContainer: true, engine: 'docker', kubernetes: false, sources: ['/.dockerenv', 'systemd-detect-virt'] });
  assert.equal(f.cgroup, { version: 1, path: '/', cpuQuota: null, cpuset: [0, 1], memoryLimitBytes: null });
  assert.equal([f.visibleCpus, f.usableCpus], [2, 2]);
  const adv = Object.fromEntries(CAPS.map((c) => [c, d.capabilities[c].advertised]));
  assert.equal(adv, {
    'env.ci': false,
    'env.container': true,
    'env.cpu-quota': false,
    'env.emulated': false,
    'env.memory-limit': false,
    'env.virtualized': true,
  });
  assert.equal(d.findings.map((x) => x.code).sort(), ['ENV_CONTAINER', 'ENV_VIRTUALIZED']);
});

test('fixture: same machine under taskset -c 0 raises ENV_AFFINITY', async () => {
  const d = await environmentProbe.detect(new ReplayHost(fixture('linux-x64-epyc-kvm-docker-taskset-cpu0.json')), ctx());
  const f = d.facts as Record<string, any>;
  assert.equal(f.affinity, [0]);
  assert.is(f.usableCpus, 1);
  const aff = d.findings.find((x) => x.code === 'ENV_AFFINITY');
  assert.ok(aff);
  assert.is(aff.severity, 'warning');
  assert.equal(aff.args, { allowed: 1, visibleCpus: 2, source: 'affinity' });
  assert.is(d.capabilities['env.cpu-quota'].advertised, true);
});

test('deterministic: two replays are identical and evidence is sorted', async () => {
  const cap = fixture('linux-x64-epyc-kvm-docker-cgroup1.json');
  const a = await environmentProbe.detect(new ReplayHost(cap), ctx());
  const b = await environmentProbe.detect(new ReplayHost(cap), ctx());
  assert.equal(a, b);
  const sources = a.evidence.map((e) => e.source);
  assert.equal(sources, [...sources].sort());
});

test('CI through the probe: GitHub Actions', async () => {
  const host = new ReplayHost(makeCapture({ env: { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push' } }));
  const d = await environmentProbe.detect(host, ctx());
  assert.equal((d.facts as any).ci, { isCI: true, vendor: 'GitHub Actions', constant: 'GITHUB_ACTIONS', pr: false });
  assert.is(d.capabilities['env.ci'].advertised, true);
  assert.ok(d.findings.some((x) => x.code === 'ENV_CI'));
});

test.run();
