/** Virtualization: is this a virtual machine, and which hypervisor runs it. Containers are container.ts. */
import type { Host } from '../../src/host/host.js';
import { Trail, firstLine, sortedUnique } from './util.js';

/** Hypervisor technologies this probe names. */
export type VirtTechnology =
  | 'kvm'
  | 'qemu'
  | 'vmware'
  | 'xen'
  | 'hyperv'
  | 'virtualbox'
  | 'parallels'
  | 'bhyve'
  | 'bochs'
  | 'uml'
  | 'zvm'
  | 'powervm'
  | 'acrn'
  | 'qnx'
  | 'apple'
  | 'sre'
  | 'unknown';

/** facts.virtualization */
export interface VirtFacts {
  isVirtual: boolean | null;
  technology: VirtTechnology | null;
  sources: string[];
}

/**
 * systemd-detect-virt --vm ids → technology. Cloud ids name KVM-based hypervisors
 * (AWS Nitro, Google Compute Engine). https://www.freedesktop.org/software/systemd/man/systemd-detect-virt.html
 */
export const SYSTEMD_VM_IDS = {
  kvm: 'kvm',
  amazon: 'kvm',
  google: 'kvm',
  qemu: 'qemu',
  bochs: 'bochs',
  xen: 'xen',
  uml: 'uml',
  vmware: 'vmware',
  oracle: 'virtualbox',
  microsoft: 'hyperv',
  zvm: 'zvm',
  parallels: 'parallels',
  bhyve: 'bhyve',
  qnx: 'qnx',
  acrn: 'acrn',
  powervm: 'powervm',
  apple: 'apple',
  sre: 'sre',
  'vm-other': 'unknown',
} as const satisfies Record<string, VirtTechnology>;

/** DMI files consulted (never serials or UUIDs), in the order their matches win. */
export const DMI_FILES = ['sys_vendor', 'product_name', 'board_vendor', 'bios_vendor'] as const;

/**
 * DMI string prefixes → technology, after systemd's dmi_vendor_table (src/basic/virt.c).
 * Microsoft and Amazon make physical machines too, so those rows need the product name.
 */
export const DMI_TABLE: ReadonlyArray<{ prefix: string; technology: VirtTechnology; product?: RegExp; notProduct?: RegExp }> = [
  { prefix: 'KVM', technology: 'kvm' },
  { prefix: 'OpenStack', technology: 'kvm' },
  { prefix: 'KubeVirt', technology: 'kvm' },
  { prefix: 'Amazon EC2', technology: 'kvm', notProduct: /\.metal/ },
  { prefix: 'Google Compute Engine', technology: 'kvm' },
  { prefix: 'Google', technology: 'kvm', product: /^Google Compute Engine/ },
  { prefix: 'QEMU', technology: 'qemu' },
  { prefix: 'VMware', technology: 'vmware' },
  { prefix: 'VMW', technology: 'vmware' },
  { prefix: 'innotek GmbH', technology: 'virtualbox' },
  { prefix: 'VirtualBox', technology: 'virtualbox' },
  { prefix: 'Xen', technology: 'xen' },
  { prefix: 'HVM domU', technology: 'xen' },
  { prefix: 'Bochs', technology: 'bochs' },
  { prefix: 'Parallels', technology: 'parallels' },
  { prefix: 'BHYVE', technology: 'bhyve' },
  { prefix: 'Hyper-V', technology: 'hyperv' },
  { prefix: 'Microsoft Corporation', technology: 'hyperv', product: /^Virtual Machine/ },
  { prefix: 'Apple Virtualization', technology: 'apple' },
];

/** Device-tree hypervisor `compatible` substrings → technology. */
export const DT_TABLE: ReadonlyArray<[string, VirtTechnology]> = [
  ['kvm', 'kvm'],
  ['xen', 'xen'],
  ['vmware', 'vmware'],
];

/** Maps one systemd-detect-virt --vm answer; null for "none", undefined when not understood. */
export function techFromSystemd(id: string): VirtTechnology | null | undefined {
  if (id === 'none') return null;
  return (SYSTEMD_VM_IDS as Record<string, VirtTechnology>)[id];
}

/** Matches DMI strings against DMI_TABLE. */
export function techFromDmi(dmi: Partial<Record<(typeof DMI_FILES)[number], string>>): VirtTechnology | undefined {
  const product = dmi.product_name?.trim() ?? '';
  for (const f of DMI_FILES) {
    const v = dmi[f]?.trim();
    if (!v) continue;
    for (const row of DMI_TABLE) {
      if (!v.startsWith(row.prefix)) continue;
      if (row.product && !row.product.test(product)) continue;
      if (row.notProduct && row.notProduct.test(product)) continue;
      return row.technology;
    }
  }
  return undefined;
}

/** Whether /proc/cpuinfo's flags carry `hypervisor` (set by the kernel from CPUID leaf 1 ECX bit 31). */
export function cpuinfoHasHypervisorFlag(text: string): boolean | undefined {
  const flags = /^(?:flags|Features)\s*:(.*)$/m.exec(text);
  if (!flags) return undefined;
  return flags[1].trim().split(/\s+/).includes('hypervisor');
}

