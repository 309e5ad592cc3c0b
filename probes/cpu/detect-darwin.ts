/** macOS: `sysctl machdep.cpu hw` is the source; Intel feature strings and Apple Silicon hw.optional keys. */
import type { Capability, Detection, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { darwinArmFeatures, darwinIsArm, darwinX86RawFlags, darwinX86ToKernel, parseSysctl } from './parse-sysctl.js';
import {
  armLevel,
  armLevelCapabilities,
  simdCapabilities,
  sortCaps,
  x86LevelCapabilities,
  x86Levels,
  type CapabilityInput,
} from './capabilities.js';
import { archFamily } from './tables.js';
import { compareWithSi, siCpu } from './systeminfo.js';

/** The sysctl call the probe makes (and captures record). */
export const SYSCTL_ARGS = ['machdep.cpu', 'hw'] as const;

const int = (s: string | undefined): number | null => (s !== undefined && /^-?\d+$/.test(s.trim()) ? Number(s) : null);

/** Detection from a parsed sysctl map (exported for tests over the corpus). */
export function detectFromSysctl(s: Record<string, string>, nodeArch: string): Omit<Detection, 'evidence'> {
  const d = emptyDetection();
  const isArm = darwinIsArm(s);
  // Under Rosetta 2 an x64 Node still runs on Apple Silicon; the tables follow the hardware.
  const family = isArm ? 'arm64' : archFamily(nodeArch) === 'other' ? 'x86' : archFamily(nodeArch);
  const facts: Record<string, unknown> = { arch: nodeArch };
  facts.vendor = s['machdep.cpu.vendor'] ?? (isArm ? 'Apple' : null);
  facts.model = s['machdep.cpu.brand_string'] ?? null;
  if (!isArm && (s['machdep.cpu.family'] || s['machdep.cpu.model'] || s['machdep.cpu.stepping']))
    facts.x86 = {
      family: int(s['machdep.cpu.family']),
      model: int(s['machdep.cpu.model']),
      stepping: int(s['machdep.cpu.stepping']),
      microcode: s['machdep.cpu.microcode_version'] ?? null,
    };
  const logical = int(s['hw.logicalcpu']) ?? int(s['machdep.cpu.thread_count']) ?? int(s['hw.ncpu']);
  const cores = int(s['hw.physicalcpu']) ?? int(s['machdep.cpu.core_count']);
  facts.logicalCpus = logical;
  facts.cores = cores;
  facts.sockets = int(s['hw.packages']);
  facts.threadsPerCore = logical !== null && cores ? logical / cores : null;
  facts.smt = logical !== null && cores ? logical > cores : null;
  const nperf = int(s['hw.nperflevels']);
  if (nperf) {
    facts.coreTypes = Array.from({ length: nperf }, (_, i) => ({
      name: s[`hw.perflevel${i}.name`] ?? `perflevel${i}`,
      physicalCpus: int(s[`hw.perflevel${i}.physicalcpu`]),
      logicalCpus: int(s[`hw.perflevel${i}.logicalcpu`]),
    }));
    facts.hybrid = nperf > 1;
  } else facts.hybrid = null;
  const caches: { level: number; type: string; sizeBytes: number }[] = [];
  for (const [key, level, type] of [
    ['hw.l1dcachesize', 1, 'Data'],
    ['hw.l1icachesize', 1, 'Instruction'],
    ['hw.l2cachesize', 2, 'Unified'],
    ['hw.l3cachesize', 3, 'Unified'],
  ] as const) {
    const v = int(s[key]);
    if (v) caches.push({ level, type, sizeBytes: v });
  }
  facts.caches = caches;
  const hz = int(s['hw.cpufrequency_max']);
  facts.frequencies = { maxMHz: hz ? hz / 1e6 : null, minMHz: int(s['hw.cpufrequency_min']) ? int(s['hw.cpufrequency_min'])! / 1e6 : null };

  let features: Set<string>;
  let label: string;
  if (isArm) {
    const a = darwinArmFeatures(s);
    facts.flags = a.raw;
    features = new Set(a.features);
    label = 'sysctl hw.optional';
    facts.armLevel = armLevel(features);
  } else {
    const raw = darwinX86RawFlags(s);
    facts.flags = raw;
    features = new Set(raw.map(darwinX86ToKernel));
    label = 'sysctl machdep.cpu features';
    // macOS reports EM64T for long mode; x86-64 baseline then.
    const lv = x86Levels(features);
    facts.x86_64Level = raw.length ? (lv.level ?? (features.has('lm') ? 'x86-64' : null)) : null;
  }
  facts.kernelFlags = [...features].sort();
  const input: CapabilityInput = {
    family,
    primary: features.size ? { label, features } : null,
    osFiltered: true, // sysctl reports what the OS enabled
  };
  const caps: Record<string, Capability> = {
    ...simdCapabilities(input),
    ...x86LevelCapabilities(input),
    ...armLevelCapabilities(input),
  };
  d.capabilities = sortCaps(caps);
  d.facts = facts;
  return d;
}

/** macOS detection. Never throws. */
export async function detectDarwin(host: Host, _ctx: ProbeContext): Promise<Detection> {
  const d = emptyDetection();
  const info = host.info();
  const [res, si] = await Promise.all([
    host.exec('sysctl', [...SYSCTL_ARGS], { timeoutMs: 2000 }).catch((e: unknown) => ({
      status: 'error' as const,
      code: null,
      signal: null,
      stdout: '',
      stderr: '',
      truncated: false,
      error: String(e),
    })),
    siCpu(host),
  ]);
  const sources: string[] = [];
  if (res.stdout.trim()) {
    // sysctl exits non-zero when one name is unknown but still prints the others.
    const s = parseSysctl(res.stdout);
    const r = detectFromSysctl(s, info.arch);
    Object.assign(d, r);
    d.evidence = [{ source: `sysctl ${SYSCTL_ARGS.join(' ')}`, ok: true, detail: `${Object.keys(s).length} keys` }];
    sources.push('sysctl');
  } else {
    d.evidence = [{ source: `sysctl ${SYSCTL_ARGS.join(' ')}`, ok: false, detail: res.error ?? res.status }];
    d.facts = { arch: info.arch, logicalCpus: info.cpuCount || null, flags: [] };
  }
  d.evidence.push(si.evidence);
  if (si.cpu) {
    sources.push('systeminformation');
    const f = d.facts as { vendor?: string | null; model?: string | null; logicalCpus?: number | null };
    d.findings.push(
      ...compareWithSi('sysctl', { vendor: f.vendor ?? null, model: f.model ?? null, logicalCpus: f.logicalCpus ?? null }, si.cpu),
    );
  }
  d.facts.sources = sources;
  return d;
}
