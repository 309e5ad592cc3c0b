/** Builds the Report from a run, in canonical order, and validates it against its own schema. */
import type { Host } from './host/host.js';
import type { RunResult } from './runner.js';
import type { CalibrationLevel, Capability, Finding, Report } from './types.js';
import { byCodeUnit, canonicalize } from './canonical.js';
import { Redactor } from './host/redact.js';
import { validate } from './schemas.js';
import { InternalError } from './errors.js';
import { VERSION } from './version.js';
import { boundEvidence, boundFacts, foldFindings, unreadableFindings } from './bounds.js';

/** Options recorded in the report. */
export interface ReportOptions {
  probes: string[];
  calibrate: CalibrationLevel;
  redact: boolean;
  now?: Date;
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** Findings sorted by severity, code, capability, message. */
export function sortFindings(fs: Finding[]): Finding[] {
  return [...fs].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      byCodeUnit(a.code, b.code) ||
      byCodeUnit(a.capability ?? '', b.capability ?? '') ||
      byCodeUnit(a.message, b.message),
  );
}


function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

/** Assembles, canonicalizes and (unless disabled) redacts the report. Does not validate. */
export function buildReport(host: Host, run: RunResult, opts: ReportOptions): Report {
  const info = host.info();
  const env = run.detections.environment?.facts ?? {};
  const cpu = run.detections.cpu?.facts ?? {};
  const os = (env.os ?? {}) as Record<string, unknown>;
  const libc = (env.libc ?? {}) as Record<string, unknown>;

  const capabilities: Record<string, Capability> = {};
  const findings: Finding[] = [];
  for (const id of Object.keys(run.detections).sort()) {
    const d = run.detections[id];
    Object.assign(capabilities, d.capabilities);
    findings.push(...d.findings, ...boundFacts(id, d.facts), ...unreadableFindings(id, run.probes[id]?.evidence ?? d.evidence, d.findings)); // before anything below reads a fact
  }
  boundEvidence(capabilities);
  const logical = typeof cpu.logicalCpus === 'number' ? cpu.logicalCpus : info.cpuCount;

  let report: Report = {
    schemaVersion: '1',
    tool: { name: 'hwprobe', version: VERSION },
    createdAt: (opts.now ?? new Date()).toISOString(),
    complete: run.complete,
    options: {
      probes: [...opts.probes].sort(),
      calibrate: opts.calibrate,
      replay: host.kind === 'replay',
      redacted: opts.redact,
    },
    host: {
      platform: info.platform,
      arch: info.arch,
      os: str(os.prettyName) ?? str(os.name) ?? info.type ?? null,
      kernel: str(env.kernel) ?? (info.release || null),
      cpuCount: logical,
      memoryBytes: info.totalMemBytes || null,
      ...(opts.redact ? {} : { hostname: info.hostname }),
    },
    runtime: {
      node: info.versions.node ?? '',
      v8: info.versions.v8 ?? '',
      openssl: info.versions.openssl ?? null,
      libc: { family: str(libc.family), version: str(libc.version) },
    },
    probes: run.probes,
    capabilities,
    metrics: run.metrics,
    findings: sortFindings(foldFindings([...findings, ...(run.findings ?? [])])),
    ...(run.timings ? { timings: run.timings } : {}),
    ...(run.contention ? { contention: run.contention } : {}),
  };
  if (opts.redact) report = new Redactor({ hostname: info.hostname }).deep(report);
  // Top level keeps the contract's order; everything below is sorted by key.
  const c = canonicalize(report) as unknown as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const k of TOP_ORDER) if (k in c) ordered[k] = c[k];
  return ordered as unknown as Report;
}

const TOP_ORDER = [
  'schemaVersion',
  'tool',
  'createdAt',
  'complete',
  'options',
  'host',
  'runtime',
  'probes',
  'capabilities',
  'metrics',
  'findings',
  'timings',
  'contention',
] as const;

/** Throws InternalError (exit 3) listing ajv's complaints when a report fails its own schema. */
export function assertValidReport(report: Report): void {
  const issues = validate('report', report);
  if (issues.length) {
    throw new InternalError(
      `bug: the report fails its own schema (schemas/report.schema.json):\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
    );
  }
}
