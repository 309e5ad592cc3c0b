/** The expectation model: loaded requirements, the verdict on each, and a check's result. */
import type { Quantity } from './units.js';

/** A capability level; each implies the ones before it. */
export const LEVELS = ['advertised', 'usable', 'effective'] as const;
/** A capability level. */
export type Level = (typeof LEVELS)[number];

/** Requirement severity: only `error` fails a gate. */
export type ReqSeverity = 'error' | 'warning';

/** Where a requirement was written: a file (or built-in profile) and the JSON pointer within it. */
export interface Origin {
  /** The file path as given, or `profile <name>` for a built-in profile. */
  source: string;
  /** JSON pointer of the requirement, e.g. `/require/2`. */
  path: string;
  /** 1-based line in the source file, when known. */
  line?: number;
}

interface ReqBase {
  id: string;
  severity: ReqSeverity;
  why?: string;
  origin: Origin;
  /** true: an inconclusive verdict fails like a failed one; false: it gates like a warning. Unset: the file's `strict`. */
  strict?: boolean;
}

/** A capability must hold (or, with present false, must not) at a level. */
export interface CapabilityRequirement extends ReqBase {
  kind: 'capability';
  level: Level;
  present: boolean;
}

/** A metric must be measured and within bounds. */
export interface MetricRequirement extends ReqBase {
  kind: 'metric';
  min?: Quantity;
  max?: Quantity;
  speedup?: { min?: number; max?: number };
}

/** A fact of the report must satisfy a comparison. */
export interface FactRequirement extends ReqBase {
  kind: 'fact';
  equals?: string | number | boolean;
  min?: Quantity;
  max?: Quantity;
  semver?: string;
  matches?: string;
}

/** One loaded requirement. */
export type Requirement = CapabilityRequirement | MetricRequirement | FactRequirement;

/** One expectation file or profile, with the requirements of everything it extends folded in. */
export interface ExpectationSet {
  name: string;
  source: string;
  description?: string;
  /** The file's `strict`: the default of its requirements that set none. */
  strict?: boolean;
  requirements: Requirement[];
}

/**
 * A verdict's status. `inconclusive`: the report holds a measurement, but its noise leaves the
 * requirement undecided (an interval across the bound, an effective verdict the probe left open).
 * It gates like a warning unless strict, where it fails. Unknown (not measured, not reported) is `fail`.
 */
export type VerdictStatus = 'pass' | 'fail' | 'inconclusive';

/** Options of evaluate(). */
export interface EvaluateOptions {
  /** Every inconclusive verdict fails (`--strict`), whatever the files say. */
  strict?: boolean;
  /** Whose words the reasons use: CLI flags (default) or library options (`calibrate: 'quick'`). */
  door?: 'cli' | 'library';
}

/** The verdict on one requirement. `reasons` come from the report's evidence; the first one summarises. */
export interface Verdict {
  expectation: string;
  kind: Requirement['kind'];
  subject: string;
  /** e.g. "crypto.aes usable", "crypto.aes-128-gcm ≥ 1 GB/s" */
  label: string;
  severity: ReqSeverity;
  /** A strict requirement's inconclusive verdict is `fail`, its first reason saying so. */
  status: VerdictStatus;
  reasons: string[];
  why?: string;
  origin: Origin;
  /** The numeric bounds the requirement sets (metric and fact min/max in their base unit, speedup ratios), for formats that export thresholds apart from ids. */
  bounds?: { name: 'min' | 'max' | 'speedup-min' | 'speedup-max'; value: number; unit: string }[];
}

/** The result of judging one report against expectations. */
export interface CheckResult {
  expectations: { name: string; source: string }[];
  verdicts: Verdict[];
  /** failed error-severity requirements */
  failed: number;
  /** failed warning-severity requirements */
  warned: number;
  /** inconclusive requirements that did not fail (not strict) */
  inconclusive: number;
  passed: number;
  ok: boolean;
}
