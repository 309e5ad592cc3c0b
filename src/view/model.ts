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

/**
 * A metric row with its bar. Bars of one section share one scale per unit (the largest value of
 * that unit there), so a longer bar is always a larger number; a speedup judged against a
 * threshold is drawn as its ratio to the threshold instead, with the threshold marked at `mark`.
 */
export interface MetricRow {
  id: string;
  status: Metric['status'];
  /** "5.71 GB/s", or the reason it was not measured */
  text: string;
  /** fraction of the bar in [0, 1] */
  bar: number;
  /** where the threshold sits on the bar, for a judged speedup */
  mark?: number;
  /** what the bar measures: "GB/s, scale 0–12.3" or "speedup, │ = ×2 threshold" */
  scale?: string;
  /** "×3.2 vs software AES", when a speedup was measured */
  speedup?: string;
  unit?: string;
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
  /** every fact, "key: value" (the evidence view, --verbose) */
  facts: string[];
  /** the facts that read as words (the default view): scalars, lists, device and platform names */
  plainFacts: string[];
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
  /** the requirements not met, failures first, each with its first reason (the TUI's final view) */
  problems?: RequirementProblem[];
}

/** A requirement that failed or warned, in a line. */
export interface RequirementProblem {
  label: string;
  expectation: string;
  /** fail: an error-severity requirement failed; warn: a warning-severity one did, or it was inconclusive */
  kind: 'fail' | 'warn';
  reason: string;
  origin: string;
}

/** The requirements not met, from a check's verdicts: failures first. */
export function requirementProblems(verdicts: readonly { label: string; expectation: string; severity: string; status: string; reasons: string[]; origin: { source: string; path: string; line?: number } }[]): RequirementProblem[] {
  return verdicts
    .filter((v) => v.status !== 'pass')
    .map((v): RequirementProblem => ({
      label: v.label,
      expectation: v.expectation,
      kind: v.severity === 'error' && v.status === 'fail' ? 'fail' : 'warn',
      reason: v.reasons[0] ?? v.status,
      origin: `${v.origin.source} ${v.origin.path}${v.origin.line ? ` (line ${v.origin.line})` : ''}`,
    }))
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'fail' ? -1 : 1));
}

/** The whole final view. */
export interface ViewModel {
  title: string;
  machine: string;
  subtitle: string;
  banner: Banner;
  /** errors and warnings by root cause, most severe first (named in the banner view) */
  causes: RootCause[];
  /** requirements not met, when --expect was given */
  problems: RequirementProblem[];
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

/** One-line summary of a fact value, or undefined when there is nothing to say. `truncate`: long lists and lines shortened (a terminal). */
export function summarizeValue(v: unknown, truncate = true): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    if (v.every((e) => typeof e !== 'object')) return v.length <= 12 || !truncate ? v.join(' ') : `${v.length} entries`;
    const names = namesOf(v);
    if (names) return names;
    if (truncate) return `${v.length} entries`;
    return v.map((e) => `{${summarizeValue(e, false) ?? ''}}`).join(' ');
  }
  const parts: string[] = [];
  for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
    if (e === null || e === undefined) continue;
    const s = typeof e === 'object' ? summarizeValue(e, truncate) : String(e);
    if (s !== undefined) parts.push(`${k}=${typeof e === 'object' && !Array.isArray(e) ? `{${s}}` : s}`);
  }
  if (!parts.length) return undefined;
  const s = parts.join(' ');
  return s.length <= 110 || !truncate ? s : `${s.slice(0, 107)}…`;
}

/** Fields that name a device, platform or package, in the order they are preferred. */
const NAME_KEYS = ['name', 'model', 'device', 'platform', 'vendor', 'id'] as const;

/** "llvmpipe (LLVM 15), Portable Computing Language" for a list of objects that carry names; undefined when they do not. */
function namesOf(list: readonly unknown[]): string | undefined {
  const names = list.map((e) => {
    if (!e || typeof e !== 'object') return undefined;
    const o = e as Record<string, unknown>;
    const k = NAME_KEYS.find((n) => typeof o[n] === 'string' && o[n]);
    return k ? String(o[k]) : undefined;
  });
  return names.every((n) => n !== undefined) ? names.join(', ') : undefined;
}

