/**
 * Judging a report against expectations. Every failed requirement says why, from the report's
 * own evidence: the missing flags, the mask variable and its value, the probe that did not run,
 * the measured value against the required one. Unknown is not a pass. A measurement whose noise
 * leaves a requirement undecided is `inconclusive` (src/expect/noise.ts reads the intervals); it
 * gates like a warning unless the requirement, its file or the caller is strict.
 */
import { createRequire } from 'node:module';
import type { Capability, Finding, Metric, Report } from '../types.js';
import {
  LEVELS,
  type CapabilityRequirement,
  type CheckResult,
  type EvaluateOptions,
  type ExpectationSet,
  type FactRequirement,
  type MetricRequirement,
  type Requirement,
  type Verdict,
  type VerdictStatus,
} from './model.js';
import { fmtNum, inUnit, parseUnit, type Quantity } from './units.js';
import { fmtInterval, inconclusiveWhy, speedupInterval, valueInterval } from './noise.js';
import { optionText, type FrontDoor } from '../front-door.js';
import { didYouMean, domainOwners, lookup, vocabulary } from './vocabulary.js';
import { boundedMatch } from './pattern.js';

const require = createRequire(import.meta.url);

/** Judges a report against expectation sets; `strict` makes every inconclusive verdict fail. */
export function evaluate(report: Report, sets: readonly ExpectationSet[], opts: EvaluateOptions = {}): CheckResult {
  const verdicts: Verdict[] = [];
  for (const set of sets) {
    for (const req of set.requirements) {
      let { status, reasons } = judge(report, req, opts.door ?? 'cli');
      if (status === 'inconclusive' && (opts.strict || (req.strict ?? set.strict))) {
        status = 'fail';
        reasons = [`inconclusive, and this gate is strict${opts.strict ? ` (${opts.door === 'library' ? 'strict: true' : '--strict'})` : ''}: ${reasons[0] ?? 'the measurement decided neither way'}`, ...reasons.slice(1)];
      }
      verdicts.push({
        expectation: set.name,
        kind: req.kind,
        subject: req.id,
        label: labelOf(req),
        severity: req.severity,
        status,
        reasons,
        ...(req.why ? { why: req.why } : {}),
        origin: req.origin,
        ...boundsOf(req),
      });
    }
  }
  const failed = verdicts.filter((v) => v.status === 'fail' && v.severity === 'error').length;
  const warned = verdicts.filter((v) => v.status === 'fail' && v.severity === 'warning').length;
  const inconclusive = verdicts.filter((v) => v.status === 'inconclusive').length;
  return {
    expectations: sets.map((s) => ({ name: s.name, source: s.source })),
    verdicts,
    failed,
    warned,
    inconclusive,
    passed: verdicts.length - failed - warned - inconclusive,
    ok: failed === 0,
  };
}

function boundsOf(r: Requirement): Pick<Verdict, 'bounds'> {
  if (r.kind === 'capability') return {};
  const b: NonNullable<Verdict['bounds']> = [];
  for (const name of ['min', 'max'] as const) {
    const q = r[name];
    if (q) b.push({ name, value: q.value, unit: q.base ?? '' });
  }
  if (r.kind === 'metric') {
    if (r.speedup?.min !== undefined) b.push({ name: 'speedup-min', value: r.speedup.min, unit: 'x' });
    if (r.speedup?.max !== undefined) b.push({ name: 'speedup-max', value: r.speedup.max, unit: 'x' });
  }
  return b.length ? { bounds: b } : {};
}

/** A short human label of a requirement. */
export function labelOf(r: Requirement): string {
  if (r.kind === 'capability') return `${r.id} ${r.present ? '' : 'not '}${r.level}`;
  const parts: string[] = [];
  if (r.kind === 'metric') {
    if (r.min) parts.push(`≥ ${r.min.text}`);
    if (r.max) parts.push(`≤ ${r.max.text}`);
    if (r.speedup?.min !== undefined) parts.push(`speedup ≥ ×${r.speedup.min}`);
    if (r.speedup?.max !== undefined) parts.push(`speedup ≤ ×${r.speedup.max}`);
    return `${r.id} ${parts.join(', ')}`;
  }
  if (r.equals !== undefined) parts.push(`= ${String(r.equals)}`);
  if (r.min) parts.push(`≥ ${r.min.text}`);
  if (r.max) parts.push(`≤ ${r.max.text}`);
  if (r.semver) parts.push(`satisfies ${r.semver}`);
  if (r.matches) parts.push(`matches /${r.matches}/`);
  return `${r.id} ${parts.join(', ')}`;
}

