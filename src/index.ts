/**
 * hwprobe as a library: probe a machine, judge a report against expectations, compare two reports.
 *
 * ```ts
 * import { probe, check } from 'hwprobe';
 * const report = await probe({ calibrate: 'off' });
 * const result = await check(report, ['x86-64-v3']);
 * ```
 *
 * The library never prints and never calls `process.exit`: bad input rejects with an
 * {@link InputError}, a bug with an {@link InternalError}. Heavy modules load on first use, so
 * importing it costs little.
 *
 * @packageDocumentation
 */
import type { Capture } from './host/capture.js';
import type { Host } from './host/host.js';
import type { CalibrationLevel, Report } from './types.js';
import type { CheckResult, ExpectationSet } from './expect/model.js';
import { diffReports, type DiffOptions, type DiffResult } from './diff.js';
import { domainOwners } from './expect/vocabulary.js';
import type { Level } from './expect/model.js';
import type { CapabilityId } from './ids.generated.js';
import { InputError, InternalError } from './errors.js';
import { invalidDocument } from './json-file.js';
import { SCHEMA_NAMES, schemaText, validate as validateSchema } from './schemas.js';
import type { SchemaIssue, SchemaName } from './schema-types.js';
import { VERSION } from './version.js';
import { FORMATS, renderOutcome, type Format, type Outcome } from './render/outcome.js';

export type {
  CalibrationLevel,
  Capability,
  Evidence,
  Finding,
  MeasuredMetric,
  Contention,
  Metric,
  ProbeReport,
  ProbeStatus,
  ProgressEvent,
  ExpectationsSection,
  RequirementVerdict,
  Report,
  Severity,
  Tri,
  UnmeasuredMetric,
} from './types.js';
export type { CheckResult, ExpectationSet, Level, Origin, Verdict, VerdictStatus } from './expect/model.js';
export type { CapabilityId, FindingCode, MetricId, ProbeId } from './ids.generated.js';
export type { CapabilityChange, DiffOptions, DiffResult, FactChange, MetricChange } from './diff.js';
export type { Capture } from './host/capture.js';
export type { RunTimings, SourceTiming } from './host/timing-types.js';
export type { SchemaIssue, SchemaName } from './schema-types.js';
export { InputError, InternalError };

/** The version of hwprobe (from its package.json). */
export const version: string = VERSION;

/** A number (in the metric's or fact's own unit) or a number with a unit, such as `"1 GB/s"`. */
export type Quantity = number | string;

/** A capability must hold (or, with `present: false`, must not) at a level (schemas/expect.schema.json `#/$defs/capabilityReq`). */
export interface CapabilityExpectation {
  /** A capability id, such as `crypto.aes` or `cpu.isa.x86-64-v3`. */
  capability: string;
  /** The level that must hold; default `usable`. Each level implies the ones below. */
  level?: 'advertised' | 'usable' | 'effective';
  /** `false`: the capability must be absent at that level. Default `true`. */
  present?: boolean;
  /** `error` (default) fails the check; `warning` is reported but does not. */
  severity?: 'error' | 'warning';
  /** `true`: an inconclusive verdict (too noisy to decide) fails; default: the document's `strict`, else it gates like a warning. */
  strict?: boolean;
  /** Why the workload needs it; shown when it fails. */
  why?: string;
}

/** A metric must be measured and within bounds (`#/$defs/metricReq`). */
export interface MetricExpectation {
  /** A metric id, such as `crypto.aes-128-gcm`. */
  metric: string;
  min?: Quantity;
  max?: Quantity;
  /** Bounds on the speedup over the software path; they travel between machines better than rates. */
  speedup?: { min?: number; max?: number };
  severity?: 'error' | 'warning';
  strict?: boolean;
  why?: string;
}

/** A fact of the report must satisfy a comparison (`#/$defs/factReq`). */
export interface FactExpectation {
  /** `runtime.<path>`, `host.<path>`, or `<probe>.<path>` for `probes.<probe>.facts.<path>`. */
  fact: string;
  equals?: string | number | boolean;
  min?: Quantity;
  max?: Quantity;
  /** A semver range, such as `">=20"`. */
  semver?: string;
  /** A regular expression the value must match. */
  matches?: string;
  severity?: 'error' | 'warning';
  strict?: boolean;
  why?: string;
}

/** One requirement of an expectation document. */
export type Requirement = CapabilityExpectation | MetricExpectation | FactExpectation;

/** An expectation document, as in an expectation file (schemas/expect.schema.json). */
export interface Expectation {
  $schema?: string;
  /** Defaults to the file name (or, given as data, `expectations`). */
  name?: string;
  description?: string;
  /** `true`: every inconclusive verdict of this document fails (a requirement's own `strict` overrides it). */
  strict?: boolean;
  /** Built-in profile names, or paths of expectation files. */
  extends?: string[];
  require?: Requirement[];
}

/**
 * What `check` accepts for each expectation: a built-in profile name (`hwprobe profiles`), the path
 * of a JSON or YAML expectation file, or an {@link Expectation} document as data.
 */
