/** The `ml` probe: which tfjs backends hwprobe's install can run, and how fast each delivers. */
import type { Calibration, Detection, PrepareContext, Prepared, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { mlVocabulary } from './vocabulary.js';

/** The ml probe. Calibration (in calibrate.ts) is loaded only when it runs. */
export const mlProbe: Probe = {
  id: 'ml',
  title: 'ML',
  vocabulary: mlVocabulary,
  async detect(host: Host, ctx: ProbeContext): Promise<Detection> {
    // Loaded when it runs: a run without this probe does not load it (issue 17).
    return (await import('./detect.js')).detectMl(host, undefined, ctx?.project);
  },
  async calibrate(ctx: ProbeContext, d: Detection): Promise<Calibration> {
    const { calibrateMl } = await import('./calibrate.js');
    return calibrateMl(ctx, d);
  },
  async prepare(ctx: PrepareContext, d: Detection): Promise<Prepared> {
    const { prepareMl } = await import('./calibrate.js');
    return prepareMl(ctx, d);
  },
};

export default mlProbe;