function judge(report: Report, req: Requirement, door: FrontDoor): { status: VerdictStatus; reasons: string[] } {
  if (req.kind === 'capability') return capability(report, req, door);
  if (req.kind === 'metric') return metric(report, req, door);
  return fact(report, req);
}

const fail = (...reasons: string[]) => ({ status: 'fail' as const, reasons });
const pass = (...reasons: string[]) => ({ status: 'pass' as const, reasons });
const undecided = (...reasons: string[]) => ({ status: 'inconclusive' as const, reasons });

/** Why a capability or metric is missing from a report: the probe did not run, failed, or said nothing. */
export function whyAbsent(report: Report, id: string, what: 'capability' | 'metric', door: FrontDoor = 'cli'): string {
  const owners = domainOwners(id);
  const ran = owners.filter((o) => o in report.probes);
  if (!ran.length) {
    if (!owners.length) return `not reported: no probe covers "${id.split('.')[0]}."`;
    return `not probed: the ${owners.join('/')} probe did not run${owners.some((o) => report.options.probes.includes(o)) ? '' : ` (not in ${optionText(door, 'probes')}, or not in this hwprobe version)`}`;
  }
  const bad = ran.map((o) => [o, report.probes[o]] as const).find(([, p]) => p.status !== 'ok');
  if (bad) return `the ${bad[0]} probe ended with status ${bad[1].status}${bad[1].error ? `: ${bad[1].error}` : ''}`;
  const v = vocabulary(what, [report]);
  const known = lookup(v, id) === 'known';
  if (known && what === 'capability') return `not advertised: the ${ran.join('/')} probe reports no ${id} on this machine (${report.host.platform} ${report.host.arch})`;
  const near = known ? '' : didYouMean(id, Object.keys(what === 'capability' ? report.capabilities : report.metrics));
  return `not reported by the ${ran.join('/')} probe on this machine (${report.host.platform} ${report.host.arch})${near}`;
}

/**
 * Findings that explain a capability: its own and general mask findings its evidence names; when
 * it has none of its own, a mask finding filed under another capability whose variable its evidence names.
 */
export function relatedFindings(report: Report, id: string, c?: Capability): Finding[] {
  const text = c ? [...c.evidence, c.notes ?? ''].join('\n') : '';
  const names = (f: Finding) => c !== undefined && typeof f.args?.variable === 'string' && text.includes(f.args.variable);
  const own = report.findings.filter((f) => f.capability === id || (!f.capability && names(f)));
  if (own.some((f) => f.capability === id)) return own;
  return report.findings.filter((f) => f.capability === id || names(f));
}

/** A finding as one reason line, with the mask variable and its value when the finding carries them. */
export function findingReason(f: Finding): string {
  const a = f.args ?? {};
  const mask = typeof a.variable === 'string' && a.value !== undefined && a.value !== null ? `${a.variable}=${String(a.value)}` : undefined;
  const shown = mask && f.message.includes(String(a.variable)) && f.message.includes(String(a.value));
  const withMask = mask && !shown ? ` (${mask})` : '';
  return `${f.code}: ${f.message}${withMask}${f.hint ? `; hint: ${f.hint}` : ''}`;
}

function notMeasured(report: Report, door: FrontDoor): string | undefined {
  if (report.options.replay) return 'not measured: replayed from a capture (calibration never runs on replay)';
  if (report.options.calibrate === 'off') return `not measured: calibration off (run with ${optionText(door, 'calibrate', 'quick')})`;
  return undefined;
}

