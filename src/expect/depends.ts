/**
 * Which capabilities a metric depends on: the ones whose loss, mask or finding can change what the
 * metric measures. Derived in this one place from the probes' own tables (the crypto kernels' `cap`,
 * the ml backends' capability, the kernels the cpu and gpu probes run), so that `diff` links a
 * slow-down only to a cause that can produce it: an AES mask never explains a crypto.sha512
 * slow-down, since sha512 runs the same code with or without AES-NI.
 */
import { CRYPTO_KERNELS } from '../../probes/crypto/tables.js';
import { BACKENDS, KERNELS, metricId } from '../../probes/ml/tables.js';
import { AS_IS as NUMPY_MATMUL, UNMASKED as NUMPY_MATMUL_UNMASKED } from '../../probes/frameworks/calibrate.js';
import type { Finding } from '../types.js';

/** Metric id (or `prefix*` family) → capability ids (or `prefix*` families) it depends on. */
export const METRIC_CAPABILITIES: Readonly<Record<string, readonly string[]>> = {
  // crypto: each kernel's row names the capability its A/B judges (chacha20-poly1305 has none).
  ...Object.fromEntries(CRYPTO_KERNELS.map((k) => [k.metric, k.cap ? [`crypto.${k.cap}`] : []])),
  // ml: each backend's metrics depend on that backend; the SIMD backend also on SIMD128 itself.
  ...Object.fromEntries(
    KERNELS.flatMap((k) => BACKENDS.map((b) => [metricId(k, b.id), b.id === 'wasm-simd' ? [b.capability, 'cpu.wasm.simd128'] : [b.capability]])),
  ),
  // cpu: the SIMD saxpy runs SIMD128; the scaling runs one worker per CPU the environment lets it use.
  'cpu.wasm-simd': ['cpu.wasm.simd128'],
  'cpu.parallel-scaling': ['env.cpu-quota'],
  // gpu: per-device kernels of each stack (software devices are reported as software.*, issue 14).
  'gpu.opencl.*': ['gpu.opencl', 'software.opencl'],
  'gpu.cuda.*': ['gpu.cuda'],
  // frameworks: numpy's matmul runs its SIMD kernels; the unmasked twin is the same without the masks.
  [NUMPY_MATMUL]: ['ml.numpy.simd.*'],
  [NUMPY_MATMUL_UNMASKED]: ['ml.numpy.simd.*'],
};

/**
 * Finding codes whose cause slows every calibrated metric, whatever it depends on: contention
 * (other processes on the CPUs during calibration) is the one such cause.
 */
export const MACHINE_WIDE_CODES: readonly string[] = ['CALIBRATION_CONTENTION'];

const matches = (pattern: string, id: string) => (pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : pattern === id);

/** The capabilities (ids or `prefix*` families) a metric depends on; empty when none is known. */
export function metricCapabilities(metric: string): readonly string[] {
  if (metric in METRIC_CAPABILITIES) return METRIC_CAPABILITIES[metric];
  const family = Object.keys(METRIC_CAPABILITIES).find((k) => k.endsWith('*') && matches(k, metric));
  return family ? METRIC_CAPABILITIES[family] : [];
}

/** Whether a change of capability `capability` can affect metric `metric`. */
export function canAffect(capability: string, metric: string): boolean {
  return metricCapabilities(metric).some((p) => matches(p, capability));
}

/** Whether a finding can explain a change of the metric: filed under a capability it depends on, naming the metric, or machine-wide. */
export function findingCanAffect(f: Finding, metric: string): boolean {
  if (MACHINE_WIDE_CODES.includes(f.code)) return true;
  if (f.args?.metric === metric) return true;
  return f.capability !== undefined && canAffect(f.capability, metric);
}
