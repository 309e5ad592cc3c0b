/** Virtualization: is this a virtual machine, and which hypervisor runs it. Containers are container.ts. */
import type { Host } from '../../src/host/host.js';
import { Trail, firstLine, sortedUnique } from './util.js';
import { familyOfLayout, parseCpuinfo, type Cpuinfo } from '../cpu/parse-cpuinfo.js';
import type { ArchFamily } from '../cpu/tables.js';

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

// ---------------------------------------------------------------------------------------------
// Emulated processes: this process's architecture is not the machine's (user-mode QEMU through
// binfmt_misc in multi-arch docker builds, Rosetta 2, Windows x64-on-ARM). Shared with the cpu
// probe, which then takes the process's capabilities from its own auxv, not the host's cpuinfo.

/** How the process is emulated. */
export type EmulationMechanism = 'qemu-user' | 'rosetta' | 'windows-arm64-emulation' | 'user-mode-emulator';

/** How findings name each mechanism. */
export const EMULATION_MECHANISMS: Readonly<Record<EmulationMechanism, string>> = {
  'qemu-user': 'user-mode QEMU (binfmt_misc)',
  rosetta: 'Rosetta 2',
  'windows-arm64-emulation': "Windows' x64/x86 emulation on ARM64",
  'user-mode-emulator': 'a user-mode emulator (no binfmt_misc entry: started directly, as `qemu-<arch>` does)',
};

/** facts.emulation (environment) and the cpu probe's facts.emulation. */
export interface EmulationFacts {
  /** true: the process runs under an emulator; false: checked and native; null: cannot tell. */
  emulated: boolean | null;
  mechanism: EmulationMechanism | null;
  /** Node's process.arch (what the process is built for). */
  processArch: string;
  /** The machine's architecture as the kernel/OS describes it, when known. */
  hostArch: string | null;
  /** What proved it, one line each (a binfmt_misc entry, the cpuinfo layout, a sysctl…). */
  evidence: string[];
}

/** Node arch → the names an ELF machine / QEMU binary / kernel use for it. */
export const EMULATION_ARCHES: Readonly<Record<string, { qemu: readonly string[]; cpuinfo: string }>> = {
  x64: { qemu: ['x86_64'], cpuinfo: 'x86' },
  ia32: { qemu: ['i386', 'i486', 'i686'], cpuinfo: 'x86' },
  arm64: { qemu: ['aarch64', 'aarch64_be'], cpuinfo: 'arm' },
  arm: { qemu: ['arm', 'armeb'], cpuinfo: 'arm' },
  ppc64: { qemu: ['ppc64', 'ppc64le'], cpuinfo: 'ppc' },
  ppc: { qemu: ['ppc'], cpuinfo: 'ppc' },
  s390x: { qemu: ['s390x'], cpuinfo: 's390' },
  riscv64: { qemu: ['riscv64'], cpuinfo: 'riscv' },
  loong64: { qemu: ['loongarch64'], cpuinfo: 'loongarch' },
  mips: { qemu: ['mips', 'mipsn32'], cpuinfo: 'mips' },
  mipsel: { qemu: ['mipsel', 'mipsn32el'], cpuinfo: 'mips' },
  mips64: { qemu: ['mips64'], cpuinfo: 'mips' },
  mips64el: { qemu: ['mips64el'], cpuinfo: 'mips' },
};

/** Architecture family → the name `uname -m` gives its usual 64-bit kernel. */
const FAMILY_MACHINE: Readonly<Record<ArchFamily, string | null>> = {
  x86: 'x86_64', arm64: 'aarch64', arm: 'arm', ppc: 'ppc64', s390: 's390x', riscv: 'riscv64',
  loongarch: 'loongarch64', mips: 'mips', sparc: 'sparc64', other: null,
};

/** A cpuinfo layout → the machine name it implies (32-bit x86 and RISC-V told apart by their flags/ISA). */
function hostArchOfLayout(ci: Cpuinfo): string | null {
  if (ci.kind === 'x86' && !ci.features.includes('lm')) return 'x86';
  if (ci.kind === 'riscv' && ci.isa?.startsWith('rv32')) return 'riscv32';
  return FAMILY_MACHINE[familyOfLayout(ci)];
}

/** One binfmt_misc entry (/proc/sys/fs/binfmt_misc/NAME). */
export interface BinfmtEntry {
  name: string;
  enabled: boolean;
  interpreter: string | null;
}

/** Parses a binfmt_misc entry file ("enabled", "interpreter /usr/bin/qemu-aarch64-static", "flags: F"…). */
export function parseBinfmtEntry(name: string, text: string): BinfmtEntry {
  const lines = text.split('\n').map((l) => l.trim());
  const interp = lines.find((l) => l.startsWith('interpreter '))?.slice('interpreter '.length).trim() ?? null;
  return { name, enabled: lines[0] === 'enabled', interpreter: interp };
}

/** Whether a binfmt_misc entry runs binaries of Node arch `arch` through an emulator (by its name or interpreter). */
export function binfmtMatches(e: BinfmtEntry, arch: string): boolean {
  const names = EMULATION_ARCHES[arch]?.qemu ?? [];
  const hay = `${e.name} ${e.interpreter ?? ''}`.toLowerCase();
  if (/rosetta/.test(hay)) return arch === 'x64';
  return names.some((n) => new RegExp(`qemu-${n}(?![a-z0-9_])`).test(hay));
}

/**
 * Linux: a cpuinfo layout foreign to process.arch (the kernel describes another CPU family), and
 * an enabled binfmt_misc entry that sends this architecture's binaries to an emulator. Either
 * proves emulation; the binfmt entry names the mechanism (QEMU or Rosetta for Linux).
 */
