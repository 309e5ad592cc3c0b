/** What a command hands to a renderer: a report (runs, checks), verdicts (with --expect), a diff (diff, --baseline). */
import type { Report } from '../types.js';
import type { CheckResult } from '../expect/model.js';
import type { DiffResult } from '../diff.js';

/** The input of every renderer; at least one part is present. */
export interface Outcome {
  report?: Report;
  check?: CheckResult;
  diff?: DiffResult;
}

/** Output formats. */
export const FORMATS = ['text', 'json', 'markdown', 'junit', 'github', 'nfd', 'prometheus'] as const;
/** An output format. */
export type Format = (typeof FORMATS)[number];

/** How renderOutcome renders text. */
export interface OutcomeTextOptions {
  color: boolean;
  /** whether text output includes the report itself (a run does; `check` shows only the verdicts) */
  withReport: boolean;
  /** text: every fact, technical ones included */
  verbose?: boolean;
  /** text: shorten long lists and lines (a terminal); default off, so files and pipes get everything */
  truncate?: boolean;
  /** nfd: the refresh interval and whether measurements are labelled */
  nfd?: import('./nfd.js').NfdOptions;
}

/** Renders an outcome in a format: the one switch behind `--format` and the library's `render()`. */
export async function renderOutcome(o: Outcome, format: Format, opts: OutcomeTextOptions): Promise<string> {
  switch (format) {
    case 'json':
      return JSON.stringify(o.check ?? o.diff ?? o.report, null, 2) + '\n';
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown(o);
    case 'junit':
      return (await import('./junit.js')).renderJunit(o);
    case 'github':
      return (await import('./github.js')).renderGithub(o);
    case 'nfd':
      return (await import('./nfd.js')).renderNfd(o, opts.nfd);
    case 'prometheus':
      return (await import('./prometheus.js')).renderPrometheus(o);
    case 'text': {
      const t = await import('./text.js');
      const parts: string[] = [];
      // Inconclusive verdicts gate like warnings (not strict), so the report's banner counts them as such.
      const tally = o.check && { passed: o.check.passed, failed: o.check.failed, warnings: o.check.warned + o.check.inconclusive };
      const verdicts = o.check ? [t.renderVerdictsText(o.check, { color: opts.color })] : [];
      const diff = o.diff ? [t.renderDiffText(o.diff, { color: opts.color })] : [];
      if (o.report && opts.withReport) {
        // the report leads with what failed, then the details, the full verdicts and the diff, then what to do next
        parts.push(t.renderText(o.report, { color: opts.color, verbose: opts.verbose, truncate: opts.truncate, tail: [...verdicts, ...diff], ...(o.check ? { check: o.check } : {}), ...(tally ? { tally } : {}) }));
      } else parts.push(...verdicts, ...diff);
      return parts.join('\n');
    }
  }
}
