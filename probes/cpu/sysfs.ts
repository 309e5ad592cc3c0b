/** Linux sysfs/procfs reads for the cpu probe, all through Host. */
import type { Host } from '../../src/host/host.js';

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
  return caches.sort((a, b) => (a.level ?? 0) - (b.level ?? 0) || String(a.type).localeCompare(String(b.type)));
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
