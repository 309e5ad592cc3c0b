/** The `cpu` probe: what the processor has (advertised) and what software may use (usable). */
import type { Detection, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { detectForPlatform, type Detector } from '../../src/platform.js';
import { detectWasmSimd } from './kernels/wasm-saxpy.js';
import { cpuVocabulary } from './vocabulary.js';

/** Platform → detector. Anything else is `unsupported`. */
// Each detector is loaded when it runs: a run without this probe, or on another platform, does not load it (issue 17).
const linux: Detector = async (h, c) => (await import('./detect-linux.js')).detectLinux(h, c);
const DETECTORS: Readonly<Record<string, Detector>> = {
  linux,
  android: linux,
  darwin: async (h, c) => (await import('./detect-darwin.js')).detectDarwin(h, c),
  win32: async (h, c) => (await import('./detect-win32.js')).detectWin32(h, c),
};

/** The cpu probe. */
export const cpuProbe: Probe = {
  id: 'cpu',
  title: 'CPU',
  vocabulary: cpuVocabulary,
  async detect(host: Host, ctx: ProbeContext): Promise<Detection> {
    const d = await detectForPlatform('cpu', DETECTORS, host, ctx);
    if (d.status !== 'unsupported') {
      const simd = await detectWasmSimd(host);
      if (simd) d.capabilities['cpu.wasm.simd128'] = simd;
    }
    return d;
  },
  // Loaded lazily: detection alone must not pay for the kernels.
  calibrate: async (ctx, d) => (await import('./calibrate.js')).calibrateCpu(ctx, d),
};

export default cpuProbe;
