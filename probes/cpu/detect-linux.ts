/** Linux: /proc/cpuinfo first, then auxv, sysfs, lscpu, ld.so and systeminformation as further sources. */
import type { Capability, Detection, Evidence, Finding, ProbeContext } from '../../src/types.js';
import type { ExecResult, Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { familyOfLayout, parseCpuinfo, parseRiscvIsa, type Cpuinfo } from './parse-cpuinfo.js';
import { AT_HWCAP, AT_HWCAP2, decodeHwcaps, parseAuxv32, parseAuxv64 } from './parse-auxv.js';
import { lscpuFacts, parseLscpu, type LscpuFacts } from './parse-lscpu.js';
import { parseHwcapsTunable, parseLdsoHelp, type HwcapsSubdir } from './glibc.js';
import {
  armLevel,
  armLevelCapabilities,
  riscvCapabilities,
  simdCapabilities,
  sortCaps,
  x86LevelCapabilities,
  x86Levels,
  type CapabilityInput,
  type FeatureSource,
} from './capabilities.js';
import {
  ARM64_HWCAP,
  ARM64_HWCAP2,
  archFamily,
  CPUINFO_BLIND,
  GLIBC_TO_KERNEL, LDSO_BY_ARCH, X86_64_LEVEL_NAMES, type ArchFamily, type X86Level } from './tables.js';
import { armPackagesAreClusters, countTopology, readCaches, readOnlineCount, readCoreTypes, readCpufreq, readSmtActive, readTopology, readVectorLengths } from './sysfs.js';
import { detectEmulation } from '../environment/virt.js';
import { compareWithSi, siCpu, SI_CPU_KEY } from './systeminfo.js';
import { finding } from './findings.js';
import { UNREADABLE } from '../../src/bounds.js';

const CPUINFO = '/proc/cpuinfo';
const AUXV = '/proc/self/auxv';

/** Families whose kernel puts feature bits in AT_HWCAP/AT_HWCAP2 that this probe can decode. */
const HWCAP_FAMILIES: ReadonlySet<ArchFamily> = new Set(['arm64', 'arm', 'ppc', 's390', 'riscv', 'loongarch', 'mips']);

/** Node arches whose auxv entries are 4-byte words (32-bit processes). */
const AUXV32_ARCHES: ReadonlySet<string> = new Set(['arm', 'ia32', 'ppc', 'mips', 'mipsel', 's390']);

/** Runs a promise-returning step and turns a throw into undefined plus an evidence entry. */
async function guard<T>(source: string, ev: Evidence[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    ev.push({ source, ok: false, detail: `threw: ${String(e)}` });
    return undefined;
  }
}

const execDetail = (r: ExecResult): string =>
  r.status === 'ok' ? 'ok' : `${r.status}${r.code !== null ? ` (exit ${r.code})` : ''}${r.error ? `: ${r.error}` : ''}`;

/** Linux detection. Never throws: every source that fails becomes an evidence entry. */
export async function detectLinux(host: Host, _ctx: ProbeContext): Promise<Detection> {
  const d = emptyDetection();
  const ev = d.evidence;
  const info = host.info();
  let family = archFamily(info.arch);
  const ldso = (LDSO_BY_ARCH as Record<string, string>)[info.arch];

  // auxv on every family whose kernel has hwcaps, and on any unknown arch (a replayed foreign capture)
  const wantAuxv = HWCAP_FAMILIES.has(family) || family === 'other';
  // Everything independent runs at once: the whole detection must stay well under 100 ms.
  const [cpuinfoText, lscpuRes, auxvBytes, caches, freq, smtActive, vlen, ldsoRes, topo, emu, deviceTree, online] = await Promise.all([
    guard(CPUINFO, ev, () => host.readFile(CPUINFO)),
    guard('lscpu', ev, () => host.exec('lscpu', [], { timeoutMs: 2000 })),
    wantAuxv ? guard(AUXV, ev, () => host.readBinary(AUXV)) : undefined,
    guard('sysfs cache', ev, () => readCaches(host)),
    guard('sysfs cpufreq', ev, () => readCpufreq(host)),
    guard('sysfs smt', ev, () => readSmtActive(host)),
    family === 'arm64' ? guard('/proc/sys/abi', ev, () => readVectorLengths(host)) : undefined,
    ldso ? guard(ldso, ev, () => host.exec(ldso, ['--help'], { timeoutMs: 2000 })) : undefined,
    guard('sysfs topology', ev, () => readTopology(host)),
    guard('emulation', ev, () => detectEmulation(host)),
    family === 'arm64' || family === 'arm' ? host.exists('/proc/device-tree') : false,
    guard('sysfs online', ev, () => readOnlineCount(host)),
  ]);

  const facts: Record<string, unknown> = { arch: info.arch };
  const sources: string[] = [];

  // /proc/cpuinfo
  let ci: Cpuinfo | null = null;
  if (cpuinfoText !== undefined) {
    ci = parseCpuinfo(cpuinfoText);
    ev.push({ source: CPUINFO, ok: true, detail: `layout ${ci.kind}, ${ci.processors.length} processor blocks` });
    sources.push(CPUINFO);
    if (family === 'other') family = familyOfLayout(ci);
  } else ev.push({ source: CPUINFO, ok: false, detail: 'absent or unreadable' });

  // Emulation: under user-mode QEMU or Rosetta the kernel's cpuinfo describes the host, not the CPU
  // this process sees. Then cpuinfo is the host's (facts.host), and the process's own auxv is the
  // only feature source.
  const emulated = emu?.emulated === true;
  let hostCi: Cpuinfo | null = null;
  if (emu) {
    facts.emulation = emu;
    if (emulated) {
      hostCi = ci;
      ci = null;
      d.findings.push(
        finding(
          'CPU_EMULATED',
          { mechanism: emu.mechanism, processArch: emu.processArch, hostArch: emu.hostArch },
          { evidence: emu.evidence },
        ),
      );
      if (hostCi)
        facts.host = { arch: emu.hostArch, vendor: hostCi.vendor, model: hostCi.model, logicalCpus: hostCi.logicalCpus, flags: hostCi.flags, source: CPUINFO };
    }
  }

  // lscpu (under emulation it is the host's too: lscpu reads the same /proc/cpuinfo and sysfs)
  let ls: LscpuFacts | null = null;
  if (lscpuRes) {
    if (lscpuRes.status === 'ok') {
      const table = parseLscpu(lscpuRes.stdout);
      // Output without lscpu's own keys is another program's (a wrapper, a planted tool): not a source.
      if (!('Architecture' in table) && !('CPU(s)' in table)) {
        ev.push({ source: 'lscpu', ok: false, detail: `${UNREADABLE}: ${JSON.stringify(lscpuRes.stdout.trim().split('\n')[0].slice(0, 120))}` });
      } else {
        ls = lscpuFacts(table, lscpuRes.stdout);
        sources.push('lscpu');
        ev.push({ source: 'lscpu', ok: true, ...(lscpuRes.note ? { detail: lscpuRes.note } : {}) });
      }
    } else ev.push({ source: 'lscpu', ok: false, detail: execDetail(lscpuRes) });
  }
  const lsId = emulated ? null : ls;

  // Identity
  const vendor = ci?.vendor ?? lsId?.vendor ?? null;
  const model = ci?.model ?? lsId?.modelName ?? null;
  const logicalCpus = (ci ?? hostCi)?.logicalCpus ?? online ?? ls?.cpus ?? (info.cpuCount || null);
  facts.vendor = vendor;
  facts.model = model;
  if (lsId && lsId.modelNames.length > 1) facts.modelNames = lsId.modelNames;
  if (ci?.x86) facts.x86 = ci.x86;
  if (ci && ci.midrs.length) facts.midr = ci.midrs;
  if (ci?.kind === 'ppc') facts.ppc = { cpu: ci.model, revision: ci.processors[0]?.['revision'] ?? null, platform: ci.global['platform'] ?? null };
  if (ci?.kind === 's390') facts.s390 = { processors: ci.s390Processors };
  if (ci?.kind === 'loongarch') facts.loongarch = { cpuFamily: ci.processors[0]?.['CPU Family'] ?? ci.processors[0]?.['cpu family'] ?? null, isa: ci.processors[0]?.['ISA'] ?? null };
  if (ci?.kind === 'mips') facts.mips = { cpuModel: ci.model, isa: ci.processors[0]?.['isa'] ?? ci.global['isa'] ?? null, ases: ci.processors[0]?.['ASEs implemented'] ?? null, systemType: ci.global['system type'] ?? null };
  if (ci?.kind === 'sparc') facts.sparc = { type: ci.global['type'] ?? null, cpucaps: ci.flags };
  if (ci?.kind === 'riscv') facts.riscvIds = { mvendorid: ci.processors[0]?.['mvendorid'] ?? null, marchid: ci.processors[0]?.['marchid'] ?? null, uarch: ci.processors[0]?.['uarch'] ?? null };
  if (ci && ci.global['Hardware']) facts.hardware = ci.global['Hardware'];

  // Topology: sysfs first (every architecture), then cpuinfo's own ids (x86, LoongArch, MIPS), then lscpu.
  let st = topo ? countTopology(topo) : null;
  if (st && topo && (family === 'arm64' || family === 'arm') && (st.sockets ?? 0) > 1) {
    const partOf = (cpu: number) => ci?.processors.find((p) => p['processor'] === String(cpu))?.['CPU part'] ?? null;
    if (armPackagesAreClusters(topo, partOf, deviceTree === true)) st = { ...st, clusters: st.sockets, sockets: 1, packagesAreClusters: true };
  }
  if (topo) {
    sources.push('/sys/devices/system/cpu/cpu*/topology');
    ev.push({ source: '/sys/devices/system/cpu/cpu*/topology', ok: true, detail: `${topo.length} CPUs` });
  } else ev.push({ source: '/sys/devices/system/cpu/cpu*/topology', ok: false, detail: 'absent or unreadable' });
  // Topology files of offline CPUs are absent: counts over fewer CPUs than there are would be wrong.
  const sysfsWhole = st !== null && (logicalCpus === null || st.cpus >= logicalCpus);
  if (st && !sysfsWhole) st = { ...st, cores: null, sockets: null, threadsPerCore: null };
  const ciTopo = (ci ?? hostCi)?.topology ?? null;
  const pick = <T,>(...xs: (T | null | undefined)[]): T | null => xs.find((x) => x !== null && x !== undefined) ?? null;
  const cores: number | null = pick(st?.cores, ciTopo?.cores, ls?.cores);
  const sockets: number | null = pick(st?.sockets, ciTopo?.sockets, ls?.sockets);
  const derivedTpc = logicalCpus !== null && cores ? (Number.isInteger(logicalCpus / cores) ? logicalCpus / cores : null) : null;
  const threadsPerCore: number | null = pick(st?.threadsPerCore, derivedTpc, ls?.threadsPerCore);
  facts.logicalCpus = logicalCpus;
  facts.cores = cores;
  facts.sockets = sockets;
  facts.threadsPerCore = threadsPerCore;
  facts.topologySource = st?.cores != null ? 'sysfs' : ciTopo ? CPUINFO : ls?.cores != null ? 'lscpu' : null;
  if (st) facts.sysfsTopology = st;
  facts.smt = smtActive ?? (threadsPerCore !== null ? threadsPerCore > 1 : null);
  if (st && ls) d.findings.push(...compareTopology(st, ls));

  // Hybrid core types
  const coreTypes = await guard('sysfs core types', ev, () => readCoreTypes(host, logicalCpus));
  const armParts = ci ? new Set(ci.midrs.map((m) => `${m.implementer}:${m.part}`)) : new Set<string>();
  const capacityKinds = coreTypes?.capacities ? Object.keys(coreTypes.capacities).length : 0;
  facts.coreTypes = {
    sysfsTypes: coreTypes?.types ?? null,
    cpuCapacity: coreTypes?.capacities ?? null,
    armParts: armParts.size ? [...armParts].sort() : null,
  };
  facts.hybrid =
    (coreTypes?.types && coreTypes.types.length > 1) || armParts.size > 1 || capacityKinds > 1
      ? true
      : coreTypes?.types || armParts.size || capacityKinds
        ? false
        : null;

  // Caches and frequencies
  facts.caches = caches ?? [];
  const mhz = ci?.mhz ?? [];
  facts.frequencies = {
    cpuMHz: mhz.length ? mhz[0] : null,
    cpuMHzMax: mhz.length ? Math.max(...mhz) : null,
    maxMHz: freq?.maxMHz ?? null,
    minMHz: freq?.minMHz ?? null,
  };
  if (family === 'arm64') {
    facts.sveVectorLength = vlen?.sve ?? null;
    facts.smeVectorLength = vlen?.sme ?? null;
  }

  // Raw flags, exactly as the kernel spells them (first processor block, file order)
  facts.flags = ci?.flags.length ? ci.flags : ((emulated ? null : ls)?.flags ?? []);

  // Feature set for capabilities
  let features = new Set<string>(ci?.features ?? []);
  let label = ci?.flagsKey ? `${CPUINFO} ${ci.flagsKey}` : CPUINFO;
  if (!ci && !emulated && ls?.flags.length) {
    features = new Set(ls.flags);
    label = 'lscpu Flags';
  }
  let auxvRead = false;

  // auxv: what the process itself sees (the kernel's hwcaps, or the emulator's); on arm64 a second
  // source beside cpuinfo, on POWER the only view of VSX, under emulation the only source at all.
  if (wantAuxv) {
    if (auxvBytes && auxvBytes.byteLength >= 8) {
      const le = info.endianness !== 'BE';
      const aux = AUXV32_ARCHES.has(info.arch) ? parseAuxv32(auxvBytes, le) : parseAuxv64(auxvBytes, le);
      const hw = aux.get(AT_HWCAP) ?? 0n;
      const hw2 = aux.get(AT_HWCAP2) ?? 0n;
      ev.push({ source: AUXV, ok: true, detail: `AT_HWCAP=0x${hw.toString(16)} AT_HWCAP2=0x${hw2.toString(16)}` });
      sources.push(AUXV);
      auxvRead = true;
      const dec = decodeHwcaps(family, hw, hw2);
      if (dec) {
        facts.auxvFeatures = dec;
        if (family === 'arm64' && ci?.flags.length) {
          // Compare only names both sides can spell: cpuinfo may show hwcaps newer than our table.
          const all = new Set<string>([...ARM64_HWCAP, ...ARM64_HWCAP2]);
          const known = new Set(dec);
          const onlyCi = ci.flags.filter((f) => all.has(f) && !known.has(f));
          const onlyAux = dec.filter((f) => !ci!.flags.includes(f));
          if (onlyCi.length || onlyAux.length)
            d.findings.push(
              finding('CPU_AUXV_DISAGREE', { onlyInCpuinfo: onlyCi.join(' '), onlyInAuxv: onlyAux.join(' ') }),
            );
        }
        if (emulated || !features.size) {
          features = new Set(dec);
          label = `${AUXV} AT_HWCAP`;
        } else if (family === 'ppc' || family === 'arm' || family === 'mips') {
          // POWER cpuinfo names no vector unit but AltiVec; 32-bit ARM on an ARM64 kernel may show
          // the AArch64 line; MIPS lists ASEs and auxv has the same names.
          for (const f of dec) features.add(f);
        }
      }
    } else ev.push({ source: AUXV, ok: false, detail: 'absent or unreadable: hwcaps come from /proc/cpuinfo alone' });
  }

  // RISC-V ISA string (the process's own letters come from auxv under emulation)
  let riscvExt: string[] = [];
  if (ci?.isa) {
    const isa = parseRiscvIsa(ci.isa);
    if (isa) {
      facts.riscv = { isa: ci.isa, base: isa.base, extensions: isa.extensions, mmu: ci.processors[0]?.['mmu'] ?? null, ...(isa.invalid.length ? { invalid: isa.invalid } : {}) };
      riscvExt = isa.extensions;
      features = new Set(isa.extensions);
      label = `${CPUINFO} isa`;
    }
  } else if (family === 'riscv' && emulated && features.size) riscvExt = [...features];

  // Under emulation only auxv counts: without it nothing is known of what the process sees.
  const haveFeatures = emulated ? features.size > 0 : features.size > 0 || (ci !== null && ci.kind !== 'unknown');
  const primary: FeatureSource | null = haveFeatures ? { label, features } : null;
  const blind = auxvRead ? [] : (CPUINFO_BLIND[family] ?? []);

  // glibc masks (x86 only: glibc.cpu.hwcaps names are x86 feature names)
  const tunables = host.env('GLIBC_TUNABLES');
  const hw = parseHwcapsTunable(tunables);
  const maskFlags = family === 'x86' ? new Set(hw.maskedFlags) : new Set<string>();
  const input: CapabilityInput = {
    family,
    primary,
    osFiltered: true, // the kernel only shows what it enabled (e.g. AVX-512 state in XCR0)
    mask: maskFlags.size
      ? { flags: maskFlags, label: 'GLIBC_TUNABLES', glibcNames: GLIBC_TO_KERNEL }
      : undefined,
    ...(blind.length ? { unseen: { ids: new Set(blind), why: `${CPUINFO} does not list it and ${AUXV} was not read` } } : {}),
  };
  const caps: Record<string, Capability> = {
    ...simdCapabilities(input),
    ...x86LevelCapabilities(input),
    ...armLevelCapabilities(input),
  };
  if (family === 'riscv' && riscvExt.length) Object.assign(caps, riscvCapabilities(riscvExt, label));
  if (emulated)
    for (const c of Object.values(caps))
      c.notes = `${c.notes ? `${c.notes}; ` : ''}emulated process (${emu!.mechanism}): what the emulator presents, not the host CPU`;
  d.capabilities = sortCaps(caps);

  // Levels
  let ldsoSubdirs: HwcapsSubdir[] | null = null;
  if (ldso && ldsoRes) {
    if (ldsoRes.status === 'ok' || ldsoRes.stdout) {
      ldsoSubdirs = parseLdsoHelp(ldsoRes.stdout);
      ev.push({ source: `${ldso} --help`, ok: ldsoSubdirs !== null, ...(ldsoSubdirs ? {} : { detail: 'no glibc-hwcaps section' }) });
      if (ldsoSubdirs) sources.push(`${ldso} --help`);
    } else ev.push({ source: `${ldso} --help`, ok: false, detail: execDetail(ldsoRes) });
  }
  if (ldsoSubdirs) facts.glibcHwcapsSubdirs = ldsoSubdirs;

  if (family === 'x86') {
    const base = features.has('lm') ? 'x86-64' : null;
    const adv = primary ? x86Levels(features) : null;
    const use = primary ? x86Levels(features, maskFlags) : null;
    facts.x86_64Level = adv ? (adv.level ?? base) : null;
    facts.glibcHwcapsLevel = use ? (use.level ?? base) : null;
    if (hw.value !== null) facts.glibcTunablesHwcaps = { value: hw.value, disabled: hw.disabled };
    if (adv && use && adv.level !== use.level) {
      d.findings.push(
        finding(
          'CPU_HWCAPS_MASKED',
          {
            variable: 'GLIBC_TUNABLES',
            value: tunables ?? '',
            masked: hw.disabled.filter((n) => !hw.ignored.includes(n)).join(','),
            advertisedLevel: adv.level,
            usableLevel: use.level,
          },
          { capability: `cpu.isa.${adv.level}`, evidence: [`GLIBC_TUNABLES=${tunables}`] },
        ),
      );
    }
    if (hw.ignored.length)
      d.findings.push(finding('CPU_HWCAPS_IGNORED_NAME', { variable: 'GLIBC_TUNABLES', names: hw.ignored.join(',') }));
    if (use && ldsoSubdirs && info.arch === 'x64') {
      const ldsoLevel = ldsoLevelOf(ldsoSubdirs);
      if (ldsoLevel !== use.level) {
        d.findings.push(
          finding(
            'CPU_HWCAPS_DISAGREE',
            { tableLevel: use.level, ldso: `${ldso} --help`, ldsoLevel },
            { evidence: ldsoSubdirs.map((s) => `${s.name}${s.supported ? ' (supported)' : ''}`) },
          ),
        );
      }
      for (const L of X86_64_LEVEL_NAMES) {
        const line = ldsoSubdirs.find((s) => s.name === L);
        if (line && caps[`cpu.isa.${L}`])
          caps[`cpu.isa.${L}`].evidence.push(`ld.so --help: ${L}${line.supported ? ' (supported)' : ''}`);
      }
    }
  }
  if (family === 'arm64') facts.armLevel = primary ? armLevel(features) : null;

  // Second sources: lscpu, else systeminformation. On Linux systeminformation's cpu() is itself a
  // reading of lscpu and /proc/cpuinfo (it runs lscpu three times), so once lscpu has answered it
  // adds no fact, only a Node child and ~300 ms of CPU (issue 17: skip what an earlier source
  // answered). It is asked when lscpu is missing, failed or printed something else, but not when
  // lscpu hung: systeminformation would run the same lscpu and hang on it too.
  if (ci && ls && !emulated) d.findings.push(...compareLscpu(ci, ls));
  const si = ls
    ? null
    : lscpuRes?.status === 'timeout'
      ? { cpu: undefined, evidence: { source: SI_CPU_KEY, ok: false, detail: 'not asked: lscpu hung, and systeminformation runs lscpu itself' } }
      : await siCpu(host);
  if (si) ev.push(si.evidence);
  if (si?.cpu) {
    sources.push('systeminformation');
    if (!emulated) d.findings.push(...compareWithSi(CPUINFO, { vendor: ci?.vendor ?? null, model: ci?.model ?? null, logicalCpus: ci?.logicalCpus ?? null }, si.cpu));
  }

  facts.sources = sources;
  d.facts = facts;
  return d;
}

/** The highest x86-64 level ld.so marks "supported". */
export function ldsoLevelOf(subdirs: HwcapsSubdir[]): X86Level | null {
  let best: X86Level | null = null;
  for (const L of X86_64_LEVEL_NAMES) if (subdirs.some((s) => s.name === L && s.supported)) best = L;
  return best;
}

/** lscpu vs cpuinfo on vendor, model name and logical count (lscpu is a second reading of the same kernel data). */
function compareLscpu(ci: Cpuinfo, ls: LscpuFacts): Finding[] {
  const out: Finding[] = [];
  const add = (field: string, a: string | number, b: string | number) =>
    out.push(finding('CPU_SOURCE_DISAGREE', { field, sourceA: CPUINFO, valueA: a, sourceB: 'lscpu', valueB: b }));
  if (ci.kind === 'x86') {
    if (ci.vendor && ls.vendor && ci.vendor !== ls.vendor) add('vendor', ci.vendor, ls.vendor);
    if (ci.model && ls.modelName && ci.model.replace(/\s+/g, ' ') !== ls.modelName.replace(/\s+/g, ' '))
      add('model', ci.model, ls.modelName);
  }
  if (ci.logicalCpus !== null && ls.cpus !== null && ci.logicalCpus !== ls.cpus) add('logicalCpus', ci.logicalCpus, ls.cpus);
  return out;
}

/** sysfs vs lscpu on cores and sockets (lscpu reads sysfs too: a difference means a parsing error on one side). */
function compareTopology(st: { cores: number | null; sockets: number | null }, ls: LscpuFacts): Finding[] {
  const out: Finding[] = [];
  const src = '/sys/devices/system/cpu/cpu*/topology';
  if (st.cores !== null && ls.cores !== null && st.cores !== ls.cores)
    out.push(finding('CPU_SOURCE_DISAGREE', { field: 'cores', sourceA: src, valueA: st.cores, sourceB: 'lscpu', valueB: ls.cores }));
  if (st.sockets !== null && ls.sockets !== null && st.sockets !== ls.sockets)
    out.push(finding('CPU_SOURCE_DISAGREE', { field: 'sockets', sourceA: src, valueA: st.sockets, sourceB: 'lscpu', valueB: ls.sockets }));
  return out;
}
