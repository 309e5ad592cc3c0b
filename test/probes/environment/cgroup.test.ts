import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { makeCapture } from '../../../src/host/capture.js';
import {
  cgroupAncestors,
  cgroupPathFor,
  countCpuinfoProcessors,
  detectResources,
  parseCfsQuota,
  parseCpuList,
  parseCpuMax,
  parseMemoryLimit,
  parseMemTotal,
  parseProcCgroup,
  parseStatusAffinity,
  usableCpus,
} from '../../../probes/environment/cgroup.js';
import { environmentProbe } from '../../../probes/environment/index.js';
import { Trail } from '../../../probes/environment/util.js';

const ctx = () => ({ signal: new AbortController().signal, calibrate: 'off' as const, peers: {}, progress() {} });

test('parseCpuList', () => {
  const cases: Array<[string, number[] | undefined]> = [
    ['0', [0]],
    ['0-3', [0, 1, 2, 3]],
    ['0-3,8,10-11', [0, 1, 2, 3, 8, 10, 11]],
    ['0-1\n', [0, 1]],
    ['3,1,1-2', [1, 2, 3]],
    ['', []],
    ['0-15:2/4', [0, 1, 4, 5, 8, 9, 12, 13]],
    ['3-1', undefined],
    ['a-b', undefined],
    ['0,,1', undefined],
  ];
  for (const [input, want] of cases) assert.equal(parseCpuList(input), want, JSON.stringify(input));
});

test('parseCpuMax (cgroup v2 cpu.max)', () => {
  const cases: Array<[string, number | null | undefined]> = [
    ['max 100000\n', null],
    ['150000 100000\n', 1.5],
    ['50000 100000', 0.5],
    ['200000 50000', 4],
    ['garbage', undefined],
  ];
  for (const [input, want] of cases) assert.is(parseCpuMax(input), want, JSON.stringify(input));
});

test('parseCfsQuota (cgroup v1)', () => {
  const cases: Array<[string, string, number | null | undefined]> = [
    ['-1\n', '100000\n', null],
    ['150000\n', '100000\n', 1.5],
    ['100000', '100000', 1],
    ['x', '100000', undefined],
  ];
  for (const [q, p, want] of cases) assert.is(parseCfsQuota(q, p), want, `${q}/${p}`);
});

test('parseMemoryLimit', () => {
  const cases: Array<[string, number | null | undefined]> = [
    ['max\n', null],
    ['9223372036854771712\n', null], // v1 "unlimited": LONG_MAX rounded down to a page
    ['536870912\n', 536870912],
    ['-1', null],
    ['lots', undefined],
  ];
  for (const [input, want] of cases) assert.is(parseMemoryLimit(input), want, JSON.stringify(input));
});

// Hand-written /proc/self/cgroup contents, shaped after real ones.
const PROC_CGROUP = {
  v2Root: '0::/\n',
  v2Slice: '0::/user.slice/user-1000.slice/session-2.scope\n',
  // cgroup v1 inside this sandbox (docker, paths "/" except memory).
  v1: '9:name=systemd:/\n4:memory:/process_api/abc\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n',
  v1Combined: '4:cpu,cpuacct:/docker/0123456789ab\n3:cpuset:/docker/0123456789ab\n',
};

test('parseProcCgroup and cgroupPathFor', () => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    [PROC_CGROUP.v2Root, undefined, '/'],
    [PROC_CGROUP.v2Slice, undefined, '/user.slice/user-1000.slice/session-2.scope'],
    [PROC_CGROUP.v1, 'memory', '/process_api/abc'],
    [PROC_CGROUP.v1, 'cpu', '/'],
    [PROC_CGROUP.v1, undefined, '/'],
    [PROC_CGROUP.v1Combined, 'cpu', '/docker/0123456789ab'],
    [PROC_CGROUP.v1Combined, 'memory', undefined],
  ];
  for (const [text, ctl, want] of cases) assert.is(cgroupPathFor(parseProcCgroup(text), ctl), want, `${ctl} in ${text}`);
  assert.equal(parseProcCgroup(PROC_CGROUP.v1Combined)[0], { id: 4, controllers: ['cpu', 'cpuacct'], path: '/docker/0123456789ab' });
});

