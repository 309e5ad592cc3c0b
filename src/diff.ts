/**
 * Baseline diff: what a machine lost or got slower at between two reports, and why. Each metric
 * regression is linked to the capability change (and the finding behind it) that explains it,
 * e.g. "crypto.aes-128-gcm 5.7× slower: crypto.aes no longer usable: OPENSSL_ia32cap=… set".
 * A metric regressed only when the change is beyond the tolerance AND the two measurements'
 * intervals are apart; a change beyond the tolerance within the noise is "noisy, not compared".
 * A cause is linked only when it can affect the metric (src/expect/depends.ts).
 */
import type { Capability, Finding, Metric, Report, Tri } from './types.js';
import { LEVELS, type Level } from './expect/model.js';
import { findingReason, relatedFindings } from './expect/evaluate.js';
import { fmtNum, lowerIsBetter } from './expect/units.js';
import { domainOwners } from './expect/vocabulary.js';
import { canAffect, findingCanAffect } from './expect/depends.js';
import { apart, fmtInterval, speedupInterval, valueInterval } from './expect/noise.js';

/** How one capability changed between the two reports. */
export interface CapabilityChange {
  id: string;
  /** lost: no longer advertised (or gone); degraded: still advertised, a higher level went from yes to no; gained; unknown: a yes became "could not tell" */
  change: 'lost' | 'degraded' | 'gained' | 'unknown';
  /** the levels that changed */
  levels: Level[];
  from: Record<Level, Tri> | null;
  to: Record<Level, Tri> | null;
  /** "crypto.aes no longer usable" */
  summary: string;
  /** findings and evidence of the current report that explain it */
  explanation: string[];
}

/**
 * How one metric compares. `ratio` > 1 means worse by that factor. `noisy`: the change is beyond
 * the tolerance but the two measurements' intervals overlap, so it is not compared (not a regression).
 */
export interface MetricChange {
  id: string;
  unit: string;
  status: 'regressed' | 'improved' | 'unchanged' | 'noisy' | 'unmeasured' | 'wrong';
  basis: 'speedup' | 'value' | null;
  from: number | null;
  to: number | null;
  fromSpeedup?: number;
  toSpeedup?: number;
  ratio: number | null;
  /** the intervals compared (of the speedups when basis is speedup) */
  fromInterval?: [number, number];
  toInterval?: [number, number];
  summary: string;
  /** the capability change or finding that explains a regression */
  explanation: string[];
}

/** A fact that differs (driver, OpenSSL, kernel, CPU model…). */
export interface FactChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** The whole diff. */
export interface DiffResult {
  base: { createdAt: string; version: string; calibrate: string };
  current: { createdAt: string; version: string; calibrate: string };
  tolerance: number;
  capabilities: CapabilityChange[];
  metrics: MetricChange[];
  facts: FactChange[];
  lost: number;
  degraded: number;
  regressed: number;
  /** metrics whose change is within the two measurements' noise: reported, not compared */
  noisy: number;
  ok: boolean;
}

/** Options of a diff. */
export interface DiffOptions {
  /** relative slow-down that counts as a regression (default 0.25) */
  tolerance?: number;
}

const levelsOf = (c: Capability): Record<Level, Tri> => ({ advertised: c.advertised, usable: c.usable, effective: c.effective });

function probeRanOk(r: Report, id: string): boolean {
  return domainOwners(id).some((o) => r.probes[o]?.status === 'ok');
}

const findingKey = (f: Finding) => `${f.code} ${f.capability ?? ''} ${f.message}`;

/** The explanation of a capability change: the current report's related findings (new ones first) and its new evidence. */
function explain(base: Report, cur: Report, id: string, before: Capability | undefined, after: Capability | undefined): string[] {
  const old = new Set(base.findings.map(findingKey));
  const fs = relatedFindings(cur, id, after).sort((a, b) => Number(old.has(findingKey(a))) - Number(old.has(findingKey(b))));
  const oldEv = new Set(before?.evidence ?? []);
  const newEv = (after?.evidence ?? []).filter((e) => !oldEv.has(e));
  return [...fs.map(findingReason), ...newEv];
}

