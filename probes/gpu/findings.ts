/** The gpu probe's findings: stable codes, args, and the message rendered from them. */
import type { Finding, Severity } from '../../src/types.js';

type Args = Record<string, string | number | boolean | null>;

/** "13000" → "13.0" (CUDA encodes versions as major*1000 + minor*10). */
export function cudaVersion(v: unknown): string {
  return typeof v === 'number' && v > 0 ? `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}` : String(v);
}

/** Every finding code of the gpu probe, with severity, capability, message and hint. */
export const GPU_FINDINGS = {
  CUDA_NO_DRIVER: {
    severity: 'warning',
    capability: 'gpu.cuda',
    message: (a: Args) => `the CUDA runtime ${cudaVersion(a.runtimeVersion)} (${a.library}) is installed but there is no NVIDIA driver: cudaGetDeviceCount returned ${a.error} (${a.errorName})`,
    hint: 'install the NVIDIA driver, or start the container with the NVIDIA Container Toolkit (--gpus all)',
  },
  CUDA_DRIVER_TOO_OLD: {
    severity: 'error',
    capability: 'gpu.cuda',
    message: (a: Args) =>
      `the NVIDIA driver supports CUDA ${cudaVersion(a.driverVersion)}, older than the CUDA runtime ${cudaVersion(a.runtimeVersion)} (${a.library})${a.minorCompat ? '; minor-version compatibility may still run it, without newer PTX' : ''}`,
    hint: 'upgrade the driver, or install the cuda-compat package for this runtime',
  },
  CUDA_NO_DEVICE: {
    severity: 'warning',
    capability: 'gpu.cuda',
    message: (a: Args) => `the NVIDIA driver is installed but CUDA sees no device (${a.errorName})${a.masked ? `; ${a.masked}` : ''}`,
    hint: 'check CUDA_VISIBLE_DEVICES and the container\'s device mounts (/dev/nvidia*)',
  },
  CUDA_INIT_FAILED: {
    severity: 'error',
    capability: 'gpu.cuda',
    message: (a: Args) => `cuInit failed in ${a.library}: ${a.error}`,
    hint: 'check dmesg for NVRM errors; the driver and its user-space libraries may be out of step',
  },
  GPU_MASKED: {
    severity: 'warning',
    capability: undefined,
    message: (a: Args) => `${a.variable}=${JSON.stringify(a.value)}: ${a.effect}`,
    hint: undefined,
  },
  GPU_TOOL_FAILED: {
    severity: 'warning',
    capability: undefined,
    message: (a: Args) => `${a.tool} ${a.how}${a.firstLine ? `: "${a.firstLine}"` : ''}`,
    hint: undefined,
  },
  GPU_WORKER_FAILED: {
    severity: 'error',
    capability: undefined,
    message: (a: Args) => `the FFI worker failed (${a.detail}); ${a.stacks} reported as status error`,
    hint: 'a vendor library crashed or hung inside a child process; the rest of the report is unaffected',
  },
  GPU_SOFTWARE_ONLY: {
    severity: 'info',
    capability: undefined,
    message: (a: Args) => `no hardware GPU; only software devices run on the CPU: ${a.devices}`,
    hint: undefined,
  },
  GPU_DRIVER_NOT_BOUND: {
    severity: 'warning',
    capability: undefined,
    message: (a: Args) => `${a.vendor} ${a.kind} at ${a.address} ${a.driver ? `is bound to ${a.driver} (${a.note})` : 'has no kernel driver bound'}`,
    hint: 'load the vendor driver (nvidia, amdgpu, i915/xe) or release the device from vfio-pci',
  },
  GPU_NO_DEVICE_NODES: {
    severity: 'warning',
    capability: undefined,
    message: (a: Args) => `${a.vendor} driver is loaded but ${a.nodes} is missing: user space cannot reach the GPU`,
    hint: 'in a container, pass the device nodes (NVIDIA Container Toolkit, --device /dev/kfd --device /dev/dri)',
  },
  GPU_MIG_ENABLED: {
    severity: 'info',
    capability: 'gpu.nvidia',
    message: (a: Args) => `${a.name} (${a.busId}) runs in MIG mode with ${a.instances} instance(s); CUDA sees MIG instances, not the whole GPU`,
    hint: undefined,
  },
  GPU_VGPU: {
    severity: 'info',
    capability: 'gpu.nvidia',
    message: (a: Args) => `${a.name} (${a.busId}) is a virtual GPU (${a.mode})`,
    hint: undefined,
  },
  GPU_GENERIC_NAME: {
    severity: 'info',
    capability: 'gpu.nvidia',
    message: (a: Args) => `the driver names the GPU at ${a.busId} "Graphics Device": it is older than the board`,
    hint: 'a driver that predates the GPU may lack support for it; upgrade the driver',
  },
  OPENCL_NO_PLATFORM: {
    severity: 'info',
    capability: 'gpu.opencl',
    message: (a: Args) => `the OpenCL ICD loader (${a.library}) found no platform (error ${a.error})`,
    hint: 'install a vendor ICD (e.g. pocl-opencl-icd, intel-opencl-icd, rocm-opencl) or check OCL_ICD_VENDORS',
  },
} as const satisfies Record<string, { severity: Severity; capability: string | undefined; message: (a: Args) => string; hint: string | undefined }>;

/** A finding code of the gpu probe. */
export type GpuFindingCode = keyof typeof GPU_FINDINGS;

/** Builds a finding from its code and args. */
export function finding(code: GpuFindingCode, args: Args, extra: { capability?: string; evidence?: string[] } = {}): Finding {
  const t = GPU_FINDINGS[code];
  const f: Finding = { code, severity: t.severity, message: t.message(args), args };
  const cap = extra.capability ?? t.capability;
  if (cap) f.capability = cap;
  if (extra.evidence?.length) f.evidence = extra.evidence;
  if (t.hint) f.hint = t.hint;
  return f;
}
