/**
 * CI detection with ci-info's own vendor table (vendors.json), evaluated against Host.env so that
 * captures replay. Mirrors ci-info's index.js: https://github.com/watson/ci-info/blob/master/index.js
 */
import type { CiVendor } from '../../src/host/env-allowlist.js';

/** Reads one environment variable (Host.env). */
export type EnvReader = (name: string) => string | undefined;

/** facts.ci */
export interface CiFacts {
  isCI: boolean;
  vendor: string | null;
  constant: string | null;
  pr: boolean | null;
}

/**
 * Variables ci-info treats as "some CI" without naming a vendor. Names outside the Host's
 * allowlist (CI_APP_ID...) read as unset, which only matters for vendor-less CI systems.
 */
export const GENERIC_CI_VARS = [
  'BUILD_ID',
  'BUILD_NUMBER',
  'CI',
  'CI_APP_ID',
  'CI_BUILD_ID',
  'CI_BUILD_NUMBER',
  'CI_NAME',
  'CONTINUOUS_INTEGRATION',
  'RUN_ID',
] as const;

/** Evaluates one vendor `env` spec: a name (set), {any:[...]}, {env, includes} or {NAME: value,...}. */
export function checkEnvSpec(spec: unknown, env: EnvReader): boolean {
  if (typeof spec === 'string') return !!env(spec);
  if (Array.isArray(spec)) return spec.every((s) => checkEnvSpec(s, env));
  if (!spec || typeof spec !== 'object') return false;
  const o = spec as Record<string, unknown>;
  if (typeof o.env === 'string') {
    const v = env(o.env);
    return typeof o.includes === 'string' && v !== undefined && v.includes(o.includes);
  }
  if (Array.isArray(o.any)) return o.any.some((k) => typeof k === 'string' && !!env(k));
  return Object.keys(o).every((k) => env(k) === o[k]);
}

/** Evaluates a vendor's `pr` spec; null when the vendor has none. */
export function checkPrSpec(spec: unknown, env: EnvReader): boolean | null {
  if (spec === undefined || spec === null) return null;
  if (typeof spec === 'string') return !!env(spec);
  if (typeof spec !== 'object' || Array.isArray(spec)) return null;
  const o = spec as Record<string, unknown>;
  if (typeof o.env === 'string') {
    const v = env(o.env);
    if (Array.isArray(o.any)) return o.any.some((k) => v === k);
    return v !== undefined && v !== o.ne;
  }
  if (Array.isArray(o.any)) return o.any.some((k) => typeof k === 'string' && !!env(k));
  return checkEnvSpec(o, env);
}

/** Detects the CI system from the environment. As in ci-info, CI=false turns detection off, and the last matching vendor wins. */
export function detectCi(env: EnvReader, vendors: readonly CiVendor[]): CiFacts {
  if (env('CI') === 'false') return { isCI: false, vendor: null, constant: null, pr: null };
  let match: CiVendor | undefined;
  for (const v of vendors) if (checkEnvSpec(v.env, env)) match = v;
  const generic = GENERIC_CI_VARS.some((n) => !!env(n));
  return {
    isCI: !!match || generic,
    vendor: match?.name ?? null,
    constant: match?.constant ?? null,
    pr: match ? checkPrSpec(match.pr, env) : null,
  };
}
