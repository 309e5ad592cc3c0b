/**
 * The view model shared by the TUI and the plain-text output: a pure function of the report
 * (and, while running, of the progress events). Tested as plain data.
 */
import type { Capability, Finding, Metric, ProbeReport, ProbeStatus, ProgressEvent, Report, Severity, Tri } from '../types.js';

/** A capability row: the three levels as yes / no / unknown. */
export interface CapabilityRow {
  id: string;
  advertised: Tri;
  usable: Tri;
  effective: Tri;
  notes?: string;
  evidence: string[];
}

/** A metric row, with a bar length in [0, 1] scaled against its reference. */
export interface MetricRow {
  id: string;
  status: Metric['status'];
  /** "5.71 GB/s", or the reason it was not measured */
  text: string;
  /** fraction of the bar, against `reference` (the max of value, threshold and baseline) */
  bar: number;
  /** "×3.2 vs software AES", when a speedup was measured */
  speedup?: string;
  /** what the bar is scaled against */
  reference?: string;
  cv?: number;
  samples?: number;
}

/** A finding line. */
export interface FindingRow {
  severity: Severity;
  code: string;
  message: string;
  hint?: string;
}

/** One probe's section. */
export interface Section {
  id: string;
  status: ProbeStatus;
  durationMs: number;
  error?: string;
  /** short fact lines, "key: value" */
  facts: string[];
  capabilities: CapabilityRow[];
  metrics: MetricRow[];
  findings: FindingRow[];
  /** sources consulted: "✓ /proc/cpuinfo", "✗ lscpu: not-found" */
  evidence: string[];
  /** the sources that did not answer */
  unavailable: string[];
}

/** A pass/fail tally shown at the top. */
export interface Banner {
  kind: 'expectations' | 'findings';
  /** "3 expectations passed, 1 failed" or "1 error, 2 warnings, 3 info" */
  text: string;
  tone: 'good' | 'warn' | 'bad';
}

/** Outcome of the expectations, when --expect was given (filled by the gating code). */
export interface ExpectationTally {
  passed: number;
  failed: number;
  warnings: number;
}

/** The whole final view. */
export interface ViewModel {
  title: string;
  machine: string;
  subtitle: string;
  banner: Banner;
  sections: Section[];
  legend: string;
}

/** Which capability and metric ids belong to a probe's section. */
export const SECTION_PREFIXES: Record<string, string[]> = {
  cpu: ['cpu.'],
  crypto: ['crypto.'],
  gpu: ['gpu.'],
  accelerators: ['accel.'],
  ml: ['ml.tfjs.'],
  frameworks: ['ml.numpy.', 'ml.torch.', 'ml.tf.', 'ml.jax.', 'ml.onnxruntime.', 'frameworks.'],
  environment: ['env.'],
};

/** Which finding codes belong to a probe's section when a finding names no capability. */
export const SECTION_CODE_PREFIXES: Record<string, string[]> = {
  cpu: ['CPU_'],
  crypto: ['CRYPTO_'],
  gpu: ['GPU_', 'CUDA_', 'OPENCL_', 'VULKAN_', 'ROCM_', 'NVIDIA_'],
  accelerators: ['ACCEL_', 'AMX_'],
  ml: ['ML_', 'TFJS_'],
  frameworks: ['FRAMEWORK_', 'TORCH_', 'TF_', 'THREADS_', 'NUMPY_'],
  environment: ['ENV_'],
};

/** The ids of a probe's section. */
function belongs(probe: string, id: string): boolean {
  const prefixes = SECTION_PREFIXES[probe] ?? [`${probe}.`];
  return prefixes.some((p) => id.startsWith(p));
}

/** Glyph for a tri-state answer: yes, no, could not tell. */
export function triGlyph(t: Tri): string {
  return t === true ? '✓' : t === false ? '✗' : '?';
}

export const LEGEND = '✓ yes  ✗ no  ? could not tell   (adv = advertised, use = usable, eff = effective)';

function gib(bytes: number | null): string | null {
  return bytes ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : null;
}