export type ExpectationInput = string | Expectation;

/** Where `probe` reads the machine from. */
export type HostOption =
  /** This machine. */
  | 'live'
  /** A capture made with `hwprobe capture` (the data, or its file path); never calibrates. */
  | { replay: Capture | string };

/** Options of {@link probe}. Every field is optional. */
export interface ProbeOptions {
  /** Probe ids to run (see {@link probeIds}); default all. */
  probes?: readonly string[];
  /** Calibration level; default `off` (detection only, about 0.1 s). `quick` takes seconds, `full` longer. */
  calibrate?: CalibrationLevel;
  /** Deadline per probe in milliseconds; default 10 000. A probe past it is `status: "timeout"`. */
  timeoutMs?: number;
  /** Stops the run; the report then resolves with `complete: false`. */
  signal?: AbortSignal;
  /** Default `live`. */
  host?: HostOption;
  /** The environment a live host reads (through hwprobe's allowlist); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A project directory whose tfjs install the ml probe judges, loading its native addon; default none (the current directory's is only read, never loaded). */
  project?: string;
  /** Replace hostname, serial numbers, UUIDs and MAC addresses; default `true`. */
  redact?: boolean;
  /** Called for each probe start and end and as calibration kernels progress. It must not throw (it is ignored if it does). */
  onProgress?: (event: import('./types.js').ProgressEvent) => void;
}

/** Options of {@link check}. */
export interface CheckOptions {
  /** Every inconclusive verdict fails, as with `hwprobe --strict`; default `false`. */
  strict?: boolean;
}

/** Ids of the probes this version knows, in registry order. */
export async function probeIds(): Promise<string[]> {
  return [...(await import('../probes/index.js')).PROBE_IDS];
}

/** Names of the built-in expectation profiles (`hwprobe profiles`), sorted. */
export async function profiles(): Promise<string[]> {
  return (await import('./expect/load.js')).profileNames();
}

/**
 * Probes a machine and resolves to its report, validated against schemas/report.schema.json.
 *
 * A probe that fails or times out is recorded in the report (`probes.<id>.status`); it does not
 * reject. Rejects with {@link InputError} for an unknown probe id, a bad timeout or an unreadable
 * or invalid capture, and with {@link InternalError} when the report fails its own schema.
 */
export async function probe(options: ProbeOptions = {}): Promise<Report> {
  const { PROBES, PROBE_IDS } = await import('../probes/index.js');
  const names = options.probes ?? PROBE_IDS;
  const unknown = names.filter((n) => !PROBE_IDS.includes(n));
  if (unknown.length) throw new InputError(`probes: unknown probe ${unknown.map((u) => `"${u}"`).join(', ')}; valid names: ${PROBE_IDS.join(', ')}`);
  const selected = PROBES.filter((p) => names.includes(p.id));
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new InputError(`timeoutMs: must be a positive number of milliseconds, got ${timeoutMs}`);
  let calibrate = options.calibrate ?? 'off';
  if (!['off', 'quick', 'full'].includes(calibrate)) throw new InputError(`calibrate: must be one of "off", "quick", "full", got ${JSON.stringify(calibrate)}`);

  let host: Host;
  const h = options.host ?? 'live';
  if (h === 'live') {
    const { NodeHost } = await import('./host/node-host.js');
    host = new NodeHost({ env: options.env ?? process.env });
  } else {
    const { ReplayHost } = await import('./host/replay-host.js');
    const { readValidated } = await import('./json-file.js');
    let capture: Capture;
    if (typeof h.replay === 'string') capture = await readValidated<Capture>(h.replay, 'capture');
    else {
      const issues = validateSchema('capture', h.replay);
      if (issues.length) throw invalidDocument('host.replay', 'capture', issues);
      capture = h.replay;
    }
    host = new ReplayHost(capture);
    calibrate = 'off'; // a capture holds no machine to measure
  }

  const { runProbes } = await import('./runner.js');
  const { buildReport, assertValidReport } = await import('./report.js');
  const project = options.project === undefined ? undefined : (await import('node:path')).resolve(options.project);
  const run = await runProbes(host, selected, { calibrate, timeoutMs, signal: options.signal, onProgress: options.onProgress, ...(project ? { project } : {}) });
  const report = buildReport(host, run, { probes: selected.map((p) => p.id), calibrate, redact: options.redact ?? true });
  assertValidReport(report);
  return report;
}

/**
 * Judges a report against expectations and resolves to the verdict on every requirement, each with
 * its reasons taken from the report's evidence. `result.ok` is false when an error-severity
 * requirement failed. A verdict too noisy to decide is `inconclusive` and does not fail the check,
 * unless `options.strict` (or the document's or requirement's `strict`) is set.
 *
 * Rejects with {@link InputError} for an invalid report, an unknown profile, an unreadable file or
 * an invalid expectation document (the message names the document and the JSON path).
 */
