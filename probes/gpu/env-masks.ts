/** Device masks in the environment and what each one does to its stack. Pure. */
import { ENV_MASKS, type EnvMaskName } from './tables.js';

/** What a mask does. */
export type MaskEffect = 'hides-all' | 'restricts' | 'all' | 'no-gpu-container' | 'redirects-icd';

/** One mask variable that is set, with its effect. */
export interface EnvMask {
  variable: EnvMaskName;
  value: string;
  stack: string;
  capability: string;
  effect: MaskEffect;
  /** the device selectors left visible, for `restricts` */
  visible?: string[];
  /** one-line description of the effect */
  effect_text: string;
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * The effect of one mask value.
 * - CUDA_VISIBLE_DEVICES / HIP_ / ROCR_: an empty value (or -1) hides every GPU; a list keeps those
 *   indexes or UUIDs (CUDA stops at the first invalid entry).
 * - NVIDIA_VISIBLE_DEVICES (NVIDIA Container Toolkit): `all`; `none` (driver mounted, no GPU);
 *   `void` or empty (the toolkit does nothing: no driver, no GPU); or a list.
 * - OCL_ICD_VENDORS (ocl-icd): the ICD loader reads vendor files from this path instead of /etc/OpenCL/vendors.
 */
export function maskEffect(variable: EnvMaskName, value: string): EnvMask {
  const { stack, capability } = ENV_MASKS[variable];
  const base = { variable, value, stack, capability };
  const v = value.trim();
  if (variable === 'OCL_ICD_VENDORS') {
    return { ...base, effect: 'redirects-icd', effect_text: `the OpenCL ICD loader reads vendor files from ${v || '(empty)'} instead of /etc/OpenCL/vendors` };
  }
  if (variable === 'NVIDIA_VISIBLE_DEVICES') {
    if (v === 'all') return { ...base, effect: 'all', effect_text: 'the container toolkit exposes every GPU' };
    if (v === 'none') return { ...base, effect: 'hides-all', effect_text: 'the container toolkit mounts the driver but no GPU' };
    if (v === '' || v === 'void') return { ...base, effect: 'no-gpu-container', effect_text: 'the container toolkit does nothing: no driver and no GPU in the container' };
    return { ...base, effect: 'restricts', visible: list(v), effect_text: `the container toolkit exposes only ${list(v).join(', ')}` };
  }
  if (v === '' || v === '-1' || list(v).length === 0) return { ...base, effect: 'hides-all', effect_text: `${stack.toUpperCase()} sees no GPU` };
  return { ...base, effect: 'restricts', visible: list(v), effect_text: `${stack.toUpperCase()} sees only devices ${list(v).join(', ')}` };
}

/** The masks set in an environment, read through a getter (Host.env), in table order. */
export function readMasks(env: (name: string) => string | undefined): EnvMask[] {
  const out: EnvMask[] = [];
  for (const name of Object.keys(ENV_MASKS) as EnvMaskName[]) {
    const v = env(name);
    if (v !== undefined) out.push(maskEffect(name, v));
  }
  return out;
}
