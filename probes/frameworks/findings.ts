/** The frameworks probe's findings: stable codes, args, and the message rendered from them. */
import type { Finding, Severity } from '../../src/types.js';

type Args = Record<string, string | number | boolean | null>;

/** Every finding code this probe emits, with its severity, message template and hint. */
export const FRAMEWORK_FINDINGS = {
  FRAMEWORK_SIMD_BELOW_CPU: {
    severity: 'warning',
    render: (a: Args) => `${a.framework} is limited to ${a.limit} on this ${a.cpuTier} CPU: ${a.cause}${a.affects ? ` (affects ${a.affects})` : ''}`,
    hint: 'unset the variable (or raise it to what the CPU offers) unless bit-for-bit reproducibility across machines needs it',
  },
  FRAMEWORK_SIMD_ABOVE_CPU: {
    severity: 'error',
    render: (a: Args) => `${a.framework} is forced to ${a.limit} but the CPU offers only ${a.cpuTier}: ${a.cause}`,
    hint: 'code built for instructions the CPU lacks dies with SIGILL: unset the variable',
  },
  FRAMEWORK_ENV_OVERRIDE: {
    severity: 'info',
    render: (a: Args) => `${a.variable}=${a.value} ${a.effect}`,
    hint: undefined,
  },
  THREADS_ABOVE_QUOTA: {
    severity: 'warning',
    render: (a: Args) => `${a.source} runs ${a.threads} threads but this process may use only ${a.usableCpus} CPUs`,
    hint: 'oversubscribed thread pools thrash under a CPU quota: set OMP_NUM_THREADS/OPENBLAS_NUM_THREADS to the usable CPU count',
  },
  TORCH_CPU_ONLY_BUILD: {
    severity: 'warning',
    render: (a: Args) => `torch ${a.version} in ${a.interpreter} is a CPU-only build, but the NVIDIA driver ${a.driver} is loaded`,
    hint: 'install a CUDA build of torch (the index URL of pytorch.org matching the driver)',
  },
  TORCH_CUDA_DRIVER_MISMATCH: {
    severity: 'error',
    render: (a: Args) => `torch ${a.version} is built for CUDA ${a.torchCuda}, but the driver supports CUDA up to ${a.driverCuda}`,
    hint: 'upgrade the NVIDIA driver or install a torch build for an older CUDA',
  },
  TORCH_CUDA_UNAVAILABLE: {
    severity: 'warning',
    render: (a: Args) => `torch ${a.version} (CUDA ${a.torchCuda}) reports torch.cuda.is_available() == False with the NVIDIA driver loaded${a.reason ? `: ${a.reason}` : ''}`,
    hint: undefined,
  },
  TORCH_CUDA_ARCH_UNSUPPORTED: {
    severity: 'error',
    render: (a: Args) => `${a.device} (sm_${a.sm}) is not in the CUDA architectures torch ${a.version} was built for (${a.archList})`,
    hint: 'install a torch build that includes this GPU generation',
  },
  TF_NO_GPU_BUILD: {
    severity: 'warning',
    render: (a: Args) => `tensorflow ${a.version} in ${a.interpreter} is built without CUDA, but the NVIDIA driver ${a.driver} is loaded`,
    hint: 'install tensorflow[and-cuda] (Linux) for GPU support',
  },
  FRAMEWORK_GPU_HIDDEN: {
    severity: 'warning',
    render: (a: Args) => `CUDA_VISIBLE_DEVICES=${JSON.stringify(a.value)} hides every GPU from CUDA frameworks, although the NVIDIA driver ${a.driver} is loaded`,
    hint: undefined,
  },
  FRAMEWORK_IMPORT_FAILED: {
    severity: 'warning',
    render: (a: Args) => `${a.package} is installed in ${a.interpreter} but ${a.status === 'hung' ? 'its import did not finish in time' : a.status === 'crashed' ? 'its import crashed the interpreter' : 'fails to import'}${a.error ? `: ${a.error}` : ''}`,
    hint: undefined,
  },
  FRAMEWORK_INTERPRETER_FAILED: {
    severity: 'warning',
    render: (a: Args) => `${a.interpreter} could not be inspected: ${a.detail}`,
    hint: undefined,
  },
  FRAMEWORK_PYTHON2: {
    severity: 'info',
    render: (a: Args) => `${a.interpreter} is Python ${a.version}: end of life, its packages are not inspected`,
    hint: undefined,
  },
  FRAMEWORK_MASK_COST: {
    severity: 'warning',
    render: (a: Args) => `numpy matmul is ${a.speedup}× faster with ${a.masks} removed (${a.unmasked} vs ${a.asIs} GFLOP/s)`,
    hint: 'the masks cost real throughput on this machine: remove them unless they are needed',
  },
} as const satisfies Record<string, { severity: Severity; render: (a: Args) => string; hint: string | undefined }>;

/** A finding code of the frameworks probe. */
export type FrameworkFindingCode = keyof typeof FRAMEWORK_FINDINGS;

/** Builds a finding; its message and hint are derived from code and args. */
export function finding(code: FrameworkFindingCode, args: Args, extra: { capability?: string; evidence?: string[] } = {}): Finding {
  const t = FRAMEWORK_FINDINGS[code];
  const f: Finding = { code, severity: t.severity, message: t.render(args), args, ...extra };
  if (t.hint) f.hint = t.hint;
  return f;
}
