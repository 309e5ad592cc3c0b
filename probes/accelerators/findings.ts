/** The accelerators probe's findings: stable codes, args, and the message rendered from them. */
import type { Finding, Severity } from '../../src/types.js';

type Args = Record<string, string | number | boolean | null>;

/** Finding codes → severity, message and hint. */
export const ACCEL_FINDINGS = {
  ACCEL_NO_DRIVER: {
    severity: 'warning',
    message: (a: Args) => `${a.name} at ${a.address} ${a.driver ? `is bound to ${a.driver}, not its driver` : 'has no kernel driver bound'}`,
    hint: 'install and load the vendor driver (habanalabs, neuron, ivpu, amdxdna, qaic)',
  },
  ACCEL_NO_DEVICE_NODES: {
    severity: 'warning',
    message: (a: Args) => `${a.name} is present but no device node (${a.nodes}) is: user space cannot reach it`,
    hint: 'in a container, pass the accelerator device nodes through',
  },
  AMX_NOT_PERMITTED: {
    severity: 'warning',
    message: (a: Args) => `the CPU has AMX but the kernel ${a.kernelSupports ? `refused the tile-data permission (errno ${a.errno})` : 'does not support AMX tile data (Linux 5.16+ is needed)'}`,
    hint: 'AMX needs Linux 5.16 or newer; libraries request it with arch_prctl(ARCH_REQ_XCOMP_PERM)',
  },
  ACCEL_WORKER_FAILED: {
    severity: 'error',
    message: (a: Args) => `the AMX permission check failed: ${a.detail}`,
    hint: undefined,
  },
} as const satisfies Record<string, { severity: Severity; message: (a: Args) => string; hint: string | undefined }>;

/** A finding code of this probe. */
export type AccelFindingCode = keyof typeof ACCEL_FINDINGS;

/** Builds a finding from its code and args. */
export function finding(code: AccelFindingCode, args: Args, capability: string): Finding {
  const t = ACCEL_FINDINGS[code];
  return { code, severity: t.severity, message: t.message(args), capability, args, ...(t.hint ? { hint: t.hint } : {}) };
}