/**
 * A fact in words for the default view, or undefined when it is technical (nested structures such
 * as `abPlan` masks or `coreTypes` capacities: kept for --verbose and the evidence view). A map of
 * objects with a `status` or `version` reads as "numpy absent, torch 2.3.1".
 */
export function plainFact(v: unknown, truncate: boolean): string | undefined {
  if (v === null || v === undefined || typeof v !== 'object') return summarizeValue(v, truncate);
  if (Array.isArray(v)) return v.every((e) => typeof e !== 'object') || namesOf(v) ? summarizeValue(v, truncate) : undefined;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, e]) => e !== null && e !== undefined);
  if (entries.every(([, e]) => typeof e !== 'object')) return summarizeValue(v, truncate);
  const words = entries.map(([k, e]) => {
    if (typeof e !== 'object') return `${k} ${String(e)}`;
    const o = e as Record<string, unknown>;
    const w = ['version', 'status', 'name'].map((f) => o[f]).find((x) => typeof x === 'string' || typeof x === 'boolean');
    return w === undefined ? undefined : `${k} ${String(w)}`;
  });
  return words.every((w) => w !== undefined) ? words.join(', ') : undefined;
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

/**
 * A metric row. A speedup judged against a threshold gets its bar as the ratio to the threshold
 * (the threshold at the middle); other bars are full until scaled among their section's peers.
 */
export function metricRow(id: string, m: Metric): MetricRow {
  if (m.status !== 'ok') return { id, status: m.status, text: `${m.status}: ${m.reason}`, bar: 0 };
  const judged = m.speedup !== undefined && m.threshold !== undefined && m.threshold > 0;
  return {
    id,
    status: 'ok',
    text: `${num(m.value)} ${m.unit}`,
    unit: m.unit,
    bar: judged ? Math.max(0, Math.min(1, m.speedup! / (2 * m.threshold!))) : 1,
    ...(judged ? { mark: 0.5, scale: `speedup, │ = ×${num(m.threshold!)} threshold` } : {}),
    ...(m.speedup !== undefined && m.unit !== '×' ? { speedup: `×${num(m.speedup)}${m.baseline ? ` vs ${m.baseline.method}` : ''}${judged ? ` (needs ×${num(m.threshold!)})` : ''}` } : {}),
    cv: m.cv,
    samples: m.samples,
  };
}

/** One scale per unit in a section: each bar against the largest value of its unit, labelled with it. */
function scaleAmongPeers(rows: (readonly [MetricRow, Metric])[]): MetricRow[] {
  const max = new Map<string, number>();
  for (const [row, m] of rows) if (m.status === 'ok' && row.mark === undefined) max.set(m.unit, Math.max(max.get(m.unit) ?? 0, m.value));
  return rows.map(([row, m]) => {
    if (m.status !== 'ok' || row.mark !== undefined) return row;
    const top = max.get(m.unit) ?? 0;
    return { ...row, bar: top > 0 ? m.value / top : 0, scale: `${m.unit}, scale 0–${num(top)}` };
  });
}

function capabilityRow(id: string, c: Capability): CapabilityRow {
  return { id, advertised: c.advertised, usable: c.usable, effective: c.effective, evidence: c.evidence, ...(c.notes ? { notes: c.notes } : {}) };
}

function findingRow(f: Finding): FindingRow {
  return { severity: f.severity, code: f.code, message: f.message, ...(f.hint ? { hint: f.hint } : {}) };
}

/** Rank of a capability row in a view: what the machine has, then what is masked (there but not usable), then could-not-tell, then absent. */
export function capabilityRank(c: Pick<CapabilityRow, 'advertised' | 'usable'>): number {
  if (c.advertised === true) return c.usable === false ? 1 : 0;
  return c.advertised === null ? 2 : 3;
}

