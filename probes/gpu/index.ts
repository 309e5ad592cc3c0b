/** The `gpu` probe: GPUs of every vendor, their drivers, the runtime stacks (OpenCL, CUDA, ROCm, Vulkan, Metal) and calibration kernels. */
import type { Calibration, Detection, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { detectForPlatform, type Detector } from '../../src/platform.js';
import { detectLinux } from './detect-linux.js';
import { detectDarwin } from './detect-darwin.js';
import { detectWin32 } from './detect-win32.js';
import { gpuVocabulary } from './vocabulary.js';

/** Platform → detector. Anything else is `unsupported`. */
const DETECTORS: Readonly<Record<string, Detector>> = {
  linux: detectLinux,
  android: detectLinux,
  darwin: detectDarwin,
  win32: detectWin32,
};

/** The gpu probe. */
export const gpuProbe: Probe = {
  id: 'gpu',
  title: 'GPU',
  vocabulary: gpuVocabulary,
  detect: (host: Host, ctx: ProbeContext): Promise<Detection> => detectForPlatform('gpu', DETECTORS, host, ctx),
  async calibrate(ctx: ProbeContext, d: Detection): Promise<Calibration> {
    // Loaded on demand: detection never pays for the calibration code.
    const { calibrateGpu } = await import('./calibrate.js');
    return calibrateGpu(ctx, d);
  },
};

export default gpuProbe;
