/** Platform dispatch for probes whose detection differs by OS (STYLE: platform differences live in file names). */
import type { Host } from './host/host.js';
import { emptyDetection, type Detection, type ProbeContext } from './types.js';

/** A platform's detector. */
export type Detector = (host: Host, ctx: ProbeContext) => Promise<Detection>;

/**
 * Runs the detector for the host's platform. Where there is none the result is `unsupported`;
 * an unexpected throw becomes evidence (the detectors guard every source: this is the last net).
 */
export async function detectForPlatform(probe: string, detectors: Readonly<Record<string, Detector>>, host: Host, ctx: ProbeContext): Promise<Detection> {
  const { platform, arch } = host.info();
  const det = detectors[platform];
  if (!det) {
    const d = emptyDetection();
    d.status = 'unsupported';
    d.facts = { arch, platform };
    d.evidence.push({ source: 'platform', ok: false, detail: `no ${probe} detector for ${platform}` });
    return d;
  }
  try {
    return await det(host, ctx);
  } catch (e) {
    const d = emptyDetection();
    d.facts = { arch };
    d.evidence.push({ source: `${probe} probe`, ok: false, detail: `unexpected error: ${String(e)}` });
    return d;
  }
}