test('cgroupAncestors', () => {
  assert.equal(cgroupAncestors('/'), ['/']);
  assert.equal(cgroupAncestors('/a/b'), ['/a/b', '/a', '/']);
  assert.equal(cgroupAncestors('/a/../b'), ['/a/b', '/a', '/']); // ".." never climbs out of the mount
});

test('small /proc parsers', () => {
  // Hand-written excerpts.
  assert.equal(parseStatusAffinity('Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n'), [0, 1]);
  assert.is(parseStatusAffinity('Name:\tnode\n'), undefined);
  assert.is(countCpuinfoProcessors('processor\t: 0\nflags\t: fpu\n\nprocessor\t: 1\nflags\t: fpu\n'), 2);
  assert.is(countCpuinfoProcessors('vendor_id: IBM/S390\n'), undefined);
  assert.is(parseMemTotal('MemTotal:       24684084 kB\nMemFree: 1 kB\n'), 24684084 * 1024);
});

test('usableCpus takes the tightest known limit', () => {
  const cg = { version: 2 as const, path: '/', cpuQuota: 1.5, cpuset: [0, 1, 2], memoryLimitBytes: null };
  assert.is(usableCpus(8, [0, 1, 2, 3], cg), 2);
  assert.is(usableCpus(8, [0], { ...cg, cpuQuota: null }), 1);
  assert.is(usableCpus(8, null, { ...cg, cpuQuota: null, cpuset: null }), 8);
  assert.is(usableCpus(null, null, { ...cg, cpuQuota: 0.2, cpuset: null }), 1);
  assert.is(usableCpus(null, null, { ...cg, cpuQuota: null, cpuset: null }), null);
});

const GiB = 2 ** 30;
// Hand-written: a 4-CPU, 16 GiB machine running in a cgroup v2 container limited to 1.5 CPUs, CPUs 0-2 and 2 GiB.
const V2_LIMITED = makeCapture({
  info: { cpuCount: 4, totalMemBytes: 16 * GiB },
  exists: { '/sys/fs/cgroup/cgroup.controllers': true },
  files: {
    '/proc/self/cgroup': '0::/\n',
    '/proc/self/status': 'Cpus_allowed_list:\t0-3\n',
    '/proc/meminfo': `MemTotal:       ${16 * 1024 * 1024} kB\n`,
    '/sys/fs/cgroup/cpu.max': '150000 100000\n',
    '/sys/fs/cgroup/cpuset.cpus.effective': '0-2\n',
    '/sys/fs/cgroup/memory.max': `${2 * GiB}\n`,
  },
});

test('cgroup v2 container limits', async () => {
  const r = await detectResources(new ReplayHost(V2_LIMITED), new Trail());
  assert.equal(r, {
    cgroup: { version: 2, path: '/', cpuQuota: 1.5, cpuset: [0, 1, 2], memoryLimitBytes: 2 * GiB },
    affinity: [0, 1, 2, 3],
    visibleCpus: 4,
    usableCpus: 2,
    memTotalBytes: 16 * GiB,
  });
  const d = await environmentProbe.detect(new ReplayHost(V2_LIMITED), ctx());
  const codes = d.findings.filter((f) => f.severity === 'warning').map((f) => f.code).sort();
  assert.equal(codes, ['ENV_AFFINITY', 'ENV_CPU_QUOTA', 'ENV_MEMORY_LIMIT']);
  assert.equal(d.findings.find((f) => f.code === 'ENV_AFFINITY')?.args, { allowed: 3, visibleCpus: 4, source: 'cpuset' });
  assert.equal(d.findings.find((f) => f.code === 'ENV_CPU_QUOTA')?.args, { quota: 1.5, visibleCpus: 4 });
  assert.is(d.capabilities['env.cpu-quota'].advertised, true);
  assert.is(d.capabilities['env.memory-limit'].advertised, true);
});

