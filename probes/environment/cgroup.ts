/** CPU and memory limits: cgroup v1/v2 quota, cpuset and memory limit; scheduler affinity; visible CPUs. */
import type { Host } from '../../src/host/host.js';
import { Trail } from './util.js';

/** facts.cgroup */
export interface CgroupFacts {
  version: 1 | 2 | null;
  /** This process's cgroup: the v2 path, or on v1 the cpu controller's path. */
  path: string | null;
  /** CPUs the CFS quota allows (quota / period), null when unlimited or unknown. */
  cpuQuota: number | null;
  cpuset: number[] | null;
  memoryLimitBytes: number | null;
}

/** What cgroup.ts contributes to the probe's facts. */
export interface ResourceFacts {
  cgroup: CgroupFacts;
  affinity: number[] | null;
  visibleCpus: number | null;
  usableCpus: number | null;
  memTotalBytes: number | null;
}

/** cgroup v1 reports "no memory limit" as a page-rounded LONG_MAX (9223372036854771712); anything this big is unlimited. */
export const V1_UNLIMITED_BYTES = 2 ** 60;

/** Parses a kernel CPU list ("0-3,8,10-11", and "0-15:2/4" groups) into sorted unique CPU numbers; undefined if malformed. */
export function parseCpuList(text: string): number[] | undefined {
  const s = text.trim();
  if (s === '') return [];
  const out = new Set<number>();
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+)\/(\d+))?)?$/.exec(part.trim());
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 65536) return undefined;
    // "a-b:used/group": the first `used` CPUs of every `group` (cpuset(7)).
    const used = m[3] === undefined ? 1 : Number(m[3]);
    const group = m[4] === undefined ? 1 : Number(m[4]);
    if (used < 1 || group < 1) return undefined;
    for (let i = a; i <= b; i++) if ((i - a) % group < used) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

/** One line of /proc/<pid>/cgroup: hierarchy id, controllers (empty for v2), path. */
export interface CgroupLine {
  id: number;
  controllers: string[];
  path: string;
}

/** Parses /proc/<pid>/cgroup ("hierarchy-ID:controller-list:path" per line). */
export function parseProcCgroup(text: string): CgroupLine[] {
  const out: CgroupLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    out.push({ id: Number(m[1]), controllers: m[2] ? m[2].split(',') : [], path: m[3] || '/' });
  }
  return out;
}

/** The path of this process's cgroup for a v1 controller, or the v2 ("0::") path when controller is undefined. */
export function cgroupPathFor(lines: CgroupLine[], controller?: string): string | undefined {
  const l = controller === undefined
    ? lines.find((x) => x.id === 0 && x.controllers.length === 0)
    : lines.find((x) => x.controllers.includes(controller));
  return l?.path;
}

/** Parses v2 cpu.max ("max 100000" or "150000 100000") into CPUs; null for unlimited, undefined if malformed. */
export function parseCpuMax(text: string): number | null | undefined {
  const [q, p] = text.trim().split(/\s+/);
  if (q === 'max') return null;
  const quota = Number(q);
  const period = p === undefined ? 100000 : Number(p);
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return undefined;
  return quota / period;
}

/** Parses v1 cpu.cfs_quota_us and cpu.cfs_period_us into CPUs; null when the quota is -1 (unlimited). */
export function parseCfsQuota(quotaText: string, periodText: string): number | null | undefined {
  const quota = Number(quotaText.trim());
  const period = Number(periodText.trim());
  if (!Number.isFinite(quota) || !Number.isFinite(period)) return undefined;
  if (quota < 0) return null;
  if (quota === 0 || period <= 0) return undefined;
  return quota / period;
}

/** Parses a memory limit (v2 memory.max "max" or bytes; v1 memory.limit_in_bytes); null for unlimited. */
export function parseMemoryLimit(text: string): number | null | undefined {
  const t = text.trim();
  if (t === 'max' || t === '-1') return null;
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= V1_UNLIMITED_BYTES ? null : n;
}

