/** Capabilities from feature sets: one code path for every architecture, driven by the tables. */
import type { Capability } from '../../src/types.js';
import { ARM_LEVELS, SIMD_TABLES, X86_64_LEVELS, X86_64_LEVEL_NAMES, type ArchFamily, type X86Level } from './tables.js';

/** A feature set with the source it was read from (for evidence strings). */
export interface FeatureSource {
  /** e.g. "/proc/cpuinfo flags", "sysctl machdep.cpu.features", "auxv AT_HWCAP" */
  label: string;
  features: ReadonlySet<string>;
}

/** Inputs of the capability builder. */
export interface CapabilityInput {
  family: ArchFamily;
  /** The primary feature source; null when none answered (everything is then null). */
  primary: FeatureSource | null;
  /** Whether `advertised` features are usable as far as the OS goes (the kernel/OS filtered them). Null: cannot tell. */
  osFiltered: boolean | null;
  /** Kernel flags masked by glibc tunables, and how to name the mask in evidence. */
  mask?: { flags: ReadonlySet<string>; label: string; glibcNames: Readonly<Record<string, string>> };
  /** Rows the primary source cannot show (POWER VSX in cpuinfo): their absence is null, not false. */
  unseen?: { ids: ReadonlySet<string>; why: string };
}

const cap = (advertised: boolean | null, usable: boolean | null, evidence: string[], notes?: string): Capability =>
  notes ? { advertised, usable, effective: null, evidence, notes } : { advertised, usable, effective: null, evidence };

/** `cpu.simd.*` capabilities for the family's table (absent features of the right arch are false). */
export function simdCapabilities(inp: CapabilityInput): Record<string, Capability> {
  const out: Record<string, Capability> = {};
  for (const row of SIMD_TABLES[inp.family]) {
    const id = `cpu.simd.${row.id}`;
    if (!inp.primary) {
      out[id] = cap(null, null, ['no CPU feature source answered']);
      continue;
    }
    const hit = row.flags.find((f) => inp.primary!.features.has(f));
    if (!hit && inp.unseen?.ids.has(row.id)) {
      out[id] = cap(null, null, [inp.unseen.why]);
      continue;
    }
    const evidence = [hit ? `${inp.primary.label}: ${hit}` : `${inp.primary.label}: no ${row.flags.join('/')}`];
    let usable: boolean | null = hit ? inp.osFiltered : false;
    if (hit && inp.mask?.flags.has(row.flags[0])) {
      usable = false;
      evidence.push(`${inp.mask.label} masks ${'glibc' in row && row.glibc ? row.glibc : row.flags[0]}`);
    }
    out[id] = cap(!!hit, usable, evidence);
  }
  return out;
}

/** Which x86-64 levels a feature set satisfies (each level requires the lower ones). */
export function x86Levels(features: ReadonlySet<string>, masked: ReadonlySet<string> = new Set()): {
  level: X86Level | null;
  met: Record<X86Level, boolean>;
  missing: Record<X86Level, string[]>;
} {
  const met = {} as Record<X86Level, boolean>;
  const missing = {} as Record<X86Level, string[]>;
  let ok = true;
  let level: X86Level | null = null;
  for (const L of X86_64_LEVEL_NAMES) {
    missing[L] = X86_64_LEVELS.filter((r) => r.level === L && (!features.has(r.flag) || masked.has(r.flag))).map(
      (r) => r.flag,
    );
    ok = ok && missing[L].length === 0;
    met[L] = ok;
    if (ok) level = L;
  }
  return { level, met, missing };
}

/** `cpu.isa.x86-64-v2|v3|v4` capabilities, with `usable` under the glibc mask. */
export function x86LevelCapabilities(inp: CapabilityInput): Record<string, Capability> {
  const out: Record<string, Capability> = {};
  if (inp.family !== 'x86') return out;
  if (!inp.primary) {
    for (const L of X86_64_LEVEL_NAMES) out[`cpu.isa.${L}`] = cap(null, null, ['no CPU feature source answered']);
    return out;
  }
  const adv = x86Levels(inp.primary.features);
  const use = x86Levels(inp.primary.features, inp.mask?.flags ?? new Set());
  const label = inp.primary.label;
  X86_64_LEVEL_NAMES.forEach((L, i) => {
    const req = X86_64_LEVELS.filter((r) => r.level === L).map((r) => r.flag);
    const lower = X86_64_LEVEL_NAMES.slice(0, i);
    const evidence: string[] = [];
    const present = req.filter((f) => inp.primary!.features.has(f));
    if (present.length) evidence.push(`${label}: ${present.join(' ')}`);
    if (adv.missing[L].length) evidence.push(`${label}: missing ${adv.missing[L].join(' ')}`);
    for (const l of lower) if (!adv.met[l]) evidence.push(`requires ${l}`);
    const maskedHere = X86_64_LEVELS.filter(
      (r) => X86_64_LEVEL_NAMES.indexOf(r.level) <= i && inp.mask?.flags.has(r.flag) && inp.primary!.features.has(r.flag),
    ).map((r) => r.glibc);
    if (maskedHere.length && inp.mask) evidence.push(`${inp.mask.label} masks ${maskedHere.join(' ')}`);
    const usable = adv.met[L] ? (use.met[L] ? inp.osFiltered : false) : false;
    out[`cpu.isa.${L}`] = cap(adv.met[L], usable, evidence);
  });
  return out;
}

/** The highest Arm architecture level the features prove (conservative, see ARM_LEVELS). */
export function armLevel(features: ReadonlySet<string>): string | null {
  let level: string | null = null;
  for (const row of ARM_LEVELS) {
    if (!row.requires.every((f) => features.has(f))) break;
    level = row.level;
  }
  return level;
}

/** `cpu.isa.armv8.N-a` capabilities (lower bounds: false means "not proven by visible hwcaps"). */
export function armLevelCapabilities(inp: CapabilityInput): Record<string, Capability> {
  const out: Record<string, Capability> = {};
  if (inp.family !== 'arm64' || !inp.primary) return out;
  const label = inp.primary.label;
  let ok = true;
  for (const row of ARM_LEVELS) {
    const missing = row.requires.filter((f) => !inp.primary!.features.has(f));
    const was = ok;
    ok = ok && missing.length === 0;
    const evidence = missing.length
      ? [`${label}: missing ${missing.join(' ')}`]
      : [`${label}: ${row.requires.join(' ')}`];
    if (!was) evidence.push('requires the previous level');
    out[`cpu.isa.${row.level}`] = cap(ok, ok ? inp.osFiltered : false, evidence, 'lower bound from hwcaps Linux/macOS expose');
  }
  return out;
}

/** `cpu.isa.riscv.<ext>` capabilities for the extensions an ISA string lists (present ones only). */
export function riscvCapabilities(extensions: readonly string[], label: string): Record<string, Capability> {
  const out: Record<string, Capability> = {};
  for (const e of extensions) out[`cpu.isa.riscv.${e}`] = cap(true, true, [`${label}: ${e}`]);
  return out;
}

/** Sorts capability ids (deterministic output). */
export function sortCaps(c: Record<string, Capability>): Record<string, Capability> {
  return Object.fromEntries(Object.keys(c).sort().map((k) => [k, c[k]]));
}
