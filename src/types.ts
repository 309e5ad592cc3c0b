/** The report contract (DESIGN §6) and the probe contract (DESIGN §4). */
import type { Host } from './host/host.js';
import type { FindingCode } from './ids.generated.js';
import type { CpuFacts, CryptoFacts, EnvironmentFacts, GpuReportFacts } from '../probes/index.js';

/** Tri-state answer: `null` means "could not tell", never "no". */
export type Tri = boolean | null;

/** How thoroughly calibration kernels run. */
export type CalibrationLevel = 'off' | 'quick' | 'full';

/** Outcome of one probe in the report. */
export type ProbeStatus = 'ok' | 'unsupported' | 'error' | 'timeout' | 'skipped';

/** Finding severity. */
export type Severity = 'info' | 'warning' | 'error';

/** One source a probe consulted, and whether it answered. */
export interface Evidence {
  source: string;
  ok: boolean;
  detail?: string;
}

/** One capability at its three levels. */
export interface Capability {
  advertised: Tri;
  usable: Tri;
  effective: Tri;
  evidence: string[];
  notes?: string;
}

/** A stable-coded observation; `message` is rendered from code and args. */
export interface Finding {
  /** A stable code (schemas/findings.md); generated from the registry, so a `switch` over it can be exhaustive. */
  code: FindingCode;
  severity: Severity;
  message: string;
  capability?: string;
  evidence?: string[];
  hint?: string;
  args?: Record<string, string | number | boolean | null>;
}

/**
 * A calibration result that was measured. `value` is the median sample, or for a metric measured
 * in rounds the median of the rounds' fastest samples.
 */
export interface MeasuredMetric {
  status: 'ok';
  value: number;
  unit: string;
  samples: number;
  /** coefficient of variation of the samples (stddev / mean) */
  cv: number;
  /** rounds measured (interleaved A/B rounds, or sample rounds), when measured in rounds */
  rounds?: number;
  /** ~90% confidence interval of `value` (order statistics of the median) */
  interval?: [number, number];
  /** A/B metrics: ~90% confidence interval of `speedup` (order statistics of the paired per-round ratios) */
  speedupInterval?: [number, number];
  min: number;
  max: number;
  /** the software path measured in the same run, when there is one */
  baseline?: { value: number; method: string };
  /** median of the paired per-round ratios over the baseline (or the kernel's own ratio, e.g. N workers over 1) */
  speedup?: number;
  /** the threshold a speedup is judged against, when the probe judges one */
  threshold?: number;
  notes?: string;
}

/** A calibration that did not produce a number: it could not run, or computed a wrong result. Never a made-up value. */
export interface UnmeasuredMetric {
  status: 'skipped' | 'wrong';
  unit: string;
  reason: string;
}

/** A calibration result. */
export type Metric = MeasuredMetric | UnmeasuredMetric;

/** What a probe's calibration returns; the runner merges it into the detection. */
export interface Calibration {
  metrics: Record<string, Metric>;
  /** per capability: the effective verdict and the evidence for it (appended to the detection's) */
  capabilities?: Record<string, { effective: Tri; evidence: string[]; notes?: string }>;
  findings?: Finding[];
  /** extra facts, merged into the probe's facts */
  facts?: Record<string, unknown>;
}

/** What a probe's detection returns. */
export interface Detection {
  /** Defaults to 'ok'. 'unsupported' when the platform offers nothing to look at. */
  status?: 'ok' | 'unsupported' | 'skipped';
  facts: Record<string, unknown>;
  evidence: Evidence[];
  capabilities: Record<string, Capability>;
  findings: Finding[];
}

/** Progress event emitted by the runner (and later by calibration). */
export type ProgressEvent =
  | { type: 'probe-start'; probe: string }
  | { type: 'probe-end'; probe: string; status: ProbeStatus; durationMs: number }
  | { type: 'calibration'; probe: string; kernel: string; fraction: number; etaMs?: number }
  /** The runner calibrates one probe at a time; these bracket each, so a view knows which runs even when its kernels report nothing. */
  | { type: 'calibration-start'; probe: string }
  | { type: 'calibration-end'; probe: string; durationMs: number };

