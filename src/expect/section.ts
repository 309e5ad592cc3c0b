/** The report's `expectations` section: a check's verdicts in the report, each with a stable id. */
import type { ExpectationsSection, RequirementVerdict } from '../types.js';
import type { CheckResult, Verdict } from './model.js';

/**
 * The constraint a label states, without its value: thresholds change, ids must not (a Prometheus
 * series or a dashboard keyed on the id survives `min: 1 GB/s` becoming `min: 2 GB/s`).
 */
function constraintOf(v: Verdict): string {
  const rest = v.label.slice(v.subject.length).trim();
  if (v.kind === 'capability') return rest.replace(/\s+/g, '-'); // "usable", "not-advertised"
  const parts: string[] = [];
  for (const [re, name] of [
    [/speedup ≥/, 'speedup-min'],
    [/speedup ≤/, 'speedup-max'],
    [/(^|, )≥/, 'min'],
    [/(^|, )≤/, 'max'],
    [/(^|, )=/, 'equals'],
    [/satisfies /, 'semver'],
    [/matches \//, 'matches'],
  ] as const) {
    if (re.test(rest)) parts.push(name);
  }
  return parts.join('+') || 'present';
}

/** A verdict's stable id: `expectation:subject:constraint`, with `#2`… for repeats within one set. */
export function requirementIds(verdicts: readonly Verdict[]): string[] {
  const seen = new Map<string, number>();
  return verdicts.map((v) => {
    const base = `${v.expectation}:${v.subject}:${constraintOf(v)}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

/** Builds the section from a check. */
export function expectationsSection(check: CheckResult): ExpectationsSection {
  const ids = requirementIds(check.verdicts);
  const requirements: RequirementVerdict[] = check.verdicts.map((v, i) => ({
    id: ids[i],
    expectation: v.expectation,
    kind: v.kind,
    subject: v.subject,
    label: v.label,
    severity: v.severity,
    status: v.status,
    reasons: v.reasons,
    ...(v.why ? { why: v.why } : {}),
    origin: { source: v.origin.source, path: v.origin.path, ...(v.origin.line ? { line: v.origin.line } : {}) },
  }));
  const inconclusive = requirements.filter((r) => r.status === 'inconclusive').length;
  return {
    ok: check.ok,
    passed: check.passed,
    failed: check.failed,
    warned: check.warned,
    ...(inconclusive ? { inconclusive } : {}),
    sets: check.expectations.map((e) => ({ name: e.name, source: e.source })),
    requirements,
  };
}
