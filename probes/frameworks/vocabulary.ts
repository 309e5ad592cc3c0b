/** The frameworks probe's vocabulary (DESIGN §6): the framework capabilities of derive.ts and the numpy metrics of calibrate.ts. */
import type { ProbeVocabulary } from '../../src/types.js';
import { FRAMEWORK_FINDINGS, MATMUL_METRICS } from './findings.js';

// The metric ids and unit of calibrate.ts, named here without loading it (and the calibration
// harness with it) for every run that only lists the vocabulary.
const { asIs: AS_IS, unmasked: UNMASKED, oneThread: ONE_THREAD } = MATMUL_METRICS;
const UNIT = 'GFLOP/s';

/** Every id, code and fact key the frameworks probe emits. */
export const frameworksVocabulary: ProbeVocabulary = {
  capabilities: ['ml.numpy.simd.*', 'ml.torch.cuda', 'ml.torch.mps', 'ml.tf.gpu', 'ml.jax.gpu', 'ml.onnxruntime.*'],
  metrics: { [AS_IS]: UNIT, [UNMASKED]: UNIT, [ONE_THREAD]: UNIT },
  findings: { FRAMEWORK_FINDINGS },
  fixes: {
    FRAMEWORK_ENV_OVERRIDE: 'informational: the variable changes how the framework picks its code path; unset it unless it is meant',
    TORCH_CUDA_UNAVAILABLE: 'check that the driver supports the CUDA version torch was built for, that CUDA_VISIBLE_DEVICES does not hide the GPU, and that the container sees /dev/nvidia*',
    FRAMEWORK_GPU_HIDDEN: 'unset CUDA_VISIBLE_DEVICES, or set it to the GPU indices the job should use',
    FRAMEWORK_IMPORT_FAILED: 'run `python -c "import <package>"` in that interpreter to see the full error; reinstall the package for this Python and platform',
    FRAMEWORK_INTERPRETER_FAILED: 'run the interpreter by hand to see why it fails; remove a broken interpreter from PATH',
    FRAMEWORK_PYTHON2: 'move the workload to Python 3; Python 2 packages are not inspected',
  },
  facts: ['frameworks', 'python', 'env', 'nvidiaDriver', 'node'],
  // numpy's matmul runs its SIMD kernels; the unmasked twin is the same without the masks; the
  // default-threads run also depends on the CPUs its threads may use (oversubscription under a quota)
  metricCapabilities: { [AS_IS]: ['ml.numpy.simd.*', 'env.cpu-quota'], [UNMASKED]: ['ml.numpy.simd.*'], [ONE_THREAD]: ['ml.numpy.simd.*'] },
};