function section(r: Report, id: string, p: ProbeReport, opts: ViewOptions): Section {
  const facts: string[] = [];
  const plainFacts: string[] = [];
  for (const [k, v] of Object.entries(p.facts)) {
    const s = summarizeValue(v, opts.truncate);
    if (s !== undefined) facts.push(`${k}: ${s}`);
    const w = plainFact(v, opts.truncate);
    if (w !== undefined) plainFacts.push(`${k}: ${w}`);
  }
  const inSection = (cid: string | undefined) => cid !== undefined && belongs(id, cid);
  return {
    id,
    status: p.status,
    durationMs: p.durationMs,
    ...(p.error ? { error: p.error } : {}),
    facts,
    plainFacts,
    capabilities: Object.entries(r.capabilities)
      .filter(([cid]) => belongs(id, cid))
      .map(([cid, c]) => capabilityRow(cid, c))
      .sort((a, b) => capabilityRank(a) - capabilityRank(b)), // stable: alphabetical within a rank
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

/** How a view is built. */
export interface ViewOptions {
  /** shorten long lists and lines (a terminal); off for files and pipes */
  truncate: boolean;
}

/** Builds the final view from a report. */
export function buildView(r: Report, tally?: ExpectationTally, opts: ViewOptions = { truncate: true }): ViewModel {
  // Sections in the registry's reading order (the report's keys are sorted alphabetically).
  const order = Object.keys(SECTION_PREFIXES);
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const sections = Object.entries(r.probes)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1))
    .map(([id, p]) => section(r, id, p, opts));
  // Findings no section claimed still show, under the probe that is most likely theirs or on their own.
  const shown = new Set(sections.flatMap((s) => s.findings.map((f) => `${f.code}\u0000${f.message}`)));
  const rest = r.findings.filter((f) => !shown.has(`${f.code}\u0000${f.message}`)).map(findingRow);
  if (rest.length) {
    sections.push({ id: 'other findings', status: 'ok', durationMs: 0, facts: [], plainFacts: [], capabilities: [], metrics: [], findings: rest, evidence: [], unavailable: [] });
  }
  return {
    title: `hwprobe ${r.tool.version}`,
    machine: machineLine(r),
    subtitle: [`calibration ${r.options.calibrate}`, r.options.replay ? 'replayed from a capture' : null, r.complete ? null : 'INCOMPLETE']
      .filter(Boolean)
      .join(' · '),
    banner: banner(r, tally),
    causes: rootCauses(r.findings).filter((c) => c.severity !== 'info'),
    problems: tally?.problems ?? [],
    sections,
    legend: LEGEND,
  };
}

/** Findings that share one cause (one variable set to one value), shown once with what they affect. */
export interface RootCause {
  severity: Severity;
  /** the cause in words: `OPENSSL_ia32cap=""`, or the finding's code when it stands alone */
  title: string;
  codes: string[];
  /** the first finding's message */
  message: string;
  hint?: string;
  /** capabilities (or, for a finding without one, its code) the cause touches */
  affects: string[];
  count: number;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Groups findings by root cause: those naming the same variable and value (`args.variable`,
 * `args.value`) are one cause; others stand alone. Most severe first, in report order within.
 */
export function rootCauses(findings: readonly Finding[]): RootCause[] {
  const groups = new Map<string, Finding[]>();
  findings.forEach((f, i) => {
    const a = (f.args ?? {}) as Record<string, unknown>;
    const key = typeof a.variable === 'string' ? `${a.variable}\u0000${String(a.value ?? '')}` : `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  });
  return [...groups.values()]
    .map((fs): RootCause => {
      const a = (fs[0].args ?? {}) as Record<string, unknown>;
      const severity = fs.map((f) => f.severity).sort((x, y) => SEVERITY_RANK[x] - SEVERITY_RANK[y])[0];
      const first = fs.find((f) => f.severity === severity)!;
      const codes = [...new Set(fs.map((f) => f.code))];
      return {
        severity,
        title: fs.length > 1 && typeof a.variable === 'string' ? `${a.variable}=${JSON.stringify(String(a.value ?? ''))}` : first.code,
        codes,
        message: first.message,
        ...(fs.find((f) => f.hint) ? { hint: fs.find((f) => f.hint)!.hint } : {}),
        affects: [...new Set(fs.map((f) => f.capability ?? f.code))],
        count: fs.length,
      };
    })
    .sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity]);
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
      return { ...s, calibration: { probe: ev.probe, kernel: ev.kernel, fraction: ev.fraction, ...(ev.etaMs !== undefined ? { etaMs: ev.etaMs } : {}) } };    case 'calibration-start':
    case 'calibration-end':
      return s;
  }
}
