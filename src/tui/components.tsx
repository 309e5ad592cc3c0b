/** Presentational ink components: read-only props, no state. */
import React from 'react';
import { Box, Text } from 'ink';
import type { Banner as BannerModel, CapabilityRow, FindingRow, LiveState, MetricRow, Section } from '../view/model.js';
import { triGlyph } from '../view/model.js';
import type { Tri } from '../types.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function triColor(t: Tri): string {
  return t === true ? 'green' : t === false ? 'red' : 'gray';
}

/** ✓ ✗ ? in colour. */
export function TriCell({ value }: { readonly value: Tri }) {
  return <Text color={triColor(value)}>{triGlyph(value)}</Text>;
}

/** A horizontal bar of `width` cells filled to `fraction`. */
export function Bar({ fraction, width, color = 'cyan' }: { readonly fraction: number; readonly width: number; readonly color?: string }) {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return (
    <Text>
      <Text color={color}>{'█'.repeat(full)}</Text>
      <Text color="gray">{'░'.repeat(Math.max(0, width - full))}</Text>
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
        <Text color="gray" wrap="truncate">
          {subtitle}
        </Text>
      ) : null}
    </Box>
  );
}

/** The verdict banner. */
export function VerdictBanner({ banner }: { readonly banner: BannerModel }) {
  const color = banner.tone === 'good' ? 'green' : banner.tone === 'warn' ? 'yellow' : 'red';
  return (
    <Text color={color} bold wrap="truncate">
      {banner.tone === 'good' ? '● ' : banner.tone === 'warn' ? '▲ ' : '✖ '}
      {banner.text}
    </Text>
  );
}

/** The rows of the live view: one per probe, then the calibration progress. */
export function LiveView({ live, frame, width }: { readonly live: LiveState; readonly frame: number; readonly width: number }) {
  const c = live.calibration;
  const barWidth = Math.max(10, Math.min(40, width - 50));
  return (
    <Box flexDirection="column">
      {live.probes.map((p) => (
        <Text key={p.id} wrap="truncate">
          {p.state === 'running' ? (
            <Text color="cyan">{SPINNER[frame % SPINNER.length]}</Text>
          ) : p.state === 'waiting' ? (
            <Text color="gray">·</Text>
          ) : (
            <Text color={p.status === 'ok' ? 'green' : p.status === 'unsupported' || p.status === 'skipped' ? 'gray' : 'red'}>
              {p.status === 'ok' ? '✓' : p.status === 'unsupported' || p.status === 'skipped' ? '–' : '✗'}
            </Text>
          )}{' '}
          {p.id.padEnd(14)}
          <Text color="gray">
            {p.state === 'done' ? `${p.status} ${p.durationMs} ms` : p.state === 'running' ? 'detecting…' : 'waiting'}
          </Text>
        </Text>
      ))}
      {c && c.fraction < 1 ? (
        <Text wrap="truncate">
          {'calibrating '}
          <Bar fraction={c.fraction} width={barWidth} /> {String(Math.round(c.fraction * 100)).padStart(3)}%{' '}
          <Text color="cyan">{c.kernel}</Text>
          <Text color="gray">{c.etaMs !== undefined ? `  ETA ${(c.etaMs / 1000).toFixed(1)} s` : ''}</Text>
        </Text>
      ) : null}
    </Box>
  );
}

/** Capabilities in a grid of "name adv use eff" cells, as many columns as fit. */
export function CapabilityGrid({ rows, prefix, width, maxRows }: { readonly rows: readonly CapabilityRow[]; readonly prefix: string; readonly width: number; readonly maxRows: number }) {
  if (rows.length === 0) return null;
  const names = rows.map((r) => (r.id.startsWith(prefix) ? r.id.slice(prefix.length) : r.id));
  const nameWidth = Math.min(30, Math.max(...names.map((n) => n.length)));
  const cell = nameWidth + 15; // name, two spaces, three glyphs three apart, four spaces
  const cols = Math.max(1, Math.floor((width - 4) / cell));
  const lines = Math.ceil(rows.length / cols);
  const shown = Math.min(lines, Math.max(1, maxRows - 1));
  const grid: number[][] = [];
  for (let l = 0; l < shown; l++) {
    grid.push([]);
    for (let c = 0; c < cols; c++) {
      const i = c * lines + l; // column-major, so the list reads down then across
      if (i < rows.length) grid[l].push(i);
    }
  }
  return (
    <Box flexDirection="column" width={width}>
      <Text color="gray" wrap="truncate">
        {'  '}
        {Array.from({ length: Math.min(cols, rows.length) }, () => `${'capability'.padEnd(nameWidth)} adv use eff`.padEnd(cell)).join('').slice(0, width - 2)}
      </Text>
      {grid.map((line, l) => (
        <Text key={l} wrap="truncate">
          {'  '}
          {line.map((i) => (
            <Text key={i}>
              {names[i].slice(0, nameWidth).padEnd(nameWidth)}
              {'  '}
              <TriCell value={rows[i].advertised} />
              {'   '}
              <TriCell value={rows[i].usable} />
              {'   '}
              <TriCell value={rows[i].effective} />
              {'    '}
            </Text>
          ))}
        </Text>
      ))}
      {shown < lines ? <Text color="gray">{`  … ${(lines - shown) * cols} more (Enter expands)`}</Text> : null}
    </Box>
  );
}

