/** Plain-text renderer: readable, grouped by probe. Colour only when asked for. */
import type { Report, Severity, Tri } from '../types.js';
import { buildView, rootCauses, triGlyph, type ExpectationTally, type FindingRow } from '../view/model.js';
import { formatDuration } from '../view/progress.js';
import type { CheckResult } from '../expect/model.js';

/** Rendering options. */
export interface TextOptions {
  color: boolean;
}

/** Options of the report's text view. */
export interface ReportTextOptions extends TextOptions {
  tally?: ExpectationTally;
  /** the verdicts, whose failures lead the output */
  check?: CheckResult;
  /** every fact, technical ones included */
  verbose?: boolean;
  /** shorten long lists and lines: a terminal; never a file or a pipe */
  truncate?: boolean;
  /** blocks printed after the details and before what to do next (the verdicts, the baseline diff) */
  tail?: string[];
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
type Style = keyof typeof CODES;

function painter(color: boolean) {
  return (s: string, style: Style) => (color ? `\x1b[${CODES[style]}m${s}\x1b[0m` : s);
}

function glyph(t: Tri, paint: ReturnType<typeof painter>): string {
  const g = triGlyph(t);
  return t === true ? paint(g, 'green') : t === false ? paint(g, 'red') : paint(g, 'dim');
}

function severityWord(s: Severity, paint: ReturnType<typeof painter>): string {
  return s === 'error' ? paint('error  ', 'red') : s === 'warning' ? paint('warning', 'yellow') : paint('info   ', 'blue');
}

function findingLine(f: FindingRow, paint: ReturnType<typeof painter>): string {
  return `    ${severityWord(f.severity, paint)} ${f.code}: ${f.message}${f.hint ? `\n            hint: ${f.hint}` : ''}`;
}

/** The lines right under the summary: failed and warned requirements, then errors and warnings by root cause, each with its hint. */
function leadLines(r: Report, check: CheckResult | undefined, paint: ReturnType<typeof painter>): string[] {
  const out: string[] = [];
  const bad = check?.verdicts.filter((v) => v.status !== 'pass') ?? [];
  if (bad.length) {
    out.push('', paint('requirements not met', 'bold'));
    for (const v of bad) {
      const mark = v.status === 'inconclusive' ? paint('? inconclusive', 'yellow') : v.severity === 'error' ? paint('✗ FAIL', 'red') : paint('! warn', 'yellow');
      out.push(`  ${mark}  ${v.label}  ${paint(`(${v.expectation})`, 'dim')}`);
      if (v.reasons[0]) out.push(`          ${v.reasons[0]}`);
      out.push(paint(`          required at ${originText(v.origin)}`, 'dim'));
    }
  }
  const causes = rootCauses(r.findings).filter((c) => c.severity !== 'info');
  if (causes.length) {
    out.push('', paint('errors and warnings', 'bold'));
    for (const c of causes) {
      if (c.count > 1) {
        out.push(`  ${severityWord(c.severity, paint)} ${c.title} (${c.count} findings: ${c.codes.join(', ')})`);
        out.push(`          affects ${c.affects.join(', ')}`);
        out.push(`          e.g. ${c.message}`);
      } else out.push(`  ${severityWord(c.severity, paint)} ${c.title}: ${c.message}`);
      if (c.hint) out.push(`          hint: ${c.hint}`);
    }
  }
  return out;
}

function pluralize(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function originText(o: { source: string; path: string; line?: number }): string {
  return `${o.source} ${o.path}${o.line ? ` (line ${o.line})` : ''}`;
}

/** What to try next, from what this run lacked. */
function nextSteps(r: Report, check: CheckResult | undefined): string[] {
  const steps: string[] = [];
  if (!check) steps.push('hwprobe --expect PROFILE     judge this machine (hwprobe profiles lists them)');
  if (r.options.calibrate === 'off' && !r.options.replay) steps.push('hwprobe --calibrate quick    measure what the hardware delivers (the eff column)');
  steps.push('hwprobe --json --out r.json  keep this report (then hwprobe check / diff)');
  if (!r.options.replay) steps.push('hwprobe capture --out m.json  record this machine for a bug report or a replay');
  return ['', 'next:', ...steps.map((s) => `  ${s}`)];
}

/** Renders the report as text, from the same view model as the TUI (plain lines, no cursor movement): what matters first, then the details. */
export function renderText(r: Report, opts: ReportTextOptions): string {
  const paint = painter(opts.color);
  const truncate = opts.truncate ?? false;
  const v = buildView(r, opts.tally, { truncate });
  const out: string[] = [];
  out.push(paint(v.title, 'bold') + ` — ${v.machine}`);
  out.push(paint(v.subtitle.replace('INCOMPLETE', paint('INCOMPLETE', 'yellow')), 'dim'));
  out.push(paint(v.banner.text, v.banner.tone === 'good' ? 'green' : v.banner.tone === 'warn' ? 'yellow' : 'red'));
  out.push(...leadLines(r, opts.check, paint));
  out.push('', paint('details', 'bold'));
  for (const s of v.sections) {
    out.push('');
    if (s.id !== 'other findings') {
      const status = s.status === 'ok' ? paint(s.status, 'green') : paint(s.status, s.status === 'unsupported' ? 'dim' : 'red');
      out.push(`${paint(s.id, 'bold')}  ${status}  ${paint(formatDuration(s.durationMs), 'dim')}${s.error ? `  ${s.error}` : ''}`);
    } else out.push(paint(s.id, 'bold'));
    const facts = opts.verbose ? s.facts : s.plainFacts;
    for (const f of facts) out.push(`    ${f}`);
    if (!opts.verbose && s.facts.length > s.plainFacts.length) out.push(paint(`    (${pluralize(s.facts.length - s.plainFacts.length, 'technical fact')}: --verbose)`, 'dim'));
    if (s.unavailable.length) out.push(paint(`    not available: ${s.unavailable.join(', ')}`, 'dim'));
    if (s.capabilities.length) {
      const width = Math.max(10, ...s.capabilities.map((c) => c.id.length));
      out.push(`    ${'capability'.padEnd(width)}  adv use eff`);
      for (const c of s.capabilities) {
        out.push(`    ${c.id.padEnd(width)}   ${glyph(c.advertised, paint)}   ${glyph(c.usable, paint)}   ${glyph(c.effective, paint)}`);
      }
    }
    for (const m of s.metrics) {
      if (m.status !== 'ok') out.push(`    ${m.id}: ${paint(m.text, m.status === 'wrong' ? 'red' : 'dim')}`);
      else {
        const stats = m.cv !== undefined ? paint(`  cv ${(m.cv * 100).toFixed(1)}% n=${m.samples}`, 'dim') : '';
        out.push(`    ${m.id}: ${m.text}${m.speedup ? `  ${m.speedup}` : ''}${stats}`);
      }
    }
    // errors and warnings were shown with their hints at the top; here they only mark their section
    for (const f of s.findings) out.push(findingLine(f.severity === 'info' ? f : { ...f, hint: undefined }, paint));
  }
  out.push('');
  out.push(paint(`legend: ${v.legend}`, 'dim'));
  for (const block of opts.tail ?? []) out.push('', block.replace(/\n$/, ''));
  out.push(...nextSteps(r, opts.check));
  return out.join('\n') + '\n';
}

/** ", 2 inconclusive (not strict: --strict fails them)" for a tally, or "" when none. */
export function inconclusiveTally(check: import('../expect/model.js').CheckResult): string {
  return check.inconclusive ? `, ${check.inconclusive} inconclusive (not strict: --strict fails them)` : '';
}

/** Renders expectation verdicts: failures with their reasons, then a one-line tally. */
export function renderVerdictsText(check: CheckResult, opts: TextOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [];
  const verdictMark = { pass: paint('✓ pass', 'green'), inconclusive: paint('? inconclusive', 'yellow') } as const;
  let last = '';
  for (const v of check.verdicts) {
    if (v.expectation !== last) {
      const src = check.expectations.find((e) => e.name === v.expectation)?.source;
      out.push(paint(`expectations: ${v.expectation}`, 'bold') + (src && src !== v.expectation ? paint(`  (${src})`, 'dim') : ''));
      last = v.expectation;
    }
    const mark = v.status === 'fail' ? (v.severity === 'error' ? paint('✗ FAIL', 'red') : paint('! warn', 'yellow')) : verdictMark[v.status];
    out.push(`  ${mark}  ${v.label}${v.status === 'pass' && v.reasons[0] ? paint(`  ${v.reasons[0]}`, 'dim') : ''}`);
    if (v.status !== 'pass') {
      for (const r of v.reasons) out.push(`          ${r}`);
      if (v.why) out.push(paint(`          needed because: ${v.why}`, 'dim'));
      out.push(paint(`          required at ${originText(v.origin)}`, 'dim'));
    }
  }
  const tally = `${check.passed} passed, ${check.failed} failed, ${check.warned} warning${check.warned === 1 ? '' : 's'}${inconclusiveTally(check)}`;
  out.push(check.ok ? paint(`expectations met: ${tally}`, 'green') : paint(`expectations NOT met: ${tally}`, 'red'));
  return out.join('\n') + '\n';
}

/** Renders a baseline diff: lost and degraded capabilities, metric changes, changed facts. */
export function renderDiffText(diff: import('../diff.js').DiffResult, opts: TextOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [paint('baseline diff', 'bold') + paint(`  ${diff.base.createdAt} → ${diff.current.createdAt} · tolerance ${Math.round(diff.tolerance * 100)}%`, 'dim')];
  const metricMark = {
    regressed: paint('✗ slower  ', 'red'),
    wrong: paint('✗ slower  ', 'red'),
    improved: paint('+ faster  ', 'green'),
    unmeasured: paint('? unmeas. ', 'dim'),
    noisy: paint('~ noisy   ', 'yellow'),
    unchanged: paint('= same    ', 'dim'),
  } as const;
  const capMark = { lost: paint('✗ lost    ', 'red'), degraded: paint('✗ degraded', 'red'), unknown: paint('? unknown ', 'dim'), gained: paint('+ gained  ', 'green') } as const;
  for (const c of diff.capabilities) {
    out.push(`  ${capMark[c.change]}  ${c.summary}`);
    for (const e of c.explanation) out.push(`              ${e}`);
  }
  for (const m of diff.metrics) {
    out.push(`  ${metricMark[m.status]}  ${m.summary}`);
  }
  for (const f of diff.facts) out.push(`  ${paint('~ changed ', 'yellow')}  ${f.path}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`);
  if (diff.capabilities.length + diff.metrics.length + diff.facts.length === 0) out.push(paint('  no differences', 'dim'));
  const tally = `${diff.lost} lost, ${diff.degraded} degraded, ${diff.regressed} regressed${diff.noisy ? `, ${diff.noisy} noisy, not compared` : ''}`;
  out.push(diff.ok ? paint(`no regressions (${tally})`, 'green') : paint(`REGRESSIONS: ${tally}`, 'red'));
  return out.join('\n') + '\n';
}