function capability(report: Report, r: CapabilityRequirement, door: FrontDoor) {
  const c = report.capabilities[r.id];
  if (!c) return fail(whyAbsent(report, r.id, 'capability', door));
  const evidence = [...c.evidence, ...relatedFindings(report, r.id, c).map(findingReason)];
  // Measured, but the probe's evidence decided neither way: inconclusive, not unknown.
  const open = (level: string) => {
    const why = level === 'effective' ? inconclusiveWhy(report, r.id, c) : undefined;
    return why === undefined ? undefined : undecided(`inconclusive whether it is ${level}: ${why}`, ...evidence);
  };
  if (!r.present) {
    const v = c[r.level];
    if (v === false) return pass(...evidence);
    if (v === true) return fail(`${r.level}, but required absent`, ...evidence);
    return open(r.level) ?? fail(`could not tell whether it is ${r.level}`, ...evidence);
  }
  for (const level of LEVELS.slice(0, LEVELS.indexOf(r.level) + 1)) {
    const v = c[level];
    if (v === true) continue;
    if (v === false) return fail(`not ${level}`, ...evidence);
    const why = level === 'effective' ? notMeasured(report, door) : undefined;
    return (why ? undefined : open(level)) ?? fail(why ?? `could not tell whether it is ${level}`, ...evidence);
  }
  return pass(...c.evidence);
}

/** "0.33 GB/s": a measured value shown in the requirement's unit when they match. */
function shown(m: { value: number; unit: string }, q: Quantity): string {
  const u = parseUnit(m.unit);
  if (q.unit && u && q.base === u.base) {
    const v = inUnit(m.value * u.factor, u.base, q.unit);
    if (v !== null) return `${fmtNum(v)} ${q.unit}`;
  }
  return `${fmtNum(m.value)} ${m.unit}`;
}

/** The metric value in the requirement's base unit, or a reason it cannot be compared. */
function comparable(m: { value: number; unit: string }, q: Quantity): number | string {
  if (q.base === null) return m.value;
  const u = parseUnit(m.unit);
  if (!u || u.base !== q.base) return `cannot compare: the metric is measured in ${m.unit}, the requirement says ${q.text}`;
  return m.value * u.factor;
}

function metric(report: Report, r: MetricRequirement, door: FrontDoor) {
  const m: Metric | undefined = report.metrics[r.id];
  if (!m) return fail(notMeasured(report, door) ?? `not measured: ${whyAbsent(report, r.id, 'metric', door)}`);
  if (m.status !== 'ok') return fail(m.status === 'wrong' ? `wrong result: ${m.reason}` : `not measured: ${m.reason}`);
  const ok: string[] = [];
  const bad: string[] = [];
  const open: string[] = [];
  // A bound is met when the metric's whole interval is on its side, missed when the whole interval
  // is beyond it, and undecided when the interval straddles it: a noisy run must not flip the gate.
  const judgeBound = (i: [number, number], x: number, op: '≥' | '≤', what: string, shownX: string, fmt: (v: number) => string) => {
    const good = op === '≥' ? i[0] >= x : i[1] <= x;
    const missed = op === '≥' ? i[1] < x : i[0] > x;
    const range = `interval ${fmtInterval(i, fmt)}`;
    if (good) ok.push(`${what} ${op} ${shownX} required`);
    else if (missed) bad.push(`${what} ${op === '≥' ? '<' : '>'} ${shownX} required (${range})`);
    else open.push(`${what}, but its ${range} spans the ${shownX} required`);
  };
  const [lo, hi] = valueInterval(m);
  for (const [q, op] of [
    [r.min, '≥'],
    [r.max, '≤'],
  ] as const) {
    if (!q) continue;
    const v = comparable(m, q);
    if (typeof v === 'string') {
      bad.push(v);
      continue;
    }
    const f = q.base === null ? 1 : parseUnit(m.unit)!.factor; // the metric's unit → the requirement's base unit
    judgeBound([lo * f, hi * f], q.value, op, `measured ${shown(m, q)}`, q.text, (x) => shown({ value: x / f, unit: m.unit }, q));
  }
  if (r.speedup) {
    const si = speedupInterval(m);
    if (m.speedup === undefined || !si) bad.push('no speedup measured (no software baseline in this run)');
    else {
      const vs = m.baseline ? ` vs ${m.baseline.method}` : '';
      const x = (v: number) => `×${fmtNum(v)}`;
      if (r.speedup.min !== undefined) judgeBound(si, r.speedup.min, '≥', `speedup ×${fmtNum(m.speedup)}${vs}`, `×${r.speedup.min}`, x);
      if (r.speedup.max !== undefined) judgeBound(si, r.speedup.max, '≤', `speedup ×${fmtNum(m.speedup)}${vs}`, `×${r.speedup.max}`, x);
    }
  }
  const noise = m.cv > 0.1 ? [`cv ${(m.cv * 100).toFixed(0)}% over ${m.samples} samples: noisy`] : [];
  if (bad.length) return fail(...bad, ...open, ...ok, ...noise);
  if (open.length) return undecided(...open, ...ok, ...noise);
  return pass(...ok);
}