function capabilityChanges(base: Report, cur: Report): CapabilityChange[] {
  const out: CapabilityChange[] = [];
  const ids = [...new Set([...Object.keys(base.capabilities), ...Object.keys(cur.capabilities)])].sort();
  for (const id of ids) {
    const b = base.capabilities[id];
    const c = cur.capabilities[id];
    if (b && !c) {
      if (!Object.values(levelsOf(b)).includes(true)) continue;
      const ran = probeRanOk(cur, id);
      out.push({
        id,
        change: ran ? 'lost' : 'unknown',
        levels: LEVELS.filter((l) => b[l] === true),
        from: levelsOf(b),
        to: null,
        summary: ran ? `${id} no longer reported` : `${id} not probed in the current report`,
        explanation: ran ? [] : [`the ${domainOwners(id).join('/')} probe did not run or failed`],
      });
      continue;
    }
    if (!b || !c) {
      if (c && c.advertised === true) out.push({ id, change: 'gained', levels: ['advertised'], from: null, to: levelsOf(c), summary: `${id} newly advertised`, explanation: [] });
      continue;
    }
    const lostLevels = LEVELS.filter((l) => b[l] === true && c[l] === false);
    const unknownLevels = LEVELS.filter((l) => b[l] === true && c[l] === null);
    const gainedLevels = LEVELS.filter((l) => b[l] !== true && c[l] === true);
    if (lostLevels.length) {
      const lost = lostLevels.includes('advertised');
      out.push({
        id,
        change: lost ? 'lost' : 'degraded',
        levels: lostLevels,
        from: levelsOf(b),
        to: levelsOf(c),
        summary: `${id} no longer ${lostLevels[0]}`,
        explanation: explain(base, cur, id, b, c),
      });
    } else if (unknownLevels.length) {
      out.push({
        id,
        change: 'unknown',
        levels: unknownLevels,
        from: levelsOf(b),
        to: levelsOf(c),
        summary: `${id}: could not tell whether still ${unknownLevels[0]}`,
        explanation: unknownLevels.includes('effective') && cur.options.calibrate === 'off' ? ['not measured: calibration off'] : explain(base, cur, id, b, c),
      });
    } else if (gainedLevels.length) {
      out.push({ id, change: 'gained', levels: gainedLevels, from: levelsOf(b), to: levelsOf(c), summary: `${id} now ${gainedLevels[gainedLevels.length - 1]}`, explanation: [] });
    }
  }
  return out;
}

/** The lost or degraded capability that explains a metric's regression: one the metric depends on. */
function linkMetric(id: string, caps: CapabilityChange[]): CapabilityChange | undefined {
  return caps.find((c) => (c.change === 'lost' || c.change === 'degraded') && canAffect(c.id, id));
}

/** New findings that can affect the metric (under a capability it depends on, naming it, or machine-wide), warnings first. */
function freshFindings(base: Report, cur: Report, id: string): Finding[] {
  const old = new Set(base.findings.map(findingKey));
  const fresh = cur.findings.filter((f) => !old.has(findingKey(f)) && findingCanAffect(f, id));
  const rank = (f: Finding) => (f.severity === 'info' ? 1 : 0);
  return fresh.sort((a, b) => rank(a) - rank(b));
}

const pct = (cv: number) => `${(cv * 100).toFixed(0)}%`;

function unmeasured(m: Metric | undefined): string | undefined {
  if (!m) return 'not in the report';
  if (m.status !== 'ok') return `${m.status}: ${m.reason}`;
  return undefined;
}

