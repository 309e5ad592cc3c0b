/** Plain-text renderer: readable, grouped by probe. Colour only when asked for. */
import type { Report, Tri } from '../types.js';
import { buildView, triGlyph, type ExpectationTally, type FindingRow } from '../view/model.js';


/** Rendering options. */
export interface TextOptions {
  color: boolean;
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

function findingLine(f: FindingRow, paint: ReturnType<typeof painter>): string {
  const sev = f.severity === 'error' ? paint('error  ', 'red') : f.severity === 'warning' ? paint('warning', 'yellow') : paint('info   ', 'blue');
  return `    ${sev} ${f.code}: ${f.message}${f.hint ? `\n            hint: ${f.hint}` : ''}`;
}

/** Renders the report as text, from the same view model as the TUI (plain lines, no cursor movement). */
export function renderText(r: Report, opts: TextOptions & { tally?: ExpectationTally }): string {
  const paint = painter(opts.color);
  const v = buildView(r, opts.tally);
  const out: string[] = [];
  out.push(paint(v.title, 'bold') + ` — ${v.machine}`);
  out.push(paint(v.subtitle.replace('INCOMPLETE', paint('INCOMPLETE', 'yellow')), 'dim'));
  out.push(paint(v.banner.text, v.banner.tone === 'good' ? 'green' : v.banner.tone === 'warn' ? 'yellow' : 'red'));
  for (const s of v.sections) {
    out.push('');
    if (s.id !== 'other findings') {
      const status = s.status === 'ok' ? paint(s.status, 'green') : paint(s.status, s.status === 'unsupported' ? 'dim' : 'red');
      out.push(`${paint(s.id, 'bold')}  ${status}  ${paint(`${s.durationMs} ms`, 'dim')}${s.error ? `  ${s.error}` : ''}`);
    } else out.push(paint(s.id, 'bold'));
    for (const f of s.facts) out.push(`    ${f}`);
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
    for (const f of s.findings) out.push(findingLine(f, paint));
  }
  out.push('');
  out.push(paint(`legend: ${v.legend}`, 'dim'));
  return out.join('\n') + '\n';
}

/** ", 2 inconclusive (not strict: --strict fails them)" for a tally, or "" when none. */
export function inconclusiveTally(check: import('../expect/model.js').CheckResult): string {
  return check.inconclusive ? `, ${check.inconclusive} inconclusive (not strict: --strict fails them)` : '';
}

/** Renders expectation verdicts: failures with their reasons, then a one-line tally. */
export function renderVerdictsText(check: import('../expect/model.js').CheckResult, opts: TextOptions): string {
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
      out.push(paint(`          required at ${v.origin.source} ${v.origin.path}${v.origin.line ? ` (line ${v.origin.line})` : ''}`, 'dim'));
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
