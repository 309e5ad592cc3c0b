/** The probe registry: explicit, in display order. */
import type { Probe } from '../src/types.js';
import { cpuProbe } from './cpu/index.js';
import { environmentProbe } from './environment/index.js';

/** Every probe hwprobe knows. */
export const PROBES: readonly Probe[] = [cpuProbe, environmentProbe];

/** Probe ids, in registry order. */
export const PROBE_IDS: readonly string[] = PROBES.map((p) => p.id);
