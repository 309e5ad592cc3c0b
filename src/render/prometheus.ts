/**
 * Prometheus text exposition format, for node_exporter's textfile collector (write it with
 * --out into the collector directory; the atomic write keeps half-written files out of scrapes).
 * Gauges only; "could not tell" is an absent sample, never 0.
 */
import type { Outcome } from './outcome.js';
import { requirementIds } from '../expect/section.js';

/** Escapes a label value (backslash, double quote, newline). */
export function labelEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value without float noise (0.10640000000000001 → 0.1064): 12 significant digits, more than any measurement carries. */
function num(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(12))) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
}

class Families {
  private fams = new Map<string, { help: string; samples: string[] }>();
  add(name: string, help: string, labels: Record<string, string>, value: number): void {
    let f = this.fams.get(name);
    if (!f) this.fams.set(name, (f = { help, samples: [] }));
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${labelEscape(v)}"`)
      .join(',');
    f.samples.push(`${name}${l ? `{${l}}` : ''} ${num(value)}`);
  }
  text(): string {
    const out: string[] = [];
    for (const [name, f] of this.fams) out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} gauge`, ...f.samples);
    return out.join('\n') + '\n';
  }
}

const LEVELS = ['advertised', 'usable', 'effective'] as const;

/** Renders an outcome as Prometheus text format. */
export function renderPrometheus(o: Outcome): string {
  const f = new Families();
  const r = o.report;
  if (r) {
    f.add('hwprobe_info', 'hwprobe run: versions of the tool and the runtime (always 1).', { version: r.tool.version, node: r.runtime.node, openssl: r.runtime.openssl ?? '', kernel: r.host.kernel ?? '', calibrate: r.options.calibrate }, 1);
    f.add('hwprobe_report_timestamp_seconds', 'When the report was made, in Unix seconds.', {}, Date.parse(r.createdAt) / 1000);
    for (const [id, p] of Object.entries(r.probes)) {
      f.add('hwprobe_probe_ok', 'Whether the probe ran to completion (1) or ended unsupported/error/timeout/skipped (0).', { probe: id, status: p.status }, p.status === 'ok' ? 1 : 0);
      f.add('hwprobe_probe_duration_seconds', 'Time the probe took.', { probe: id }, p.durationMs / 1000);
    }
    for (const [id, c] of Object.entries(r.capabilities)) {
      for (const level of LEVELS) {
        const v = c[level];
        if (v !== null) f.add('hwprobe_capability', 'Whether the capability holds at the level (1 yes, 0 no; absent: could not tell).', { capability: id, level }, v ? 1 : 0);
      }
    }
    for (const [id, m] of Object.entries(r.metrics)) {
      f.add('hwprobe_metric_measured', 'Whether the calibration produced a number (1), or was skipped or computed a wrong result (0).', { metric: id, status: m.status }, m.status === 'ok' ? 1 : 0);
      if (m.status !== 'ok') continue;
      f.add('hwprobe_metric_value', 'Median of the calibration samples, in the unit label.', { metric: id, unit: m.unit }, m.value);
      f.add('hwprobe_metric_cv_ratio', 'Coefficient of variation of the calibration samples.', { metric: id }, m.cv);
      if (m.speedup !== undefined) f.add('hwprobe_metric_speedup_ratio', 'Speedup over the software path measured in the same run.', { metric: id, baseline: m.baseline?.method ?? '' }, m.speedup);
    }
    const sev: Record<string, number> = { error: 0, warning: 0, info: 0 };
    for (const x of r.findings) sev[x.severity]++;
    for (const [s, n] of Object.entries(sev)) f.add('hwprobe_findings', 'Number of findings by severity.', { severity: s }, n);
    for (const x of r.findings) f.add('hwprobe_finding', 'A finding of this run (always 1).', { code: x.code, severity: x.severity, capability: x.capability ?? '' }, 1);
  }
  if (o.check) {
    // Labels carry the stable requirement id, never the threshold: changing `min` must not start a new series.
    const ids = requirementIds(o.check.verdicts);
    o.check.verdicts.forEach((v, i) => {
      const labels = { expectation: v.expectation, requirement: ids[i], severity: v.severity };
      f.add('hwprobe_expectation_passed', 'Whether the requirement held (1) or not (0).', labels, v.status === 'pass' ? 1 : 0);
      f.add('hwprobe_expectation_inconclusive', 'Whether the measurement was too noisy to decide the requirement (1; it fails only when strict) or not (0).', labels, v.status === 'inconclusive' ? 1 : 0);
      for (const b of v.bounds ?? []) {
        f.add('hwprobe_expectation_threshold', 'The bound a requirement sets, in the base unit named by the unit label.', { ...labels, bound: b.name, unit: b.unit }, b.value);
      }
    });
    f.add('hwprobe_expectations_failed', 'Failed error-severity requirements (non-zero fails the gate).', {}, o.check.failed);
    f.add('hwprobe_expectations_inconclusive', 'Inconclusive requirements that did not fail the gate (not strict).', {}, o.check.inconclusive);
  }
  if (o.diff) {
    f.add('hwprobe_baseline_capabilities_lost', 'Capabilities advertised in the baseline and no longer advertised.', {}, o.diff.lost);
    f.add('hwprobe_baseline_capabilities_degraded', 'Capabilities still advertised but no longer usable or effective.', {}, o.diff.degraded);
    f.add('hwprobe_baseline_metrics_regressed', 'Metrics slower than the baseline beyond the tolerance.', {}, o.diff.regressed);
    f.add('hwprobe_baseline_metrics_noisy', 'Metrics whose change is within the noise of the two measurements (noisy, not compared).', {}, o.diff.noisy);
    for (const m of o.diff.metrics) if (m.ratio !== null) f.add('hwprobe_baseline_slowdown_ratio', 'Baseline over current (above 1: slower), by speedup where both have one.', { metric: m.id, basis: m.basis ?? '' }, m.ratio);
  }
  return f.text();
}
