/** What a command hands to a renderer: a report (runs, checks), verdicts (with --expect), a diff (diff, --baseline). */
import type { Report } from '../types.js';
import type { CheckResult } from '../expect/model.js';
import type { DiffResult } from '../diff.js';

/** The input of every renderer; at least one part is present. */
export interface Outcome {
  report?: Report;
  check?: CheckResult;
  diff?: DiffResult;
}

/** Output formats. */
export const FORMATS = ['text', 'json', 'markdown', 'junit', 'github', 'nfd', 'prometheus'] as const;
/** An output format. */
export type Format = (typeof FORMATS)[number];