/**
 * The values at a fact path (`runtime.node`, `host.kernel`, `<probe>.<path>` for
 * report.probes.<probe>.facts.<path>). Arrays fan out, and a path may step over a `devices` list:
 * `gpu.cuda.computeCapability` reads facts.cuda.computeCapability or each facts.cuda.devices[i].computeCapability.
 */
export function resolveFact(report: Report, id: string): unknown[] {
  const [root, ...path] = id.split('.');
  let cur: unknown[];
  if (root === 'runtime') cur = [report.runtime];
  else if (root === 'host') cur = [report.host];
  else cur = report.probes[root] ? [report.probes[root].facts] : [];
  for (const key of path) {
    const next: unknown[] = [];
    for (const v of cur) {
      const items = Array.isArray(v) ? v : [v];
      for (const it of items) {
        if (!it || typeof it !== 'object') continue;
        const o = it as Record<string, unknown>;
        const holders = key in o ? [o] : Array.isArray(o.devices) ? (o.devices as unknown[]).filter((d): d is Record<string, unknown> => !!d && typeof d === 'object' && key in d) : [];
        for (const h of holders) {
          const x = h[key];
          if (Array.isArray(x)) next.push(...x);
          else next.push(x);
        }
      }
    }
    cur = next;
  }
  return cur.filter((v) => v !== null && v !== undefined);
}

/** Compares dotted versions or numbers: negative, zero or positive. */
export function compareLoose(a: unknown, b: number | string): number | null {
  const na = typeof a === 'number' ? a : typeof a === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(a) ? Number(a) : NaN;
  const nb = typeof b === 'number' ? b : Number(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const pa = String(a).match(/\d+/g);
  const pb = String(b).match(/\d+/g);
  if (!pa || !pb) return null;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

function factCheck(v: unknown, r: FactRequirement): string | null {
  if (r.equals !== undefined && String(v) !== String(r.equals)) return `is ${JSON.stringify(v)}, required ${JSON.stringify(r.equals)}`;
  for (const [q, op] of [
    [r.min, '≥'],
    [r.max, '≤'],
  ] as const) {
    if (!q) continue;
    const c = compareLoose(v, q.base === null ? (q.text.match(/^[\d.]+$/) ? q.text : q.value) : q.value);
    if (c === null) return `${JSON.stringify(v)} is not a number or version`;
    if (op === '≥' ? c < 0 : c > 0) return `${JSON.stringify(v)} ${op === '≥' ? '<' : '>'} ${q.text} required`;
  }
  if (r.semver) {
    const semver = require('semver') as typeof import('semver');
    const ver = semver.coerce(String(v));
    if (!ver) return `${JSON.stringify(v)} is not a version`;
    if (!semver.satisfies(ver, r.semver)) return `${String(v)} does not satisfy ${r.semver}`;
  }
  if (r.matches && !boundedMatch(r.matches, String(v))) return `${JSON.stringify(v)} does not match /${r.matches}/`;
  return null;
}

function fact(report: Report, r: FactRequirement) {
  const values = resolveFact(report, r.id);
  if (!values.length) {
    const root = r.id.split('.')[0];
    const p = report.probes[root];
    const why =
      root === 'runtime' || root === 'host'
        ? ''
        : !p
          ? `: the ${root} probe did not run`
          : p.status !== 'ok'
            ? `: the ${root} probe ended with status ${p.status}${p.error ? ` (${p.error})` : ''}`
            : '';
    const related = report.findings.filter((f) => f.capability?.startsWith(`${r.id.split('.').slice(0, 2).join('.')}`)).map(findingReason);
    return fail(`not reported: ${r.id} is absent from this report${why}`, ...related);
  }
  const problems = values.map((v) => factCheck(v, r));
  const i = problems.findIndex((p) => p === null);
  if (i >= 0) return pass(`${r.id} = ${JSON.stringify(values[i])}`);
  return fail(...problems.map((p) => `${r.id} ${p}`));
}