/** The Cpus_allowed_list of /proc/<pid>/status. */
export function parseStatusAffinity(text: string): number[] | undefined {
  const m = /^Cpus_allowed_list:\s*(.*)$/m.exec(text);
  return m ? parseCpuList(m[1]) : undefined;
}

/** Counts `processor` entries in /proc/cpuinfo; undefined when there are none (s390 and others spell it differently). */
export function countCpuinfoProcessors(text: string): number | undefined {
  const n = text.split('\n').filter((l) => /^processor\s*:\s*\d+/.test(l)).length;
  return n || undefined;
}

/** MemTotal of /proc/meminfo, in bytes. */
export function parseMemTotal(text: string): number | undefined {
  const m = /^MemTotal:\s*(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** A cgroup path and its ancestors, leaf first: "/a/b" → ["/a/b", "/a", "/"]. */
export function cgroupAncestors(path: string): string[] {
  const parts = path.split('/').filter((p) => p && p !== '..' && p !== '.');
  const out: string[] = [];
  for (let i = parts.length; i > 0; i--) out.push('/' + parts.slice(0, i).join('/'));
  out.push('/');
  return out;
}

function join(base: string, cg: string, file: string): string {
  return cg === '/' ? `${base}/${file}` : `${base}${cg}/${file}`;
}

/** Smallest defined number, or null. */
function minOf(xs: Array<number | null | undefined>): number | null {
  const v = xs.filter((x): x is number => typeof x === 'number');
  return v.length ? Math.min(...v) : null;
}

/**
 * Reads a limit file at every level from the leaf up to the root and keeps the tightest:
 * a parent's limit binds its children. Inside a container the path is often "/" and the
 * container's own cgroup is mounted as the root, so the root files are read as well.
 */
async function tightest(
  trail: Trail,
  base: string,
  cg: string,
  parse: (dir: string) => Promise<number | null | undefined>,
  label: string,
): Promise<number | null> {
  const dirs = cgroupAncestors(cg).map((p) => (p === '/' ? base : base + p));
  const vals = await Promise.all(dirs.map(parse));
  const seen = vals.filter((v) => v !== undefined).length;
  trail.add(`${base}${cg === '/' ? '' : cg} ${label}`, seen > 0, `${seen}/${dirs.length} levels readable`);
  return minOf(vals);
}

async function firstReadable<T>(host: Host, paths: string[], parse: (t: string) => T | undefined): Promise<T | undefined> {
  const texts = await Promise.all(paths.map((p) => host.readFile(p)));
  for (const t of texts) {
    if (t === undefined) continue;
    const v = parse(t);
    if (v !== undefined) return v;
  }
  return undefined;
}

async function readV2(host: Host, trail: Trail, cg: string): Promise<Omit<CgroupFacts, 'version' | 'path'>> {
  const base = '/sys/fs/cgroup';
  const read = (file: string, p: (t: string) => number | null | undefined) => async (dir: string) => {
    const t = await host.readFile(`${dir}/${file}`);
    return t === undefined ? undefined : p(t);
  };
  const [cpuQuota, memoryLimitBytes, cpuset] = await Promise.all([
    tightest(trail, base, cg, read('cpu.max', parseCpuMax), 'cpu.max'),
    tightest(trail, base, cg, read('memory.max', parseMemoryLimit), 'memory.max'),
    // The effective set already accounts for every ancestor; the leaf that has it wins.
    firstReadable(host, cgroupAncestors(cg).map((p) => join(base, p, 'cpuset.cpus.effective')), parseCpuList),
  ]);
  trail.add(`${join(base, cg, 'cpuset.cpus.effective')}`, cpuset !== undefined);
  return { cpuQuota, memoryLimitBytes, cpuset: cpuset && cpuset.length ? cpuset : null };
}

async function readV1(host: Host, trail: Trail, lines: CgroupLine[]): Promise<Omit<CgroupFacts, 'version' | 'path'>> {
  const cpuPath = cgroupPathFor(lines, 'cpu') ?? '/';
  const cpusetPath = cgroupPathFor(lines, 'cpuset') ?? '/';
  const memPath = cgroupPathFor(lines, 'memory') ?? '/';
  const cpuBase = '/sys/fs/cgroup/cpu';
  const [cpuQuota, memoryLimitBytes, cpuset] = await Promise.all([
    tightest(trail, cpuBase, cpuPath, async (dir) => {
      const [q, p] = await Promise.all([host.readFile(`${dir}/cpu.cfs_quota_us`), host.readFile(`${dir}/cpu.cfs_period_us`)]);
      return q === undefined || p === undefined ? undefined : parseCfsQuota(q, p);
    }, 'cpu.cfs_quota_us'),
    tightest(trail, '/sys/fs/cgroup/memory', memPath, async (dir) => {
      const t = await host.readFile(`${dir}/memory.limit_in_bytes`);
      return t === undefined ? undefined : parseMemoryLimit(t);
    }, 'memory.limit_in_bytes'),
    firstReadable(host, cgroupAncestors(cpusetPath).map((p) => join('/sys/fs/cgroup/cpuset', p, 'cpuset.cpus')), parseCpuList),
  ]);
  trail.add(join('/sys/fs/cgroup/cpuset', cpusetPath, 'cpuset.cpus'), cpuset !== undefined);
  return { cpuQuota, memoryLimitBytes, cpuset: cpuset && cpuset.length ? cpuset : null };
}

/** Fewest CPUs any limit allows, counting only limits that are known. */
export function usableCpus(visible: number | null, affinity: number[] | null, cg: CgroupFacts): number | null {
  const xs: number[] = [];
  if (visible) xs.push(visible);
  if (affinity && affinity.length) xs.push(affinity.length);
  if (cg.cpuset) xs.push(cg.cpuset.length);
  if (cg.cpuQuota !== null) xs.push(Math.max(1, Math.ceil(cg.cpuQuota)));
  return xs.length ? Math.min(...xs) : null;
}

/** Detects cgroup limits, affinity and CPU/memory totals. */
export async function detectResources(host: Host, trail: Trail): Promise<ResourceFacts> {
  const info = host.info();
  const cgroup: CgroupFacts = { version: null, path: null, cpuQuota: null, cpuset: null, memoryLimitBytes: null };
  if (info.platform !== 'linux') {
    trail.add('cgroup', false, `no cgroups on ${info.platform}`);
    const visible = info.cpuCount || null;
    return {
      cgroup,
      affinity: null,
      visibleCpus: visible,
      usableCpus: visible,
      memTotalBytes: info.totalMemBytes || null,
    };
  }
  const [v2, procCg, status, cpuinfo, meminfo] = await Promise.all([
    host.exists('/sys/fs/cgroup/cgroup.controllers'),
    trail.file(host, '/proc/self/cgroup'),
    trail.file(host, '/proc/self/status'),
    host.readFile('/proc/cpuinfo'),
    trail.file(host, '/proc/meminfo'),
  ]);
  const lines = procCg ? parseProcCgroup(procCg) : [];
  const hasV1 = lines.some((l) => l.controllers.length > 0 && !l.controllers.every((c) => c.startsWith('name=')));
  if (v2) {
    cgroup.version = 2;
    cgroup.path = cgroupPathFor(lines) ?? '/';
    Object.assign(cgroup, await readV2(host, trail, cgroup.path));
  } else if (hasV1 || (await host.exists('/sys/fs/cgroup/cpu'))) {
    cgroup.version = 1;
    cgroup.path = cgroupPathFor(lines, 'cpu') ?? '/';
    Object.assign(cgroup, await readV1(host, trail, lines));
  } else {
    trail.add('/sys/fs/cgroup', false, 'no cgroup hierarchy found');
  }
  const affinity = (status && parseStatusAffinity(status)) || null;
  const visibleCpus = (cpuinfo && countCpuinfoProcessors(cpuinfo)) || info.cpuCount || null;
  const memTotalBytes = (meminfo && parseMemTotal(meminfo)) || info.totalMemBytes || null;
  return {
    cgroup,
    affinity,
    visibleCpus,
    usableCpus: usableCpus(visibleCpus, affinity, cgroup),
    memTotalBytes,
  };
}
