/** The accelerators probe's vocabulary (DESIGN §6), built from its PCI table. */
import type { ProbeVocabulary } from '../../src/types.js';
import { ACCELERATORS } from './tables.js';
import { ACCEL_FINDINGS } from './findings.js';

/** Every id, code and fact key the accelerators probe emits. */
export const accelVocabulary: ProbeVocabulary = {
  // accel.amx and accel.ane are set from CPU flags and the CPU brand, not from the PCI table
  capabilities: [...Object.keys(ACCELERATORS), 'accel.amx', 'accel.ane'],
  metrics: {},
  findings: { ACCEL_FINDINGS },
  fixes: {
    ACCEL_WORKER_FAILED: 'the child process that asks the kernel for AMX permission crashed or hung; run `hwprobe capture` and file it with the capture attached',
  },
  facts: ['devNodes', 'devices', 'amxFlags'],
};
