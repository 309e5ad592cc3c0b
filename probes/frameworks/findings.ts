/** The frameworks probe's findings: stable codes, args, and the message rendered from them. */
import type { Finding, Severity } from '../../src/types.js';

type Args = Record<string, string | number | boolean | null>;

/** The numpy matmul metrics (calibrate.ts), named here so that the findings can say which of them they explain. */
export const MATMUL_METRICS = {
  asIs: 'frameworks.numpy.matmul-f64',
  unmasked: 'frameworks.numpy.matmul-f64-unmasked',
  oneThread: 'frameworks.numpy.matmul-f64-1thread',
} as const;
const ALL_MATMUL = Object.values(MATMUL_METRICS);

/**
 * Every finding code this probe emits, with its severity, message template and hint, and `affects`:
 * the metrics whose value the cause can change, so that a diff links a matmul slow-down only to a
 * finding that can explain it (issue 12 §6).
 */
export const FRAMEWORK_FINDINGS = {
  FRAMEWORK_SIMD_BELOW_CPU: {
    affects: ALL_MATMUL,
    severity: 'warning',
    render: (a: Args) => `${a.framework} is limited to ${a.limit} on this ${a.cpuTier} CPU: ${a.cause}${a.affects ? ` (affects ${a.affects})` : ''}`,
    hint: 'unset the variable (or raise it to what the CPU offers) unless bit-for-bit reproducibility across machines needs it',
  },
  FRAMEWORK_SIMD_ABOVE_CPU: {
    affects: ALL_MATMUL,
    severity: 'error',
    render: (a: Args) => `${a.framework} is forced to ${a.limit} but the CPU offers only ${a.cpuTier}: ${a.cause}`,
    hint: 'code built for instructions the CPU lacks dies with SIGILL: unset the variable',
  },
  FRAMEWORK_ENV_OVERRIDE: {
    affects: ALL_MATMUL,
    severity: 'info',
    render: (a: Args) => `${a.variable}=${a.value} ${a.effect}${a.outcome ? `; ${a.outcome}` : ''}`,
    hint: undefined,
  },
  FRAMEWORK_ENV_IGNORED: {
    affects: [],
    severity: 'warning',
    render: (a: Args) => `${a.variable}=${a.value} does not take effect${a.outcome ? `: ${a.outcome}` : ''}`,
    hint: 'the stack rejected or ignored the value, so it runs as if the variable were unset: fix the value (spelling, letter case) or unset it',
  },
  THREADS_ABOVE_QUOTA: {
    affects: ALL_MATMUL,
    severity: 'warning',
    render: (a: Args) => `${a.source} runs ${a.threads} threads but this process may use only ${a.usableCpus} CPUs${a.variables ? ` (set: ${a.variables})` : ''}`,
    hint: 'oversubscribed thread pools thrash under a CPU quota: set OMP_NUM_THREADS/OPENBLAS_NUM_THREADS to the usable CPU count',
  },
  THREADS_OVERSUBSCRIBED: {
    affects: [MATMUL_METRICS.asIs],
    severity: 'warning',
    render: (a: Args) =>
      `numpy matmul is slower with ${a.library}'s ${a.threads === null ? 'default thread count' : `default ${a.threads} threads`} than with 1: ${a.defaultValue} vs ${a.oneThread} GFLOP/s (×${a.ratio}, interval ×${a.low}–×${a.high} over ${a.rounds} interleaved rounds)`,
    hint: 'the CPUs the threads run on are busy or throttled (a cgroup CPU quota, other jobs): set OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS/MKL_NUM_THREADS) to what the job really gets, e.g. 1, or raise the cgroup CPU quota',
  },
  TORCH_CPU_ONLY_BUILD: {
    affects: [],
    severity: 'warning',
    render: (a: Args) => `torch ${a.version} in ${a.interpreter} is a CPU-only build, but the NVIDIA driver ${a.driver} is loaded`,
    hint: 'install a CUDA build of torch (the index URL of pytorch.org matching the driver)',
  },
  TORCH_CUDA_DRIVER_MISMATCH: {
    affects: [],
    severity: 'error',
    render: (a: Args) => `torch ${a.version} is built for CUDA ${a.torchCuda}, but the driver supports CUDA up to ${a.driverCuda}`,
    hint: 'upgrade the NVIDIA driver or install a torch build for an older CUDA',
  },
  TORCH_CUDA_UNAVAILABLE: {
    affects: [],
    severity: 'warning',
    render: (a: Args) => `torch ${a.version} (CUDA ${a.torchCuda}) reports torch.cuda.is_available() == False with the NVIDIA driver loaded${a.reason ? `: ${a.reason}` : ''}`,
    hint: undefined,
  },
  TORCH_CUDA_ARCH_UNSUPPORTED: {
    affects: [],
    severity: 'error',
    render: (a: Args) => `${a.device} (sm_${a.sm}) is not in the CUDA architectures torch ${a.version} was built for (${a.archList})`,
    hint: 'install a torch build that includes this GPU generation',
  },
  TF_NO_GPU_BUILD: {
    affects: [],
    severity: 'warning',
    render: (a: Args) => `tensorflow ${a.version} in ${a.interpreter} is built without CUDA, but the NVIDIA driver ${a.driver} is loaded`,
    hint: 'install tensorflow[and-cuda] (Linux) for GPU support',
  },
  FRAMEWORK_GPU_HIDDEN: {
    affects: [],
    severity: 'warning',
    render: (a: Args) => `CUDA_VISIBLE_DEVICES=${JSON.stringify(a.value)} hides every GPU from CUDA frameworks, although the NVIDIA driver ${a.driver} is loaded`,
    hint: undefined,
  },
  FRAMEWORK_IMPORT_FAILED: {
    affects: [],
    severity: 'warning',
    render: (a: Args) =>
      `${a.package} is installed in ${a.interpreter} but ${a.status === 'hung' ? 'its import did not finish in time' : a.status === 'cut' ? 'its import was still running when the inspection ran out of time' : a.status === 'crashed' ? 'its import crashed the interpreter' : 'fails to import'}${a.error ? `: ${a.error}` : ''}`,
    hint: undefined,
  },
  FRAMEWORK_IMPORT_SLOW: {
    affects: [],
    severity: 'info',
    render: (a: Args) => `importing ${a.package} in ${a.interpreter} took ${a.ms} ms (more than ${a.slowMs} ms)`,
    hint: 'a busy or small machine: every process that imports it pays this at start-up',
  },
  FRAMEWORK_INTERPRETER_FAILED: {
    affects: [],
    severity: 'warning',
    render: (a: Args) => `${a.interpreter} could not be inspected: ${a.detail}`,
    hint: undefined,
  },
  FRAMEWORK_PYTHON2: {
    affects: [],
    severity: 'info',
    render: (a: Args) => `${a.interpreter} is Python ${a.version}: end of life, its packages are not inspected`,
    hint: undefined,
  },
  FRAMEWORK_MASK_COST: {
    affects: [MATMUL_METRICS.asIs],
    severity: 'warning',
    render: (a: Args) => `numpy matmul is ${a.speedup}× faster with ${a.masks} removed (${a.unmasked} vs ${a.asIs} GFLOP/s)`,
    hint: 'the masks cost real throughput on this machine: remove them unless they are needed',
  },
} as const satisfies Record<string, { affects: readonly string[]; severity: Severity; render: (a: Args) => string; hint: string | undefined }>;

/** A finding code of the frameworks probe. */
export type FrameworkFindingCode = keyof typeof FRAMEWORK_FINDINGS;

/** Builds a finding; its message and hint are derived from code and args. */
export function finding(code: FrameworkFindingCode, args: Args, extra: { capability?: string; evidence?: string[] } = {}): Finding {
  const t = FRAMEWORK_FINDINGS[code];
  const f: Finding = { code, severity: t.severity, message: t.render(args), args, ...extra };
  if (t.hint) f.hint = t.hint;
  return f;
}