/** Metrics as horizontal bars. */
export function MetricBars({ rows, width }: { readonly rows: readonly MetricRow[]; readonly width: number }) {
  if (rows.length === 0) return null;
  const nameWidth = Math.min(32, Math.max(...rows.map((r) => r.id.length)));
  const barWidth = Math.max(8, Math.min(30, width - nameWidth - 50));
  return (
    <Box flexDirection="column" width={width}>
      {rows.map((r) => (
        <Text key={r.id} wrap="truncate">
          {'  '}
          {r.id.slice(0, nameWidth).padEnd(nameWidth)}{' '}
          {r.status === 'ok' ? (
            <>
              <Bar fraction={r.bar} width={barWidth} /> {r.text}
              {r.speedup ? <Text color="cyan">{`  ${r.speedup}`}</Text> : null}
              {r.cv !== undefined ? <Text color="gray">{`  cv ${(r.cv * 100).toFixed(1)}%`}</Text> : null}
            </>
          ) : (
            <Text color={r.status === 'wrong' ? 'red' : 'gray'}>{r.text}</Text>
          )}
        </Text>
      ))}
    </Box>
  );
}

/** Findings with severity colour and hint. */
export function Findings({ rows }: { readonly rows: readonly FindingRow[] }) {
  if (rows.length === 0) return null;
  return (
    <Box flexDirection="column">
      {rows.map((f, i) => (
        <Box key={i} flexDirection="column">
          <Text wrap="truncate">
            {'  '}
            <Text color={f.severity === 'error' ? 'red' : f.severity === 'warning' ? 'yellow' : 'blue'}>{f.severity.padEnd(7)}</Text>{' '}
            <Text bold>{f.code}</Text> {f.message}
          </Text>
          {f.hint ? (
            <Text color="gray" wrap="truncate">
              {'          hint: '}
              {f.hint}
            </Text>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}

/** A one-line summary of a section: status, duration, counts. */
export function SectionLine({ section, selected, expanded }: { readonly section: Section; readonly selected: boolean; readonly expanded: boolean }) {
  const s = section;
  const adv = s.capabilities.filter((c) => c.advertised).length;
  const use = s.capabilities.filter((c) => c.usable).length;
  const eff = s.capabilities.filter((c) => c.effective).length;
  const worst = s.findings.some((f) => f.severity === 'error') ? 'red' : s.findings.some((f) => f.severity === 'warning') ? 'yellow' : undefined;
  return (
    <Text inverse={selected} wrap="truncate">
      {selected ? (expanded ? '▾ ' : '▸ ') : '  '}
      <Text bold>{s.id.padEnd(13)}</Text>
      <Text color={s.status === 'ok' ? 'green' : s.status === 'unsupported' || s.status === 'skipped' ? 'gray' : 'red'}>{s.status.padEnd(12)}</Text>
      {`${String(Math.round(s.durationMs)).padStart(5)} ms  `}
      {s.capabilities.length ? `${s.capabilities.length} capabilities (${adv} adv, ${use} use, ${eff} eff)` : ''}
      {s.metrics.length ? ` · ${s.metrics.length} metric${s.metrics.length === 1 ? '' : 's'}` : ''}
      {s.findings.length ? <Text color={worst}>{` · ${s.findings.length} finding${s.findings.length === 1 ? '' : 's'}`}</Text> : ''}
      {s.error ? <Text color="red">{`  ${s.error}`}</Text> : ''}
    </Text>
  );
}

/** Evidence and facts of an expanded section. */
export function Evidence({ section, maxRows }: { readonly section: Section; readonly maxRows: number }) {
  const lines = [
    ...section.facts.map((f) => `fact      ${f}`),
    ...section.evidence.map((e) => `source    ${e}`),
    ...section.capabilities.flatMap((c) => (c.evidence.length ? [`evidence  ${c.id}: ${c.evidence.join('; ')}`] : [])),
  ];
  const shown = lines.slice(0, Math.max(1, maxRows - 1));
  return (
    <Box flexDirection="column">
      {shown.map((l, i) => (
        <Text key={i} color={l.startsWith('source    ✗') ? 'gray' : undefined} wrap="truncate">
          {'  '}
          {l}
        </Text>
      ))}
      {lines.length > shown.length ? <Text color="gray">{`  … ${lines.length - shown.length} more lines: see --format text or --json`}</Text> : null}
    </Box>
  );
}
