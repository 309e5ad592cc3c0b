/** The gpu probe's vocabulary (DESIGN §6), built from its vendor and calibration tables. */
import { factKeysOf, type ProbeVocabulary } from '../../src/types.js';
import type { GpuReportFacts } from './facts.js';
import { CUDA_METRICS, GPU_VENDORS, OPENCL_METRICS } from './tables.js';
import { GPU_FINDINGS } from './findings.js';

/** Every id, code and fact key the gpu probe emits. */
export const gpuVocabulary: ProbeVocabulary = {
  // gpu.<vendor> from the vendor table; the stacks of derive.ts and detect-darwin.ts (metal)
  // software.opencl / software.vulkan: CPU runtimes (PoCL, llvmpipe…), never gpu.* (derive.ts)
  capabilities: [...GPU_VENDORS.map((v) => `gpu.${v}`), 'gpu.cuda', 'gpu.rocm', 'gpu.opencl', 'gpu.vulkan', 'gpu.metal', 'software.opencl', 'software.vulkan'],
  metrics: Object.fromEntries([
    ...OPENCL_METRICS.map(([k, unit]) => [`gpu.opencl.*.${k}`, unit]),
    ...CUDA_METRICS.flatMap(([k, unit]) => [
      [`gpu.cuda.*.${k}`, unit],
      [`gpu.cuda.${k}`, unit], // skipped, when no device could run the PTX
    ]),
  ]),
  findings: { GPU_FINDINGS },
  fixes: {
    GPU_MASKED: 'unset the variable, or set it to the devices the workload should use',
    GPU_TOOL_FAILED: 'run the tool by hand to see its error; a tool that hangs or fails usually points to a driver that is out of step with its libraries',
    GPU_SOFTWARE_ONLY: 'informational: the OpenCL or Vulkan devices run on the CPU; install the GPU and its driver where GPU speed is needed',
    GPU_MIG_ENABLED: 'informational: jobs get a MIG slice, not the whole GPU; disable MIG (nvidia-smi -mig 0) where a job needs the whole board',
    GPU_VGPU: 'informational: a vGPU shares the board with other guests; expect lower and more variable throughput',
  },
  facts: factKeysOf<GpuReportFacts>()([
    'arch', 'platform', 'hardwareGpuCount', 'gpus', 'softwareDevices', 'devNodes', 'masks', 'pci', 'vulkan', 'opencl', 'cuda', 'stacks',
    // the rest derive.ts emits when its source answered
    'drm', 'accelClass', 'nvidiaKernelModule', 'nvidiaSmi', 'amdSmi', 'clinfo', 'stackErrors', 'displays',
  ]),
  // per-device kernels of each stack (software devices are reported as software.*, issue 14)
  metricCapabilities: { 'gpu.opencl.*': ['gpu.opencl', 'software.opencl'], 'gpu.cuda.*': ['gpu.cuda'] },
};
