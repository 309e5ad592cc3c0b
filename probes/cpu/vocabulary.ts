/** The cpu probe's vocabulary (DESIGN §6), built from its flag and level tables. */
import { factKeysOf, type ProbeVocabulary } from '../../src/types.js';
import type { CpuFacts } from './facts.js';
import { ARM_LEVELS, CPU_METRIC_UNITS, SIMD_TABLES, X86_64_LEVEL_NAMES } from './tables.js';
import { CPU_CALIBRATION_FINDINGS, CPU_FINDINGS } from './findings.js';

/** Every id, code and fact key the cpu probe emits. */
export const cpuVocabulary: ProbeVocabulary = {
  capabilities: [
    ...new Set(Object.values(SIMD_TABLES).flatMap((rows) => rows.map((r) => `cpu.simd.${r.id}`))),
    ...X86_64_LEVEL_NAMES.map((l) => `cpu.isa.${l}`),
    ...ARM_LEVELS.map((r) => `cpu.isa.${r.level}`),
    'cpu.isa.riscv.*', // one per extension the ISA string lists (capabilities.ts)
    'cpu.wasm.simd128', // set by probes/cpu/index.ts from the WASM SIMD check, not from a flag table
  ],
  metrics: CPU_METRIC_UNITS,
  findings: { CPU_FINDINGS, CPU_CALIBRATION_FINDINGS },
  fixes: {
    CPU_SOURCE_DISAGREE: 'nothing to fix in most cases (the sources round or name things differently); when a CPU count or flag differs, trust /proc/cpuinfo and file a capture',
    CPU_AUXV_DISAGREE: 'nothing to fix: the kernel lists some features in only one of the two places; libraries that read HWCAP see the auxv set',
    CPU_HWCAPS_MASKED: 'remove the glibc.cpu.hwcaps entry from GLIBC_TUNABLES (in the environment, the container image or the service unit) unless it is there on purpose',
    CPU_HWCAPS_DISAGREE: "glibc's own answer (`ld.so --help`) wins; file a capture so the flag tables can follow this glibc",
    CPU_EMULATED: 'run a native build of Node on this machine (or a native runner) to see and measure the real CPU; under emulation only the emulated feature set is meaningful',
    CPU_HWCAPS_IGNORED_NAME: 'spell the feature as glibc does (case-sensitive, e.g. AVX2, AVX512F); the names glibc accepts are listed in its manual under glibc.cpu.hwcaps',
  },
  facts: factKeysOf<CpuFacts>()([
    'arch', 'platform', 'vendor', 'model', 'logicalCpus', 'cores', 'sockets', 'threadsPerCore', 'smt', 'coreTypes', 'hybrid', 'caches',
    'frequencies', 'flags', 'x86', 'x86_64Level', 'armLevel', 'sveVectorLength', 'smeVectorLength', 'glibcHwcapsLevel', 'glibcHwcapsSubdirs',
    'glibcTunablesHwcaps', 'sources', 'partial', 'calibration',
    // issue 14: topology from sysfs, emulation, per-architecture identity
    'topologySource', 'sysfsTopology', 'emulation', 'host', 'modelNames', 'loongarch', 'mips', 'sparc', 'riscvIds',
    'auxvFeatures', 'midr', 'ppc', 's390', 'hardware', 'riscv',
  ]),
  // the SIMD saxpy runs SIMD128; the scaling runs one worker per CPU the environment lets it use
  metricCapabilities: { 'cpu.wasm-simd': ['cpu.wasm.simd128'], 'cpu.parallel-scaling': ['env.cpu-quota'] },
};