/** CPU contention beside hwprobe during calibration: the report's top-level `contention` (src/contention.ts). */
export interface Contention {
  loadavg: [number, number, number] | null;
  /** /proc/pressure/cpu `some avg10`: % of the last 10 s in which some runnable task waited for a CPU */
  cpuPressureSomeAvg10: number | null;
  /** % of CPU time stolen by the hypervisor over the calibration */
  stealPercent: number | null;
  /** median of the runnable tasks beside hwprobe's own, over the samples */
  runnable: number | null;
  level: 'low' | 'moderate' | 'high' | 'unknown';
}

/** Everything a probe gets besides the Host. */
export interface ProbeContext {
  signal: AbortSignal;
  /** When this probe's deadline falls, in performance.now() milliseconds: sub-budgets (a tool, a fallback) are cut to fit. Absent outside the runner. */
  deadline?: number;
  calibrate: CalibrationLevel;
  /** Results of probes this one declared in `after`, when they ran. */
  peers: Readonly<Record<string, Detection | undefined>>;
  /**
   * Waits for another probe's detection (undefined when it is not part of the run or failed), so a
   * probe can start its own work first and read a peer's result at the end. Absent outside the runner.
   */
  peer?(id: string): Promise<Detection | undefined>;
  /** A project directory the user named explicitly (`--project DIR`, option `project`): a probe may load and run code from it. Absent by default: nothing is loaded from the cwd. */
  project?: string;
  progress(ev: ProgressEvent): void;
  /** Calibration only: the contention measured so far in this run (absent outside the runner). */
  contention?(): Contention;
  /** Calibration only: what this probe's `prepare` started during detection, when it did (the calibration takes it over and closes it). */
  prepared?: Prepared;
}

/** What a probe's `prepare` started for its calibration (child processes that are up and idle). */
export interface Prepared {
  /** Ends what was started; idempotent. The runner calls it after the calibrations, whether or not they used it. */
  close(): Promise<void>;
}

/** What `prepare` is told: the level, and the run's own abort signal. */
export interface PrepareContext {
  calibrate: Exclude<CalibrationLevel, 'off'>;
  signal?: AbortSignal;
}

/** The values a finding's message and hint are rendered from. */
export type FindingArgs = Record<string, string | number | boolean | null>;

/** One finding code's declaration: its severity, message template (`message` or `render`), and fix (`hint`). */
export interface FindingDef {
  severity: Severity;
  capability?: string | undefined;
  message?: (a: FindingArgs) => string;
  render?: (a: FindingArgs) => string;
  hint?: string | undefined | ((a: FindingArgs) => string | undefined);
}

/** A findings table: code → declaration. */
export type FindingTable = Readonly<Record<string, FindingDef>>;

/**
 * Every id a probe can emit (DESIGN §6), declared by the probe itself so that the engine, the
 * expectation checker, the finding reference and the generated id types know them without
 * importing the probe's internals. In ids, `*` stands for one dot-free segment (`gpu.opencl.*.bandwidth`),
 * or, last, for any non-empty rest (`cpu.isa.riscv.*`).
 */
export interface ProbeVocabulary {
  /** Capability ids. */
  capabilities: readonly string[];
  /** Metric id → its unit. */
  metrics: Readonly<Record<string, string>>;
  /** Findings tables by their exported name: every code the probe emits (its message, args and hint). */
  findings: Readonly<Record<string, FindingTable>>;
  /** The fix for codes whose row has no hint (mostly informational findings). */
  fixes?: Readonly<Record<string, string>>;
  /** Top-level keys of `facts`: an expectation's `fact: "<probe>.<key>…"` must name one. */
  facts: readonly string[];
  /**
   * Metric id (or `prefix*` family) → the capability ids (or `prefix*` families) whose loss, mask or
   * finding can change what it measures (src/expect/depends.ts: diff links a slow-down only to those).
   */
  metricCapabilities?: Readonly<Record<string, readonly string[]>>;
}

