/** The types of the report's `timings` section (no runtime code, no Node types: the public .d.ts include them). */

/** The kind of Host call a source was. */
export type SourceKind = 'read' | 'binary' | 'dir' | 'link' | 'exists' | 'exec' | 'call';

/** One source of a run and what it cost. */
export interface SourceTiming {
  /** What was asked: a path, a command line (absolute program paths shortened to their name), a call key */
  source: string;
  kind: SourceKind;
  /** The probe that asked, null outside a probe (or when not known) */
  probe: string | null;
  /** When it started, ms since the run started */
  startMs: number;
  durationMs: number;
  /** CPU time; for a child its user + system time, null for work inside this process (not separable) */
  cpuMs: number | null;
  /** Whether a child process did the work */
  child: boolean;
  /** Served from this run's memo: asked before, nothing started again */
  reused?: true;
}

/** The `timings` section of a report. */
export interface RunTimings {
  /** ms from process start to the first probe (Node start-up and module loading) */
  startupMs: number;
  /** ms from the first probe's start to the end of the run */
  runMs: number;
  cpuMs: {
    /** this process, user + system, from its start to the first probe (Node start-up and module loading) */
    startup: number;
    /** this process, user + system, from its start */
    self: number;
    /** every reaped child process (and their reaped children) */
    children: number;
    /** part of `children` that Host did not start (libraries that spawn on their own) */
    childrenOutsideHost: number;
  };
  /** Every source in start order */
  sources: SourceTiming[];
}