/** Maps /proc/device-tree/hypervisor/compatible (NUL-separated strings) to a technology. */
export function techFromDeviceTree(text: string): VirtTechnology {
  const s = text.toLowerCase();
  for (const [needle, tech] of DT_TABLE) if (s.includes(needle)) return tech;
  return 'unknown';
}

/** One source's verdict. */
export interface VirtSignal {
  source: string;
  /** true: a VM; false: authoritatively not one; undefined: no opinion. */
  virtual?: boolean;
  technology?: VirtTechnology;
}

/** Combines source verdicts; sources are in priority order for naming the technology. */
export function combineVirt(signals: VirtSignal[]): VirtFacts {
  const positive = signals.filter((s) => s.virtual === true);
  const negative = signals.filter((s) => s.virtual === false);
  const named = positive.find((s) => s.technology && s.technology !== 'unknown');
  if (positive.length) {
    return {
      isVirtual: true,
      technology: named?.technology ?? 'unknown',
      sources: sortedUnique(positive.map((s) => s.source)),
    };
  }
  if (negative.length) return { isVirtual: false, technology: null, sources: sortedUnique(negative.map((s) => s.source)) };
  return { isVirtual: null, technology: null, sources: [] };
}

async function linuxSignals(host: Host, trail: Trail, signal?: AbortSignal): Promise<VirtSignal[]> {
  const dmiRead = Promise.all(DMI_FILES.map((f) => host.readFile(`/sys/class/dmi/id/${f}`)));
  const [sd, dmiVals, cpuinfo, hvType, dt] = await Promise.all([
    trail.exec(host, 'systemd-detect-virt', ['-v'], signal),
    dmiRead,
    host.readFile('/proc/cpuinfo'),
    host.readFile('/sys/hypervisor/type'),
    host.readFile('/proc/device-tree/hypervisor/compatible'),
  ]);
  const out: VirtSignal[] = [];

  const sdId = sd.status === 'ok' || sd.status === 'failed' ? firstLine(sd.stdout) : undefined;
  if (sdId !== undefined) {
    const t = techFromSystemd(sdId);
    if (t === null) out.push({ source: 'systemd-detect-virt', virtual: false });
    else out.push({ source: 'systemd-detect-virt', virtual: true, technology: t ?? 'unknown' });
  }

  const dmi: Partial<Record<(typeof DMI_FILES)[number], string>> = {};
  DMI_FILES.forEach((f, i) => {
    if (dmiVals[i] !== undefined) dmi[f] = dmiVals[i];
  });
  const dmiSeen = Object.keys(dmi).length > 0;
  trail.add('/sys/class/dmi/id', dmiSeen, dmiSeen ? Object.keys(dmi).sort().join(',') : 'absent or unreadable');
  const dmiTech = dmiSeen ? techFromDmi(dmi) : undefined;
  if (dmiTech) out.push({ source: 'dmi', virtual: true, technology: dmiTech });

  if (hvType !== undefined) {
    trail.add('/sys/hypervisor/type', true, hvType.trim());
    const t = hvType.trim().toLowerCase();
    if (t) out.push({ source: '/sys/hypervisor/type', virtual: true, technology: t === 'xen' ? 'xen' : 'unknown' });
  }
  if (dt !== undefined) {
    trail.add('/proc/device-tree/hypervisor/compatible', true);
    out.push({ source: 'device-tree', virtual: true, technology: techFromDeviceTree(dt) });
  }

  trail.add('/proc/cpuinfo', cpuinfo !== undefined, cpuinfo === undefined ? 'absent or unreadable' : undefined);
  const flag = cpuinfo === undefined ? undefined : cpuinfoHasHypervisorFlag(cpuinfo);
  if (flag === true) out.push({ source: 'cpuinfo', virtual: true });
  // Only x86 has the CPUID hypervisor bit, so its absence means "no VM" there only.
  else if (flag === false && /^(x64|ia32)$/.test(host.info().arch)) out.push({ source: 'cpuinfo', virtual: false });
  return out;
}

async function darwinSignals(host: Host, trail: Trail, signal?: AbortSignal): Promise<VirtSignal[]> {
  const r = await trail.exec(host, 'sysctl', ['-n', 'kern.hv_vmm_present'], signal);
  const v = r.status === 'ok' ? firstLine(r.stdout) : undefined;
  if (v === '1') return [{ source: 'sysctl kern.hv_vmm_present', virtual: true }];
  if (v === '0') return [{ source: 'sysctl kern.hv_vmm_present', virtual: false }];
  return [];
}

/** Detects whether this machine is a virtual machine, and which kind. */
export async function detectVirt(host: Host, trail: Trail, signal?: AbortSignal): Promise<VirtFacts> {
  const p = host.info().platform;
  if (p === 'linux') return combineVirt(await linuxSignals(host, trail, signal));
  if (p === 'darwin') return combineVirt(await darwinSignals(host, trail, signal));
  trail.add('virtualization', false, `no detection for platform ${p}`);
  return combineVirt([]);
}
