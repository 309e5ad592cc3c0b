/** The probe registry: explicit, in display order. */
import type { Probe } from '../src/types.js';
import { cpuProbe } from './cpu/index.js';
import { cryptoProbe } from './crypto/index.js';
import { environmentProbe } from './environment/index.js';
import { gpuProbe } from './gpu/index.js';
import { accelProbe } from './accelerators/index.js';
import { mlProbe } from './ml/index.js';
import { frameworksProbe } from './frameworks/index.js';

/** The facts types of the probes whose facts the public report type shows typed (src/types.ts ProbeReports). */
export type { CpuFacts } from './cpu/facts.js';
export type { CryptoFacts } from './crypto/facts.js';
export type { GpuReportFacts } from './gpu/facts.js';
export type { EnvironmentFacts } from './environment/facts.js';

/** Every probe hwprobe knows. */
export const PROBES: readonly Probe[] = [cpuProbe, cryptoProbe, environmentProbe, mlProbe, gpuProbe, accelProbe, frameworksProbe];

/** Probe ids, in registry order. */
export const PROBE_IDS: readonly string[] = PROBES.map((p) => p.id);
