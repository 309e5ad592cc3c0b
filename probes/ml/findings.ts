/** The ML probe's finding codes; messages are rendered from code and args. */
import type { Finding, Severity } from '../../src/types.js';

type Args = Record<string, string | number | boolean | null>;

/** Finding codes → severity, capability and message template. */
export const ML_FINDINGS = {
  ML_TFJS_NATIVE_MISSING: {
    severity: 'info',
    capability: 'ml.tfjs.tensorflow',
    message: () => '@tensorflow/tfjs-node is not installed: tfjs runs on its wasm or cpu backend, not native TensorFlow',
    hint: 'npm install @tensorflow/tfjs-node (its install downloads libtensorflow, so it needs network access to storage.googleapis.com)',
  },
  ML_TFJS_NATIVE_BROKEN: {
    severity: 'warning',
    capability: 'ml.tfjs.tensorflow',
    message: (a: Args) => `@tensorflow/tfjs-node ${a.version ?? ''} is installed but unusable: ${a.reason}`,
    hint: 'reinstall it (npm rebuild @tensorflow/tfjs-node) where its install can download libtensorflow',
  },
  ML_TFJS_PEER_MISMATCH: {
    severity: 'warning',
    capability: undefined,
    message: (a: Args) => `${a.package} ${a.version} wants @tensorflow/tfjs-core ${a.range}, but ${a.core} is installed`,
    hint: 'install matching @tensorflow versions (npm ls @tensorflow/tfjs-core)',
  },
  ML_PROJECT_TFJS_NATIVE_MISSING: {
    severity: 'warning',
    capability: 'ml.project.tfjs.tensorflow',
    message: (a: Args) => `@tensorflow/tfjs-node ${a.version ?? ''} of ${a.where} is not usable: ${a.reason}`,
    hint: 'in that project, reinstall it (npm rebuild @tensorflow/tfjs-node) where its install can download libtensorflow',
  },
  ML_TFJS_SPEEDUP_LOW: {
    severity: 'warning',
    capability: undefined,
    message: (a: Args) =>
      `tfjs ${a.backend} runs ${a.speedup}× as fast as ${a.baseline} (geometric mean over the kernels), below the expected ${a.threshold}×` +
      (a.contention === 'high' || a.contention === 'moderate' ? ` (contention was ${a.contention} during calibration: see the report's \`contention\`)` : ''),
    hint: 'compare with another run on an idle machine: a busy machine or a throttled CPU lowers speedups (the A/B rounds are interleaved, so contention alone rarely makes the whole interval fall below the threshold)',
  },
} as const satisfies Record<string, { severity: Severity; capability: string | undefined; message: (a: Args) => string; hint: string | undefined }>;

/** Finding codes of this probe. */
export type MlFindingCode = keyof typeof ML_FINDINGS;

/** Builds a finding from its code and args; `capability` overrides the table's. */
export function finding(code: MlFindingCode, args: Args, evidence?: string[], capability?: string): Finding {
  const d = ML_FINDINGS[code];
  const f: Finding = { code, severity: d.severity, message: d.message(args), args };
  const cap = capability ?? d.capability;
  if (cap) f.capability = cap;
  if (evidence && evidence.length) f.evidence = evidence;
  if (d.hint) f.hint = d.hint;
  return f;
}
