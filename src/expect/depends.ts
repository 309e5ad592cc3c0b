/**
 * Which capabilities a metric depends on: the ones whose loss, mask or finding can change what the
 * metric measures. Each probe declares it in its vocabulary (`metricCapabilities`, built from its own tables:
 * the crypto kernels' `cap`, the ml backends' capability, the kernels the cpu and gpu probes run), so that `diff` links a
 * slow-down only to a cause that can produce it: an AES mask never explains a crypto.sha512
 * slow-down, since sha512 runs the same code with or without AES-NI.
 */
import { PROBES } from '../../probes/index.js';
import type { Finding } from '../types.js';

/** Metric id (or `prefix*` family) → capability ids (or `prefix*` families) it depends on: each probe's `vocabulary.metricCapabilities`. */
export const METRIC_CAPABILITIES: Readonly<Record<string, readonly string[]>> = Object.assign({}, ...PROBES.map((p) => p.vocabulary.metricCapabilities ?? {}));

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
