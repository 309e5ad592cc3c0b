/** The ml probe's vocabulary (DESIGN §6), built from its backend and kernel tables. */
import type { ProbeVocabulary } from '../../src/types.js';
import { BACKENDS, KERNELS, ML_METRIC_UNIT, metricId } from './tables.js';
import { ML_FINDINGS } from './findings.js';

/** Every id, code and fact key the ml probe emits. */
export const mlVocabulary: ProbeVocabulary = {
  // ml.tfjs.*: hwprobe's own install; ml.project.tfjs.tensorflow: the project's (cwd, or --project)
  capabilities: [...BACKENDS.map((b) => b.capability), 'ml.project.tfjs.tensorflow'],
  metrics: Object.fromEntries(KERNELS.flatMap((k) => BACKENDS.map((b) => [metricId(k, b.id), ML_METRIC_UNIT]))),
  findings: { ML_FINDINGS },
  facts: ['packages', 'webAssembly', 'wasmBinaries', 'peerRanges', 'native', 'project', 'calibration'],
  // each backend's metrics depend on that backend; the SIMD backend also on SIMD128 itself
  metricCapabilities: Object.fromEntries(
    KERNELS.flatMap((k) => BACKENDS.map((b) => [metricId(k, b.id), b.id === 'wasm-simd' ? [b.capability, 'cpu.wasm.simd128'] : [b.capability]])),
  ),
};
