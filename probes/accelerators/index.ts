/** The `accelerators` probe: TPU, AWS Neuron, Gaudi, NPUs, Qualcomm AI 100, the Apple Neural Engine, and AMX with its kernel permission. */
import type { Detection, Probe, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { accelVocabulary } from './vocabulary.js';

/** The accelerators probe. */
export const accelProbe: Probe = {
  id: 'accelerators',
  title: 'Accelerators',
  vocabulary: accelVocabulary,
  async detect(host: Host, ctx: ProbeContext): Promise<Detection> {
    try {
      // Loaded when it runs: a run without this probe does not load it (issue 17).
      return await (await import('./detect.js')).detectAccelerators(host, ctx);
    } catch (e) {
      const d = emptyDetection();
      d.evidence.push({ source: 'accelerators probe', ok: false, detail: `unexpected error: ${String(e)}` });
      return d;
    }
  },
};

export default accelProbe;
