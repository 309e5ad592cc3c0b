/** The one stateful component: live progress while probing, then the navigable final view. */
import React, { useEffect, useState } from 'react';
import { Box, Text, useInput, useStdout } from 'ink';
import type { CalibrationLevel, ProgressEvent } from '../types.js';
import { initialLive, reduceLive, SECTION_PREFIXES, type LiveState, type Section, type ViewModel } from '../view/model.js';
import { finishProgress, initialProgress, reduceProgress, type RunProgress } from '../view/progress.js';
import {
  capabilityLines,
  CauseLine,
  causeLines,
  evidenceLines,
  findingLines,
  Header,
  helpLines,
  LiveView,
  metricLines,
  paint,
  ProblemLine,
  problemLines,
  SectionLine,
  SectionTabs,
  VerdictBanner,
} from './components.js';

/** What the App watches: progress events, then the final view and the run's exit code. */
export interface TuiRun {
  probeIds: readonly string[];
  machine: string;
  /** the calibration level, for the ETA (default quick) */
  calibrate?: CalibrationLevel;
  subscribe(fn: (ev: ProgressEvent) => void): () => void;
  result: Promise<{ view: ViewModel; exitCode: number }>;
  /** Stops the run (Ctrl-C): the result still arrives, marked incomplete. */
  interrupt(): void;
}

function useSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const on = () => setSize(read());
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
  }, [stdout]);
  return size;
}

/** Below this height the section list becomes one line of tabs. */
const TABS_BELOW_ROWS = 32;
/** At most this many requirement and cause lines under the banner; the rest are in their own tab. */
const BANNER_LINES = 2;

/** A pseudo-section listing requirements not met or warnings in full. */
type Tab = { kind: 'section'; section: Section } | { kind: 'requirements' } | { kind: 'warnings' };

const tabId = (t: Tab) => (t.kind === 'section' ? t.section.id : t.kind);

