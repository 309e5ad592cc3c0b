/**
 * Physical bounds on facts and folding of findings, applied in one place: the report builder
 * (issue 13 §4). Tools print what they like — negative memory, 9.5e19 MiB, a libc version of
 * "99999999999999999999999.9", a million GPUs, the same finding 20 000 times — and every parser
 * trusting them put it into the report. Here a value outside what any machine can have is dropped
 * (set to null, lists cut) with a finding that quotes it, and identical findings become one.
 */
import type { Finding } from './types.js';

/** The report builder's own finding codes. */
export const REPORT_FINDINGS = {
  FACT_OUT_OF_BOUNDS: {
    severity: 'warning',
    message: (a: Record<string, unknown>) => `${a.probe} fact ${a.path} = ${a.value} is outside physical bounds (${a.why}): dropped`,
    hint: 'a tool or file printed a value no machine can have: run that tool by hand, and file a capture (`hwprobe capture`) when it is a real machine',
  },
  TOOL_OUTPUT_UNREADABLE: {
    severity: 'warning',
    message: (a: Record<string, unknown>) => `${a.source} (${a.probe} probe) printed output hwprobe cannot read: ${a.quote}`,
    hint: 'run the tool by hand: a wrapper or a different tool of the same name earlier in PATH prints something else; its facts were not used',
  },
} as const;

/** The evidence detail a probe gives a source whose output it could not read; the builder turns it into TOOL_OUTPUT_UNREADABLE. */
export const UNREADABLE = 'unreadable output';

/** TOOL_OUTPUT_UNREADABLE for each evidence entry marked unreadable that no finding of its probe already names. */
export function unreadableFindings(probe: string, evidence: readonly { source: string; ok: boolean; detail?: string }[], findings: readonly Finding[]): Finding[] {
  const t = REPORT_FINDINGS.TOOL_OUTPUT_UNREADABLE;
  const named = (tool: string) => findings.some((f) => Object.values(f.args ?? {}).some((v) => typeof v === 'string' && v.split(' ')[0] === tool));
  return evidence
    .filter((e) => !e.ok && e.detail?.startsWith(UNREADABLE) && !named(e.source.split(' ')[0]))
    .map((e) => {
      const args = { probe, source: e.source, quote: e.detail!.slice(0, 200) };
      return { code: 'TOOL_OUTPUT_UNREADABLE', severity: t.severity, message: t.message(args), args, hint: t.hint };
    });
}

/** Longest list kept in facts (a machine with more GPUs, caches or device nodes than this is not one). */
export const MAX_FACT_LIST = 4096;
/** At most this many bound findings per probe; the last one says how many more there were. */
const MAX_BOUND_FINDINGS = 20;
/** At most this many findings of one code per report, identical ones first folded into one. */
const MAX_PER_CODE = 50;

type Rule = { test: (key: string) => boolean; ok: (v: number) => boolean; why: string };

/** Bounds by key name: units in the name say what is possible. Generous: only the impossible is dropped. */
const NUMBER_RULES: Rule[] = [
  { test: (k) => /MiB$/i.test(k), ok: (v) => v >= 0 && v <= 2 ** 40, why: 'memory must lie between 0 and 1 EiB' },
  { test: (k) => /(Bytes|Kb|KiB)$/i.test(k), ok: (v) => v >= 0 && v <= 2 ** 60, why: 'a size must lie between 0 and 1 EiB' },
  { test: (k) => /(MHz|Hz)$/i.test(k), ok: (v) => v >= 0 && v <= 1e12, why: 'a clock must lie between 0 and 1 THz' },
  {
    test: (k) => /(^|[a-z])(count|Count|Cpus|cpus|Cores|cores|Units|Threads|threads|devices|Devices)$/.test(k),
    ok: (v) => Number.isInteger(v) && v >= 0 && v <= 1 << 20,
    why: 'a count must be a whole number between 0 and 1048576',
  },
];

/** A version string: dotted numbers of sane length (glibc 2.39, CUDA 12.4, driver 550.54.15). */
const isVersionKey = (k: string) => /(^v|V)ersion$/.test(k);
const saneVersion = (s: string) => s.length <= 128 && !/\d{10,}/.test(s);