function metricChanges(base: Report, cur: Report, tol: number, caps: CapabilityChange[]): MetricChange[] {
  const out: MetricChange[] = [];
  for (const id of Object.keys(base.metrics).sort()) {
    const b = base.metrics[id];
    const c = cur.metrics[id];
    if (b.status !== 'ok') continue;
    const why = unmeasured(c);
    if (why !== undefined || !c || c.status !== 'ok') {
      const wrong = c?.status === 'wrong';
      const off = !c && cur.options.calibrate === 'off' ? ' (calibration off)' : '';
      out.push({
        id,
        unit: b.unit,
        status: wrong ? 'wrong' : 'unmeasured',
        basis: null,
        from: b.value,
        to: null,
        ratio: null,
        summary: `${id} ${wrong ? 'now computes a wrong result' : 'not measured in the current report'}: ${why}${off}`,
        explanation: [],
      });
      continue;
    }
    const bySpeedup = b.speedup !== undefined && c.speedup !== undefined && b.speedup > 0 && c.speedup > 0;
    const lower = lowerIsBetter(b.unit);
    const ratio = bySpeedup ? b.speedup! / c.speedup! : lower ? c.value / b.value : b.value / c.value;
    const fromInterval = (bySpeedup ? speedupInterval(b) : undefined) ?? valueInterval(b);
    const toInterval = (bySpeedup ? speedupInterval(c) : undefined) ?? valueInterval(c);
    // Beyond the tolerance is not enough: the two measurements must also differ beyond their noise.
    const beyond = Number.isFinite(ratio) && (1 - 1 / ratio > tol || 1 - ratio > tol);
    const noisy = beyond && !apart(fromInterval, toInterval);
    const worse = beyond && !noisy && ratio > 1;
    const better = beyond && !noisy && ratio < 1;
    const values = `${fmtNum(b.value)} → ${fmtNum(c.value)} ${c.unit}`;
    const sp = bySpeedup ? `; speedup ×${fmtNum(b.speedup!)} → ×${fmtNum(c.speedup!)}` : '';
    const change: MetricChange = {
      id,
      unit: c.unit,
      status: worse ? 'regressed' : better ? 'improved' : noisy ? 'noisy' : 'unchanged',
      basis: bySpeedup ? 'speedup' : 'value',
      from: b.value,
      to: c.value,
      ...(b.speedup !== undefined ? { fromSpeedup: b.speedup } : {}),
      ...(c.speedup !== undefined ? { toSpeedup: c.speedup } : {}),
      ratio,
      fromInterval,
      toInterval,
      summary: '',
      explanation: [],
    };
    const word = worse ? 'slower' : 'faster';
    const factor = worse ? ratio : 1 / ratio;
    const what = bySpeedup ? 'speedup intervals' : 'intervals';
    const ranges = `${what} ${fmtInterval(fromInterval, fmtNum)} and ${fmtInterval(toInterval, fmtNum)}`;
    change.summary = noisy
      ? `${id} noisy, not compared: ${fmtNum(ratio > 1 ? ratio : 1 / ratio)}× ${ratio > 1 ? 'slower' : 'faster'} by the medians, but the ${ranges} overlap (${values}${sp}; cv ${pct(b.cv)} → ${pct(c.cv)})`
      : worse || better
        ? `${id} ${fmtNum(factor)}× ${word} (${values}${sp})`
        : `${id} within ${Math.round(tol * 100)}% (${values}${sp})`;
    if (worse) {
      const link = linkMetric(id, caps);
      if (link) {
        change.explanation = [link.summary, ...link.explanation];
        change.summary += `: ${link.summary}${link.explanation.length ? `: ${link.explanation[0]}` : ''}`;
      } else {
        change.explanation = freshFindings(base, cur, id).map(findingReason);
        if (change.explanation.length) change.summary += `: ${change.explanation[0]}`;
      }
    }
    out.push(change);
  }
  return out;
}

/** Fact paths always compared (DESIGN: driver, OpenSSL, kernel, CPU model); plus any probe fact named *version*, *driver* or *model*. */
export const DIFF_FACTS = [
  'host.os',
  'host.kernel',
  'host.cpuCount',
  'host.memoryBytes',
  'runtime.node',
  'runtime.openssl',
  'runtime.libc.family',
  'runtime.libc.version',
  'cpu.vendor',
  'cpu.model',
  'cpu.logicalCpus',
  'cpu.x86_64Level',
  'cpu.glibcHwcapsLevel',
  'environment.usableCpus',
] as const;

function at(r: Report, path: string): unknown {
  const [root, ...rest] = path.split('.');
  let cur: unknown = root === 'host' ? r.host : root === 'runtime' ? r.runtime : r.probes[root]?.facts;
  for (const k of rest) cur = cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

function namedFacts(r: Report): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (!v || typeof v !== 'object' || Array.isArray(v) || depth > 3) return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const p = `${path}.${k}`;
      if (x !== null && typeof x !== 'object' && /version|driver|model/i.test(k)) out.push(p);
      else walk(x, p, depth + 1);
    }
  };
  for (const [id, p] of Object.entries(r.probes)) walk(p.facts, id, 0);
  return out;
}

function factChanges(base: Report, cur: Report): FactChange[] {
  const paths = [...new Set([...DIFF_FACTS, ...namedFacts(base), ...namedFacts(cur)])];
  const out: FactChange[] = [];
  for (const p of paths) {
    const from = at(base, p);
    const to = at(cur, p);
    if (from === undefined && to === undefined) continue;
    if (JSON.stringify(from) !== JSON.stringify(to)) out.push({ path: p, from: from ?? null, to: to ?? null });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Compares two reports. */
export function diffReports(base: Report, cur: Report, opts: DiffOptions = {}): DiffResult {
  const tolerance = opts.tolerance ?? 0.25;
  const capabilities = capabilityChanges(base, cur);
  const metrics = metricChanges(base, cur, tolerance, capabilities);
  const lost = capabilities.filter((c) => c.change === 'lost').length;
  const degraded = capabilities.filter((c) => c.change === 'degraded').length;
  const regressed = metrics.filter((m) => m.status === 'regressed' || m.status === 'wrong').length;
  const noisy = metrics.filter((m) => m.status === 'noisy').length;
  const meta = (r: Report) => ({ createdAt: r.createdAt, version: r.tool.version, calibrate: r.options.calibrate });
  return {
    base: meta(base),
    current: meta(cur),
    tolerance,
    capabilities,
    metrics,
    facts: factChanges(base, cur),
    lost,
    degraded,
    regressed,
    noisy,
    ok: lost + degraded + regressed === 0,
  };
}
