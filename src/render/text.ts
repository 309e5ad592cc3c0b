/** Plain-text renderer: readable, grouped by probe. Colour only when asked for. */
import type { Capability, Finding, Report, Tri } from '../types.js';

/** Rendering options. */
export interface TextOptions {
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
type Style = keyof typeof CODES;

function painter(color: boolean) {
  return (s: string, style: Style) => (color ? `\x1b[${CODES[style]}m${s}\x1b[0m` : s);
}

/** Glyph for a tri-state answer: yes, no, could not tell. */
export function triGlyph(t: Tri): string {
  return t === true ? '✓' : t === false ? '✗' : '?';
}

function gib(bytes: number | null): string | null {
  return bytes ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : null;
}

function summarizeValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    if (v.every((e) => typeof e !== 'object')) return v.length <= 12 ? v.join(' ') : `${v.length} entries`;
    return `${v.length} entries`;
  }
  const parts: string[] = [];
  for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
    if (e === null || e === undefined) continue;
    const s = typeof e === 'object' ? summarizeValue(e) : String(e);
    if (s !== undefined) parts.push(`${k}=${typeof e === 'object' && !Array.isArray(e) ? `{${s}}` : s}`);
  }
  if (!parts.length) return undefined;
  const s = parts.join(' ');
  return s.length <= 110 ? s : `${s.slice(0, 107)}…`;
}

