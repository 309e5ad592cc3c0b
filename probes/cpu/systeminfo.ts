/** systeminformation as a second source (live machines; replayed from captures under the same keys). */
import type { Evidence, Finding } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { createRequire } from 'node:module';
import { finding } from './findings.js';

/**
 * systeminformation's cpu module alone: loading the package index pulls in every module
 * (~17 ms here), lib/cpu.js about 4 ms. Its results are the same functions the index exports.
 */
function siCpuModule(): { cpu(): Promise<unknown>; cpuFlags(): Promise<string> } {
  return createRequire(import.meta.url)('systeminformation/lib/cpu.js');
}

/** The subset of systeminformation's CpuData this probe reads. */
export interface SiCpu {
  manufacturer?: string;
  brand?: string;
  vendor?: string;
  family?: string;
  model?: string;
  stepping?: string;
  cores?: number;
  physicalCores?: number;
  performanceCores?: number;
  efficiencyCores?: number;
  processors?: number;
  flags?: string;
  cache?: Record<string, number | null>;
}

/** Call keys under which captures record systeminformation results. */
export const SI_CPU_KEY = 'systeminformation.cpu';
export const SI_FLAGS_KEY = 'systeminformation.cpuFlags';

/** Asks systeminformation for cpu() (dynamic import: it is not loaded unless asked). Never throws. */
export async function siCpu(host: Host): Promise<{ cpu: SiCpu | undefined; evidence: Evidence }> {
  try {
    const cpu = await host.call<SiCpu>(SI_CPU_KEY, async () => {
      return (await siCpuModule().cpu()) as SiCpu;
    });
    return { cpu, evidence: { source: SI_CPU_KEY, ok: cpu !== undefined, ...(cpu ? {} : { detail: 'no answer' }) } };
  } catch (e) {
    return { cpu: undefined, evidence: { source: SI_CPU_KEY, ok: false, detail: String(e) } };
  }
}

/** Asks systeminformation for cpuFlags(). Never throws. */
export async function siCpuFlags(host: Host): Promise<{ flags: string | undefined; evidence: Evidence }> {
  try {
    const flags = await host.call<string>(SI_FLAGS_KEY, async () => {
      return await siCpuModule().cpuFlags();
    });
    const ok = typeof flags === 'string';
    return { flags: ok ? flags : undefined, evidence: { source: SI_FLAGS_KEY, ok, ...(ok ? {} : { detail: 'no answer' }) } };
  } catch (e) {
    return { flags: undefined, evidence: { source: SI_FLAGS_KEY, ok: false, detail: String(e) } };
  }
}

const norm = (s: string): string =>
  s
    .toLowerCase()
    .replace(/\((r|tm)\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** True when two vendor spellings name the same vendor ("AMD" vs "AuthenticAMD", "Intel" vs "GenuineIntel"). */
export function sameVendor(a: string, b: string): boolean {
  const x = norm(a).replace(/ /g, '');
  const y = norm(b).replace(/ /g, '');
  return !!x && !!y && (x.includes(y) || y.includes(x));
}

/** True when every word of systeminformation's shortened brand appears in the full model name. */
export function sameModel(full: string, siBrand: string): boolean {
  const have = new Set(norm(full).split(' '));
  const want = norm(siBrand).split(' ').filter(Boolean);
  return want.every((w) => have.has(w) || [...have].some((h) => h.includes(w)));
}

/** Compares the primary source's vendor/model/logical count with systeminformation's. */
export function compareWithSi(
  primaryLabel: string,
  mine: { vendor: string | null; model: string | null; logicalCpus: number | null },
  si: SiCpu,
): Finding[] {
  const out: Finding[] = [];
  const disagree = (field: string, a: string | number, b: string | number) =>
    out.push(
      finding('CPU_SOURCE_DISAGREE', { field, sourceA: primaryLabel, valueA: a, sourceB: SI_CPU_KEY, valueB: b }),
    );
  if (mine.vendor && si.manufacturer && !sameVendor(mine.vendor, si.manufacturer))
    disagree('vendor', mine.vendor, si.manufacturer);
  if (mine.model && si.brand && !sameModel(mine.model, si.brand)) disagree('model', mine.model, si.brand);
  if (mine.logicalCpus !== null && typeof si.cores === 'number' && si.cores > 0 && si.cores !== mine.logicalCpus)
    disagree('logicalCpus', mine.logicalCpus, si.cores);
  return out;
}