const quote = (v: unknown) => {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Drops out-of-bounds values from a probe's facts in place; returns the findings quoting them.
 * Walks iteratively with a depth cap, so hostile nesting cannot exhaust the stack.
 */
export function boundFacts(probe: string, facts: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  let dropped = 0;
  const report = (path: string, value: string, why: string) => {
    dropped++;
    if (out.length < MAX_BOUND_FINDINGS) out.push(boundFinding(probe, path, value, why));
  };
  const stack: { node: Record<string, unknown> | unknown[]; path: string; depth: number }[] = [{ node: facts, path: '', depth: 0 }];
  while (stack.length) {
    const { node, path, depth } = stack.pop()!;
    if (Array.isArray(node) && node.length > MAX_FACT_LIST) {
      report(path, `${node.length} entries`, `a list longer than ${MAX_FACT_LIST}`);
      node.length = MAX_FACT_LIST;
    }
    const entries: [string, unknown][] = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
    for (const [k, v] of entries) {
      const p = `${path}/${esc(k)}`;
      const set = (x: unknown) => ((node as Record<string, unknown>)[k] = x);
      if (typeof v === 'number') {
        const rule = NUMBER_RULES.find((r) => r.test(k));
        if (!Number.isFinite(v) || (rule && !rule.ok(v))) {
          report(p, quote(v), rule?.why ?? 'not a finite number');
          set(null);
        }
      } else if (typeof v === 'string') {
        if (isVersionKey(k) && !saneVersion(v)) {
          report(p, quote(v), 'not a version any release has');
          set(null);
        }
      } else if (v && typeof v === 'object') {
        if (depth >= 32) {
          report(p, 'nested deeper than 32 levels', 'facts are never this deep');
          set(null);
        } else stack.push({ node: v as Record<string, unknown>, path: p, depth: depth + 1 });
      }
    }
  }
  if (dropped > out.length && out.length) out[out.length - 1].evidence = [`and ${dropped - out.length} more values dropped in ${probe}`];
  return out;
}

function boundFinding(probe: string, path: string, value: string, why: string): Finding {
  const t = REPORT_FINDINGS.FACT_OUT_OF_BOUNDS;
  const args = { probe, path, value, why };
  return { code: 'FACT_OUT_OF_BOUNDS', severity: t.severity, message: t.message(args), args, hint: t.hint };
}

/** Longest evidence list kept on a capability (one line per GPU of a million-GPU listing is not evidence). */
const MAX_EVIDENCE = 64;

/** Cuts capability evidence lists past MAX_EVIDENCE in place, saying how many lines were left out. */
export function boundEvidence(caps: Record<string, { evidence: string[] }>): void {
  for (const c of Object.values(caps)) {
    if (c.evidence.length > MAX_EVIDENCE) c.evidence = [...c.evidence.slice(0, MAX_EVIDENCE), `… and ${c.evidence.length - MAX_EVIDENCE} more lines`];
  }
}

/**
 * Folds findings: identical ones (code, capability, message, args) become one whose evidence says
 * how often it came; past MAX_PER_CODE of one code, the rest are counted on the last one kept.
 */
export function foldFindings(fs: readonly Finding[]): Finding[] {
  const byKey = new Map<string, { f: Finding; n: number }>();
  for (const f of fs) {
    const k = JSON.stringify([f.code, f.capability ?? null, f.message, f.args ?? null]);
    const seen = byKey.get(k);
    if (seen) seen.n++;
    else byKey.set(k, { f, n: 1 });
  }
  const perCode = new Map<string, { kept: number; last?: Finding; extra: number }>();
  const out: Finding[] = [];
  for (const { f, n } of byKey.values()) {
    const c = perCode.get(f.code) ?? { kept: 0, extra: 0 };
    perCode.set(f.code, c);
    if (c.kept >= MAX_PER_CODE) {
      c.extra += n;
      continue;
    }
    const g = n > 1 ? { ...f, evidence: [...(f.evidence ?? []), `reported ${n} times`] } : f;
    out.push(g);
    c.kept++;
    c.last = g;
  }
  for (const c of perCode.values()) if (c.extra && c.last) c.last.evidence = [...(c.last.evidence ?? []), `and ${c.extra} more findings of this code`];
  return out;
}