/** The machine in one line: CPU, cores, memory, OS, VM/container/CI. */
export function machineLine(r: Report): string {
  const cpu = r.probes.cpu?.facts ?? {};
  const env = r.probes.environment?.facts ?? {};
  const virt = (env.virtualization ?? {}) as Record<string, unknown>;
  const cont = (env.container ?? {}) as Record<string, unknown>;
  const ci = (env.ci ?? {}) as Record<string, unknown>;
  const parts = [
    typeof cpu.model === 'string' ? cpu.model : null,
    `${r.host.cpuCount} CPUs`,
    gib(r.host.memoryBytes),
    r.host.os,
    virt.isVirtual === true ? `${virt.technology ?? 'virtual'} guest` : null,
    cont.isContainer === true ? `${cont.engine ?? ''} container`.trim() : null,
    ci.isCI === true ? `CI: ${ci.vendor ?? 'yes'}` : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

function capabilityRows(caps: [string, Capability][], paint: ReturnType<typeof painter>): string[] {
  const width = Math.max(10, ...caps.map(([id]) => id.length));
  const cell = (t: Tri) => {
    const g = triGlyph(t);
    return t === true ? paint(g, 'green') : t === false ? paint(g, 'red') : paint(g, 'dim');
  };
  const rows = [`    ${'capability'.padEnd(width)}  adv use eff`];
  for (const [id, c] of caps) {
    rows.push(`    ${id.padEnd(width)}   ${cell(c.advertised)}   ${cell(c.usable)}   ${cell(c.effective)}`);
  }
  return rows;
}

function findingLine(f: Finding, paint: ReturnType<typeof painter>): string {
  const sev = f.severity === 'error' ? paint('error  ', 'red') : f.severity === 'warning' ? paint('warning', 'yellow') : paint('info   ', 'blue');
  return `  ${sev} ${f.code}: ${f.message}${f.hint ? `\n          hint: ${f.hint}` : ''}`;
}

/** Renders the report as text. */
export function renderText(r: Report, opts: TextOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [];
  out.push(paint(`hwprobe ${r.tool.version}`, 'bold') + ` — ${machineLine(r)}`);
  const flags = [
    `calibration ${r.options.calibrate}`,
    r.options.replay ? 'replayed from a capture' : null,
    r.complete ? null : paint('INCOMPLETE', 'yellow'),
  ].filter(Boolean);
  out.push(paint(flags.join(' · '), 'dim'));

  for (const [id, p] of Object.entries(r.probes)) {
    out.push('');
    const status = p.status === 'ok' ? paint(p.status, 'green') : paint(p.status, p.status === 'unsupported' ? 'dim' : 'red');
    out.push(`${paint(id, 'bold')}  ${status}  ${paint(`${p.durationMs} ms`, 'dim')}${p.error ? `  ${p.error}` : ''}`);
    for (const [k, v] of Object.entries(p.facts)) {
      const s = summarizeValue(v);
      if (s !== undefined) out.push(`    ${k}: ${s}`);
    }
    const failed = p.evidence.filter((e) => !e.ok);
    if (failed.length) out.push(paint(`    not available: ${failed.map((e) => e.source).join(', ')}`, 'dim'));
    const caps = Object.entries(r.capabilities).filter(([cid]) => cid.startsWith(`${id === 'environment' ? 'env' : id}.`));
    if (caps.length) out.push(...capabilityRows(caps, paint));
    const ms = Object.entries(r.metrics).filter(([mid]) => mid.startsWith(`${id}.`));
    for (const [mid, m] of ms) {
      if (m.status !== 'ok') out.push(`    ${mid}: ${paint(m.status, m.status === 'wrong' ? 'red' : 'dim')} (${m.reason})`);
      else {
        const vs = m.speedup !== undefined ? ` ×${m.speedup} vs ${m.baseline?.method ?? 'baseline'}` : '';
        out.push(`    ${mid}: ${m.value} ${m.unit}${vs}  ${paint(`cv ${(m.cv * 100).toFixed(1)}% n=${m.samples}`, 'dim')}`);
      }
    }
  }
  out.push('');
  if (r.findings.length) {
    out.push(paint('findings', 'bold'));
    for (const f of r.findings) out.push(findingLine(f, paint));
  } else out.push(paint('no findings', 'dim'));
  out.push(paint('legend: ✓ yes  ✗ no  ? could not tell (adv = advertised, use = usable, eff = effective)', 'dim'));
  return out.join('\n') + '\n';
}

/** Renders expectation verdicts: failures with their reasons, then a one-line tally. */
export function renderVerdictsText(check: import('../expect/model.js').CheckResult, opts: TextOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [];
  let last = '';
  for (const v of check.verdicts) {
    if (v.expectation !== last) {
      const src = check.expectations.find((e) => e.name === v.expectation)?.source;
      out.push(paint(`expectations: ${v.expectation}`, 'bold') + (src && src !== v.expectation ? paint(`  (${src})`, 'dim') : ''));
      last = v.expectation;
    }
    const mark =
      v.status === 'pass' ? paint('✓ pass', 'green') : v.severity === 'error' ? paint('✗ FAIL', 'red') : paint('! warn', 'yellow');
    out.push(`  ${mark}  ${v.label}${v.status === 'pass' && v.reasons[0] ? paint(`  ${v.reasons[0]}`, 'dim') : ''}`);
    if (v.status === 'fail') {
      for (const r of v.reasons) out.push(`          ${r}`);
      if (v.why) out.push(paint(`          needed because: ${v.why}`, 'dim'));
      out.push(paint(`          required at ${v.origin.source} ${v.origin.path}${v.origin.line ? ` (line ${v.origin.line})` : ''}`, 'dim'));
    }
  }
  const tally = `${check.passed} passed, ${check.failed} failed, ${check.warned} warning${check.warned === 1 ? '' : 's'}`;
  out.push(check.ok ? paint(`expectations met: ${tally}`, 'green') : paint(`expectations NOT met: ${tally}`, 'red'));
  return out.join('\n') + '\n';
}

/** Renders a baseline diff: lost and degraded capabilities, metric changes, changed facts. */
export function renderDiffText(diff: import('../diff.js').DiffResult, opts: TextOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [paint('baseline diff', 'bold') + paint(`  ${diff.base.createdAt} → ${diff.current.createdAt} · tolerance ${Math.round(diff.tolerance * 100)}%`, 'dim')];
  const capMark = { lost: paint('✗ lost    ', 'red'), degraded: paint('✗ degraded', 'red'), unknown: paint('? unknown ', 'dim'), gained: paint('+ gained  ', 'green') } as const;
  for (const c of diff.capabilities) {
    out.push(`  ${capMark[c.change]}  ${c.summary}`);
    for (const e of c.explanation) out.push(`              ${e}`);
  }
  for (const m of diff.metrics) {
    const mark =
      m.status === 'regressed' || m.status === 'wrong'
        ? paint('✗ slower  ', 'red')
        : m.status === 'improved'
          ? paint('+ faster  ', 'green')
          : m.status === 'unmeasured'
            ? paint('? unmeas. ', 'dim')
            : paint('= same    ', 'dim');
    out.push(`  ${mark}  ${m.summary}`);
  }
  for (const f of diff.facts) out.push(`  ${paint('~ changed ', 'yellow')}  ${f.path}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`);
  if (diff.capabilities.length + diff.metrics.length + diff.facts.length === 0) out.push(paint('  no differences', 'dim'));
  const tally = `${diff.lost} lost, ${diff.degraded} degraded, ${diff.regressed} regressed`;
  out.push(diff.ok ? paint(`no regressions (${tally})`, 'green') : paint(`REGRESSIONS: ${tally}`, 'red'));
  return out.join('\n') + '\n';
}
