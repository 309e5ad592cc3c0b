/**
 * Presentational ink components: read-only props, no state. The final view's panes are built as
 * lists of one-line elements, so the App can scroll any of them to fit the terminal's height.
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { Banner as BannerModel, CapabilityRow, FindingRow, LiveState, MetricRow, RequirementProblem, RootCause, Section } from '../view/model.js';
import { triGlyph } from '../view/model.js';
import { formatDuration, summarize, type RunProgress } from '../view/progress.js';
import type { Tri } from '../types.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

// NO_COLOR (no-color.org): no colour codes at all. chalk, which ink uses, does not read NO_COLOR
// (only FORCE_COLOR), so every colour goes through `paint`, which drops it when colour is off.
let colorOn = true;
/** Turns colour on or off for every component (the TUI sets it once, from NO_COLOR / FORCE_COLOR). */
export function setColor(on: boolean): void {
  colorOn = on;
}
/** A colour name, or undefined when colour is off. */
export function paint(color: string | undefined): string | undefined {
  return colorOn ? color : undefined;
}

function triColor(t: Tri): string {
  return t === true ? 'green' : t === false ? 'red' : 'gray';
}

/** ✓ ✗ ? in colour. */
export function TriCell({ value }: { readonly value: Tri }) {
  return <Text color={paint(triColor(value))}>{triGlyph(value)}</Text>;
}

/** A horizontal bar of `width` cells filled to `fraction`, with an optional mark (a threshold) at `mark`. */
export function Bar({ fraction, width, color = 'cyan', mark }: { readonly fraction: number; readonly width: number; readonly color?: string; readonly mark?: number }) {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  const cells: string[] = Array.from({ length: width }, (_, i) => (i < full ? '█' : '░'));
  if (mark !== undefined) cells[Math.min(width - 1, Math.round(mark * width))] = '│';
  const filled = cells.slice(0, full).join('');
  return (
    <Text>
      <Text color={paint(color)}>{filled}</Text>
      <Text color={paint('gray')}>{cells.slice(full).join('')}</Text>
    </Text>
  );
}

/** Title and machine line. */
export function Header({ title, machine, subtitle }: { readonly title: string; readonly machine: string; readonly subtitle?: string }) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{title}</Text> <Text>— {machine}</Text>
      </Text>
      {subtitle ? (
        <Text color={paint('gray')} wrap="truncate">
          {subtitle}
        </Text>
      ) : null}
    </Box>
  );
}

const toneColor = (tone: BannerModel['tone']) => (tone === 'good' ? 'green' : tone === 'warn' ? 'yellow' : 'red');