export function emulationFromLinux(arch: string, cpuinfo: string | undefined, binfmt: BinfmtEntry[] | undefined): EmulationFacts {
  const evidence: string[] = [];
  const want = EMULATION_ARCHES[arch]?.cpuinfo;
  let hostArch: string | null = null;
  let foreign: boolean | null = null;
  if (cpuinfo !== undefined) {
    const ci = parseCpuinfo(cpuinfo);
    hostArch = hostArchOfLayout(ci);
    if (ci.kind !== 'unknown' && want) {
      foreign = ci.kind !== want;
      evidence.push(`/proc/cpuinfo has the ${ci.kind} layout (${hostArch}), ${foreign ? 'foreign to' : 'native for'} process.arch ${arch}`);
    }
  }
  const hits = (binfmt ?? []).filter((e) => e.enabled && binfmtMatches(e, arch));
  for (const e of hits) evidence.push(`/proc/sys/fs/binfmt_misc/${e.name}: enabled, interpreter ${e.interpreter ?? '?'}`);
  const rosetta = hits.some((e) => /rosetta/i.test(`${e.name} ${e.interpreter}`));
  const qemu = hits.some((e) => /qemu/i.test(`${e.name} ${e.interpreter}`));
  // A binfmt entry alone is enough only together with a foreign layout, or when cpuinfo cannot say:
  // docker's binfmt installer registers every foreign architecture, never the native one.
  const emulated = foreign === true || (foreign === null && hits.length > 0) ? true : foreign === false ? false : null;
  const mechanism: EmulationMechanism | null = !emulated ? null : rosetta ? 'rosetta' : qemu ? 'qemu-user' : 'user-mode-emulator';
  return { emulated, mechanism, processArch: arch, hostArch, evidence };
}

/** Detects whether this process runs under an emulator. Never throws. */
export async function detectEmulation(host: Host, trail?: Trail, signal?: AbortSignal): Promise<EmulationFacts> {
  const info = host.info();
  const arch = info.arch;
  if (info.platform === 'linux' || info.platform === 'android') {
    const dir = '/proc/sys/fs/binfmt_misc';
    const [cpuinfo, names] = await Promise.all([host.readFile('/proc/cpuinfo'), host.readDir(dir)]);
    const entries = names
      ? await Promise.all(
          names
            .filter((n) => n !== 'register' && n !== 'status')
            .map(async (n) => {
              const t = await host.readFile(`${dir}/${n}`);
              return t === undefined ? undefined : parseBinfmtEntry(n, t);
            }),
        )
      : undefined;
    const list = entries?.filter((e): e is BinfmtEntry => !!e);
    trail?.add(dir, names !== undefined, names === undefined ? 'absent or not mounted' : `${list?.length ?? 0} entries`);
    return emulationFromLinux(arch, cpuinfo, list);
  }
  if (info.platform === 'darwin') {
    // sysctl.proc_translated is 1 in a process Rosetta 2 translates, 0 in a native one; unknown on Intel Macs.
    const r = trail
      ? await trail.exec(host, 'sysctl', ['-n', 'sysctl.proc_translated'], signal)
      : await host.exec('sysctl', ['-n', 'sysctl.proc_translated'], { timeoutMs: 1500, signal });
    const v = r.status === 'ok' ? firstLine(r.stdout) : undefined;
    if (v === '1') return { emulated: true, mechanism: 'rosetta', processArch: arch, hostArch: 'arm64', evidence: ['sysctl.proc_translated: 1'] };
    if (v === '0') return { emulated: false, mechanism: null, processArch: arch, hostArch: arch, evidence: ['sysctl.proc_translated: 0'] };
    // Intel Macs have no such OID: nothing translates there.
    if (arch === 'x64' && r.status === 'failed') return { emulated: false, mechanism: null, processArch: arch, hostArch: 'x64', evidence: ['sysctl.proc_translated: unknown OID (Intel Mac)'] };
    return { emulated: null, mechanism: null, processArch: arch, hostArch: null, evidence: [] };
  }
  if (info.platform === 'win32') return emulationFromWindows(arch, (n) => host.env(n));
  return { emulated: null, mechanism: null, processArch: arch, hostArch: null, evidence: [] };
}

/**
 * Windows: PROCESSOR_IDENTIFIER is set once for the machine ("ARMv8 (64-bit) Family 8 …" on ARM64),
 * while an x64 or x86 process on ARM64 sees PROCESSOR_ARCHITECTURE=AMD64/x86; a WOW64 x86 process
 * on ARM64 also gets PROCESSOR_ARCHITEW6432=ARM64.
 */
export function emulationFromWindows(arch: string, env: (n: string) => string | undefined): EmulationFacts {
  const ident = env('PROCESSOR_IDENTIFIER');
  const w6432 = env('PROCESSOR_ARCHITEW6432');
  const nativeArm = /^ARM/i.test(ident ?? '') || /^ARM64$/i.test(w6432 ?? '');
  const evidence = [
    ...(ident ? [`PROCESSOR_IDENTIFIER=${ident}`] : []),
    ...(w6432 ? [`PROCESSOR_ARCHITEW6432=${w6432}`] : []),
  ];
  if (ident === undefined && w6432 === undefined) return { emulated: null, mechanism: null, processArch: arch, hostArch: null, evidence };
  const emulated = nativeArm && (arch === 'x64' || arch === 'ia32');
  return { emulated, mechanism: emulated ? 'windows-arm64-emulation' : null, processArch: arch, hostArch: nativeArm ? 'arm64' : null, evidence };
}
