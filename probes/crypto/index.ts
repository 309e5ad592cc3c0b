/**
 * The `crypto` probe: AES/SHA/ChaCha acceleration advertised by the CPU, usable under OpenSSL's
 * masks in the environment, and effective against OpenSSL's software path (A/B calibration).
 */
import type { Calibration, Detection, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { cryptoVocabulary } from './vocabulary.js';

/** The crypto probe. Reads the cpu probe's flags (`after: ['cpu']`). */
export const cryptoProbe: Probe = {
  id: 'crypto',
  title: 'Crypto acceleration',
  vocabulary: cryptoVocabulary,
  after: ['cpu'],
  async detect(host: Host, ctx: ProbeContext): Promise<Detection> {
    try {
      // Loaded when it runs: a run without this probe does not load it (issue 17).
      return await (await import('./detect.js')).detectCrypto(host, ctx);
    } catch (e) {
      // detectCrypto guards its sources; this is the last net so the probe never throws.
      const d = emptyDetection();
      d.facts = { arch: host.info().arch };
      d.evidence.push({ source: 'crypto probe', ok: false, detail: `unexpected error: ${String(e)}` });
      return d;
    }
  },
  async calibrate(ctx: ProbeContext, d: Detection): Promise<Calibration> {
    // Loaded lazily: detection must not pay for the kernels.
    const { calibrateCrypto } = await import('./calibrate.js');
    return calibrateCrypto(ctx, d);
  },
};

export default cryptoProbe;
