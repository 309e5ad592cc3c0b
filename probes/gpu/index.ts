/** The `gpu` probe: GPUs of every vendor, their drivers, the runtime stacks (OpenCL, CUDA, ROCm, Vulkan, Metal) and calibration kernels. */
import type { Calibration, Detection, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { detectForPlatform, type Detector } from '../../src/platform.js';
import { gpuVocabulary } from './vocabulary.js';

/** Platform → detector. Anything else is `unsupported`. */
// Each detector is loaded when it runs: a run without this probe, or on another platform, does not load it (issue 17).
const linux: Detector = async (h, c) => (await import('./detect-linux.js')).detectLinux(h, c);
const DETECTORS: Readonly<Record<string, Detector>> = {
  linux,
  android: linux,
  darwin: async (h, c) => (await import('./detect-darwin.js')).detectDarwin(h, c),
  win32: async (h, c) => (await import('./detect-win32.js')).detectWin32(h, c),
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