test('cgroup v2: limits of an ancestor bind, the tightest wins', async () => {
  // Hand-written: a systemd slice with a 1 GiB limit and 2 CPUs, the leaf unlimited.
  const host = new ReplayHost(
    makeCapture({
      info: { cpuCount: 8, totalMemBytes: 32 * GiB },
      exists: { '/sys/fs/cgroup/cgroup.controllers': true },
      files: {
        '/proc/self/cgroup': '0::/app.slice/job.service\n',
        '/sys/fs/cgroup/app.slice/cpu.max': '200000 100000\n',
        '/sys/fs/cgroup/app.slice/memory.max': `${GiB}\n`,
        '/sys/fs/cgroup/app.slice/job.service/cpu.max': 'max 100000\n',
        '/sys/fs/cgroup/app.slice/job.service/memory.max': 'max\n',
        '/sys/fs/cgroup/app.slice/job.service/cpuset.cpus.effective': '0-7\n',
      },
    }),
  );
  const r = await detectResources(host, new Trail());
  assert.equal(r.cgroup, { version: 2, path: '/app.slice/job.service', cpuQuota: 2, cpuset: [0, 1, 2, 3, 4, 5, 6, 7], memoryLimitBytes: GiB });
  assert.is(r.visibleCpus, 8);
  assert.is(r.usableCpus, 2);
});

test('cgroup v1 with unlimited values (this sandbox, hand-copied)', async () => {
  const host = new ReplayHost(
    makeCapture({
      info: { cpuCount: 2, totalMemBytes: 24684084 * 1024 },
      files: {
        '/proc/self/cgroup': PROC_CGROUP.v1,
        '/proc/self/status': 'Cpus_allowed_list:\t0-1\n',
        '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
        '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
        '/sys/fs/cgroup/cpuset/cpuset.cpus': '0-1\n',
        '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n',
        '/sys/fs/cgroup/memory/process_api/memory.limit_in_bytes': '9223372036854771712\n',
        '/sys/fs/cgroup/memory/process_api/abc/memory.limit_in_bytes': '9223372036854771712\n',
      },
    }),
  );
  const r = await detectResources(host, new Trail());
  assert.equal(r.cgroup, { version: 1, path: '/', cpuQuota: null, cpuset: [0, 1], memoryLimitBytes: null });
  assert.is(r.usableCpus, 2);
});

test('cgroup v1 docker limits', async () => {
  // Hand-written: docker run --cpus 0.5 --cpuset-cpus 0 -m 256m on a 4-CPU host, no cgroup namespace.
  const id = '/docker/0123456789ab';
  const host = new ReplayHost(
    makeCapture({
      info: { cpuCount: 4, totalMemBytes: 8 * GiB },
      files: {
        '/proc/self/cgroup': PROC_CGROUP.v1Combined + `5:memory:${id}\n`,
        [`/sys/fs/cgroup/cpu${id}/cpu.cfs_quota_us`]: '50000\n',
        [`/sys/fs/cgroup/cpu${id}/cpu.cfs_period_us`]: '100000\n',
        [`/sys/fs/cgroup/cpuset${id}/cpuset.cpus`]: '0\n',
        [`/sys/fs/cgroup/memory${id}/memory.limit_in_bytes`]: `${256 * 2 ** 20}\n`,
      },
    }),
  );
  const r = await detectResources(host, new Trail());
  assert.equal(r.cgroup, { version: 1, path: id, cpuQuota: 0.5, cpuset: [0], memoryLimitBytes: 256 * 2 ** 20 });
  assert.is(r.usableCpus, 1);
});

test('no cgroup data at all: nulls, no throw', async () => {
  const r = await detectResources(new ReplayHost(makeCapture()), new Trail());
  assert.equal(r, {
    cgroup: { version: null, path: null, cpuQuota: null, cpuset: null, memoryLimitBytes: null },
    affinity: null,
    visibleCpus: null,
    usableCpus: null,
    memTotalBytes: null,
  });
});

test.run();
