/** The environment probe's finding codes; messages are rendered from code and args. */
import type { Finding, Severity } from '../../src/types.js';
import { EMULATION_MECHANISMS, type EmulationMechanism } from './virt.js';

type Args = Record<string, string | number | boolean | null>;

const gib = (n: unknown) => (typeof n === 'number' ? `${(n / 2 ** 30).toFixed(1)} GiB` : '?');

/** Finding codes → severity, capability and message template. */
export const ENV_FINDINGS = {
  ENV_CPU_QUOTA: {
    severity: 'warning',
    capability: 'env.cpu-quota',
    message: (a: Args) => `cgroup CPU quota allows ${a.quota} of the ${a.visibleCpus} visible CPUs`,
    hint: 'size thread pools from usableCpus, not the visible CPU count',
  },
  ENV_AFFINITY: {
    severity: 'warning',
    capability: 'env.cpu-quota',
    message: (a: Args) => `${a.source === 'cpuset' ? 'cgroup cpuset' : 'CPU affinity'} allows ${a.allowed} of the ${a.visibleCpus} visible CPUs`,
    hint: 'size thread pools from usableCpus, not the visible CPU count',
  },
  ENV_MEMORY_LIMIT: {
    severity: 'warning',
    capability: 'env.memory-limit',
    message: (a: Args) => `cgroup memory limit ${gib(a.limitBytes)} is below physical memory ${gib(a.memTotalBytes)}`,
    hint: undefined,
  },
  ENV_VIRTUALIZED: {
    severity: 'info',
    capability: 'env.virtualized',
    message: (a: Args) => `running in a virtual machine (${a.technology ?? 'unknown hypervisor'})`,
    hint: undefined,
  },
  ENV_CONTAINER: {
    severity: 'info',
    capability: 'env.container',
    message: (a: Args) => `running in a container (${a.engine ?? 'unknown engine'}${a.kubernetes ? ', Kubernetes' : ''})`,
    hint: undefined,
  },
  ENV_EMULATED: {
    severity: 'warning',
    capability: 'env.emulated',
    message: (a: Args) =>
      `this ${a.processArch} process runs under ${EMULATION_MECHANISMS[a.mechanism as EmulationMechanism] ?? a.mechanism} on a ${a.hostArch ?? 'different'} machine: CPU features are what the emulator presents, and any calibration measures the emulator, not the hardware`,
    hint: 'run a native build on this machine (or a native runner) to measure the hardware',
  },
  ENV_CI: {
    severity: 'info',
    capability: 'env.ci',
    message: (a: Args) => `running in CI (${a.vendor ?? 'unknown vendor'})`,
    hint: undefined,
  },
} as const satisfies Record<string, { severity: Severity; capability: string; message: (a: Args) => string; hint: string | undefined }>;

/** Finding codes of this probe. */
export type EnvFindingCode = keyof typeof ENV_FINDINGS;

/** Builds a finding from its code and args. */
export function finding(code: EnvFindingCode, args: Args, evidence?: string[]): Finding {
  const d = ENV_FINDINGS[code];
  const f: Finding = { code, severity: d.severity, capability: d.capability, message: d.message(args), args };
  if (evidence && evidence.length) f.evidence = evidence;
  if (d.hint) f.hint = d.hint;
  return f;
}
