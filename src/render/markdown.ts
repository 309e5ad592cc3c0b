/** Markdown renderer (GitHub-flavoured): for job summaries ($GITHUB_STEP_SUMMARY) and PR comments. */
import type { Report, Tri } from '../types.js';
import type { CheckResult } from '../expect/model.js';
import type { DiffResult } from '../diff.js';
import type { Outcome } from './outcome.js';
import { machineLine } from '../view/model.js';

/** Escapes text for a table cell: pipes, newlines, and characters Markdown would interpret. */
export function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')).replace(/\r?\n/g, '<br>');
}

/**
 * A code span for a table cell. Entities are not decoded inside code spans (CommonMark §6.1), so
 * `>=` must stay raw there, not `&gt;`; only the pipe is escaped (GFM tables split cells on it
 * before inline parsing). The fence is one backtick longer than any run inside.
 */
export function code(s: string): string {
  const body = s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const ticks = '`'.repeat(Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

const tri = (t: Tri) => (t === true ? '✅' : t === false ? '❌' : '❔');

function reportMd(r: Report): string[] {
  const out = [`## hwprobe ${r.tool.version}: ${cell(machineLine(r))}`, ''];
  out.push(`calibration ${r.options.calibrate}${r.options.replay ? ' · replayed from a capture' : ''}${r.complete ? '' : ' · **incomplete**'}`, '');
  out.push('| probe | status | ms |', '|---|---|---:|');
  for (const [id, p] of Object.entries(r.probes)) out.push(`| ${id} | ${p.status}${p.error ? `: ${cell(p.error)}` : ''} | ${p.durationMs} |`);
  out.push('');
  const metrics = Object.entries(r.metrics);
  if (metrics.length) {
    out.push('| metric | value | speedup | cv |', '|---|---:|---:|---:|');
    for (const [id, m] of metrics) {
      if (m.status !== 'ok') out.push(`| ${id} | ${m.status}: ${cell(m.reason)} | | |`);
      else out.push(`| ${id} | ${m.value} ${cell(m.unit)} | ${m.speedup !== undefined ? `×${m.speedup}` : ''} | ${(m.cv * 100).toFixed(1)}% |`);
    }
    out.push('');
  }
  if (r.findings.length) {
    out.push('### Findings', '');
    for (const f of r.findings) out.push(`- **${f.severity}** ${code(f.code)}: ${cell(f.message)}${f.hint ? ` — _${cell(f.hint)}_` : ''}`);
    out.push('');
  }
  const caps = Object.entries(r.capabilities);
  out.push(`<details><summary>${caps.length} capabilities</summary>`, '', '| capability | advertised | usable | effective |', '|---|:-:|:-:|:-:|');
  for (const [id, c] of caps) out.push(`| ${id} | ${tri(c.advertised)} | ${tri(c.usable)} | ${tri(c.effective)} |`);
  out.push('', '</details>', '');
  return out;
}

function checkMd(c: CheckResult): string[] {
  const head = c.ok ? `### ✅ Expectations met` : `### ❌ Expectations not met`;
  const out = [head, '', `${c.passed} passed, ${c.failed} failed, ${c.warned} warning${c.warned === 1 ? '' : 's'}${c.inconclusive ? `, ${c.inconclusive} inconclusive` : ''} · ${c.expectations.map((e) => code(e.name)).join(', ')}`, ''];
  out.push('| | requirement | expectation | evidence |', '|---|---|---|---|');
  for (const v of c.verdicts) {
    const mark = v.status === 'pass' ? '✅' : v.status === 'inconclusive' ? '❔' : v.severity === 'error' ? '❌' : '⚠️';
    const why = v.status === 'fail' && v.why ? `<br>_needed because: ${cell(v.why)}_` : '';
    out.push(`| ${mark} | ${code(v.label)} | ${cell(v.expectation)} | ${v.reasons.map(cell).join('<br>')}${why} |`);
  }
  out.push('');
  return out;
}

function diffMd(d: DiffResult): string[] {
  const out = [d.ok ? '### ✅ No regressions against the baseline' : '### ❌ Regressions against the baseline', ''];
  out.push(`${d.lost} lost, ${d.degraded} degraded, ${d.regressed} regressed${d.noisy ? `, ${d.noisy} noisy, not compared` : ''} (tolerance ${Math.round(d.tolerance * 100)}%) · baseline ${d.base.createdAt}`, '');
  if (d.capabilities.length) {
    out.push('| capability | change | explanation |', '|---|---|---|');
    for (const c of d.capabilities) out.push(`| ${c.id} | ${c.change}: ${cell(c.summary)} | ${c.explanation.map(cell).join('<br>')} |`);
    out.push('');
  }
  if (d.metrics.length) {
    out.push('| metric | status | detail |', '|---|---|---|');
    for (const m of d.metrics) out.push(`| ${m.id} | ${m.status} | ${cell(m.summary)} |`);
    out.push('');
  }
  if (d.facts.length) {
    out.push('| fact | baseline | current |', '|---|---|---|');
    for (const f of d.facts) out.push(`| ${f.path} | ${cell(JSON.stringify(f.from))} | ${cell(JSON.stringify(f.to))} |`);
    out.push('');
  }
  return out;
}

/** Renders an outcome as Markdown. */
export function renderMarkdown(o: Outcome): string {
  const out: string[] = [];
  if (o.check) out.push(...checkMd(o.check));
  if (o.diff) out.push(...diffMd(o.diff));
  if (o.report) out.push(...reportMd(o.report));
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
