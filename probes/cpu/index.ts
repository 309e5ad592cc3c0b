/** The `cpu` probe: what the processor has (advertised) and what software may use (usable). */
import type { Detection, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { detectLinux } from './detect-linux.js';
import { detectDarwin } from './detect-darwin.js';
import { detectWin32 } from './detect-win32.js';
import { detectWasmSimd } from './kernels/wasm-saxpy.js';

/** Platform → detector. Anything else is `unsupported`. */
const DETECTORS: Readonly<Record<string, (host: Host, ctx: ProbeContext) => Promise<Detection>>> = {
  linux: detectLinux,
  android: detectLinux,
  darwin: detectDarwin,
  win32: detectWin32,
};

/** The cpu probe. */
export const cpuProbe: Probe = {
  id: 'cpu',
  title: 'CPU',
  async detect(host: Host, ctx: ProbeContext): Promise<Detection> {
    const platform = host.info().platform;
    const det = DETECTORS[platform];
    if (!det) {
      const d = emptyDetection();
      d.status = 'unsupported';
      d.facts = { arch: host.info().arch, platform };
      d.evidence.push({ source: 'platform', ok: false, detail: `no cpu detector for ${platform}` });
      return d;
    }
    try {
      const d = await det(host, ctx);
      const simd = await detectWasmSimd(host);
      if (simd) d.capabilities['cpu.wasm.simd128'] = simd;
      return d;
    } catch (e) {
      // The detectors guard every source; this is the last net so the probe never throws.
      const d = emptyDetection();
      d.facts = { arch: host.info().arch };
      d.evidence.push({ source: 'cpu probe', ok: false, detail: `unexpected error: ${String(e)}` });
      return d;
    }
  },
  // Loaded lazily: detection alone must not pay for the kernels.
  calibrate: async (ctx, d) => (await import('./calibrate.js')).calibrateCpu(ctx, d),
};

export default cpuProbe;
