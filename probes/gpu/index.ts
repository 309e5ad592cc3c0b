/** The `gpu` probe: GPUs of every vendor, their drivers, the runtime stacks (OpenCL, CUDA, ROCm, Vulkan, Metal) and calibration kernels. */
import type { Calibration, Detection, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { detectLinux } from './detect-linux.js';
import { detectDarwin } from './detect-darwin.js';
import { detectWin32 } from './detect-win32.js';

/** Platform → detector. Anything else is `unsupported`. */
const DETECTORS: Readonly<Record<string, (host: Host, ctx: ProbeContext) => Promise<Detection>>> = {
  linux: detectLinux,
  android: detectLinux,
  darwin: detectDarwin,
  win32: detectWin32,
};

/** The gpu probe. */
export const gpuProbe: Probe = {
  id: 'gpu',
  title: 'GPU',
  async detect(host: Host, ctx: ProbeContext): Promise<Detection> {
    const platform = host.info().platform;
    const det = DETECTORS[platform];
    if (!det) {
      const d = emptyDetection();
      d.status = 'unsupported';
      d.evidence.push({ source: 'platform', ok: false, detail: `no gpu detector for ${platform}` });
      return d;
    }
    try {
      return await det(host, ctx);
    } catch (e) {
      // Every source is guarded; this is the last net so the probe never throws.
      const d = emptyDetection();
      d.evidence.push({ source: 'gpu probe', ok: false, detail: `unexpected error: ${String(e)}` });
      return d;
    }
  },
  async calibrate(ctx: ProbeContext, d: Detection): Promise<Calibration> {
    // Loaded on demand: detection never pays for the calibration code.
    const { calibrateGpu } = await import('./calibrate.js');
    return calibrateGpu(ctx, d);
  },
};

export default gpuProbe;
