/**
 * From raw GPU facts (any platform) to the detection: hardware and software devices, the
 * capabilities gpu.<vendor>, gpu.cuda, gpu.rocm, gpu.opencl, gpu.vulkan, and findings. Pure.
 */
import type { Capability, Detection, Evidence, Finding, Tri } from '../../src/types.js';
import type { PciDevice } from './pci.js';
import type { NvidiaSmiInfo } from './parse-nvidia-smi.js';
import type { AmdSmiInfo, MacGpu, VulkanDevice } from './parse-tools.js';
import type { EnvMask } from './env-masks.js';
import type { StackAnswer, WorkerRun } from './worker-client.js';
import type { ClQuery } from './worker/opencl.js';
import type { CudaDriverQuery, CudaRuntimeQuery, NvmlQuery } from './worker/cuda.js';
import { GPU_VENDOR_PCI, GPU_VENDORS, KERNEL_DRIVERS, PCI_VENDORS, softwareDevice, type GpuVendor } from './tables.js';
import { finding } from './findings.js';
import { mergeSource, normalizePciAddress, pciGpuVendor, type HardwareGpu, type SourceDevice } from './merge.js';

export type { HardwareGpu } from './merge.js';

/** Everything a platform detector gathered. Absent sources are null/undefined. */
export interface GpuFacts {
  pci?: PciDevice[] | null;
  drm?: { name: string; device: string | null }[] | null;
  devNodes?: string[];
  accelClass?: string[];
  nvidiaDriverVersion?: string | null;
  nvidiaSmi?: NvidiaSmiInfo;
  nvidiaSmiCsv?: NvidiaSmiInfo;
  amdSmi?: AmdSmiInfo;
  vulkan?: { instanceVersion: string | null; devices: VulkanDevice[] };
  clinfo?: { platform: string; devices: string[] }[];
  worker?: WorkerRun;
  masks: EnvMask[];
  /** macOS system_profiler adapters */
  mac?: MacGpu[];
  /** systeminformation graphics controllers (Windows) */
  controllers?: { vendor: string; model: string }[];
}

/** A software (CPU-emulated) device, never counted as a hardware GPU. */
export interface SoftwareDevice {
  api: 'opencl' | 'vulkan';
  name: string;
  kind: string;
}

const DISPLAY_KINDS = new Set(['vga', 'xga', '3d', 'display']);

/** Vendor from a free-text vendor/name string (OpenCL, Vulkan, systeminformation). */
function textVendor(s: string): GpuVendor | null {
  if (/nvidia/i.test(s)) return 'nvidia';
  if (/\bamd\b|advanced micro|ati\b|radeon/i.test(s)) return 'amd';
  if (/intel/i.test(s)) return 'intel';
  if (/apple/i.test(s)) return 'apple';
  return null;
}

function ok<T>(a: StackAnswer | undefined): T | undefined {
  return a?.status === 'ok' ? (a.result as T) : undefined;
}

function cap(advertised: Tri, usable: Tri, evidence: string[], notes?: string): Capability {
  // Nothing is usable that is not there.
  if (usable === true && advertised !== true) advertised = true;
  return { advertised, usable, effective: null, evidence: [...new Set(evidence)].sort(), ...(notes ? { notes } : {}) };
}

