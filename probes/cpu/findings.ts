/** The cpu probe's findings: stable codes, args, and the message rendered from them. */
import type { Finding, Severity } from '../../src/types.js';
import { EMULATION_MECHANISMS, type EmulationMechanism } from '../environment/virt.js';

type Args = Record<string, string | number | boolean | null>;

/** Every finding code this probe emits, with its severity and message template. */
export const CPU_FINDINGS = {
  CPU_SOURCE_DISAGREE: {
    severity: 'info',
    render: (a: Args) => `${a.field}: ${a.sourceA} says ${JSON.stringify(a.valueA)}, ${a.sourceB} says ${JSON.stringify(a.valueB)}`,
  },
  CPU_AUXV_DISAGREE: {
    severity: 'info',
    render: (a: Args) =>
      `/proc/cpuinfo and the auxiliary vector (AT_HWCAP/AT_HWCAP2) disagree: only in cpuinfo [${a.onlyInCpuinfo}], only in auxv [${a.onlyInAuxv}]`,
  },
  CPU_HWCAPS_MASKED: {
    severity: 'warning',
    render: (a: Args) =>
      `${a.variable}=${a.value} masks ${a.masked}; glibc uses ${a.usableLevel ?? 'the baseline'} instead of ${a.advertisedLevel}`,
  },
  CPU_HWCAPS_DISAGREE: {
    severity: 'warning',
    render: (a: Args) =>
      `the flag tables give ${a.tableLevel ?? 'the baseline'} as glibc's level, but ${a.ldso} reports ${a.ldsoLevel ?? 'no glibc-hwcaps level'} as supported`,
  },
  CPU_EMULATED: {
    severity: 'warning',
    render: (a: Args) =>
      `this ${a.processArch} process runs under ${EMULATION_MECHANISMS[a.mechanism as EmulationMechanism] ?? a.mechanism} on a ${a.hostArch ?? 'different'} host: its capabilities are what the emulator presents (read from its own auxv), /proc/cpuinfo describes the host (facts.host), and calibration measures the emulator, not the CPU`,
  },
  CPU_HWCAPS_IGNORED_NAME: {
    severity: 'info',
    render: (a: Args) => `${a.variable} asks glibc.cpu.hwcaps to disable ${a.names}, which glibc ignores (names are case-sensitive; not every feature can be disabled)`,
  },
} as const satisfies Record<string, { severity: Severity; render: (a: Args) => string }>;

/** Findings of the cpu calibration: code → severity, capability, message template and hint. */
export const CPU_CALIBRATION_FINDINGS = {
  ENV_PARALLELISM_LIMITED: {
    severity: 'warning',
    capability: 'env.cpu-quota',
    message: (a: Args) =>
      `effective parallelism is ${a.effective}× with ${a.workers} workers, well below the ${a.visibleCpus} visible CPUs` +
      (a.limit ? `; the environment allows ${a.usableCpus} (${a.limit})` : '; no affinity, cpuset or CPU quota explains it'),
    hint: (a: Args) =>
      a.limit
        ? `size thread pools from the environment's usableCpus (${a.usableCpus}), not the visible CPU count, or lift the limit (${a.limit})`
        : `other processes or the hypervisor take the CPUs (load average ${a.loadAvg1}); check for CPU steal and noisy neighbours before trusting timings`,
  },
} as const satisfies Record<string, { severity: Severity; capability: string; message: (a: Args) => string; hint: (a: Args) => string }>;

/** A finding code of the cpu probe. */
export type CpuFindingCode = keyof typeof CPU_FINDINGS;

/** Builds a finding; its message is derived from code and args. */
export function finding(
  code: CpuFindingCode,
  args: Args,
  extra: { capability?: string; evidence?: string[]; hint?: string } = {},
): Finding {
  const t = CPU_FINDINGS[code];
  return { code, severity: t.severity, message: t.render(args), args, ...extra };
}