/** The verdict banner, naming the warnings by root cause. */
export function VerdictBanner({ banner, causes }: { readonly banner: BannerModel; readonly causes: readonly RootCause[] }) {
  const warn = causes.filter((c) => c.severity !== 'info');
  const errors = warn.filter((c) => c.severity === 'error').length;
  const tally = [errors ? `${errors} error${errors === 1 ? '' : 's'}` : '', warn.length - errors ? `${warn.length - errors} warning${warn.length - errors === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  const named = warn.length && banner.kind === 'expectations' ? ` · ${tally}: ${warn.map((c) => c.title).join(', ')}` : '';
  const inline = banner.kind === 'findings' && warn.length ? `: ${warn.map((c) => c.title).join(', ')}` : '';
  return (
    <Text color={paint(toneColor(banner.tone))} bold wrap="truncate">
      {banner.tone === 'good' ? '● ' : banner.tone === 'warn' ? '▲ ' : '✖ '}
      {banner.text}
      {inline}
      {named}
    </Text>
  );
}

/** A requirement not met, in one line: mark, label, first reason. */
export function ProblemLine({ p }: { readonly p: RequirementProblem }) {
  return (
    <Text wrap="truncate">
      {'  '}
      <Text color={paint(p.kind === 'fail' ? 'red' : 'yellow')}>{p.kind === 'fail' ? '✗ FAIL ' : '! warn '}</Text>
      <Text bold>{p.label}</Text>
      <Text>{`: ${p.reason}`}</Text>
    </Text>
  );
}

/** An error or warning cause, in one line: severity, cause, what it affects or says. */
export function CauseLine({ c }: { readonly c: RootCause }) {
  return (
    <Text wrap="truncate">
      {'  '}
      <Text color={paint(c.severity === 'error' ? 'red' : 'yellow')}>{c.severity === 'error' ? 'error   ' : 'warning '}</Text>
      <Text bold>{c.title}</Text>
      <Text>{c.count > 1 ? `: affects ${c.affects.join(', ')}` : `: ${c.message}`}</Text>
    </Text>
  );
}

/** The live view: one row per probe, then one bar for the whole run with its ETA and what runs now. */
export function LiveView({ live, progress, now, frame, width }: { readonly live: LiveState; readonly progress: RunProgress; readonly now: number; readonly frame: number; readonly width: number }) {
  const s = summarize(progress, now);
  const barWidth = Math.max(10, Math.min(40, width - 40));
  return (
    <Box flexDirection="column">
      {live.probes.map((p) => (
        <Text key={p.id} wrap="truncate">
          {p.state === 'running' ? (
            <Text color={paint('cyan')}>{SPINNER[frame % SPINNER.length]}</Text>
          ) : p.state === 'waiting' ? (
            <Text color={paint('gray')}>·</Text>
          ) : (
            <Text color={paint(p.status === 'ok' ? 'green' : p.status === 'unsupported' || p.status === 'skipped' ? 'gray' : 'red')}>
              {p.status === 'ok' ? '✓' : p.status === 'unsupported' || p.status === 'skipped' ? '–' : '✗'}
            </Text>
          )}{' '}
          {p.id.padEnd(14)}
          <Text color={paint('gray')}>
            {p.state === 'done' ? `${p.status} ${formatDuration(p.durationMs ?? 0)}` : p.state === 'running' ? 'detecting…' : 'waiting'}
          </Text>
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="truncate">
        <Bar fraction={s.fraction} width={barWidth} /> {String(Math.round(s.fraction * 100)).padStart(3)}%
        <Text color={paint('gray')}>{`  ${formatDuration(s.elapsedMs)} · ETA ${formatDuration(s.etaMs)}`}</Text>
      </Text>
      <Text wrap="truncate">
        <Text color={paint('cyan')}>{s.label}</Text>
      </Text>
    </Box>
  );
}

/** Capabilities as one-line elements: a header per grid column, then rows read down then across. */
export function capabilityLines(rows: readonly CapabilityRow[], prefix: string, width: number): React.ReactElement[] {
  if (rows.length === 0) return [];
  const names = rows.map((r) => (r.id.startsWith(prefix) ? r.id.slice(prefix.length) : r.id));
  // at least as wide as the header word, so each column's header lines up with its cells
  const nameWidth = Math.min(30, Math.max('capability'.length, ...names.map((n) => n.length)));
  const cell = nameWidth + 16; // name, three glyphs each after three spaces, four spaces
  const cols = Math.max(1, Math.min(rows.length, Math.floor((width - 2) / cell)));
  const lines = Math.ceil(rows.length / cols);
  const head = `${'capability'.padEnd(nameWidth)}  adv use eff`.padEnd(cell);
  const out: React.ReactElement[] = [
    <Text key="h" color={paint('gray')} wrap="truncate">
      {'  '}
      {head.repeat(cols).trimEnd()}
    </Text>,
  ];
  for (let l = 0; l < lines; l++) {
    const line: number[] = [];
    for (let c = 0; c < cols; c++) {
      const i = c * lines + l; // column-major, so the list reads down then across
      if (i < rows.length) line.push(i);
    }
    out.push(
      <Text key={`c${l}`} wrap="truncate">
        {'  '}
        {line.map((i) => (
          <Text key={i}>
            {names[i].slice(0, nameWidth).padEnd(nameWidth)}
            {'   '}
            <TriCell value={rows[i].advertised} />
            {'   '}
            <TriCell value={rows[i].usable} />
            {'   '}
            <TriCell value={rows[i].effective} />
            {'    '}
          </Text>
        ))}
      </Text>,
    );
  }
  return out;
}

/** Metrics as one-line bars, after a line naming each scale the bars use. */
export function metricLines(rows: readonly MetricRow[], width: number): React.ReactElement[] {
  if (rows.length === 0) return [];
  const nameWidth = Math.min(32, Math.max(...rows.map((r) => r.id.length)));
  const barWidth = Math.max(8, Math.min(30, width - nameWidth - 40));
  const scales = [...new Set(rows.map((r) => r.scale).filter(Boolean))];
  const out: React.ReactElement[] = [];
  if (scales.length) {
    out.push(
      <Text key="scale" color={paint('gray')} wrap="truncate">
        {`  bars: ${scales.join(' · ')}`}
      </Text>,
    );
  }
  for (const r of rows) {
    out.push(
      <Text key={r.id} wrap="truncate">
        {'  '}
        {r.id.slice(0, nameWidth).padEnd(nameWidth)}{' '}
        {r.status === 'ok' ? (
          <>
            <Bar fraction={r.bar} width={barWidth} mark={r.mark} /> {r.text}
            {r.speedup ? <Text color={paint('cyan')}>{`  ${r.speedup}`}</Text> : null}
            {r.cv !== undefined ? <Text color={paint('gray')}>{`  cv ${(r.cv * 100).toFixed(1)}%`}</Text> : null}
          </>
        ) : (
          <Text color={paint(r.status === 'wrong' ? 'red' : 'gray')}>{r.text}</Text>
        )}
      </Text>,
    );
  }
  return out;
}

/** Findings with severity colour and hint, as one-line elements. */
export function findingLines(rows: readonly FindingRow[]): React.ReactElement[] {
  return rows.flatMap((f, i) => [
    <Text key={`f${i}`} wrap="truncate">
      {'  '}
      <Text color={paint(f.severity === 'error' ? 'red' : f.severity === 'warning' ? 'yellow' : 'blue')}>{f.severity.padEnd(7)}</Text> <Text bold>{f.code}</Text> {f.message}
    </Text>,
    ...(f.hint
      ? [
          <Text key={`h${i}`} color={paint('gray')} wrap="truncate">
            {'          hint: '}
            {f.hint}
          </Text>,
        ]
      : []),
  ]);
}

/** Evidence and facts of a section (every fact, technical ones included), as one-line elements. */
export function evidenceLines(section: Section): React.ReactElement[] {
  const lines = [
    ...section.facts.map((f) => `fact      ${f}`),
    ...section.evidence.map((e) => `source    ${e}`),
    ...section.capabilities.flatMap((c) => (c.evidence.length ? [`evidence  ${c.id}: ${c.evidence.join('; ')}`] : [])),
  ];
  return lines.map((l, i) => (
    <Text key={`e${i}`} color={paint(l.startsWith('source    ✗') ? 'gray' : undefined)} wrap="truncate">
      {'  '}
      {l}
    </Text>
  ));
}

/** Every requirement not met, with its first reason and where it was required. */
export function problemLines(problems: readonly RequirementProblem[]): React.ReactElement[] {
  return problems.flatMap((p, i) => [
    <ProblemLine key={`p${i}`} p={p} />,
    <Text key={`o${i}`} color={paint('gray')} wrap="truncate">
      {`          ${p.expectation} · required at ${p.origin}`}
    </Text>,
  ]);
}

/** Every error and warning cause with what it affects and its hint. */
export function causeLines(causes: readonly RootCause[]): React.ReactElement[] {
  return causes.flatMap((c, i) => [
    <CauseLine key={`c${i}`} c={c} />,
    ...(c.count > 1
      ? [
          <Text key={`m${i}`} wrap="truncate">
            {`          ${c.message}`}
          </Text>,
        ]
      : []),
    ...(c.hint
      ? [
          <Text key={`h${i}`} color={paint('gray')} wrap="truncate">
            {`          hint: ${c.hint}`}
          </Text>,
        ]
      : []),
  ]);
}

/** The keys, for `?`. */
export const KEYS: readonly [string, string][] = [
  ['↑/↓  j/k', 'previous / next section'],
  ['Enter', 'evidence of the section (facts, sources, commands) / back'],
  ['PgDn  space', 'scroll the pane down'],
  ['PgUp  b', 'scroll the pane up'],
  ['g', 'back to the top of the pane'],
  ['?', 'these keys / back'],
  ['q  Esc', 'quit (the last screen stays)'],
  ['Ctrl-C', 'while running: stop, show what was measured, exit 130'],
];

/** The help pane. */
export function helpLines(legend: string): React.ReactElement[] {
  return [
    ...KEYS.map(([k, what]) => (
      <Text key={k} wrap="truncate">
        {'  '}
        <Text bold>{k.padEnd(13)}</Text>
        {what}
      </Text>
    )),
    <Text key="legend" color={paint('gray')} wrap="truncate">
      {`  ${legend}`}
    </Text>,
  ];
}

/** Counts of a section in words: status, duration, capabilities, metrics, findings. */
export function SectionLine({ section, selected, expanded }: { readonly section: Section; readonly selected: boolean; readonly expanded: boolean }) {
  const s = section;
  const adv = s.capabilities.filter((c) => c.advertised).length;
  const use = s.capabilities.filter((c) => c.usable).length;
  const eff = s.capabilities.filter((c) => c.effective).length;
  const worst = s.findings.some((f) => f.severity === 'error') ? 'red' : s.findings.some((f) => f.severity === 'warning') ? 'yellow' : undefined;
  if (s.id === 'other findings') {
    // findings no probe section claimed: no status or duration of their own
    return (
      <Text inverse={selected} wrap="truncate">
        {selected ? (expanded ? '▾ ' : '▸ ') : '  '}
        <Text bold>{s.id}</Text>
        <Text color={paint(worst)}>{`  ${s.findings.length} finding${s.findings.length === 1 ? '' : 's'}`}</Text>
      </Text>
    );
  }
  return (
    <Text inverse={selected} wrap="truncate">
      {selected ? (expanded ? '▾ ' : '▸ ') : '  '}
      <Text bold>{s.id.padEnd(13)}</Text>
      <Text color={paint(s.status === 'ok' ? 'green' : s.status === 'unsupported' || s.status === 'skipped' ? 'gray' : 'red')}>{s.status.padEnd(12)}</Text>
      {`${formatDuration(s.durationMs).padStart(8)}  `}
      {s.capabilities.length ? `${s.capabilities.length} capabilities (${adv} adv, ${use} use, ${eff} eff)` : ''}
      {s.metrics.length ? ` · ${s.metrics.length} metric${s.metrics.length === 1 ? '' : 's'}` : ''}
      {s.findings.length ? <Text color={paint(worst)}>{` · ${s.findings.length} finding${s.findings.length === 1 ? '' : 's'}`}</Text> : ''}
      {s.error ? <Text color={paint('red')}>{`  ${s.error}`}</Text> : ''}
    </Text>
  );
}

/** Short names for the tabs line, used when the full ones do not fit. */
const SHORT: Record<string, string> = { requirements: 'reqs', warnings: 'warn', accelerators: 'accel', environment: 'env', frameworks: 'fw', 'other findings': 'other' };

/** The sections as one line of tabs, for short terminals; names shorten when the line would not fit. */
export function SectionTabs({ ids, selected, width }: { readonly ids: readonly string[]; readonly selected: number; readonly width: number }) {
  const full = ids.reduce((n, id) => n + id.length + 2, 0) <= width;
  return (
    <Text wrap="truncate">
      {ids.map((id, i) => (
        <Text key={id} inverse={i === selected} bold={i === selected}>
          {i === selected ? '▸' : ' '}
          {full ? id : (SHORT[id] ?? id)}
          {' '}
        </Text>
      ))}
    </Text>
  );
}
