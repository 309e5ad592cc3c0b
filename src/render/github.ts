/**
 * GitHub Actions workflow commands: `::error`/`::warning`/`::notice` with titles, and file/line
 * when a requirement comes from a file. Escaping follows @actions/core (toolkit command.ts).
 */
import type { Outcome } from './outcome.js';

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
    for (const f of o.report.findings) {
      if (f.severity === 'info') continue;
      out.push(command(f.severity === 'error' ? 'error' : 'warning', { title: `hwprobe: ${f.code}` }, `${f.message}${f.hint ? `\nhint: ${f.hint}` : ''}`));
    }
  }
  const parts: string[] = [];
  if (o.check) parts.push(`expectations: ${o.check.passed} passed, ${o.check.failed} failed, ${o.check.warned} warnings${o.check.inconclusive ? `, ${o.check.inconclusive} inconclusive` : ''}`);
  if (o.diff) parts.push(`baseline: ${o.diff.lost} lost, ${o.diff.degraded} degraded, ${o.diff.regressed} regressed${o.diff.noisy ? `, ${o.diff.noisy} noisy` : ''}`);
  if (o.report && !parts.length) parts.push(`${Object.keys(o.report.capabilities).length} capabilities, ${o.report.findings.length} findings`);
  out.push(`hwprobe: ${parts.join('; ')}`);
  return out.join('\n') + '\n';
}
