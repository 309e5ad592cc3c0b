/** The one stateful component: live progress while probing, then the navigable final view. */
import React, { useEffect, useState } from 'react';
import { Box, Text, useInput, useStdout } from 'ink';
import type { ProgressEvent } from '../types.js';
import { initialLive, reduceLive, SECTION_PREFIXES, type LiveState, type ViewModel } from '../view/model.js';
import { CapabilityGrid, Evidence, Findings, Header, LiveView, MetricBars, SectionLine, VerdictBanner } from './components.js';

/** What the App watches: progress events, then the final view and the run's exit code. */
export interface TuiRun {
  probeIds: readonly string[];
  machine: string;
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

/** The App. `onDone(code)` is called once, when the user quits (q) or after an interrupted run is shown. */
export function App({ run, onDone }: { readonly run: TuiRun; readonly onDone: (code: number) => void }) {
  const [live, setLive] = useState<LiveState>(() => initialLive(run.probeIds, Date.now()));
  const [final, setFinal] = useState<{ view: ViewModel; exitCode: number } | null>(null);
  const [interrupted, setInterrupted] = useState(false);
  const [selected, setSelected] = useState(0);
  const [expanded, setExpanded] = useState(false);
  const [frame, setFrame] = useState(0);
  const { columns, rows } = useSize();

  useEffect(() => run.subscribe((ev) => setLive((s) => reduceLive(s, ev))), [run]);
  useEffect(() => {
    let alive = true;
    run.result.then((r) => alive && setFinal(r));
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

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      if (!final) {
        setInterrupted(true);
        run.interrupt();
      } else onDone(130);
      return;
    }
    if (!final) return;
    const n = final.view.sections.length;
    if (input === 'q' || key.escape) onDone(final.exitCode);
    else if (key.upArrow || input === 'k') (setSelected((s) => (s + n - 1) % n), setExpanded(false));
    else if (key.downArrow || input === 'j') (setSelected((s) => (s + 1) % n), setExpanded(false));
    else if (key.return) setExpanded((e) => !e);
  });

  const width = Math.max(40, columns);
  if (!final) {
    return (
      <Box flexDirection="column" width={width}>
        <Header title="hwprobe" machine={run.machine} subtitle={interrupted ? 'interrupting…' : 'probing this machine (Ctrl-C stops)'} />
        <Text> </Text>
        <LiveView live={live} frame={frame} width={width} />
      </Box>
    );
  }

  const v = final.view;
  const sel = v.sections[Math.min(selected, v.sections.length - 1)];
  // Rows left for the selected section's detail: the screen less header, banner, section list, help.
  const budget = Math.max(4, rows - (v.sections.length + 9));
  const capRows = sel ? Math.max(2, budget - sel.metrics.length - Math.min(sel.findings.length * 2, 8) - 2) : 0;
  const prefix = sel ? (SECTION_PREFIXES[sel.id]?.[0] ?? `${sel.id}.`) : '';
  return (
    <Box flexDirection="column" width={width}>
      <Header title={v.title} machine={v.machine} subtitle={v.subtitle} />
      <VerdictBanner banner={v.banner} />
      <Text> </Text>
      {v.sections.map((s, i) => (
        <SectionLine key={s.id} section={s} selected={i === selected} expanded={expanded} />
      ))}
      <Text> </Text>
      {sel ? (
        expanded ? (
          <Evidence section={sel} maxRows={budget} />
        ) : (
          <Box flexDirection="column">
            <CapabilityGrid rows={sel.capabilities} prefix={prefix} width={width} maxRows={capRows} />
            <MetricBars rows={sel.metrics} width={width} />
            <Findings rows={sel.findings.slice(0, 4)} />
          </Box>
        )
      ) : null}
      <Text color="gray" wrap="truncate">
        {`↑/↓ j/k section · Enter ${expanded ? 'back' : 'evidence'} · q quit   ${v.legend}`}
      </Text>
    </Box>
  );
}
