/** Windows: best effort from host.info() and systeminformation; every fact is marked partial. */
import type { Capability, Detection, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { simdCapabilities, sortCaps, x86LevelCapabilities, x86Levels, type CapabilityInput } from './capabilities.js';
import { archFamily } from './tables.js';
import { siCpu, siCpuFlags } from './systeminfo.js';

/** systeminformation's Windows flag spellings that differ from the kernel's. */
export const WIN_TO_KERNEL = {
  sse3: 'pni',
  'sse4.1': 'sse4_1',
  'sse4.2': 'sse4_2',
  'sse4a': 'sse4a',
  lzcnt: 'abm',
  lahf: 'lahf_lm',
} as const satisfies Record<string, string>;

/** Windows detection. Never throws. */
export async function detectWin32(host: Host, _ctx: ProbeContext): Promise<Detection> {
  const d = emptyDetection();
  const info = host.info();
  const family = archFamily(info.arch);
  const [si, fl] = await Promise.all([siCpu(host), siCpuFlags(host)]);
  d.evidence.push(si.evidence, fl.evidence);
  const raw = fl.flags ? fl.flags.split(/\s+/).filter(Boolean) : [];
  const features = new Set(raw.map((f) => (WIN_TO_KERNEL as Record<string, string>)[f.toLowerCase()] ?? f.toLowerCase()));
  const facts: Record<string, unknown> = {
    partial: true,
    arch: info.arch,
    vendor: si.cpu?.manufacturer || null,
    model: si.cpu?.brand ? `${si.cpu.manufacturer ?? ''} ${si.cpu.brand}`.trim() : null,
    logicalCpus: si.cpu?.cores ?? (info.cpuCount || null),
    cores: si.cpu?.physicalCores ?? null,
    sockets: si.cpu?.processors ?? null,
    flags: raw,
    sources: [si.cpu ? 'systeminformation' : null, 'host.info'].filter(Boolean),
  };
  if (si.cpu?.family) facts.x86 = { family: Number(si.cpu.family) || null, model: Number(si.cpu.model) || null, stepping: Number(si.cpu.stepping) || null };
  if (family === 'x86' && raw.length) {
    const lv = x86Levels(features);
    facts.x86_64Level = lv.level;
  }
  const input: CapabilityInput = {
    family,
    primary: raw.length ? { label: 'systeminformation.cpuFlags', features } : null,
    osFiltered: null, // CPUID-derived flags say nothing about what Windows enabled
  };
  const caps: Record<string, Capability> = { ...simdCapabilities(input), ...x86LevelCapabilities(input) };
  d.capabilities = sortCaps(caps);
  d.facts = facts;
  return d;
}