export async function check(report: Report, expectations: ExpectationInput | readonly ExpectationInput[], options: CheckOptions = {}): Promise<CheckResult> {
  assertReport(report, 'report');
  const { loadExpectations, loadExpectationData } = await import('./expect/load.js');
  const { evaluate } = await import('./expect/evaluate.js');
  const list = typeof expectations === 'string' || !Array.isArray(expectations) ? [expectations as ExpectationInput] : expectations;
  const sets: ExpectationSet[] = [];
  for (const [i, e] of list.entries()) {
    if (typeof e === 'string') sets.push(...(await loadExpectations([e], { reports: [report], where: `expectations[${i}]` })));
    else sets.push(await loadExpectationData(e, e && typeof e === 'object' && typeof e.name === 'string' ? e.name : `expectations[${i}]`, { reports: [report] }));
  }
  return evaluate(report, sets, { strict: options.strict === true, door: 'library' });
}

/**
 * Compares two reports: capabilities lost or degraded, metrics that got slower (each linked to the
 * capability change or finding that explains it), and facts that changed. `result.ok` is false
 * when something was lost, degraded or slower than `options.tolerance` (default 0.25 = 25%).
 */
export async function diff(base: Report, current: Report, options: DiffOptions = {}): Promise<DiffResult> {
  assertReport(base, 'base');
  assertReport(current, 'current');
  const t = options.tolerance;
  if (t !== undefined && !(Number.isFinite(t) && t > 0 && t < 1)) throw new InputError(`tolerance: must be a fraction between 0 and 1, got ${t}`);
  return diffReports(base, current, options);
}

/**
 * Whether a report's capability holds at a level: `true` or `false`, or `null` when the report
 * could not tell (the probe did not run, or the level was not judged, e.g. `effective` without
 * calibration). A capability the probe ran and did not report is `false` at every level. Each
 * level implies the ones below: `usable` true means advertised too.
 */
export function has(report: Report, capabilityId: CapabilityId, level: Level = 'usable'): boolean | null {
  if (!(['advertised', 'usable', 'effective'] as const).includes(level)) {
    throw new InputError(`has: level must be one of "advertised", "usable", "effective", got ${JSON.stringify(level)}`);
  }
  const c = report.capabilities[capabilityId];
  if (!c) return domainOwners(capabilityId).some((o) => report.probes[o]?.status === 'ok') ? false : null;
  return c[level];
}

/**
 * Reads a report written by `hwprobe --json` (a file path) or checks one given as data, and
 * resolves to it typed. Rejects with {@link InputError} naming the file and the JSON path when it
 * is not a valid report, or is from a newer hwprobe.
 */
export async function loadReport(source: string | object): Promise<Report> {
  if (typeof source === 'string') return (await import('./expect/report-file.js')).readReport(source);
  assertReport(source, 'report');
  return source;
}

// Format: the output formats of `hwprobe --format`; Outcome: a report, verdicts and/or a diff.
export type { Format, Outcome } from './render/outcome.js';

/**
 * Renders a report, verdicts and/or a diff as `hwprobe --format FORMAT` would print them:
 * Markdown for a job summary, GitHub workflow commands (annotations), JUnit XML, an NFD feature
 * file, Prometheus text, plain text (no colour), or JSON. Rejects with {@link InputError} when the
 * format needs a part the outcome lacks (`nfd` describes a machine: it needs a report).
 */
export async function render(outcome: Outcome, format: Format): Promise<string> {
  if (!outcome.report && !outcome.check && !outcome.diff) throw new InputError('render: the outcome has no report, check or diff');
  if (format === 'nfd' && !outcome.report) throw new InputError("render: format 'nfd' describes a machine: the outcome needs a report, not only a diff or verdicts");
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new InputError(`render: unknown format ${JSON.stringify(format)}; formats: ${FORMATS.join(', ')}`);
  }
  return renderOutcome(outcome, format, { color: false, withReport: true });
}

/** Validates a document against one of the shipped schemas; resolves to the issues (empty when valid). */
export function validate(name: SchemaName, value: unknown): SchemaIssue[] {
  return validateSchema(name, value);
}

/** The JSON Schemas (draft 2020-12) hwprobe publishes: `report`, `expect`, `capture`; each parsed on first access. */
export const schemas: Readonly<Record<SchemaName, Record<string, unknown>>> = lazySchemas();

function lazySchemas(): Readonly<Record<SchemaName, Record<string, unknown>>> {
  const o = {} as Record<SchemaName, Record<string, unknown>>;
  for (const name of SCHEMA_NAMES) {
    let parsed: Record<string, unknown> | undefined;
    Object.defineProperty(o, name, { get: () => (parsed ??= JSON.parse(schemaText(name)) as Record<string, unknown>), enumerable: true });
  }
  return Object.freeze(o);
}

function assertReport(value: unknown, what: string): asserts value is Report {
  const issues = validateSchema('report', value);
  if (issues.length) throw invalidDocument(what, 'report', issues);
}
