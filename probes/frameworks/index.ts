/**
 * The `frameworks` probe: what the installed Python numeric stacks (numpy and its BLAS, torch,
 * tensorflow, jax, onnxruntime) and the Node ones will actually use on this machine, and the
 * environment variables that mask or override it. Detection (detect.ts) and calibration
 * (calibrate.ts) are loaded when they run: the registry loads this file on every run (issue 17).
 */
import type { Calibration, Detection, Probe, ProbeContext } from '../../src/types.js';
import { DEFAULT_BUDGET } from './budget.js';
import { frameworksVocabulary } from './vocabulary.js';

/**
 * The frameworks probe's own deadline: the interpreter inspection's total budget and a margin to
 * build the result, so a slow heavy import is reported with its time instead of the probe timing out.
 */
export const FRAMEWORKS_DEADLINE_MS = DEFAULT_BUDGET.totalMs + 2000;

/** The frameworks probe. */
export const frameworksProbe: Probe = {
  id: 'frameworks',
  title: 'Frameworks',
  vocabulary: frameworksVocabulary,
  minTimeoutMs: FRAMEWORKS_DEADLINE_MS,
  slow: true,
  load: () => import('./detect.js'),
  async detect(host, ctx) {
    const { detectFrameworks } = await import('./detect.js');
    return detectFrameworks(host, ctx);
  },
  async calibrate(ctx: ProbeContext, d: Detection): Promise<Calibration> {
    const { calibrateFrameworks } = await import('./calibrate.js');
    return calibrateFrameworks(ctx, d);
  },
};

export default frameworksProbe;
