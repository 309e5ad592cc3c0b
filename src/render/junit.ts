/**
 * JUnit XML (the Jenkins/Ant dialect CI systems read): one testsuite per expectation set with one
 * testcase per requirement; a baseline diff is one more suite; a plain run is one testcase per probe.
 * A failed error-severity requirement is a <failure>; a failed warning is <skipped> (shown, not failing).
 */
import type { Outcome } from './outcome.js';
import type { Report } from '../types.js';
import { DOMAINS } from '../expect/vocabulary.js';

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry. */
export function xml(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;');
}

/** Content text keeps its newlines. */
const text = (s: string) => xml(s).replace(/&#10;/g, '\n');

interface Case {
  name: string;
  classname: string;
  /** seconds */
  time: number;
  failure?: { message: string; body: string };
  error?: { message: string; body: string };
  skipped?: string;
  skippedBody?: string;
  out?: string;
}

/** Seconds as JUnit writes them: three decimals at most, no float noise. */
const secs = (s: number) => String(Math.round(s * 1000) / 1000);

function suite(name: string, cases: Case[], timestamp: string, time: number): string {
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const lines = [`  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(time)}" timestamp="${xml(timestamp)}">`];
  for (const c of cases) {
    const inner: string[] = [];
    // the warning's text in the message (the dashboards' one-line view) and in the body (their detail view)
    if (c.skipped !== undefined) inner.push(`      <skipped message="${xml(c.skipped)}">${text(c.skippedBody ?? c.skipped)}</skipped>`);
    if (c.error) inner.push(`      <error message="${xml(c.error.message)}" type="error">${text(c.error.body)}</error>`);
    if (c.failure) inner.push(`      <failure message="${xml(c.failure.message)}" type="failure">${text(c.failure.body)}</failure>`);
    if (c.out) inner.push(`      <system-out>${text(c.out)}</system-out>`);
    const open = `    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}" time="${secs(c.time)}"`;
    lines.push(inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`);
  }
  lines.push('  </testsuite>');
  return lines.join('\n');
}

/**
 * Seconds a probe took (detection plus calibration), from the report. A requirement's case takes
 * the time of the probes that produced its subject (DOMAINS: the id's first segment; a fact's root
 * is a probe id), since that is what the run spent to answer it; runtime and host facts cost nothing.
 */
function probeSeconds(r: Report | undefined): Map<string, number> {
  return new Map(Object.entries(r?.probes ?? {}).map(([id, p]) => [id, (p.durationMs + (p.calibrationMs ?? 0)) / 1000]));
}

function ownersOf(subject: string, kind: string, r: Report | undefined): string[] {
  const root = subject.split('.')[0];
  if (kind === 'fact') return r?.probes[root] ? [root] : [];
  return [...((DOMAINS as Record<string, readonly string[]>)[root] ?? [])].filter((p) => r?.probes[p]);
}

/** Renders an outcome as JUnit XML. */
export function renderJunit(o: Outcome): string {
  const took = probeSeconds(o.report);
  const timeOf = (probes: Iterable<string>) => [...new Set(probes)].reduce((s, p) => s + (took.get(p) ?? 0), 0);
  const ts = (o.report?.createdAt ?? o.diff?.current.createdAt ?? new Date().toISOString()).replace(/\.\d+Z$/, '').replace(/Z$/, '');
  const suites: { name: string; cases: Case[]; time: number }[] = [];
  if (o.check) {
    for (const e of o.check.expectations) {
      const cases: Case[] = o.check.verdicts
        .filter((v) => v.expectation === e.name)
        .map((v) => {
          const body = [...v.reasons, ...(v.why ? [`needed because: ${v.why}`] : []), `required at ${v.origin.source} ${v.origin.path}${v.origin.line ? ` (line ${v.origin.line})` : ''}`].join('\n');
          const c: Case = { name: v.label, classname: `hwprobe.expect.${e.name}`, time: timeOf(ownersOf(v.subject, v.kind, o.report)) };
          if (v.status === 'pass') c.out = v.reasons.join('\n');
          else if (v.status === 'inconclusive') ((c.skipped = `inconclusive (does not fail the gate unless strict): ${v.reasons[0] ?? ''}`), (c.skippedBody = body), (c.out = body));
          else if (v.severity === 'error') c.failure = { message: v.reasons[0] ?? 'failed', body };
          else ((c.skipped = `warning (does not fail the gate): ${v.reasons[0] ?? ''}`), (c.skippedBody = body), (c.out = body));
          return c;
        });
      const owners = o.check.verdicts.filter((v) => v.expectation === e.name).flatMap((v) => ownersOf(v.subject, v.kind, o.report));
      suites.push({ name: `expect: ${e.name}`, cases, time: timeOf(owners) });
    }
  }
  if (o.diff) {
    const cases: Case[] = [];
    for (const c of o.diff.capabilities) {
      const k: Case = { name: `capability ${c.id}`, classname: 'hwprobe.diff.capabilities', time: 0 };
      if (c.change === 'lost' || c.change === 'degraded') k.failure = { message: c.summary, body: [c.summary, ...c.explanation].join('\n') };
      else if (c.change === 'unknown') k.skipped = c.summary;
      else k.out = c.summary;
      cases.push(k);
    }
    for (const m of o.diff.metrics) {
      const k: Case = { name: `metric ${m.id}`, classname: 'hwprobe.diff.metrics', time: 0 };
      if (m.status === 'regressed' || m.status === 'wrong') k.failure = { message: m.summary, body: [m.summary, ...m.explanation].join('\n') };
      else if (m.status === 'unmeasured' || m.status === 'noisy') k.skipped = m.summary;
      else k.out = m.summary;
      cases.push(k);
    }
    if (!cases.length) cases.push({ name: 'no capability or metric changed', classname: 'hwprobe.diff', time: 0, out: 'no differences' });
    // comparing two reports takes no measurable time: the measurements were made when they were written
    suites.push({ name: 'baseline diff', cases, time: 0 });
  }
  if (o.report && !o.check && !o.diff) {
    const cases: Case[] = Object.entries(o.report.probes).map(([id, p]) => {
      const k: Case = { name: `probe ${id}`, classname: 'hwprobe.probes', time: took.get(id) ?? 0 };
      if (p.status === 'error' || p.status === 'timeout') k.error = { message: `${p.status}${p.error ? `: ${p.error}` : ''}`, body: p.error ?? p.status };
      else if (p.status !== 'ok') k.skipped = p.status;
      return k;
    });
    suites.push({ name: 'probes', cases, time: timeOf(took.keys()) });
  }
  const all = suites.flatMap((s) => s.cases);
  const count = (f: (c: Case) => unknown) => all.filter(f).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hwprobe" tests="${all.length}" failures="${count((c) => c.failure)}" errors="${count((c) => c.error)}" time="${secs(timeOf(took.keys()))}">`,
    ...suites.map((s) => suite(s.name, s.cases, ts, s.time)),
    '</testsuites>',
    '',
  ].join('\n');
}
