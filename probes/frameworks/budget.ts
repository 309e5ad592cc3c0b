/** The time and output budgets of the interpreter runs (a module of its own: the probe's index needs the total without loading the inspection). */

/**
 * Time budgets. Each run has its own timeout, counted from when it starts (time queued behind the
 * concurrency cap is not charged to it), and the whole inspection has a total, so a slow import is
 * reported slow with its time, a hang costs its own budget, and the probe still ends in bounded time.
 */
export interface InspectBudget {
  /** an interpreter's identity run (no imports: version, prefix, which packages are installed) */
  identityMs: number;
  /** one package's import run. tensorflow took 7.4–11 s to import on a busy 2-core VM (issue 12), so 20 s */
  importMs: number;
  /** the whole inspection; what has not started by then is not inspected, what is still importing is `cut` */
  totalMs: number;
  /** an import that took longer than this is reported slow (FRAMEWORK_IMPORT_SLOW) */
  slowMs: number;
  /** stdout cap of each run (Host.exec kills a child past it) */
  maxBytes: number;
}

/** Default budgets; the probe's own deadline (FRAMEWORKS_DEADLINE_MS) leaves room after totalMs. */
export const DEFAULT_BUDGET: InspectBudget = { identityMs: 5000, importMs: 20_000, totalMs: 28_000, slowMs: 3000, maxBytes: 1 << 20 };

