/**
 * The ids an expectation may name, all derived from the probe registry: each probe declares its
 * capability ids, metric ids, finding codes and fact keys (`Probe.vocabulary`), the engine its own
 * (src/engine-vocabulary.ts). Also "did you mean" suggestions for the rest.
 */
import { PROBES } from '../../probes/index.js';
import { ENGINE_VOCABULARY } from '../engine-vocabulary.js';
import type { FindingTable, Report } from '../types.js';

/** `*` is one dot-free segment, or when last any non-empty rest (`cpu.isa.riscv.*`). */
function patternRegExp(pattern: string): RegExp {
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  const body = parts.map((p, i) => (i === 0 ? p : (i === parts.length - 1 && pattern.endsWith('*') ? '.+' : '[^.]+') + p)).join('');
  return new RegExp(`^${body}$`);
}

const compiled = new Map<string, RegExp>();
/** Whether `id` is `pattern` or matches it (a pattern with `*`). */
export function idMatches(pattern: string, id: string): boolean {
  if (!pattern.includes('*')) return pattern === id;
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = patternRegExp(pattern)));
  return re.test(id);
}

/** The first segment of an id (its domain, DESIGN §6). */
const domainOf = (id: string) => id.split('.')[0];

/**
 * Capability and metric domains and the probes that own them, derived from the ids each probe
 * declares: `ml` is owned by ml and frameworks (ml.tfjs.*, ml.numpy.*), `frameworks` by frameworks.
 */
export const DOMAINS: Readonly<Record<string, readonly string[]>> = (() => {
  const out: Record<string, string[]> = {};
  for (const p of PROBES) {
    for (const id of [...p.vocabulary.capabilities, ...Object.keys(p.vocabulary.metrics)]) {
      const owners = (out[domainOf(id)] ??= []);
      if (!owners.includes(p.id)) owners.push(p.id);
    }
  }
  return out;
})();

/** The probes that own an id's domain (empty when none does). */
export function domainOwners(id: string): readonly string[] {
  return DOMAINS[domainOf(id)] ?? [];
}

/** The roots a `fact` may start with: runtime, host, and every probe id. */
export const FACT_ROOTS: readonly string[] = [...Object.keys(ENGINE_VOCABULARY.facts), ...PROBES.map((p) => p.id)];

/** The top-level keys a fact root declares (a probe's facts, or the report's runtime/host sections). */
export function factKeys(root: string): readonly string[] | undefined {
  return (ENGINE_VOCABULARY.facts as Record<string, readonly string[]>)[root] ?? PROBES.find((p) => p.id === root)?.vocabulary.facts;
}

/** Every findings table, by its exported name, with who emits it: the engine's first, then each probe's in registry order. */
export function findingTables(): { name: string; source: string; table: FindingTable; fixes: Readonly<Record<string, string>> }[] {
  return [
    ...Object.entries(ENGINE_VOCABULARY.findings).map(([name, table]) => ({ name, source: ENGINE_VOCABULARY.source, table, fixes: ENGINE_VOCABULARY.fixes })),
    ...PROBES.flatMap((p) => Object.entries(p.vocabulary.findings).map(([name, table]) => ({ name, source: p.id, table, fixes: p.vocabulary.fixes ?? {} }))),
  ];
}

/** What kind of id. */
export type IdKind = 'capability' | 'metric';

/** The known ids of one kind: exact ids and patterns with `*`. */
export interface Vocabulary {
  exact: Set<string>;
  families: string[];
}

/** The declared ids of one kind across the registry. */
export function declaredIds(kind: IdKind): string[] {
  return PROBES.flatMap((p) => (kind === 'capability' ? [...p.vocabulary.capabilities] : Object.keys(p.vocabulary.metrics)));
}

/** Builds the vocabulary of one kind, adding the ids a report at hand contains. */
export function vocabulary(kind: IdKind, reports: readonly Report[] = []): Vocabulary {
  const exact = new Set<string>();
  const families: string[] = [];
  for (const id of declaredIds(kind)) id.includes('*') ? families.push(id) : exact.add(id);
  for (const r of reports) for (const id of Object.keys(kind === 'capability' ? r.capabilities : r.metrics)) exact.add(id);
  return { exact, families };
}

/** Whether an id is known. */
export function lookup(v: Vocabulary, id: string): 'known' | 'unknown' {
  return v.exact.has(id) || v.families.some((f) => idMatches(f, id)) ? 'known' : 'unknown';
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

/** All candidates of a vocabulary (exact ids and patterns), for suggestions. */
export function candidates(v: Vocabulary): string[] {
  return [...v.exact, ...v.families];
}
