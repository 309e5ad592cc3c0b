/** The cpu probe's top-level facts (`report.probes.cpu.facts`), as the public report type shows them; keys vary by platform. */

/** `report.probes.cpu.facts`. */
export interface CpuFacts {
  arch?: string;
  platform?: string;
  vendor?: string | null;
  model?: string | null;
  logicalCpus?: number | null;
  cores?: number | null;
  sockets?: number | null;
  threadsPerCore?: number | null;
  smt?: boolean | null;
  coreTypes?: Record<string, unknown> | null;
  hybrid?: boolean | null;
  caches?: { level?: number; type?: string; sizeBytes?: number; [k: string]: unknown }[];
  frequencies?: Record<string, unknown> | null;
  /** kernel feature flags, lower-case */
  flags?: string[];
  x86?: Record<string, unknown>;
  /** the highest x86-64 micro-architecture level the flags give (`x86-64-v3`), or null */
  x86_64Level?: string | null;
  armLevel?: string | null;
  sveVectorLength?: number | null;
  smeVectorLength?: number | null;
  glibcHwcapsLevel?: string | null;
  glibcHwcapsSubdirs?: Record<string, unknown>[];
  glibcTunablesHwcaps?: Record<string, unknown>;
  sources?: string[];
  partial?: boolean;
  calibration?: Record<string, unknown>;
  // topology from sysfs, emulation, per-architecture identity (issue 14)
  topologySource?: string | null;
  sysfsTopology?: Record<string, unknown> | null;
  emulation?: Record<string, unknown> | null;
  host?: Record<string, unknown> | null;
  modelNames?: string[];
  loongarch?: Record<string, unknown>;
  mips?: Record<string, unknown>;
  sparc?: Record<string, unknown>;
  riscvIds?: Record<string, unknown>;
  auxvFeatures?: Record<string, unknown> | string[];
  midr?: Record<string, unknown> | string[] | null;
  ppc?: Record<string, unknown>;
  s390?: Record<string, unknown>;
  hardware?: string | null;
  riscv?: Record<string, unknown>;
}