/** A probe module: one domain of detection (and later calibration). */
export interface Probe {
  id: string;
  title: string;
  /** Every capability, metric, finding code and fact key it can emit. */
  vocabulary: ProbeVocabulary;
  /** Ids of probes whose detection this one reads through ctx.peers. */
  after?: string[];
  /**
   * The least detection deadline this probe needs, in ms; the runner gives it at least this even
   * under a shorter `--timeout` (the frameworks probe: heavy Python imports take 10 s on a busy machine).
   */
  minTimeoutMs?: number;
  /** Its detection is the long pole (child interpreters importing their stacks): the runner starts it before the others. */
  slow?: boolean;
  /** Loads the code `detect` imports lazily; the runner awaits it for the slow probes before starting any, so that loading does not queue behind the others' work. */
  load?(): Promise<unknown>;
  detect(host: Host, ctx: ProbeContext): Promise<Detection>;
  /** Real machine only, one probe at a time; ctx.peers holds every probe's detection by then. */
  calibrate?(ctx: ProbeContext, d: Detection): Promise<Calibration>;
  /**
   * Real machine, calibration on: called as soon as this probe's detection is done, while other
   * probes still detect, to start what its calibration needs (worker processes that load
   * libraries for a second or more). Nothing is measured here. The runner waits for every
   * prepare before the first calibration, so no start-up overlaps a measurement, and hands the
   * result to `calibrate` as ctx.prepared. A failure (or undefined) only means calibrate starts
   * its own, as without prepare.
   */
  prepare?(ctx: PrepareContext, d: Detection): Promise<Prepared | undefined>;
}

/** One probe's entry in the report. */
export interface ProbeReport<F extends object = Record<string, unknown>> {
  status: ProbeStatus;
  /** detection time */
  durationMs: number;
  /** calibration time, when the probe calibrated (JUnit case times, the views) */
  calibrationMs?: number;
  facts: F;
  evidence: Evidence[];
  error?: string;
}

/**
 * The report's probe entries, by probe id: the facts of cpu, crypto, gpu and environment typed
 * (their keys checked against each probe's vocabulary), the others `Record<string, unknown>`.
 */
export type ProbeReports = Record<string, ProbeReport> & {
  cpu?: ProbeReport<CpuFacts & Record<string, unknown>>;
  crypto?: ProbeReport<CryptoFacts & Record<string, unknown>>;
  gpu?: ProbeReport<GpuReportFacts & Record<string, unknown>>;
  environment?: ProbeReport<EnvironmentFacts & Record<string, unknown>>;
};

/** The whole report (schemas/report.schema.json). */
export interface Report {
  schemaVersion: '1';
  tool: { name: 'hwprobe'; version: string };
  createdAt: string;
  complete: boolean;
  options: { probes: string[]; calibrate: CalibrationLevel; replay: boolean; redacted: boolean };
  host: {
    platform: string;
    arch: string;
    os: string | null;
    kernel: string | null;
    cpuCount: number;
    memoryBytes: number | null;
    hostname?: string;
  };
  runtime: {
    node: string;
    v8: string;
    openssl: string | null;
    libc: { family: string | null; version: string | null };
  };
  probes: ProbeReports;
  capabilities: Record<string, Capability>;
  metrics: Record<string, Metric>;
  findings: Finding[];
  /** The cost of each source of the run (`--timings`); absent unless asked for */
  timings?: import('./host/timing-types.js').RunTimings;
  /** CPU contention beside hwprobe during calibration (absent when nothing was calibrated) */
  contention?: Contention;
  /** The verdicts of `run --expect`, when expectations were given. */
  expectations?: ExpectationsSection;
}

/** One requirement's verdict as the report carries it. */
export interface RequirementVerdict {
  /** Stable across threshold changes: expectation, subject and constraint ("needs:crypto.aes-128-gcm:min"). */
  id: string;
  expectation: string;
  kind: 'capability' | 'metric' | 'fact';
  subject: string;
  label: string;
  severity: 'error' | 'warning';
  status: 'pass' | 'fail' | 'inconclusive';
  reasons: string[];
  why?: string;
  origin: { source: string; path: string; line?: number };
}

/** The report's `expectations` section: the gate's tally and every verdict. */
export interface ExpectationsSection {
  ok: boolean;
  passed: number;
  failed: number;
  warned: number;
  inconclusive?: number;
  sets: { name: string; source: string }[];
  requirements: RequirementVerdict[];
}

/**
 * A probe's fact keys from its facts type, checked both ways at compile time: each listed key is a
 * key of `T`, and a key of `T` left out is a type error naming it. `factKeysOf<CpuFacts>()([...])`.
 */
export function factKeysOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> })): readonly string[] => keys;
}

/** An empty detection, for probes to fill in. */
export function emptyDetection(): Detection {
  return { facts: {}, evidence: [], capabilities: {}, findings: [] };
}