/** One-line summary of a fact value, or undefined when there is nothing to say. */
export function summarizeValue(v: unknown): string | undefined {
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

function pluralize(n: number, word: string): string {
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}

/** The verdict banner: expectations when given, else the findings by severity. */
export function banner(r: Report, tally?: ExpectationTally): Banner {
  if (tally) {
    const text = [`${tally.passed} passed`, `${tally.failed} failed`, tally.warnings ? `${pluralize(tally.warnings, 'warning')}` : null]
      .filter(Boolean)
      .join(', ');
    return { kind: 'expectations', text: `expectations: ${text}`, tone: tally.failed ? 'bad' : tally.warnings ? 'warn' : 'good' };
  }
  const n = (s: Severity) => r.findings.filter((f) => f.severity === s).length;
  const [e, w, i] = [n('error'), n('warning'), n('info')];
  const text = e + w + i === 0 ? 'no findings' : [pluralize(e, 'error'), pluralize(w, 'warning'), `${i} info`].join(', ');
  return { kind: 'findings', text, tone: e ? 'bad' : w ? 'warn' : 'good' };
}

function num(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toPrecision(3);
}

/** A metric row, with its bar scaled against threshold×baseline or the baseline, whichever is larger. */
export function metricRow(id: string, m: Metric): MetricRow {
  if (m.status !== 'ok') return { id, status: m.status, text: `${m.status}: ${m.reason}`, bar: 0 };
  const refs: [number, string][] = [[m.value, 'itself']];
  if (m.baseline) refs.push([m.baseline.value, `${m.baseline.method} ${num(m.baseline.value)} ${m.unit}`]);
  if (m.baseline && m.threshold) refs.push([m.baseline.value * m.threshold, `${m.threshold}× ${m.baseline.method}`]);
  const [ref, label] = refs.reduce((a, b) => (b[0] > a[0] ? b : a));
  return {
    id,
    status: 'ok',
    text: `${num(m.value)} ${m.unit}`,
    bar: ref > 0 ? Math.max(0, Math.min(1, m.value / ref)) : 0,
    ...(m.speedup !== undefined && m.unit !== '×' ? { speedup: `×${num(m.speedup)}${m.baseline ? ` vs ${m.baseline.method}` : ''}` } : {}),
    ...(label !== 'itself' ? { reference: label } : {}),
    cv: m.cv,
    samples: m.samples,
  };
}

/** Bars with no reference of their own are scaled against the largest metric of the same unit in the section. */
function scaleAmongPeers(rows: (readonly [MetricRow, Metric])[]): MetricRow[] {
  const max = new Map<string, number>();
  for (const [, m] of rows) if (m.status === 'ok') max.set(m.unit, Math.max(max.get(m.unit) ?? 0, m.value));
  return rows.map(([row, m]) => {
    if (m.status !== 'ok' || row.reference) return row;
    const top = max.get(m.unit) ?? 0;
    return { ...row, bar: top > 0 ? m.value / top : 0 };
  });
}

function capabilityRow(id: string, c: Capability): CapabilityRow {
  return { id, advertised: c.advertised, usable: c.usable, effective: c.effective, evidence: c.evidence, ...(c.notes ? { notes: c.notes } : {}) };
}

function findingRow(f: Finding): FindingRow {
  return { severity: f.severity, code: f.code, message: f.message, ...(f.hint ? { hint: f.hint } : {}) };
}

function section(r: Report, id: string, p: ProbeReport): Section {
  const facts: string[] = [];
  for (const [k, v] of Object.entries(p.facts)) {
    const s = summarizeValue(v);
    if (s !== undefined) facts.push(`${k}: ${s}`);
  }
  const inSection = (cid: string | undefined) => cid !== undefined && belongs(id, cid);
  return {
    id,
    status: p.status,
    durationMs: p.durationMs,
    ...(p.error ? { error: p.error } : {}),
    facts,
    capabilities: Object.entries(r.capabilities)
      .filter(([cid]) => belongs(id, cid))
      .map(([cid, c]) => capabilityRow(cid, c)),
    metrics: scaleAmongPeers(
      Object.entries(r.metrics)
        .filter(([mid]) => belongs(id, mid))
        .map(([mid, m]) => [metricRow(mid, m), m] as const),
    ),
    findings: r.findings
      .filter((f) => (f.capability ? inSection(f.capability) : (SECTION_CODE_PREFIXES[id] ?? []).some((p) => f.code.startsWith(p))))
      .map(findingRow),
    evidence: p.evidence.map((e) => `${e.ok ? '✓' : '✗'} ${e.source}${e.detail ? `: ${e.detail}` : ''}`),
    unavailable: p.evidence.filter((e) => !e.ok).map((e) => e.source),
  };
}

/** Builds the final view from a report. */
export function buildView(r: Report, tally?: ExpectationTally): ViewModel {
  // Sections in the registry's reading order (the report's keys are sorted alphabetically).
  const order = Object.keys(SECTION_PREFIXES);
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const sections = Object.entries(r.probes)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1))
    .map(([id, p]) => section(r, id, p));
  // Findings no section claimed still show, under the probe that is most likely theirs or on their own.
  const shown = new Set(sections.flatMap((s) => s.findings.map((f) => `${f.code}\u0000${f.message}`)));
  const rest = r.findings.filter((f) => !shown.has(`${f.code}\u0000${f.message}`)).map(findingRow);
  if (rest.length) {
    sections.push({ id: 'other findings', status: 'ok', durationMs: 0, facts: [], capabilities: [], metrics: [], findings: rest, evidence: [], unavailable: [] });
  }
  return {
    title: `hwprobe ${r.tool.version}`,
    machine: machineLine(r),
    subtitle: [`calibration ${r.options.calibrate}`, r.options.replay ? 'replayed from a capture' : null, r.complete ? null : 'INCOMPLETE']
      .filter(Boolean)
      .join(' · '),
    banner: banner(r, tally),
    sections,
    legend: LEGEND,
  };
}

/** Live state while the probes run. */
export interface LiveState {
  probes: { id: string; state: 'waiting' | 'running' | 'done'; status?: ProbeStatus; durationMs?: number }[];
  calibration?: { probe: string; kernel: string; fraction: number; etaMs?: number };
  startedAt: number;
}

/** The initial live state for these probes. */
export function initialLive(ids: readonly string[], now: number): LiveState {
  return { probes: ids.map((id) => ({ id, state: 'waiting' })), startedAt: now };
}

/** Folds one progress event into the live state (pure). */
export function reduceLive(s: LiveState, ev: ProgressEvent): LiveState {
  switch (ev.type) {
    case 'probe-start':
      return { ...s, probes: s.probes.map((p) => (p.id === ev.probe ? { ...p, state: 'running' } : p)) };
    case 'probe-end':
      return {
        ...s,
        probes: s.probes.map((p) => (p.id === ev.probe ? { ...p, state: 'done', status: ev.status, durationMs: ev.durationMs } : p)),
      };
    case 'calibration':
      return { ...s, calibration: { probe: ev.probe, kernel: ev.kernel, fraction: ev.fraction, ...(ev.etaMs !== undefined ? { etaMs: ev.etaMs } : {}) } };
  }
}
