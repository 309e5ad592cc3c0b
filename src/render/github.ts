/**
 * GitHub Actions workflow commands: `::error`/`::warning`/`::notice` with titles, and file/line
 * when a requirement comes from a file. Escaping follows @actions/core (toolkit command.ts).
 */
import type { Outcome } from './outcome.js';
import { rootCauses } from '../view/model.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Escapes a command's message (data). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value (title, file). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: 'error' | 'warning' | 'notice', props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind}${p ? ` ${p}` : ''}::${escapeData(message)}`;
}

/** Renders an outcome as workflow commands, one per failed requirement, regression or finding, then a summary line. */
export function renderGithub(o: Outcome): string {
  const out: string[] = [];
  if (o.check) {
    for (const v of o.check.verdicts) {
      if (v.status === 'pass') continue;
      const isFile = !v.origin.source.startsWith('profile ');
      out.push(
        command(
          v.status === 'inconclusive' ? 'warning' : v.severity === 'error' ? 'error' : 'warning',
          { file: isFile ? v.origin.source : undefined, line: isFile ? v.origin.line : undefined, title: `hwprobe: ${v.label} (${v.expectation})` },
          [...v.reasons, ...(v.why ? [`needed because: ${v.why}`] : [])].join('\n'),
        ),
      );
    }
  }
  if (o.diff) {
    for (const c of o.diff.capabilities) {
      if (c.change === 'gained') continue;
      const kind = c.change === 'unknown' ? 'warning' : 'error';
      out.push(command(kind, { title: `hwprobe: ${c.summary}` }, [c.summary, ...c.explanation].join('\n')));
    }
    for (const m of o.diff.metrics) {
      if (m.status === 'regressed' || m.status === 'wrong') out.push(command('error', { title: `hwprobe: ${m.id} regressed` }, [m.summary, ...m.explanation].join('\n')));
      else if (m.status === 'unmeasured') out.push(command('warning', { title: `hwprobe: ${m.id} not measured` }, m.summary));
      else if (m.status === 'noisy') out.push(command('notice', { title: `hwprobe: ${m.id} noisy, not compared` }, m.summary));
    }
    for (const f of o.diff.facts) out.push(command('notice', { title: `hwprobe: ${f.path} changed` }, `${f.path}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`));
  }
  if (o.report && !o.check && !o.diff) {
    // One annotation per root cause: GitHub shows 10 warnings per step, and one masking variable
    // (OPENSSL_ia32cap="") raises a finding per capability it hides.
    for (const c of rootCauses(o.report.findings)) {
      if (c.severity === 'info') continue;
      const title = c.count > 1 ? `hwprobe: ${c.title} (${c.codes.join(', ')})` : `hwprobe: ${c.title}`;
      const affects = c.count > 1 ? [`affects ${c.affects.join(', ')}`] : [];
      out.push(command(c.severity === 'error' ? 'error' : 'warning', { title }, [c.message, ...affects, ...(c.hint ? [`hint: ${c.hint}`] : [])].join('\n')));
    }
  }
  const parts: string[] = [];
  if (o.check) parts.push(`expectations: ${o.check.passed} passed, ${o.check.failed} failed, ${plural(o.check.warned, 'warning')}${o.check.inconclusive ? `, ${o.check.inconclusive} inconclusive` : ''}`);
  if (o.diff) parts.push(`baseline: ${o.diff.lost} lost, ${o.diff.degraded} degraded, ${o.diff.regressed} regressed${o.diff.noisy ? `, ${o.diff.noisy} noisy` : ''}`);
  if (o.report && !parts.length) parts.push(`${plural(Object.keys(o.report.capabilities).length, 'capability', 'capabilities')}, ${plural(o.report.findings.length, 'finding')}`);
  out.push(`hwprobe: ${parts.join('; ')}`);
  return out.join('\n') + '\n';
}
