// The library's TypeScript types against the JSON Schemas, so the two cannot drift. For each type,
// an object literal lists its keys and is checked with `satisfies Record<keyof T, true>`: tsc
// rejects a missing key (exhaustive) and an extra one (excess-property check). This test then
// compares those key lists, and the required ones, with the schema's `properties` and `required`;
// enum types are compared with the schema's `enum` the same way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { schemas } from '../../src/index.js';
import type {
  ExpectationsSection,
  RequirementVerdict,
  CalibrationLevel,
  Capability,
  CapabilityExpectation,
  Contention,
  Evidence,
  Expectation,
  FactExpectation,
  Finding,
  Level,
  MeasuredMetric,
  MetricExpectation,
  ProbeReport,
  ProbeStatus,
  Report,
  RunTimings,
  Severity,
  SourceTiming,
  UnmeasuredMetric,
} from '../../src/index.js';

type Keys<T> = Record<keyof T, true>;
/** Keys whose property is not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Req<T> = Record<RequiredKeys<T>, true>;
type Schema = { properties?: Record<string, unknown>; required?: string[]; enum?: unknown[]; $ref?: string; oneOf?: Schema[] };

/** One type's keys and required keys, and where its schema is. */
interface Pair {
  name: string;
  schema: 'report' | 'expect';
  /** JSON pointer to the object schema */
  at: string;
  keys: Record<string, true>;
  required: Record<string, true>;
}

