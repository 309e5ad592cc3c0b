/**
 * The ids an expectation may name: capability and metric ids drawn from the probes' own tables,
 * fact roots, and "did you mean" suggestions for the rest.
 */
import { ARM_LEVELS, SIMD_TABLES, X86_64_LEVEL_NAMES } from '../../probes/cpu/tables.js';
import { CPU_METRICS } from '../../probes/cpu/calibrate.js';
import { ENV_FINDINGS } from '../../probes/environment/findings.js';
import { CRYPTO_CAPABILITY_IDS, CRYPTO_KERNELS } from '../../probes/crypto/tables.js';
import { BACKENDS, KERNELS, metricId } from '../../probes/ml/tables.js';
import { GPU_VENDORS } from '../../probes/gpu/tables.js';
import { ACCELERATORS } from '../../probes/accelerators/tables.js';
import { AS_IS as NUMPY_MATMUL, UNMASKED as NUMPY_MATMUL_UNMASKED } from '../../probes/frameworks/calibrate.js';
import type { Report } from '../types.js';

/** Ids a probe can emit. A trailing `*` names an open family (`cpu.isa.riscv.*`). Leaving a kind out means "not declared". */
export interface ProbeVocabulary {
  capabilities?: readonly string[];
  metrics?: readonly string[];
}

/**
 * Capability domains (the first segment of an id, DESIGN §6) and the probes that own them.
 * A domain is checked strictly once every owner declares its ids below; until then ids in it
 * are accepted and judged against the report (a probe still being written cannot be wrong).
 */
export const DOMAINS = {
  cpu: ['cpu'],
  crypto: ['crypto'],
  gpu: ['gpu'],
  accel: ['accelerators'],
  ml: ['ml', 'frameworks'],
  frameworks: ['frameworks'],
  env: ['environment'],
} as const satisfies Record<string, readonly string[]>;

/** Probe ids of DESIGN §4 (registered or not yet): the roots a `fact` may start with, besides runtime and host. */
export const FACT_ROOTS = ['runtime', 'host', 'cpu', 'crypto', 'gpu', 'accelerators', 'ml', 'frameworks', 'environment'] as const;

/** Each probe's ids, derived from its tables. A probe adds a row here when it lands. */
export const PROBE_VOCABULARIES: Readonly<Record<string, () => ProbeVocabulary>> = {
  cpu: () => ({
    capabilities: [
      ...new Set(Object.values(SIMD_TABLES).flatMap((rows) => rows.map((r) => `cpu.simd.${r.id}`))),
      ...X86_64_LEVEL_NAMES.map((l) => `cpu.isa.${l}`),
      ...ARM_LEVELS.map((r) => `cpu.isa.${r.level}`),
      'cpu.isa.riscv.*',
      'cpu.wasm.simd128', // set by probes/cpu/index.ts from the WASM SIMD check, not from a flag table
    ],
    metrics: CPU_METRICS,
  }),
  crypto: () => ({
    // crypto.qat: DESIGN §6 (Intel QuickAssist, from probes/crypto/devices.ts)
    capabilities: [...CRYPTO_CAPABILITY_IDS.map((id) => `crypto.${id}`), 'crypto.qat'],
    metrics: CRYPTO_KERNELS.map((k) => k.metric),
  }),
  ml: () => ({
    capabilities: BACKENDS.map((b) => b.capability),
    metrics: KERNELS.flatMap((k) => BACKENDS.map((b) => metricId(k, b.id))),
  }),
  gpu: () => ({
    // gpu.<vendor> from the vendor table; the stacks of probes/gpu/derive.ts and detect-darwin.ts (metal)
    capabilities: [...GPU_VENDORS.map((v) => `gpu.${v}`), 'gpu.cuda', 'gpu.rocm', 'gpu.opencl', 'gpu.vulkan', 'gpu.metal'],
    // per-device metrics: gpu.opencl.<device>.<kernel>, gpu.cuda.<device>.<kernel>
    metrics: ['gpu.opencl.*', 'gpu.cuda.*'],
  }),
  accelerators: () => ({
    // accel.amx and accel.ane are set from CPU flags and the CPU brand, not from the PCI table
    capabilities: [...Object.keys(ACCELERATORS), 'accel.amx', 'accel.ane'],
    metrics: [],
  }),
  frameworks: () => ({
    capabilities: ['ml.numpy.simd.*', 'ml.torch.cuda', 'ml.torch.mps', 'ml.tf.gpu', 'ml.jax.gpu', 'ml.onnxruntime.*'],
    metrics: [NUMPY_MATMUL, NUMPY_MATMUL_UNMASKED],
  }),
  environment: () => ({
    capabilities: [...new Set(Object.values(ENV_FINDINGS).map((f) => f.capability))],
    metrics: [],
  }),
};

/** What kind of id. */
export type IdKind = 'capability' | 'metric';

/** The known ids of one kind, and the domains whose ids are not all declared. */
export interface Vocabulary {
  exact: Set<string>;
  families: string[];
  openDomains: Set<string>;
}

/** Builds the vocabulary of one kind, adding the ids a report at hand contains. */
export function vocabulary(kind: IdKind, reports: readonly Report[] = []): Vocabulary {
  const key = kind === 'capability' ? 'capabilities' : 'metrics';
  const exact = new Set<string>();
  const families: string[] = [];
  const openDomains = new Set<string>();
  for (const [domain, owners] of Object.entries(DOMAINS)) {
    for (const owner of owners) {
      const ids = PROBE_VOCABULARIES[owner]?.()[key];
      if (!ids) {
        openDomains.add(domain);
        continue;
      }
      for (const id of ids) id.endsWith('*') ? families.push(id.slice(0, -1)) : exact.add(id);
    }
  }
  for (const r of reports) for (const id of Object.keys(kind === 'capability' ? r.capabilities : r.metrics)) exact.add(id);
  return { exact, families, openDomains };
}

/** Whether an id is known; `open` when it is accepted only because its domain declares no ids yet. */
export function lookup(v: Vocabulary, id: string): 'known' | 'open' | 'unknown' {
  if (v.exact.has(id) || v.families.some((f) => id.startsWith(f) && id.length > f.length)) return 'known';
  const domain = id.split('.')[0];
  return v.openDomains.has(domain) ? 'open' : 'unknown';
}

/** Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length];
}

/** The closest candidates to a misspelled id (at most 3, within a third of its length). */
export function suggest(id: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(id.length / 3));
  const scored: [number, string][] = [];
  for (const c of candidates) {
    const d = editDistance(id, c);
    if (d <= limit) scored.push([d, c]);
  }
  return scored
    .sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1))
    .slice(0, 3)
    .map(([, c]) => c);
}

/** "; did you mean X?" or "" — used in error messages. */
export function didYouMean(id: string, candidates: Iterable<string>): string {
  const s = suggest(id, candidates);
  return s.length ? `; did you mean ${s.map((x) => `"${x}"`).join(' or ')}?` : '';
}

/** All candidates of a vocabulary (exact ids and family prefixes), for suggestions. */
export function candidates(v: Vocabulary): string[] {
  return [...v.exact, ...v.families.map((f) => `${f}*`)];
}
