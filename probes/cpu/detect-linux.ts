/** Linux: /proc/cpuinfo first, then auxv, sysfs, lscpu, ld.so and systeminformation as further sources. */
import type { Capability, Detection, Evidence, Finding, ProbeContext } from '../../src/types.js';
import type { ExecResult, Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { parseCpuinfo, parseRiscvIsa, type Cpuinfo } from './parse-cpuinfo.js';
import { AT_HWCAP, AT_HWCAP2, decodeArm64Hwcaps, decodePpcHwcap, parseAuxv64 } from './parse-auxv.js';
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
  GLIBC_TO_KERNEL, LDSO_BY_ARCH, X86_64_LEVEL_NAMES, type ArchFamily, type X86Level } from './tables.js';
import { readCaches, readCoreTypes, readCpufreq, readSmtActive, readVectorLengths } from './sysfs.js';
import { compareWithSi, siCpu } from './systeminfo.js';
import { finding } from './findings.js';

const CPUINFO = '/proc/cpuinfo';
const AUXV = '/proc/self/auxv';

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

/** The family from cpuinfo's layout, for hosts whose Node arch says nothing (e.g. a replayed capture of another machine). */
function familyFromCpuinfo(ci: Cpuinfo): ArchFamily {
  switch (ci.kind) {
    case 'x86':
      return 'x86';
    case 'arm':
      return ci.features.includes('asimd') && !ci.features.includes('neon') ? 'arm64' : 'arm';
    case 'ppc':
      return 'ppc';
    case 's390':
      return 's390';
    case 'riscv':
      return 'riscv';
    default:
      return 'other';
  }
}

