/** Linux sysfs/procfs reads for the cpu probe, all through Host. */
import type { Host } from '../../src/host/host.js';
import { byCodeUnit } from '../../src/canonical.js';

/** One cache of cpu0 (/sys/devices/system/cpu/cpu0/cache/indexN). */
export interface CacheInfo {
  level: number | null;
  type: string | null;
  /** As sysfs spells it, e.g. "48K". */
  size: string | null;
  sizeBytes: number | null;
  sharedCpuList: string | null;
}

const CPU = '/sys/devices/system/cpu';

const trimmed = async (host: Host, p: string): Promise<string | undefined> => (await host.readFile(p))?.trim();

/** "48K" / "32768K" / "2M" / "1024" → bytes. */
export function sizeToBytes(s: string): number | null {
  const m = /^(\d+)\s*([KMG]?)(?:i?B)?$/i.exec(s.trim());
  if (!m) return null;
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

/** Counts the CPUs of a kernel cpu list such as "0-3,8,10-11". */
export function cpuListCount(list: string): number | null {
  let n = 0;
  for (const part of list.trim().split(',')) {
    if (!part) continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    n += m[2] !== undefined ? Number(m[2]) - Number(m[1]) + 1 : 1;
  }
  return n;
}

/** cpu0's caches, sorted by level then type. Empty when sysfs has none. */
export async function readCaches(host: Host): Promise<CacheInfo[]> {
  const base = `${CPU}/cpu0/cache`;
  const entries = ((await host.readDir(base)) ?? []).filter((e) => /^index\d+$/.test(e));
  const caches = await Promise.all(
    entries.map(async (e) => {
      const [level, type, size, shared] = await Promise.all(
        ['level', 'type', 'size', 'shared_cpu_list'].map((f) => trimmed(host, `${base}/${e}/${f}`)),
      );
      return {
        level: level !== undefined && /^\d+$/.test(level) ? Number(level) : null,
        type: type ?? null,
        size: size ?? null,
        sizeBytes: size ? sizeToBytes(size) : null,
        sharedCpuList: shared ?? null,
      };
    }),
  );
  // Code-unit order, not localeCompare: the first localeCompare loads ICU's collator (~15 ms of
  // start-up CPU, issue 17), and the sysfs type names are ASCII.
  return caches.sort((a, b) => (a.level ?? 0) - (b.level ?? 0) || byCodeUnit(String(a.type), String(b.type)));
}

/** cpufreq limits of cpu0 in MHz (sysfs gives kHz). */
export async function readCpufreq(host: Host): Promise<{ maxMHz: number | null; minMHz: number | null }> {
  const [max, min] = await Promise.all(
    ['cpuinfo_max_freq', 'cpuinfo_min_freq'].map((f) => trimmed(host, `${CPU}/cpu0/cpufreq/${f}`)),
  );
  const mhz = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) / 1000 : null);
  return { maxMHz: mhz(max), minMHz: mhz(min) };
}

/** Hybrid core types: x86 /sys/devices/system/cpu/types entries, and distinct cpu_capacity values. */
export async function readCoreTypes(
  host: Host,
  logicalCpus: number | null,
): Promise<{ types: string[] | null; capacities: Record<string, number> | null }> {
  const typesDir = await host.readDir(`${CPU}/types`);
  let capacities: Record<string, number> | null = null;
  const n = Math.min(logicalCpus ?? 0, 1024);
  if (n > 0 && (await host.exists(`${CPU}/cpu0/cpu_capacity`))) {
    const vals = await Promise.all(
      Array.from({ length: n }, (_, i) => trimmed(host, `${CPU}/cpu${i}/cpu_capacity`)),
    );
    capacities = {};
    for (const v of vals) if (v && /^\d+$/.test(v)) capacities[v] = (capacities[v] ?? 0) + 1;
  }
  return { types: typesDir ?? null, capacities };
}

/** SMT state from /sys/devices/system/cpu/smt/active ("1"/"0"), null when absent. */
export async function readSmtActive(host: Host): Promise<boolean | null> {
  const v = await trimmed(host, `${CPU}/smt/active`);
  return v === '1' ? true : v === '0' ? false : null;
}

/** Default SVE (and SME) vector length in bytes, where the kernel exposes it (arm64). */
export async function readVectorLengths(host: Host): Promise<{ sve: number | null; sme: number | null }> {
  const [sve, sme] = await Promise.all(
    ['sve', 'sme'].map((k) => trimmed(host, `/proc/sys/abi/${k}_default_vector_length`)),
  );
  const n = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : null);
  return { sve: n(sve), sme: n(sme) };
}

/** One CPU's /sys/devices/system/cpu/cpuN/topology files (null where the kernel lacks the file). */
export interface CpuTopologyRecord {
  cpu: number;
  coreId: number | null;
  packageId: number | null;
  dieId: number | null;
  clusterId: number | null;
  /** thread_siblings_list, or core_cpus_list on kernels that dropped the old name: the CPUs of this core. */
  threadSiblings: string | null;
  /** core_siblings_list or package_cpus_list: the CPUs of this package. */
  packageCpus: string | null;
}

/** Topology counted from sysfs records; null fields where the records cannot tell. */
export interface SysfsTopology {
  /** CPUs with a topology directory (online ones). */
  cpus: number;
  sockets: number | null;
  cores: number | null;
  threadsPerCore: number | null;
  /** Distinct (package, cluster_id) pairs, where the kernel exposes cluster_id. */
  clusters: number | null;
  /** Distinct (package, die_id) pairs, where the kernel exposes die_id. */
  dies: number | null;
  /** Set when ARM package ids were read as clusters (armPackagesAreClusters). */
  packagesAreClusters?: boolean;
}