/** Builds the detection from the facts; `ev` and `findings` hold what the detector already recorded. */
export function derive(f: GpuFacts, ev: Evidence[], findings: Finding[]): Detection {
  const nodes = f.devNodes ?? [];
  const has = (re: RegExp) => nodes.some((n) => re.test(n));
  const w = f.worker;
  const opencl = ok<ClQuery>(w?.stacks.opencl);
  const cuda = ok<CudaDriverQuery>(w?.stacks.cuda);
  const cudart = ok<CudaRuntimeQuery>(w?.stacks.cudart);
  const nvml = ok<NvmlQuery>(w?.stacks.nvml);
  const mask = (v: string) => f.masks.find((m) => m.variable === v);

  // Software devices, by device type and name (PoCL reports Intel's vendor id on an AMD CPU).
  const software: SoftwareDevice[] = [];
  const clDevices = (opencl?.platforms ?? []).flatMap((p) => p.devices.map((d) => ({ ...d, platformName: p.name })));
  const clSoftware = (d: (typeof clDevices)[number]) => softwareDevice(d.name, d.platformName) ?? (d.type === 'cpu' ? 'CPU OpenCL device' : undefined);
  for (const d of clDevices) {
    const kind = clSoftware(d);
    if (kind) software.push({ api: 'opencl', name: d.name, kind });
  }
  const vkSoftware = (d: VulkanDevice) => softwareDevice(d.name, d.driverName, d.driverInfo) ?? (d.type === 'cpu' ? 'CPU Vulkan device' : undefined);
  for (const d of f.vulkan?.devices ?? []) {
    const kind = vkSoftware(d);
    if (kind) software.push({ api: 'vulkan', name: d.name, kind });
  }
  const clHardware = clDevices.filter((d) => !clSoftware(d) && (d.type === 'gpu' || d.type === 'accelerator'));
  const vkHardware = (f.vulkan?.devices ?? []).filter((d) => !vkSoftware(d) && /gpu/.test(d.type));

  // Hardware GPUs: PCI first (Linux), then every tool and runtime merged onto them (merge.ts).
  const gpus: HardwareGpu[] = [];
  for (const d of f.pci ?? []) {
    const vendor = pciGpuVendor(d.vendorId);
    // 12xx holds datacenter GPUs of NVIDIA and AMD, but also NPUs (Intel's among them): those are the accelerators probe's.
    if (!vendor || !(DISPLAY_KINDS.has(d.kind) || (d.kind === 'processing-accelerator' && (vendor === 'nvidia' || vendor === 'amd')))) continue;
    if (d.driverKind === 'accel') continue; // NPUs and the like belong to the accelerators probe
    gpus.push({ vendor, name: null, source: 'pci', sources: ['pci'], address: normalizePciAddress(d.address) ?? d.address, pciVendorId: d.vendorId, deviceId: d.deviceId, driver: d.driver });
  }
  const pciKnown = !!f.pci?.length;
  const mib = (bytes: number | null | undefined) => (typeof bytes === 'number' && bytes > 0 ? Math.round(bytes / 2 ** 20) : null);
  const vendorOfId = (id: number | string | null | undefined, text: string) =>
    pciGpuVendor(typeof id === 'number' ? id.toString(16).padStart(4, '0') : (id ?? '').toLowerCase().replace(/^0x/, '').padStart(4, '0')) ?? textVendor(text);
  const sources: [string, SourceDevice[]][] = [
    ['nvidia-smi', (f.nvidiaSmi?.gpus ?? []).map((g) => ({ vendor: 'nvidia', name: g.name, source: 'nvidia-smi', address: g.busId, memoryMiB: g.memoryTotalMiB }))],
    [f.amdSmi?.tool ?? 'rocm-smi', (f.amdSmi?.gpus ?? []).map((g) => ({ vendor: 'amd', name: g.name, source: f.amdSmi?.tool ?? 'rocm-smi', address: g.busId, deviceId: g.deviceId, pciVendorId: g.pciVendorId, memoryMiB: mib(g.vramTotalBytes) }))],
    ['libcuda', (cuda?.devices ?? []).map((d) => ({ vendor: 'nvidia', name: d.name, source: 'libcuda', memoryMiB: mib(d.memoryBytes) }))],
    ['nvml', (nvml?.devices ?? []).map((d) => ({ vendor: 'nvidia', name: d.name, source: 'nvml', memoryMiB: mib(d.memoryTotalBytes) }))],
    ['opencl', clHardware.flatMap((d) => { const v = vendorOfId(d.vendorId, `${d.vendor} ${d.name}`); return v ? [{ vendor: v, name: d.name, source: 'opencl', memoryMiB: mib(d.globalMemBytes) }] : []; })],
    ['vulkan', vkHardware.flatMap((d) => { const v = vendorOfId(d.vendorId, d.name); return v ? [{ vendor: v, name: d.name, source: 'vulkan', deviceId: d.deviceId }] : []; })],
    ['system_profiler', (f.mac ?? []).map((g) => ({ vendor: textVendor(g.vendor ?? g.name) ?? 'apple', name: g.name, source: 'system_profiler' }))],
    ['systeminformation', (f.controllers ?? []).filter((c) => !softwareDevice(c.model)).map((c) => ({ vendor: textVendor(`${c.vendor} ${c.model}`) ?? 'intel', name: c.model, source: 'systeminformation' }))],
  ];
  // Tools that print a name are merged before the runtimes, so a device is named by its vendor tool.
  for (const [, devs] of sources) mergeSource(gpus, devs, pciKnown);

  const capabilities: Record<string, Capability> = {};
  const pciListed = f.pci !== undefined && f.pci !== null;

  // gpu.<vendor>
  const usableByVendor: Record<GpuVendor, Tri> = { nvidia: null, amd: null, intel: null, apple: null };
  for (const vendor of GPU_VENDORS) {
    const mine = gpus.filter((g) => g.vendor === vendor);
    const evidence = mine.map((g) => `${g.source}${g.address ? ` ${g.address}` : ''}${g.deviceId ? ` [${g.pciVendorId ?? GPU_VENDOR_PCI[vendor]}:${g.deviceId}]` : ''}${g.name ? ` ${g.name}` : ''}${g.driver ? ` driver=${g.driver}` : ''}`);
    const advertised: Tri = mine.length ? true : pciListed || f.mac ? false : null;
    let usable: Tri = advertised === false ? false : null;
    if (mine.length) {
      const pciGpus = mine.filter((g) => g.source === 'pci');
      const bound = pciGpus.filter((g) => g.driver && (KERNEL_DRIVERS as Record<string, { vendor: string | null; kind: string }>)[g.driver]?.vendor === vendor);
      for (const g of pciGpus) {
        if (bound.includes(g)) continue;
        const note = g.driver ? ((KERNEL_DRIVERS as Record<string, { note: string }>)[g.driver]?.note ?? 'not a GPU driver') : '';
        findings.push(finding('GPU_DRIVER_NOT_BOUND', { vendor: PCI_VENDORS[GPU_VENDOR_PCI[vendor]].name, kind: 'GPU', address: g.address ?? null, driver: g.driver ?? null, note }, { capability: `gpu.${vendor}` }));
      }
      if (vendor === 'nvidia') {
        const nodesOk = has(/^\/dev\/nvidiactl$/) && has(/^\/dev\/nvidia\d+$/);
        if (f.nvidiaSmi?.gpus.length || (cuda?.deviceCount ?? 0) > 0 || (nvml?.devices.length ?? 0) > 0) usable = true;
        else if (bound.some((g) => g.driver === 'nvidia')) {
          usable = nodesOk ? true : false;
          if (!nodesOk) findings.push(finding('GPU_NO_DEVICE_NODES', { vendor: 'NVIDIA', nodes: '/dev/nvidiactl or /dev/nvidia<N>' }, { capability: 'gpu.nvidia' }));
        } else if (pciGpus.length) usable = false;
      } else if (pciGpus.length) {
        const render = has(/^\/dev\/dri\/renderD\d+$/);
        if (bound.length && !render) findings.push(finding('GPU_NO_DEVICE_NODES', { vendor: vendor.toUpperCase(), nodes: '/dev/dri/renderD*' }, { capability: `gpu.${vendor}` }));
        usable = bound.length ? render : false;
      } else usable = true; // seen by the vendor tool or the OS API: it answers
    }
    usableByVendor[vendor] = usable;
    capabilities[`gpu.${vendor}`] = cap(advertised, usable, evidence.length ? evidence : pciListed ? ['/sys/bus/pci/devices: none'] : []);
  }

  // NVIDIA oddities from nvidia-smi.
  for (const g of f.nvidiaSmi?.gpus ?? []) {
    if (g.migMode === 'Enabled') findings.push(finding('GPU_MIG_ENABLED', { name: g.name, busId: g.busId, instances: g.migDevices.length }));
    if (g.virtualizationMode && !/^(None|Pass-?Through)$/i.test(g.virtualizationMode)) findings.push(finding('GPU_VGPU', { name: g.name, busId: g.busId, mode: g.virtualizationMode }));
    if (g.genericName) findings.push(finding('GPU_GENERIC_NAME', { busId: g.busId }));
  }

  // Masks.
  for (const m of f.masks) {
    if (m.effect === 'hides-all' || m.effect === 'restricts' || m.effect === 'no-gpu-container' || m.effect === 'redirects-icd') {
      const fd = finding('GPU_MASKED', { variable: m.variable, value: m.value, effect: m.effect_text, visible: m.visible?.join(',') ?? null }, { capability: m.capability, evidence: [`${m.variable}=${m.value}`] });
      if (m.effect !== 'hides-all' && m.effect !== 'no-gpu-container') fd.severity = 'info';
      findings.push(fd);
    }
  }
  const hidden = (v: string) => {
    const m = mask(v);
    return m?.effect === 'hides-all' || m?.effect === 'no-gpu-container';
  };

  // gpu.cuda
  {
    const evidence: string[] = [];
    let usable: Tri = null;
    if (w && w.stacks.cuda?.status === 'absent' && w.stacks.cudart?.status === 'absent') usable = false;
    if (cuda) {
      evidence.push(`${cuda.library}: ${cuda.initError ? `cuInit ${cuda.initError}` : `${cuda.deviceCount} device(s), driver CUDA ${fmtCuda(cuda.driverVersion)}`}`);
      usable = !cuda.initError && cuda.deviceCount > 0;
      if (cuda.initError && cuda.initError !== 'CUDA_ERROR_NO_DEVICE') findings.push(finding('CUDA_INIT_FAILED', { library: cuda.library, error: cuda.initError }));
    } else if (w?.stacks.cuda?.status === 'absent') evidence.push('libcuda.so.1: not found');
    if (cudart) {
      evidence.push(`${cudart.library}: runtime ${fmtCuda(cudart.runtimeVersion)}, cudaGetDeviceCount → ${cudart.error} ${cudart.errorName}`);
      if (!cuda) usable = cudart.error === 0 && cudart.deviceCount > 0;
      const drv = cudart.driverVersion ?? cuda?.driverVersion ?? null;
      const rt = cudart.runtimeVersion;
      const args = { library: cudart.library, runtimeVersion: rt, driverVersion: drv, error: cudart.error, errorName: cudart.errorName };
      if (cudart.error === 35 && !drv && !cuda) findings.push(finding('CUDA_NO_DRIVER', args, { evidence }));
      else if (drv && rt && drv < rt) {
        const minorCompat = Math.floor(drv / 1000) === Math.floor(rt / 1000) && cudart.error !== 35;
        const fd = finding('CUDA_DRIVER_TOO_OLD', { ...args, minorCompat }, { evidence });
        if (minorCompat) fd.severity = 'warning';
        findings.push(fd);
      } else if (cudart.error === 100) findings.push(finding('CUDA_NO_DEVICE', { errorName: cudart.errorName, masked: hidden('CUDA_VISIBLE_DEVICES') ? 'CUDA_VISIBLE_DEVICES hides every GPU' : null }));
    }
    if (nvml) evidence.push(`${nvml.library}: ${nvml.initError ? `nvmlInit error ${nvml.initError}` : `driver ${nvml.driverVersion}, ${nvml.devices.length} device(s)`}`);
    if (hidden('CUDA_VISIBLE_DEVICES') || hidden('NVIDIA_VISIBLE_DEVICES')) {
      usable = false;
      evidence.push('masked by the environment');
    }
    const advertised: Tri = usable === true ? true : capabilities['gpu.nvidia'].advertised;
    capabilities['gpu.cuda'] = cap(advertised, usable, evidence);
  }

  // gpu.rocm
  {
    const evidence: string[] = [];
    const adv = capabilities['gpu.amd'].advertised;
    let usable: Tri = adv === false ? false : null;
    if (f.amdSmi?.gpus.length) {
      usable = true;
      evidence.push(`rocm-smi: ${f.amdSmi.gpus.length} GPU(s), driver ${f.amdSmi.driverVersion ?? '?'}`);
    }
    if (adv === true && usableByVendor.amd !== false) {
      const kfd = has(/^\/dev\/kfd$/);
      evidence.push(kfd ? '/dev/kfd' : '/dev/kfd missing');
      if (!kfd) {
        usable = false;
        findings.push(finding('GPU_NO_DEVICE_NODES', { vendor: 'AMD (ROCm)', nodes: '/dev/kfd' }, { capability: 'gpu.rocm' }));
      } else usable ??= true;
    }
    if (hidden('ROCR_VISIBLE_DEVICES') || hidden('HIP_VISIBLE_DEVICES')) {
      usable = false;
      evidence.push('masked by the environment');
    }
    capabilities['gpu.rocm'] = cap(adv, usable, evidence);
  }

  // gpu.opencl and software.opencl: hardware GPUs only in gpu.*; a CPU runtime (PoCL, rusticl on
  // llvmpipe) is a capability of its own, named in its evidence, so nothing that selects on
  // gpu.opencl lands on a CPU-only node.
  {
    const hw: string[] = [];
    const sw: string[] = [];
    let advertised: Tri = null;
    let usable: Tri = null;
    let swAdvertised: Tri = null;
    let swUsable: Tri = null;
    const st = w?.stacks.opencl;
    if (opencl) {
      const head = `${opencl.library}: ${opencl.platforms.length} platform(s), ${clDevices.length} device(s)`;
      hw.push(head);
      sw.push(head);
      const gpuDevs = clDevices.filter((d) => d.type === 'gpu' && !clSoftware(d));
      const swDevs = clDevices.filter((d) => clSoftware(d));
      for (const d of gpuDevs) hw.push(`${d.platformName}: ${d.name} (${d.type})`);
      for (const d of swDevs) sw.push(`${d.platformName}: ${d.name} (${d.type}, software: ${clSoftware(d)})`);
      if (!gpuDevs.length && swDevs.length) hw.push(`only software devices: ${swDevs.map((d) => d.name).join('; ')} (software.opencl)`);
      advertised = gpuDevs.length > 0;
      usable = gpuDevs.some((d) => d.available);
      swAdvertised = swDevs.length > 0;
      swUsable = swDevs.some((d) => d.available);
      if (opencl.platformError !== undefined) findings.push(finding('OPENCL_NO_PLATFORM', { library: opencl.library, error: opencl.platformError }));
    } else if (st?.status === 'absent') {
      advertised = usable = swAdvertised = swUsable = false;
      hw.push('libOpenCL.so.1: not found');
      sw.push('libOpenCL.so.1: not found');
    } else if (f.clinfo) {
      // clinfo -l prints names only: the software ones are told by name, the rest may be GPUs or accelerators.
      const all = f.clinfo.flatMap((p) => p.devices.map((d) => ({ platform: p.platform, name: d, software: softwareDevice(d, p.platform) })));
      const head = `clinfo -l: ${f.clinfo.length} platform(s), ${all.length} device(s)`;
      hw.push(head, ...all.filter((d) => !d.software).map((d) => `${d.platform}: ${d.name}`));
      sw.push(head, ...all.filter((d) => d.software).map((d) => `${d.platform}: ${d.name} (software: ${d.software})`));
      advertised = usable = all.some((d) => !d.software);
      swAdvertised = swUsable = all.some((d) => d.software);
    } else if (w === undefined && f.pci) {
      advertised = usable = swAdvertised = swUsable = false; // no OpenCL library: the worker was not even needed
    }
    capabilities['gpu.opencl'] = cap(advertised, usable, hw);
    capabilities['software.opencl'] = cap(swAdvertised, swUsable, sw, swAdvertised ? 'a CPU OpenCL runtime, not a GPU' : undefined);
  }

  // gpu.vulkan and software.vulkan (llvmpipe/lavapipe, SwiftShader)
  if (f.vulkan) {
    const ds = f.vulkan.devices;
    const head = `vulkaninfo: instance ${f.vulkan.instanceVersion ?? '?'}, ${ds.length} device(s)`;
    const swDevs = ds.filter((d) => vkSoftware(d));
    const hwEv = [head, ...vkHardware.map((d) => `${d.name} (${d.type})`)];
    if (!vkHardware.length && swDevs.length) hwEv.push(`only software devices: ${swDevs.map((d) => d.name).join('; ')} (software.vulkan)`);
    capabilities['gpu.vulkan'] = cap(vkHardware.length > 0, vkHardware.length > 0, hwEv);
    capabilities['software.vulkan'] = cap(swDevs.length > 0, swDevs.length > 0, [head, ...swDevs.map((d) => `${d.name} (${d.type}, software: ${vkSoftware(d)})`)], swDevs.length ? 'a CPU Vulkan implementation, not a GPU' : undefined);
  } else {
    capabilities['gpu.vulkan'] = cap(null, null, []);
    capabilities['software.vulkan'] = cap(null, null, []);
  }

  // The FFI worker itself.
  if (w) {
    ev.push({ source: 'ffi worker', ok: w.ok, detail: w.detail });
    for (const [s, a] of Object.entries(w.stacks)) ev.push({ source: `ffi ${s}`, ok: a.status === 'ok', detail: a.status === 'ok' ? 'ok' : `${a.status}: ${a.error ?? ''}`.trim() });
    const broken = Object.entries(w.stacks).filter(([, a]) => a.status === 'error').map(([s]) => s);
    if (broken.length) findings.push(finding('GPU_WORKER_FAILED', { detail: w.detail, stacks: broken.join(', ') }));
  }

  const hardware = gpus.filter((g) => g.vendor);
  if (!hardware.length && software.length) findings.push(finding('GPU_SOFTWARE_ONLY', { devices: software.map((s) => `${s.name} (${s.api}, ${s.kind})`).join('; ') }));

  const stacks = w ? Object.fromEntries(Object.entries(w.stacks).map(([s, a]) => [s, a.status === 'ok' ? 'ok' : a.status])) : undefined;
  // The highest compute capability of a visible NVIDIA device (libcuda first, else nvidia-smi), as a
  // number, so expectations such as `gpu.cuda.computeCapability >= 8.0` compare it directly.
  const computeCapability = highestComputeCapability([...(cuda?.devices.map((d) => d.computeCapability) ?? []), ...(f.nvidiaSmi?.gpus.map((g) => g.computeCap) ?? []), ...(f.nvidiaSmiCsv?.gpus.map((g) => g.computeCap) ?? [])]);
  const facts: Record<string, unknown> = {
    hardwareGpuCount: hardware.length,
    gpus: hardware,
    softwareDevices: software,
    ...(f.pci ? { pci: f.pci } : {}),
    ...(f.drm ? { drm: f.drm } : {}),
    ...(f.devNodes ? { devNodes: f.devNodes } : {}),
    ...(f.accelClass?.length ? { accelClass: f.accelClass } : {}),
    ...(f.nvidiaDriverVersion ? { nvidiaKernelModule: f.nvidiaDriverVersion } : {}),
    ...(f.nvidiaSmi ? { nvidiaSmi: f.nvidiaSmi } : {}),
    ...(f.amdSmi ? { amdSmi: f.amdSmi } : {}),
    ...(f.vulkan ? { vulkan: f.vulkan } : {}),
    ...(f.clinfo ? { clinfo: f.clinfo } : {}),
    // hardwareGpuDevices: OpenCL devices of type gpu that are not software (the opencl-gpu profile counts them).
    ...(opencl ? { opencl: { ...opencl, hardwareGpuDevices: clDevices.filter((d) => d.type === 'gpu' && !clSoftware(d)).length } } : {}),
    ...(cuda || cudart || nvml || computeCapability !== null
      ? {
          cuda: {
            ...(computeCapability !== null ? { computeCapability } : {}),
            ...(cuda ? { driver: cuda } : {}),
            ...(cudart ? { runtime: cudart } : {}),
            ...(nvml ? { nvml } : {}),
          },
        }
      : {}),
    ...(stacks ? { stacks } : {}),
    ...(w && !w.ok ? { stackErrors: Object.fromEntries(Object.entries(w.stacks).filter(([, a]) => a.status === 'error').map(([s, a]) => [s, a.error])) } : {}),
    ...(f.mac ? { displays: f.mac } : {}),
    masks: f.masks,
  };
  findings.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : 1));
  return { facts, evidence: ev, capabilities, findings };
}

/** 13000 → "13.0"; null → "?". */
function fmtCuda(v: number | null | undefined): string {
  return typeof v === 'number' && v > 0 ? `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}` : v === 0 ? 'none' : '?';
}

/** The highest "major.minor" compute capability as a number (8.6 → 8.6, 10.0 → 10), or null. */
export function highestComputeCapability(values: readonly (string | null | undefined)[]): number | null {
  const nums = values.map((v) => (v && /^\d+\.\d+$/.test(v.trim()) ? Number(v.trim()) : NaN)).filter((n) => Number.isFinite(n));
  return nums.length ? nums.reduce((a, b) => (b > a ? b : a)) : null; // no spread: 80 000 GPUs overflowed the stack
}