const PAIRS: Pair[] = [
  {
    name: 'Report',
    schema: 'report',
    at: '',
    keys: { schemaVersion: true, tool: true, createdAt: true, complete: true, options: true, host: true, runtime: true, probes: true, capabilities: true, metrics: true, findings: true, timings: true, contention: true, expectations: true } satisfies Keys<Report>,
    required: { schemaVersion: true, tool: true, createdAt: true, complete: true, options: true, host: true, runtime: true, probes: true, capabilities: true, metrics: true, findings: true } satisfies Req<Report>,
  },
  {
    name: 'Report.expectations',
    schema: 'report',
    at: '/properties/expectations',
    keys: { ok: true, passed: true, failed: true, warned: true, inconclusive: true, sets: true, requirements: true } satisfies Keys<ExpectationsSection>,
    required: { ok: true, passed: true, failed: true, warned: true, sets: true, requirements: true } satisfies Req<ExpectationsSection>,
  },
  {
    name: 'Report.expectations.sets[]',
    schema: 'report',
    at: '/properties/expectations/properties/sets/items',
    keys: { name: true, source: true } satisfies Keys<ExpectationsSection['sets'][number]>,
    required: { name: true, source: true } satisfies Req<ExpectationsSection['sets'][number]>,
  },
  {
    name: 'RequirementVerdict',
    schema: 'report',
    at: '/$defs/requirementVerdict',
    keys: { id: true, expectation: true, kind: true, subject: true, label: true, severity: true, status: true, reasons: true, why: true, origin: true } satisfies Keys<RequirementVerdict>,
    required: { id: true, expectation: true, kind: true, subject: true, label: true, severity: true, status: true, reasons: true, origin: true } satisfies Req<RequirementVerdict>,
  },
  {
    name: 'RequirementVerdict.origin',
    schema: 'report',
    at: '/$defs/requirementVerdict/properties/origin',
    keys: { source: true, path: true, line: true } satisfies Keys<RequirementVerdict['origin']>,
    required: { source: true, path: true } satisfies Req<RequirementVerdict['origin']>,
  },
  { name: 'Report.tool', schema: 'report', at: '/properties/tool', keys: { name: true, version: true } satisfies Keys<Report['tool']>, required: { name: true, version: true } satisfies Req<Report['tool']> },
  {
    name: 'Report.options',
    schema: 'report',
    at: '/properties/options',
    keys: { probes: true, calibrate: true, replay: true, redacted: true } satisfies Keys<Report['options']>,
    required: { probes: true, calibrate: true, replay: true, redacted: true } satisfies Req<Report['options']>,
  },
  {
    name: 'Report.host',
    schema: 'report',
    at: '/properties/host',
    keys: { platform: true, arch: true, os: true, kernel: true, cpuCount: true, memoryBytes: true, hostname: true } satisfies Keys<Report['host']>,
    required: { platform: true, arch: true, os: true, kernel: true, cpuCount: true, memoryBytes: true } satisfies Req<Report['host']>,
  },
  {
    name: 'Report.runtime',
    schema: 'report',
    at: '/properties/runtime',
    keys: { node: true, v8: true, openssl: true, libc: true } satisfies Keys<Report['runtime']>,
    required: { node: true, v8: true, openssl: true, libc: true } satisfies Req<Report['runtime']>,
  },
  {
    name: 'Report.runtime.libc',
    schema: 'report',
    at: '/properties/runtime/properties/libc',
    keys: { family: true, version: true } satisfies Keys<Report['runtime']['libc']>,
    required: { family: true, version: true } satisfies Req<Report['runtime']['libc']>,
  },
  {
    name: 'ProbeReport',
    schema: 'report',
    at: '/$defs/probe',
    keys: { status: true, durationMs: true, calibrationMs: true, facts: true, evidence: true, error: true } satisfies Keys<ProbeReport>,
    required: { status: true, durationMs: true, facts: true, evidence: true } satisfies Req<ProbeReport>,
  },
  { name: 'Evidence', schema: 'report', at: '/$defs/evidence', keys: { source: true, ok: true, detail: true } satisfies Keys<Evidence>, required: { source: true, ok: true } satisfies Req<Evidence> },
  {
    name: 'Capability',
    schema: 'report',
    at: '/$defs/capability',
    keys: { advertised: true, usable: true, effective: true, evidence: true, notes: true } satisfies Keys<Capability>,
    required: { advertised: true, usable: true, effective: true, evidence: true } satisfies Req<Capability>,
  },
  {
    name: 'MeasuredMetric',
    schema: 'report',
    at: '/$defs/measuredMetric',
    keys: { status: true, value: true, unit: true, samples: true, cv: true, rounds: true, interval: true, speedupInterval: true, min: true, max: true, baseline: true, speedup: true, threshold: true, notes: true } satisfies Keys<MeasuredMetric>,
    required: { status: true, value: true, unit: true, samples: true, cv: true, min: true, max: true } satisfies Req<MeasuredMetric>,
  },
  {
    name: 'Contention',
    schema: 'report',
    at: '/properties/contention',
    keys: { loadavg: true, cpuPressureSomeAvg10: true, stealPercent: true, runnable: true, level: true } satisfies Keys<Contention>,
    required: { loadavg: true, cpuPressureSomeAvg10: true, stealPercent: true, runnable: true, level: true } satisfies Req<Contention>,
  },
  {
    name: 'MeasuredMetric.baseline',
    schema: 'report',
    at: '/$defs/measuredMetric/properties/baseline',
    keys: { value: true, method: true } satisfies Keys<NonNullable<MeasuredMetric['baseline']>>,
    required: { value: true, method: true } satisfies Req<NonNullable<MeasuredMetric['baseline']>>,
  },
  {
    name: 'UnmeasuredMetric',
    schema: 'report',
    at: '/$defs/unmeasuredMetric',
    keys: { status: true, unit: true, reason: true } satisfies Keys<UnmeasuredMetric>,
    required: { status: true, unit: true, reason: true } satisfies Req<UnmeasuredMetric>,
  },
  {
    name: 'RunTimings',
    schema: 'report',
    at: '/properties/timings',
    keys: { startupMs: true, runMs: true, cpuMs: true, sources: true } satisfies Keys<RunTimings>,
    required: { startupMs: true, runMs: true, cpuMs: true, sources: true } satisfies Req<RunTimings>,
  },
  {
    name: 'RunTimings.cpuMs',
    schema: 'report',
    at: '/properties/timings/properties/cpuMs',
    keys: { startup: true, self: true, children: true, childrenOutsideHost: true } satisfies Keys<RunTimings['cpuMs']>,
    required: { startup: true, self: true, children: true, childrenOutsideHost: true } satisfies Req<RunTimings['cpuMs']>,
  },
  {
    name: 'SourceTiming',
    schema: 'report',
    at: '/properties/timings/properties/sources/items',
    keys: { source: true, kind: true, probe: true, startMs: true, durationMs: true, cpuMs: true, child: true, reused: true } satisfies Keys<SourceTiming>,
    required: { source: true, kind: true, probe: true, startMs: true, durationMs: true, cpuMs: true, child: true } satisfies Req<SourceTiming>,
  },
  {
    name: 'Finding',
    schema: 'report',
    at: '/$defs/finding',
    keys: { code: true, severity: true, message: true, capability: true, evidence: true, hint: true, args: true } satisfies Keys<Finding>,
    required: { code: true, severity: true, message: true } satisfies Req<Finding>,
  },
  {
    name: 'Expectation',
    schema: 'expect',
    at: '',
    keys: { $schema: true, name: true, description: true, strict: true, extends: true, require: true } satisfies Keys<Expectation>,
    // The schema requires "require" or "extends" (anyOf), not one key.
    required: {} satisfies Req<Expectation>,
  },
  {
    name: 'CapabilityExpectation',
    schema: 'expect',
    at: '/$defs/capabilityReq',
    keys: { capability: true, level: true, present: true, severity: true, strict: true, why: true } satisfies Keys<CapabilityExpectation>,
    required: { capability: true } satisfies Req<CapabilityExpectation>,
  },
  {
    name: 'MetricExpectation',
    schema: 'expect',
    at: '/$defs/metricReq',
    keys: { metric: true, min: true, max: true, speedup: true, severity: true, strict: true, why: true } satisfies Keys<MetricExpectation>,
    required: { metric: true } satisfies Req<MetricExpectation>,
  },
  {
    name: 'MetricExpectation.speedup',
    schema: 'expect',
    at: '/$defs/metricReq/properties/speedup',
    keys: { min: true, max: true } satisfies Keys<NonNullable<MetricExpectation['speedup']>>,
    required: {} satisfies Req<NonNullable<MetricExpectation['speedup']>>,
  },
  {
    name: 'FactExpectation',
    schema: 'expect',
    at: '/$defs/factReq',
    keys: { fact: true, equals: true, min: true, max: true, semver: true, matches: true, severity: true, strict: true, why: true } satisfies Keys<FactExpectation>,
    required: { fact: true } satisfies Req<FactExpectation>,
  },
];

