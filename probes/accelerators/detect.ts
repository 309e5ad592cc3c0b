/** Accelerator detection: PCI ids and drivers, device nodes, the AMX permission, the Apple Neural Engine. */
import type { Capability, Detection, Evidence, Finding, ProbeContext, Tri } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { readPciDevices, type PciDevice } from '../gpu/pci.js';
import { pciClassKind } from '../gpu/tables.js';
import { runWorker } from '../gpu/worker-client.js';
import { askSharedWorker } from '../gpu/shared-worker.js';
import type { AmxAnswer } from './amx.js';
import { ACCELERATORS, AMX_FLAGS, type AccelId } from './tables.js';
import { finding } from './findings.js';

/** The call key the AMX answer's ExecResult is recorded under (the run's FFI worker answers it: gpu/shared-worker.ts). */
export const AMX_WORKER_KEY = 'accelerators.amx-worker';

/** Options for tests: a worker module of their own (run as `node WORKER query amx`). */
export interface AccelOptions {
  workerUrl?: URL;
}

function matches(id: AccelId, d: PciDevice): boolean {
  const a = ACCELERATORS[id];
  if (!new RegExp(`^(${a.pci.vendor})$`).test(d.vendorId)) return false;
  if ((a.drivers as readonly string[]).includes(d.driver ?? '')) return d.driver !== 'vfio-pci' || d.vendorId === '1ae0';
  return (a.pci.classes as readonly string[]).includes(d.classCode.slice(0, 4));
}

/** Every accelerator capability, accel.amx and (on Apple Silicon) accel.ane. Never throws. */
export async function detectAccelerators(host: Host, ctx: ProbeContext, opts: AccelOptions = {}): Promise<Detection> {
  const ev: Evidence[] = [];
  const findings: Finding[] = [];
  const capabilities: Record<string, Capability> = {};
  const info = host.info();
  const facts: Record<string, unknown> = {};

  if (info.platform === 'linux' || info.platform === 'android') {
    const [pci, dev, accelDev, vfio, cpuinfo] = await Promise.all([
      // Accelerators also sit in 0880 (system peripheral) and 1180 (signal processing) classes.
      readPciDevices(host, (d) => Object.keys(ACCELERATORS).some((id) => matches(id as AccelId, d)), (c) => pciClassKind(c) ?? (/^(0880|1180)/.test(c) ? 'other' : undefined)),
      host.readDir('/dev'),
      host.readDir('/dev/accel'),
      host.readDir('/dev/vfio'),
      host.readFile('/proc/cpuinfo'),
    ]);
    ev.push({ source: '/sys/bus/pci/devices', ok: pci !== undefined, detail: pci ? `${pci.length} accelerator devices` : 'not readable' });
    const nodes = [...(dev ?? []).filter((n) => /^(neuron\d+|hl\d+)$/.test(n)).map((n) => `/dev/${n}`), ...(accelDev ?? []).map((n) => `/dev/accel/${n}`), ...(vfio ?? []).filter((n) => /^\d+$/.test(n)).map((n) => `/dev/vfio/${n}`)].sort();
    facts.devNodes = nodes;
    const found: Record<string, unknown>[] = [];
    for (const id of Object.keys(ACCELERATORS) as AccelId[]) {
      const a = ACCELERATORS[id];
      const mine = (pci ?? []).filter((d) => matches(id, d));
      const nodeOk = nodes.some((n) => a.nodes.some((re) => re.test(n)));
      const advertised: Tri = mine.length ? true : pci ? false : null;
      let usable: Tri = advertised === false ? false : null;
      if (mine.length) {
        const bound = mine.filter((d) => (a.drivers as readonly string[]).includes(d.driver ?? ''));
        for (const d of mine) if (!bound.includes(d)) findings.push(finding('ACCEL_NO_DRIVER', { name: a.name, address: d.address, driver: d.driver }, id));
        if (bound.length && !nodeOk) findings.push(finding('ACCEL_NO_DEVICE_NODES', { name: a.name, nodes: a.nodes.map((r) => r.source).join(' or ') }, id));
        usable = bound.length > 0 && nodeOk;
        found.push(...mine.map((d) => ({ capability: id, address: d.address, vendorId: d.vendorId, deviceId: d.deviceId, driver: d.driver })));
      }
      capabilities[id] = { advertised, usable, effective: null, evidence: mine.map((d) => `pci ${d.address} [${d.vendorId}:${d.deviceId}] driver=${d.driver ?? 'none'}`) };
    }
    facts.devices = found;

    // AMX: the CPU flags, then the kernel's permission state from a child (arch_prctl via koffi).
    const flagLine = /^flags\s*:\s*(.*)$/m.exec(cpuinfo ?? '')?.[1] ?? '';
    const flags = AMX_FLAGS.filter((f) => flagLine.split(/\s+/).includes(f));
    facts.amxFlags = flags;
    const amxAdv: Tri = cpuinfo === undefined ? null : flags.includes('amx_tile');
    let amxUsable: Tri = amxAdv === false ? false : null;
    const evidence = flags.map((f) => `/proc/cpuinfo flags: ${f}`);
    if (amxAdv) {
      const run = opts.workerUrl
        ? await runWorker(host, AMX_WORKER_KEY, opts.workerUrl, ['query', 'amx'], ['amx'], 5000, ctx.signal)
        : await askSharedWorker(host, AMX_WORKER_KEY, ['amx']);
      const a = run.stacks.amx;
      if (a.status === 'ok') {
        const r = a.result as AmxAnswer;
        facts.amxPermission = r;
        amxUsable = r.kernelSupports && r.permittedAfter;
        evidence.push(`arch_prctl: kernel ${r.kernelSupports ? 'supports' : 'lacks'} XTILEDATA, permission ${r.permittedAfter ? 'granted' : `refused (errno ${r.requestErrno})`}`);
        if (!amxUsable) findings.push(finding('AMX_NOT_PERMITTED', { kernelSupports: r.kernelSupports, errno: r.requestErrno }, 'accel.amx'));
      } else if (a.status === 'error') findings.push(finding('ACCEL_WORKER_FAILED', { detail: a.error ?? run.detail }, 'accel.amx'));
      ev.push({ source: 'amx worker', ok: run.ok, detail: run.detail });
    }
    capabilities['accel.amx'] = { advertised: amxAdv, usable: amxUsable, effective: null, evidence };
  } else if (info.platform === 'darwin') {
    // Every Apple Silicon Mac has a Neural Engine; there is no public API to ask it, so usable stays unknown.
    const brand = await host.exec('sysctl', ['-n', 'machdep.cpu.brand_string'], { timeoutMs: 2000 });
    const apple = brand.status === 'ok' ? /^Apple M\d/.test(brand.stdout.trim()) : info.arch === 'arm64' ? true : null;
    capabilities['accel.ane'] = { advertised: apple, usable: apple === false ? false : null, effective: null, evidence: brand.status === 'ok' ? [`machdep.cpu.brand_string: ${brand.stdout.trim()}`] : [] };
    ev.push({ source: 'sysctl machdep.cpu.brand_string', ok: brand.status === 'ok' });
  } else {
    const d: Detection = { status: 'unsupported', facts: {}, evidence: [{ source: 'platform', ok: false, detail: `no accelerator detector for ${info.platform}` }], capabilities: {}, findings: [] };
    return d;
  }
  findings.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { facts, evidence: ev, capabilities, findings };
}
