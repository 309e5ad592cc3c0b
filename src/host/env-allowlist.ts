/**
 * The environment allowlist: the only variables a Host will read. Anything else (tokens, keys,
 * passwords) never reaches a probe, a report or a capture.
 */
import { createRequire } from 'node:module';
import { byCodeUnit } from '../canonical.js';

const require = createRequire(import.meta.url);

/** A vendor entry of ci-info's vendors.json (the data ci-info itself detects CI with). */
export interface CiVendor {
  name: string;
  constant: string;
  env: unknown;
  pr?: unknown;
}

/** ci-info's vendor table, loaded lazily. */
export function ciVendors(): CiVendor[] {
  return require('ci-info/vendors.json') as CiVendor[];
}

/** Variables that change what hardware software can use, read with their values. */
export const MASK_VARS = [
  'ATEN_CPU_CAPABILITY',
  'CONDA_PREFIX', // the active conda environment's interpreter (frameworks probe)
  'CUDA_VISIBLE_DEVICES',
  'GLIBC_TUNABLES',
  'GOTO_NUM_THREADS',
  'GPU_DEVICE_ORDINAL',
  'HIP_VISIBLE_DEVICES',
  'LD_BIND_NOW',
  'MKL_CBWR',
  'MKL_DEBUG_CPU_TYPE',
  'MKL_ENABLE_INSTRUCTIONS',
  'MKL_NUM_THREADS',
  'NPY_DISABLE_CPU_FEATURES',
  'NPY_ENABLE_CPU_FEATURES',
  'NVIDIA_DRIVER_CAPABILITIES',
  'NVIDIA_VISIBLE_DEVICES',
  'OCL_ICD_VENDORS',
  'OMP_NUM_THREADS',
  'ONEDNN_MAX_CPU_ISA',
  'OPENBLAS_CORETYPE',
  'OPENBLAS_L2_SIZE',
  'OPENBLAS_NUM_THREADS',
  'OPENSSL_armcap',
  'OPENSSL_ia32cap',
  'OPENSSL_ppccap',
  'OPENSSL_s390xcap',
  'PATH', // which python3/python a deploy runs (frameworks probe)
  'ROCR_VISIBLE_DEVICES',
  'TF_CPP_MIN_LOG_LEVEL',
  'TF_ENABLE_ONEDNN_OPTS',
  'UV_THREADPOOL_SIZE',
  'VIRTUAL_ENV', // the active virtualenv's interpreter (frameworks probe)
  'ZE_AFFINITY_MASK',
] as const;

/** Variables that identify the environment (container, CI), read with their values. */
export const CONTEXT_VARS = [
  'CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'container', 'NODE',
  // Windows: the machine's processor, against the process's architecture (emulated x64 on ARM64)
  'PROCESSOR_IDENTIFIER', 'PROCESSOR_ARCHITEW6432',
] as const;

/** Variables whose presence matters but whose value is an address or identifier: read as "<set>". */
export const PRESENCE_VARS = ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_PORT'] as const;

/** Names referenced by a ci-info vendor env spec (string, list, {any:[...]}, {NAME: value}, {env, includes}). */
function specNames(spec: unknown, out: Set<string>): void {
  if (typeof spec === 'string') out.add(spec);
  else if (Array.isArray(spec)) spec.forEach((s) => specNames(s, out));
  else if (spec && typeof spec === 'object') {
    const o = spec as Record<string, unknown>;
    if (typeof o.env === 'string') out.add(o.env);
    else if (Array.isArray(o.any)) specNames(o.any, out);
    else for (const k of Object.keys(o)) if (k !== 'ne' && k !== 'includes' && k !== 'any') out.add(k);
  }
}

let cached: Map<string, 'value' | 'presence'> | undefined;

/** name → how it is read. */
export function envAllowlist(): ReadonlyMap<string, 'value' | 'presence'> {
  if (cached) return cached;
  const names = new Set<string>();
  for (const v of ciVendors()) {
    specNames(v.env, names);
    specNames(v.pr, names);
  }
  const m = new Map<string, 'value' | 'presence'>();
  for (const n of [...names, ...MASK_VARS, ...CONTEXT_VARS]) m.set(n, 'value');
  for (const n of PRESENCE_VARS) m.set(n, 'presence');
  cached = m;
  return m;
}

/**
 * An allowlisted value as probes and captures see it: the userinfo of every URL in it stripped
 * (JENKINS_URL=https://user:token@ci/ carries a credential; no probe needs it).
 */
export function allowedValue(v: string): string {
  return v.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1');
}

/** Reads the allowlisted part of an environment object, sorted by name. */
export function readAllowedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, mode] of [...envAllowlist()].sort(([a], [b]) => byCodeUnit(a, b))) {
    const v = env[name];
    if (v === undefined) continue;
    out[name] = mode === 'presence' ? '<set>' : allowedValue(v);
  }
  return out;
}