/** Enum types against the schema's enum (or const) lists. */
const ENUMS: { name: string; schema: 'report' | 'expect'; at: string; values: Record<string, true> }[] = [
  { name: 'CalibrationLevel', schema: 'report', at: '/properties/options/properties/calibrate', values: { off: true, quick: true, full: true } satisfies Record<CalibrationLevel, true> },
  { name: 'ProbeStatus', schema: 'report', at: '/$defs/probe/properties/status', values: { ok: true, unsupported: true, error: true, timeout: true, skipped: true } satisfies Record<ProbeStatus, true> },
  { name: 'Severity', schema: 'report', at: '/$defs/finding/properties/severity', values: { info: true, warning: true, error: true } satisfies Record<Severity, true> },
  { name: 'UnmeasuredMetric.status', schema: 'report', at: '/$defs/unmeasuredMetric/properties/status', values: { skipped: true, wrong: true } satisfies Record<UnmeasuredMetric['status'], true> },
  { name: 'Level', schema: 'expect', at: '/$defs/level', values: { advertised: true, usable: true, effective: true } satisfies Record<Level, true> },
  { name: 'CapabilityExpectation.level', schema: 'expect', at: '/$defs/level', values: { advertised: true, usable: true, effective: true } satisfies Record<NonNullable<CapabilityExpectation['level']>, true> },
  { name: 'requirement severity', schema: 'expect', at: '/$defs/severity', values: { error: true, warning: true } satisfies Record<NonNullable<FactExpectation['severity']>, true> },
];

function at(schema: 'report' | 'expect', pointer: string): Schema {
  let node: unknown = schemas[schema];
  for (const k of pointer.split('/').slice(1)) node = (node as Record<string, unknown>)[k];
  assert.ok(node, `${schema} schema has ${pointer}`);
  return node as Schema;
}

const sorted = (o: Record<string, unknown> | string[] | undefined) => (Array.isArray(o) ? [...o] : Object.keys(o ?? {})).sort();

for (const p of PAIRS) {
  test(`${p.name} has the keys of ${p.schema}.schema.json#${p.at || '/'}`, () => {
    const s = at(p.schema, p.at);
    assert.equal(sorted(p.keys), sorted(s.properties), 'property names');
    assert.equal(sorted(p.required), sorted(s.required), 'required property names');
  });
}

for (const e of ENUMS) {
  test(`${e.name} has the values of ${e.schema}.schema.json#${e.at}`, () => {
    assert.equal(sorted(e.values), sorted(at(e.schema, e.at).enum as string[]));
  });
}

test('Metric is MeasuredMetric | UnmeasuredMetric, as the schema says', () => {
  assert.equal(at('report', '/$defs/metric').oneOf, [{ $ref: '#/$defs/measuredMetric' }, { $ref: '#/$defs/unmeasuredMetric' }]);
  assert.equal(at('report', '/$defs/measuredMetric/properties/status'), { const: 'ok' });
});

test('every object schema with properties is covered by a type', () => {
  // A new object in a schema needs a type here (or a reason to be free-form).
  const covered = new Set(PAIRS.map((p) => `${p.schema}#${p.at}`));
  const found: string[] = [];
  const walk = (schema: 'report' | 'expect', node: unknown, ptr: string) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.properties && typeof n.properties === 'object' && Object.keys(n.properties).length > 1 && n.type === 'object') found.push(`${schema}#${ptr}`);
    for (const [k, v] of Object.entries(n)) walk(schema, v, `${ptr}/${k}`);
  };
  walk('report', schemas.report, '');
  walk('expect', schemas.expect, '');
  assert.equal(found.filter((f) => !covered.has(f)), []);
});

test.run();