/** The App. `onDone(code)` is called once, when the user quits (q) or after an interrupted run is shown. */
export function App({ run, onDone }: { readonly run: TuiRun; readonly onDone: (code: number) => void }) {
  const [live, setLive] = useState<LiveState>(() => initialLive(run.probeIds, Date.now()));
  const [progress, setProgress] = useState<RunProgress>(() => initialProgress(run.probeIds, run.calibrate ?? 'quick', Date.now()));
  const [final, setFinal] = useState<{ view: ViewModel; exitCode: number } | null>(null);
  const [interrupted, setInterrupted] = useState(false);
  const [selected, setSelected] = useState(-1); // -1: the first probe section
  const [pane, setPane] = useState<'detail' | 'evidence' | 'help'>('detail');
  const [scroll, setScroll] = useState(0);
  const [frame, setFrame] = useState(0);
  const { columns, rows } = useSize();

  useEffect(
    () =>
      run.subscribe((ev) => {
        const now = Date.now();
        setLive((s) => reduceLive(s, ev));
        setProgress((p) => reduceProgress(p, ev, now));
      }),
    [run],
  );
  useEffect(() => {
    let alive = true;
    run.result.then((r) => {
      if (!alive) return;
      setProgress((p) => finishProgress(p, Date.now()));
      setFinal(r);
    });
    return () => {
      alive = false;
    };
  }, [run]);
  useEffect(() => {
    if (final) return;
    const t = setInterval(() => setFrame((f) => f + 1), 80);
    return () => clearInterval(t);
  }, [final]);
  useEffect(() => {
    // An interrupted run shows what was measured, then exits 130 without waiting for a key.
    if (final && interrupted) setTimeout(() => onDone(130), 0);
  }, [final, interrupted]);

  const v = final?.view;
  const tabs: Tab[] = v
    ? [
        ...(v.problems.length ? [{ kind: 'requirements' as const }] : []),
        ...(v.causes.length ? [{ kind: 'warnings' as const }] : []),
        ...v.sections.map((section) => ({ kind: 'section' as const, section })),
      ]
    : [];
  // Start on the first probe section; the requirements and warnings tabs sit above it.
  const firstSection = tabs.findIndex((t) => t.kind === 'section');
  const sel = selected < 0 ? Math.max(0, firstSection) : Math.min(selected, Math.max(0, tabs.length - 1));

  const width = Math.max(40, columns);
  const compact = rows < TABS_BELOW_ROWS;
  const shownProblems = v ? v.problems.slice(0, BANNER_LINES) : [];
  const shownCauses = v ? v.causes.slice(0, BANNER_LINES) : [];
  const more = v ? v.problems.length - shownProblems.length + (v.causes.length - shownCauses.length) : 0;
  // Rows: header 2, banner 1, problems, causes, "more" 1, blank 1, sections (tabs + summary 2, or one per tab), blank 1, footer 1, and 1 spare.
  const fixed = 2 + 1 + shownProblems.length + shownCauses.length + (more ? 1 : 0) + 1 + (compact ? 2 : tabs.length) + 1 + 1 + 1;
  const paneRows = Math.max(3, rows - fixed);
  const tab = tabs[sel];
  const lines = !v || !tab ? [] : pane === 'help' ? helpLines(v.legend) : paneLines(tab, v, pane, width);
  const maxScroll = Math.max(0, lines.length - paneRows);
  const top = Math.min(scroll, maxScroll);

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      if (!final) {
        setInterrupted(true);
        run.interrupt();
      } else onDone(130);
      return;
    }
    if (!final) return;
    const n = tabs.length;
    const move = (d: number) => {
      const next = (sel + d + n) % n;
      setSelected(next);
      setPane((p) => (p === 'help' ? 'help' : 'detail'));
      setScroll(0);
    };
    const page = Math.max(1, paneRows - 1);
    if (input === 'q' || key.escape) onDone(final.exitCode);
    else if (key.upArrow || input === 'k') move(-1);
    else if (key.downArrow || input === 'j') move(1);
    else if (key.return) (setPane((p) => (p === 'evidence' ? 'detail' : 'evidence')), setScroll(0));
    else if (input === '?') (setPane((p) => (p === 'help' ? 'detail' : 'help')), setScroll(0));
    else if (key.pageDown || input === ' ') setScroll(Math.min(maxScroll, top + page));
    else if (key.pageUp || input === 'b') setScroll(Math.max(0, top - page));
    else if (input === 'g') setScroll(0);
  });

  if (!v) {
    return (
      <Box flexDirection="column" width={width}>
        <Header title="hwprobe" machine={run.machine} subtitle={interrupted ? 'interrupting…' : 'probing this machine (Ctrl-C stops)'} />
        <Text> </Text>
        <LiveView live={live} progress={progress} now={Date.now()} frame={frame} width={width} />
      </Box>
    );
  }

  const shown = lines.slice(top, top + paneRows);
  const position = lines.length > paneRows ? ` · ${top + 1}–${top + shown.length}/${lines.length} space/b` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Header title={v.title} machine={v.machine} subtitle={v.subtitle} />
      <VerdictBanner banner={v.banner} causes={v.causes} />
      {shownProblems.map((p, i) => (
        <ProblemLine key={`p${i}`} p={p} />
      ))}
      {shownCauses.map((c, i) => (
        <CauseLine key={`c${i}`} c={c} />
      ))}
      {more ? <Text color={paint('gray')} wrap="truncate">{`  … ${more} more: the requirements and warnings tabs`}</Text> : null}
      <Text> </Text>
      {compact ? (
        <>
          <SectionTabs ids={tabs.map(tabId)} selected={sel} width={width} />
          {tab?.kind === 'section' ? <SectionLine section={tab.section} selected={false} expanded={pane === 'evidence'} /> : <Text wrap="truncate">{tabTitle(tab, v)}</Text>}
        </>
      ) : (
        tabs.map((t, i) =>
          t.kind === 'section' ? (
            <SectionLine key={tabId(t)} section={t.section} selected={i === sel} expanded={i === sel && pane === 'evidence'} />
          ) : (
            <Text key={tabId(t)} inverse={i === sel} wrap="truncate">
              {i === sel ? '▸ ' : '  '}
              {tabTitle(t, v)}
            </Text>
          ),
        )
      )}
      <Text> </Text>
      {shown}
      <Text color={paint('gray')} wrap="truncate">
        {`↑/↓ j/k section · Enter ${pane === 'evidence' ? 'back' : 'evidence'} · ? keys · q quit${position}`}
      </Text>
    </Box>
  );
}

function tabTitle(t: Tab | undefined, v: ViewModel): string {
  if (!t) return '';
  if (t.kind === 'requirements') return `requirements  ${v.problems.length} not met`;
  if (t.kind === 'warnings') return `warnings      ${v.causes.length} cause${v.causes.length === 1 ? '' : 's'}`;
  return t.section.id;
}

/** The selected tab's pane, as one-line elements the App scrolls. */
function paneLines(t: Tab, v: ViewModel, pane: 'detail' | 'evidence', width: number): React.ReactElement[] {
  if (t.kind === 'requirements') return problemLines(v.problems);
  if (t.kind === 'warnings') return causeLines(v.causes);
  const s = t.section;
  if (pane === 'evidence') return evidenceLines(s);
  const prefix = SECTION_PREFIXES[s.id]?.[0] ?? `${s.id}.`;
  return [...capabilityLines(s.capabilities, prefix, width), ...metricLines(s.metrics, width), ...findingLines(s.findings)];
}
