// The accelerators probe: PCI + driver + device-node logic on hand-built sysfs trees (marked),
// and the AMX permission check through the real FFI worker on this machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { NodeHost } from '../../../src/host/node-host.js';
import { makeCapture } from '../../../src/host/capture.js';
import { accelProbe } from '../../../probes/accelerators/index.js';
import { AMX_WORKER_KEY } from '../../../probes/accelerators/detect.js';
import { WORKER_URL } from '../../../probes/gpu/shared-worker.js';
import { ACCELERATORS } from '../../../probes/accelerators/tables.js';
import { runWorker } from '../../../probes/gpu/worker-client.js';
import type { ProbeContext } from '../../../src/types.js';

const ctx = (): ProbeContext => ({ signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} });
const P = '/sys/bus/pci/devices';

/** A hand-written sysfs with one PCI device (vendor, device, class, driver link). */
function pciHost(dev: { vendor: string; device: string; cls: string; driver?: string }, nodes: Record<string, string[]> = {}) {
  const a = '0000:19:00.0';
  return new ReplayHost(
    makeCapture({
      info: { platform: 'linux', arch: 'x64' },
      dirs: { [P]: [a], ...nodes },
      files: { [`${P}/${a}/vendor`]: `0x${dev.vendor}\n`, [`${P}/${a}/device`]: `0x${dev.device}\n`, [`${P}/${a}/class`]: `0x${dev.cls}\n`, '/proc/cpuinfo': 'processor\t: 0\nflags\t\t: fpu sse2\n' },
      links: dev.driver ? { [`${P}/${a}/driver`]: `../../../bus/pci/drivers/${dev.driver}` } : {},
    }),
  );
}

test('table: every row names a vendor regex and at least one driver and node pattern', () => {
  for (const [id, a] of Object.entries(ACCELERATORS)) {
    assert.match(id, /^accel\.[a-z]+$/);
    assert.ok(a.drivers.length && a.nodes.length && /^[0-9a-f|]+$/.test(a.pci.vendor), id);
  }
});

test('Gaudi with habanalabs and /dev/accel/accel0: advertised and usable', async () => {
  const d = await accelProbe.detect(pciHost({ vendor: '1da3', device: '1020', cls: '120000', driver: 'habanalabs' }, { '/dev/accel': ['accel0'] }), ctx());
  const c = d.capabilities['accel.gaudi'];
  assert.equal([c.advertised, c.usable], [true, true]);
  assert.is(d.capabilities['accel.tpu'].advertised, false);
});

test('Gaudi without a driver: advertised, not usable, ACCEL_NO_DRIVER', async () => {
  const d = await accelProbe.detect(pciHost({ vendor: '1da3', device: '1020', cls: '120000' }), ctx());
  assert.equal([d.capabilities['accel.gaudi'].advertised, d.capabilities['accel.gaudi'].usable], [true, false]);
  assert.equal(d.findings.map((f) => f.code), ['ACCEL_NO_DRIVER']);
});

test('an AWS network card (1d0f, class 0200) is not a Neuron device', async () => {
  const d = await accelProbe.detect(pciHost({ vendor: '1d0f', device: 'ec20', cls: '020000', driver: 'ena' }), ctx());
  assert.is(d.capabilities['accel.neuron'].advertised, false);
});

test('Neuron bound but /dev/neuron* missing: ACCEL_NO_DEVICE_NODES', async () => {
  const d = await accelProbe.detect(pciHost({ vendor: '1d0f', device: '7164', cls: '088000', driver: 'neuron' }, { '/dev': ['null', 'zero'] }), ctx());
  assert.equal([d.capabilities['accel.neuron'].advertised, d.capabilities['accel.neuron'].usable], [true, false]);
  assert.ok(d.findings.some((f) => f.code === 'ACCEL_NO_DEVICE_NODES'));
});

test('live: accel.amx follows /proc/cpuinfo, and the kernel agrees through arch_prctl', async () => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return console.log('  skipped: not Linux x86-64');
  const flags = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(/\s+/) ?? [];
  const d = await accelProbe.detect(new NodeHost(), ctx());
  assert.is(d.capabilities['accel.amx'].advertised, flags.includes('amx_tile'));
  // The worker runs here whatever the flags say: XTILEDATA support means the CPU has AMX.
  const run = await runWorker(new NodeHost(), AMX_WORKER_KEY, WORKER_URL, ['query', 'amx'], ['amx'], 10_000);
  assert.is(run.stacks.amx.status, 'ok', JSON.stringify(run));
  const r = run.stacks.amx.result as { kernelSupports: boolean; supportedRc: number };
  if (r.supportedRc === 0) assert.is(r.kernelSupports, flags.includes('amx_tile'));
});

test.run();
