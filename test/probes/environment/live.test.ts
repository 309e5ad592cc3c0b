/** Live checks on the real machine through NodeHost, compared with the system's own tools (never hard-coded). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NodeHost } from '../../../src/host/node-host.js';
import { environmentProbe } from '../../../probes/environment/index.js';
import { techFromSystemd } from '../../../probes/environment/virt.js';
import { engineFromId } from '../../../probes/environment/container.js';

const ctx = () => ({ signal: new AbortController().signal, calibrate: 'off' as const, peers: {}, progress() {} });
const isLinux = process.platform === 'linux';

/** stdout of a program, or undefined when it is not installed. Non-zero exits still answer (systemd-detect-virt says "none" with exit 1). */
function tool(file: string, args: string[], env?: NodeJS.ProcessEnv): string | undefined {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 5000, env: env ?? process.env });
  if (r.error) return undefined;
  return r.stdout.trim();
}

// Its time is a bench figure (test/bench/detect.bench.ts), not asserted here: a busy runner is not a defect.
test('live: detection is complete', async () => {
  const d = await environmentProbe.detect(new NodeHost(), ctx());
  assert.equal(Object.keys(d.capabilities).sort(), ['env.ci', 'env.container', 'env.cpu-quota', 'env.emulated', 'env.memory-limit', 'env.virtualized']);
  const f = d.facts as Record<string, any>;
  assert.is(f.node, process.versions.node);
});

test('live: virtualization agrees with systemd-detect-virt', async () => {
  const sd = isLinux ? tool('systemd-detect-virt', ['-v']) : undefined;
  if (!sd) {
    console.log('  (skipped: systemd-detect-virt not installed)');
    return;
  }
  const v = (await environmentProbe.detect(new NodeHost(), ctx())).facts.virtualization as Record<string, unknown>;
  if (sd === 'none') {
    // systemd found no VM: only another source (the CPUID flag, DMI) may still claim one.
    assert.ok(v.isVirtual === false || !(v.sources as string[]).includes('systemd-detect-virt'));
    return;
  }
  assert.is(v.isVirtual, true);
  assert.is(v.technology, techFromSystemd(sd) ?? 'unknown');
});

test('live: container agrees with systemd-detect-virt', async () => {
  const sd = isLinux ? tool('systemd-detect-virt', ['-c']) : undefined;
  if (!sd) {
    console.log('  (skipped: systemd-detect-virt not installed)');
    return;
  }
  const c = (await environmentProbe.detect(new NodeHost(), ctx())).facts.container as Record<string, unknown>;
  if (sd === 'none') return; // other signals (marker files) may still say container; systemd has no opinion to compare
  assert.is(c.isContainer, true);
  assert.is(c.engine, engineFromId(sd));
});

test('live: usable CPUs vs nproc', async () => {
  // nproc honours OMP_NUM_THREADS/OMP_THREAD_LIMIT; ask it without them.
  const env = { ...process.env };
  delete env.OMP_NUM_THREADS;
  delete env.OMP_THREAD_LIMIT;
  const out = tool('nproc', [], env);
  if (!out) {
    console.log('  (skipped: nproc not installed)');
    return;
  }
  const n = Number(out);
  const f = (await environmentProbe.detect(new NodeHost(), ctx())).facts as Record<string, any>;
  // nproc counts the affinity mask only; a cgroup CPU quota can only make usableCpus smaller.
  if (f.cgroup.cpuQuota === null) assert.is(f.usableCpus, n);
  else assert.ok(f.usableCpus <= n, `${f.usableCpus} <= ${n}`);
  assert.ok(f.visibleCpus >= f.usableCpus);
});

test('live: taskset -c 0 raises ENV_AFFINITY', () => {
  const taskset = isLinux ? tool('taskset', ['--version']) : undefined;
  if (taskset === undefined) {
    console.log('  (skipped: taskset not installed)');
    return;
  }
  const affinity = tool('taskset', ['-cp', String(process.pid)]) ?? '';
  const cpus = affinity.split(':').pop()?.trim() ?? '';
  if (!/[-,]/.test(cpus)) {
    console.log(`  (skipped: this process may run on one CPU only: ${cpus})`);
    return;
  }
  const first = cpus.split(/[-,]/)[0];
  const probeUrl = new URL('../../../probes/environment/index.ts', import.meta.url).href;
  const hostUrl = new URL('../../../src/host/node-host.ts', import.meta.url).href;
  const script =
    `const { environmentProbe } = await import(${JSON.stringify(probeUrl)});` +
    `const { NodeHost } = await import(${JSON.stringify(hostUrl)});` +
    `const d = await environmentProbe.detect(new NodeHost(), { signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} });` +
    `console.log(JSON.stringify({ findings: d.findings, usable: d.facts.usableCpus, affinity: d.facts.affinity }));`;
  const out = execFileSync(
    'taskset',
    ['-c', first, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 30000, cwd: fileURLToPath(new URL('../../../', import.meta.url)) },
  );
  const r = JSON.parse(out.trim().split('\n').pop()!);
  assert.equal(r.affinity, [Number(first)]);
  assert.is(r.usable, 1);
  const f = r.findings.find((x: { code: string }) => x.code === 'ENV_AFFINITY');
  assert.ok(f, 'ENV_AFFINITY fired');
  assert.is(f.args.allowed, 1);
  assert.is(f.args.source, 'affinity');
});

test.run();
