import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEMA_NAMES, validate, validator } from '../../src/schemas.js';
import { runProbes } from '../../src/runner.js';
import { buildReport } from '../../src/report.js';
import { ReplayHost } from '../../src/host/replay-host.js';
import { makeCapture } from '../../src/host/capture.js';
import { emptyDetection, type Probe } from '../../src/types.js';
import type { FindingCode } from '../../src/ids.generated.js';

test('every schema compiles under ajv strict mode', () => {
  for (const n of SCHEMA_NAMES) assert.type(validator(n), 'function');
});

const probe: Probe = {
  id: 'demo',
  title: 'Demo',
  vocabulary: { capabilities: ['demo.cap'], metrics: {}, findings: {}, facts: [] },
  async detect() {
    const d = emptyDetection();
    d.capabilities['demo.cap'] = { advertised: true, usable: null, effective: null, evidence: [] };
    d.findings.push({ code: 'DEMO_NOTE' as FindingCode /* a test probe's own code */, severity: 'info', message: 'note' });
    return d;
  },
};

async function sampleReport(): Promise<Record<string, unknown>> {
  const host = new ReplayHost(makeCapture());
  const run = await runProbes(host, [probe], { calibrate: 'off', timeoutMs: 1000 });
  return JSON.parse(JSON.stringify(buildReport(host, run, { probes: ['demo'], calibrate: 'off', redact: true })));
}

test('a built report is valid', async () => {
  assert.equal(validate('report', await sampleReport()), []);
});

// Invalid samples must fail at the named path.
const invalid: [string, (r: any) => void, string][] = [
  ['tri-state is boolean or null', (r) => (r.capabilities['demo.cap'].advertised = 'yes'), '/capabilities/demo.cap/advertised'],
  ['probe status enum', (r) => (r.probes.demo.status = 'fine'), '/probes/demo/status'],
  ['finding severity enum', (r) => (r.findings[0].severity = 'fatal'), '/findings/0/severity'],
  ['finding code is SCREAMING_SNAKE', (r) => (r.findings[0].code = 'demo-note'), '/findings/0/code'],
  ['capability ids are dotted', (r) => (r.capabilities.Bad = r.capabilities['demo.cap']), '/capabilities'],
  ['unknown top-level key', (r) => (r.extra = 1), '/extra'],
  ['metric needs samples', (r) => (r.metrics['demo.speed'] = { status: 'ok', value: 1, unit: 'GB/s', cv: 0, min: 1, max: 1 }), '/metrics/demo.speed/samples'],
  ['schemaVersion', (r) => (r.schemaVersion = '2'), '/schemaVersion'],
];
for (const [name, mutate, path] of invalid) {
  test(`invalid report fails at ${path}: ${name}`, async () => {
    const r = await sampleReport();
    mutate(r);
    const issues = validate('report', r);
    assert.ok(issues.some((i) => i.path === path), `${JSON.stringify(issues)}`);
  });
}

test('an empty capture built by makeCapture is valid, and a broken one fails at its path', () => {
  assert.equal(validate('capture', makeCapture()), []);
  const bad = makeCapture() as any;
  bad.exec['["x"]'] = { status: 'gone' };
  const issues = validate('capture', bad);
  assert.ok(issues.some((i) => i.path === '/exec/["x"]/status'), JSON.stringify(issues));
});

test.run();
