/**
 * Hardware GPUs merged across every source: PCI sysfs first (Linux), then nvidia-smi, rocm-smi /
 * amd-smi, libcuda, NVML, OpenCL and Vulkan, each folded onto the device it describes. One place
 * matches them: by normalised PCI address where the source prints one, else by PCI vendor (and
 * device id) in order. Software devices (PoCL, llvmpipe…) never reach this list. Pure.
 */
import { PCI_VENDORS, type GpuVendor } from './tables.js';

/** A hardware GPU and every source that saw it. */
export interface HardwareGpu {
  vendor: GpuVendor | null;
  name: string | null;
  /** The first source that saw it (pci, nvidia-smi, rocm-smi…). */
  source: string;
  /** Every source that described this device, in the order they were merged. */
  sources: string[];
  /** Normalised PCI address, `dddd:bb:dd.f` lower-case. */
  address?: string;
  /** PCI vendor id, lower-case hex without 0x (Hygon's 1d94 is not AMD's 1002). */
  pciVendorId?: string;
  deviceId?: string;
  driver?: string | null;
  memoryMiB?: number | null;
}

/** One device as a tool or runtime reports it. */
export interface SourceDevice {
  vendor: GpuVendor;
  name: string | null;
  source: string;
  address?: string | null;
  pciVendorId?: string | null;
  deviceId?: string | null;
  memoryMiB?: number | null;
}

/**
 * The one PCI address form everything is compared in: `dddd:bb:dd.f`, lower-case, the domain cut
 * to 4 hex digits when its high digits are zero (nvidia-smi prints 8: `00001580:00:00.0`; sysfs 4:
 * `1580:00:00.0`), a missing domain read as 0000. Null for anything that is not an address
 * (nvidia-smi's empty `<gpu id="">`, "N/A").
 */
export function normalizePciAddress(a: string | null | undefined): string | null {
  const m = /^(?:([0-9a-f]{1,8}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/i.exec((a ?? '').trim());
  if (!m) return null;
  const dom = (m[1] ?? '0').toLowerCase().replace(/^0+(?=[0-9a-f]{4})/, '').padStart(4, '0');
  return `${dom}:${m[2].toLowerCase().padStart(2, '0')}:${m[3].toLowerCase().padStart(2, '0')}.${m[4]}`;
}

/** A PCI id in sysfs form (lower-case hex, no 0x, 4 digits), or null. */
export function normalizePciId(id: string | number | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  const s = typeof id === 'number' ? id.toString(16) : id.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(s) ? s.padStart(4, '0') : null;
}

/** The GPU vendor of a PCI vendor id, or null. */
export function pciGpuVendor(id: string | null | undefined): GpuVendor | null {
  return id ? ((PCI_VENDORS as Record<string, { gpu: GpuVendor | null }>)[id]?.gpu ?? null) : null;
}

/**
 * Folds `devs` (one source's devices, in its own order) onto `gpus`. With a PCI listing
 * (`pciKnown`) a device that matches nothing is dropped: sysfs saw every PCI device, so an
 * unmatched one is a duplicate the match failed to see, not a new GPU. Without one it is added.
 */
export function mergeSource(gpus: HardwareGpu[], devs: readonly SourceDevice[], pciKnown: boolean): void {
  const claimed = new Set<HardwareGpu>();
  // Indexes instead of a filter/find over all GPUs per device: that was quadratic, and a 7 MB
  // amd-smi listing (30 000 devices) took 14 s here (issue 13 §2). Lists keep the GPUs' order and
  // skip claimed ones lazily, so the first unclaimed match is the one the linear search found.
  const byAddr = new Map<string, HardwareGpu>();
  const lists = new Map<string, { items: HardwareGpu[]; i: number }>();
  const list = (k: string) => lists.get(k) ?? (lists.set(k, { items: [], i: 0 }), lists.get(k)!);
  for (const g of gpus) {
    if (g.address && !byAddr.has(g.address)) byAddr.set(g.address, g);
    list(`${g.vendor}`).items.push(g);
    if (g.deviceId) list(`${g.vendor} ${g.deviceId}`).items.push(g);
  }
  const firstFree = (k: string) => {
    const l = lists.get(k);
    if (!l) return undefined;
    while (l.i < l.items.length && claimed.has(l.items[l.i])) l.i++;
    return l.items[l.i];
  };
  for (const d of devs) {
    const addr = normalizePciAddress(d.address);
    const devId = normalizePciId(d.deviceId);
    const hit = addr ? byAddr.get(addr) : devId ? firstFree(`${d.vendor} ${devId}`) : firstFree(`${d.vendor}`);
    if (hit) {
      claimed.add(hit);
      hit.name ??= d.name;
      if (hit.memoryMiB === undefined || hit.memoryMiB === null) hit.memoryMiB = d.memoryMiB ?? null;
      hit.deviceId ??= devId ?? undefined;
      hit.address ??= addr ?? undefined;
      if (!hit.sources.includes(d.source)) hit.sources.push(d.source);
    } else if (!pciKnown) {
      const g: HardwareGpu = { vendor: d.vendor, name: d.name, source: d.source, sources: [d.source], memoryMiB: d.memoryMiB ?? null };
      if (addr) g.address = addr;
      if (devId) g.deviceId = devId;
      const pv = normalizePciId(d.pciVendorId);
      if (pv) g.pciVendorId = pv;
      gpus.push(g);
      claimed.add(g);
      if (addr && !byAddr.has(addr)) byAddr.set(addr, g);
    }
  }
}