const intOrNull = (v: string | undefined): number | null => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : null);

/** The topology files of each online CPU; undefined when sysfs has no cpuN/topology at all. */
export async function readTopology(host: Host): Promise<CpuTopologyRecord[] | undefined> {
  const names = ((await host.readDir(CPU)) ?? []).filter((n) => /^cpu\d+$/.test(n)).slice(0, 4096);
  const recs = await Promise.all(
    names.map(async (n): Promise<CpuTopologyRecord | undefined> => {
      const base = `${CPU}/${n}/topology`;
      const [core, pkg, die, cluster, thr, corecpus, coresib, pkgcpus] = await Promise.all(
        ['core_id', 'physical_package_id', 'die_id', 'cluster_id', 'thread_siblings_list', 'core_cpus_list', 'core_siblings_list', 'package_cpus_list'].map(
          (f) => trimmed(host, `${base}/${f}`),
        ),
      );
      if ([core, pkg, thr, corecpus, coresib, pkgcpus].every((v) => v === undefined)) return undefined; // offline or no topology dir
      return {
        cpu: Number(n.slice(3)),
        coreId: intOrNull(core),
        packageId: intOrNull(pkg),
        dieId: intOrNull(die),
        clusterId: intOrNull(cluster),
        threadSiblings: thr ?? corecpus ?? null,
        packageCpus: coresib ?? pkgcpus ?? null,
      };
    }),
  );
  const out = recs.filter((r): r is CpuTopologyRecord => !!r).sort((a, b) => a.cpu - b.cpu);
  return out.length ? out : undefined;
}

/**
 * Counts sockets, cores and threads from the records. A core is a distinct thread-siblings list
 * (unique per core on every architecture); core_id alone is not: on arm64 it repeats across
 * clusters and on s390 across books. A package is a distinct physical_package_id, or a distinct
 * package CPU list where the id is -1 (the kernel's "unknown", e.g. some arm64 DT machines).
 */
export function countTopology(recs: readonly CpuTopologyRecord[]): SysfsTopology {
  const distinct = (f: (r: CpuTopologyRecord) => string | null): number | null => {
    const vals = recs.map(f);
    return vals.every((v) => v !== null) ? new Set(vals).size : null;
  };
  const pkg = (r: CpuTopologyRecord) =>
    r.packageId !== null && r.packageId >= 0 ? `id${r.packageId}` : r.packageCpus !== null ? `cpus${r.packageCpus}` : null;
  const sockets = distinct(pkg);
  let cores = distinct((r) => r.threadSiblings);
  if (cores === null) cores = distinct((r) => (pkg(r) !== null && r.coreId !== null ? `${pkg(r)}/${r.dieId}/${r.clusterId}/${r.coreId}` : null));
  const sizes = recs.map((r) => (r.threadSiblings !== null ? cpuListCount(r.threadSiblings) : null));
  const threadsPerCore = sizes.every((s) => s !== null) && sizes.length ? Math.max(...(sizes as number[])) : cores ? (Number.isInteger(recs.length / cores) ? recs.length / cores : null) : null;
  // -1 is the kernel's "unknown"; x86 reports an unknown cluster (L2) id as BAD_APICID, 0xffff.
  const withPkg = (f: (r: CpuTopologyRecord) => number | null) =>
    recs.length && recs.every((r) => f(r) !== null && f(r)! >= 0 && f(r) !== 0xffff) ? distinct((r) => `${pkg(r)}/${f(r)}`) : null;
  return { cpus: recs.length, sockets, cores, threadsPerCore, clusters: withPkg((r) => r.clusterId), dies: withPkg((r) => r.dieId) };
}

/**
 * Whether ARM "packages" are really clusters. Kernels before cluster_id (5.16) number the top-level
 * clusters of a device tree's cpu-map as packages: a phone's big.LITTLE clusters show as
 * physical_package_id 0/1/2 (pytorch/cpuinfo's pixel-8, galaxy-s9-us, huawei-mate-20 mocks, whose
 * own answer is 1 package and 2–3 clusters). They are clusters when the kernel has no cluster_id
 * and either the machine boots from a device tree or the packages hold different core types
 * (`partOf`: the MIDR part of a CPU), which no multi-socket server does.
 */
export function armPackagesAreClusters(
  recs: readonly CpuTopologyRecord[],
  partOf: (cpu: number) => string | null,
  deviceTree: boolean,
): boolean {
  if (recs.some((r) => r.clusterId !== null)) return false;
  const byPkg = new Map<string, Set<string>>();
  for (const r of recs) {
    const key = String(r.packageId ?? r.packageCpus);
    if (!byPkg.has(key)) byPkg.set(key, new Set());
    byPkg.get(key)!.add(partOf(r.cpu) ?? '?');
  }
  if (byPkg.size < 2) return false;
  const kinds = new Set([...byPkg.values()].map((s) => [...s].sort().join(',')));
  return deviceTree || kinds.size > 1;
}

/** How many CPUs /sys/devices/system/cpu/online lists (old single-core ARM kernels print no `processor` line). */
export async function readOnlineCount(host: Host): Promise<number | null> {
  const v = await trimmed(host, `${CPU}/online`);
  return v ? cpuListCount(v) : null;
}