/** Linux detection. Never throws: every source that fails becomes an evidence entry. */
export async function detectLinux(host: Host, _ctx: ProbeContext): Promise<Detection> {
  const d = emptyDetection();
  const ev = d.evidence;
  const info = host.info();
  let family = archFamily(info.arch);
  const ldso = (LDSO_BY_ARCH as Record<string, string>)[info.arch];

  // Everything independent runs at once: the whole detection must stay well under 100 ms.
  const [cpuinfoText, lscpuRes, auxvBytes, caches, freq, smtActive, vlen, ldsoRes, si] = await Promise.all([
    guard(CPUINFO, ev, () => host.readFile(CPUINFO)),
    guard('lscpu', ev, () => host.exec('lscpu', [], { timeoutMs: 2000 })),
    family === 'arm64' || info.arch === 'ppc64' ? guard(AUXV, ev, () => host.readBinary(AUXV)) : undefined,
    guard('sysfs cache', ev, () => readCaches(host)),
    guard('sysfs cpufreq', ev, () => readCpufreq(host)),
    guard('sysfs smt', ev, () => readSmtActive(host)),
    family === 'arm64' ? guard('/proc/sys/abi', ev, () => readVectorLengths(host)) : undefined,
    ldso ? guard(ldso, ev, () => host.exec(ldso, ['--help'], { timeoutMs: 2000 })) : undefined,
    siCpu(host),
  ]);

  const facts: Record<string, unknown> = { arch: info.arch };
  const sources: string[] = [];

  // /proc/cpuinfo
  let ci: Cpuinfo | null = null;
  if (cpuinfoText !== undefined) {
    ci = parseCpuinfo(cpuinfoText);
    ev.push({ source: CPUINFO, ok: true, detail: `layout ${ci.kind}, ${ci.processors.length} processor blocks` });
    sources.push(CPUINFO);
    if (family === 'other') family = familyFromCpuinfo(ci);
  } else ev.push({ source: CPUINFO, ok: false, detail: 'absent or unreadable' });

  // lscpu
  let ls: LscpuFacts | null = null;
  if (lscpuRes) {
    if (lscpuRes.status === 'ok') {
      ls = lscpuFacts(parseLscpu(lscpuRes.stdout));
      sources.push('lscpu');
      ev.push({ source: 'lscpu', ok: true });
    } else ev.push({ source: 'lscpu', ok: false, detail: execDetail(lscpuRes) });
  }

  // Identity
  const vendor = ci?.vendor ?? ls?.vendor ?? null;
  const model = ci?.model ?? ls?.modelName ?? null;
  const logicalCpus = ci?.logicalCpus ?? ls?.cpus ?? (info.cpuCount || null);
  facts.vendor = vendor;
  facts.model = model;
  if (ci?.x86) facts.x86 = ci.x86;
  if (ci && ci.midrs.length) facts.midr = ci.midrs;
  if (ci?.kind === 'ppc') facts.ppc = { cpu: ci.model, revision: ci.processors[0]?.['revision'] ?? null, platform: ci.global['platform'] ?? null };
  if (ci?.kind === 's390') facts.s390 = { processors: ci.s390Processors };
  if (ci && ci.global['Hardware']) facts.hardware = ci.global['Hardware'];

  // Topology
  let cores: number | null = ci?.topology?.cores ?? null;
  let sockets: number | null = ci?.topology?.sockets ?? null;
  if (cores === null && ls?.coresPerSocket != null && ls.sockets != null) cores = ls.coresPerSocket * ls.sockets;
  if (sockets === null) sockets = ls?.sockets ?? null;
  let threadsPerCore: number | null =
    logicalCpus !== null && cores ? (Number.isInteger(logicalCpus / cores) ? logicalCpus / cores : null) : null;
  if (threadsPerCore === null) threadsPerCore = ls?.threadsPerCore ?? null;
  facts.logicalCpus = logicalCpus;
  facts.cores = cores;
  facts.sockets = sockets;
  facts.threadsPerCore = threadsPerCore;
  facts.smt = smtActive ?? (threadsPerCore !== null ? threadsPerCore > 1 : null);

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
  facts.flags = ci?.flags.length ? ci.flags : (ls?.flags ?? []);

  // Feature set for capabilities
  let features = new Set<string>(ci?.features ?? []);
  let label = ci?.flagsKey ? `${CPUINFO} ${ci.flagsKey}` : CPUINFO;
  if (!ci && ls?.flags.length) {
    features = new Set(ls.flags);
    label = 'lscpu Flags';
  }

  // auxv: the second source on ARM (and the vector bits on POWER); 64-bit layouts only
  if (auxvBytes !== undefined) {
    if (auxvBytes) {
      const aux = parseAuxv64(auxvBytes, info.endianness !== 'BE');
      const hw = aux.get(AT_HWCAP) ?? 0n;
      const hw2 = aux.get(AT_HWCAP2) ?? 0n;
      ev.push({ source: AUXV, ok: true, detail: `AT_HWCAP=0x${hw.toString(16)} AT_HWCAP2=0x${hw2.toString(16)}` });
      sources.push(AUXV);
      if (family === 'arm64') {
        const dec = decodeArm64Hwcaps(hw, hw2);
        facts.auxvFeatures = dec.features;
        const known = new Set(dec.features);
        if (ci?.flags.length) {
          // Compare only names both sides can spell: cpuinfo may show hwcaps newer than our table.
          const all = new Set<string>([...ARM64_HWCAP, ...ARM64_HWCAP2]);
          const onlyCi = ci.flags.filter((f) => all.has(f) && !known.has(f));
          const onlyAux = dec.features.filter((f) => !ci!.flags.includes(f));
          if (onlyCi.length || onlyAux.length)
            d.findings.push(
              finding('CPU_AUXV_DISAGREE', { onlyInCpuinfo: onlyCi.join(' '), onlyInAuxv: onlyAux.join(' ') }),
            );
        } else if (dec.features.length) {
          features = new Set(dec.features);
          label = `${AUXV} AT_HWCAP`;
        }
      } else if (family === 'ppc') {
        const vec = decodePpcHwcap(hw);
        facts.auxvFeatures = vec;
        for (const f of vec) features.add(f);
      }
    } else ev.push({ source: AUXV, ok: false, detail: 'absent or unreadable' });
  }

  // RISC-V ISA string
  let riscvExt: string[] = [];
  if (ci?.isa) {
    const isa = parseRiscvIsa(ci.isa);
    if (isa) {
      facts.riscv = { isa: ci.isa, base: isa.base, extensions: isa.extensions, mmu: ci.processors[0]?.['mmu'] ?? null };
      riscvExt = isa.extensions;
      features = new Set(isa.extensions);
      label = `${CPUINFO} isa`;
    }
  }

  const haveFeatures = features.size > 0 || (ci !== null && ci.kind !== 'unknown');
  const primary: FeatureSource | null = haveFeatures ? { label, features } : null;

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
  };
  const caps: Record<string, Capability> = {
    ...simdCapabilities(input),
    ...x86LevelCapabilities(input),
    ...armLevelCapabilities(input),
  };
  if (family === 'riscv' && riscvExt.length) Object.assign(caps, riscvCapabilities(riscvExt, `${CPUINFO} isa`));
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

  // Second sources: lscpu and systeminformation
  if (ci && ls) d.findings.push(...compareLscpu(ci, ls));
  ev.push(si.evidence);
  if (si.cpu) {
    sources.push('systeminformation');
    d.findings.push(...compareWithSi(CPUINFO, { vendor: ci?.vendor ?? null, model: ci?.model ?? null, logicalCpus: ci?.logicalCpus ?? null }, si.cpu));
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
