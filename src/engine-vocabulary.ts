/**
 * The engine's own vocabulary, in one table: finding codes raised by the harness rather than by a
 * probe (a probe may raise them too, e.g. CALIBRATION_WRONG_RESULT from its kernels), and the report
 * sections besides the probes' facts that an expectation's `fact` may read.
 */
import type { FindingTable } from './types.js';
import { CALIBRATION_FINDINGS } from './calibration.js';
import { REPORT_FINDINGS } from './bounds.js';

/** Engine findings tables (by exported name), their fixes, and the fact roots of the report itself. */
export const ENGINE_VOCABULARY = {
  source: 'calibration harness (src/calibration.ts)',
  findings: { CALIBRATION_FINDINGS, REPORT_FINDINGS } as Readonly<Record<string, FindingTable>>,
  fixes: {} as Readonly<Record<string, string>>,
  /** report.runtime and report.host keys (src/types.ts Report) */
  facts: {
    runtime: ['node', 'v8', 'openssl', 'libc'],
    host: ['platform', 'arch', 'os', 'kernel', 'cpuCount', 'memoryBytes', 'hostname'],
  },
} as const;
