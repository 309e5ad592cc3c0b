// Golden reports: every capture in fixtures/captures replays to the report stored in fixtures/golden.
// UPDATE_GOLDEN=1 rewrites the golden files (review the diff before committing).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROBES } from '../probes/index.js';
import { ReplayHost } from '../src/host/replay-host.js';
import { runProbes } from '../src/runner.js';
import { buildReport, assertValidReport } from '../src/report.js';
import { validate } from '../src/schemas.js';
import type { Capture } from '../src/host/capture.js';

const dir = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const captures = readdirSync(dir('captures')).filter((f) => f.endsWith('.json'));

/** Measurements and run details vary from run to run; everything else must not. */
function stable(report: unknown): unknown {
  const r = JSON.parse(JSON.stringify(report));
  delete r.createdAt;
  delete r.tool.version;
  for (const p of Object.values(r.probes) as { durationMs?: number }[]) delete p.durationMs;
  return r;
}

test('there are captures to replay', () => {
  assert.ok(captures.length >= 1);
});

for (const file of captures) {
  test(`golden: ${file}`, async () => {
    const capture = JSON.parse(readFileSync(dir(`captures/${file}`), 'utf8')) as Capture;
    assert.equal(validate('capture', capture), [], 'the capture is valid');
    assert.ok(capture.source.description.length > 10, 'the capture says where it came from');
    const host = new ReplayHost(capture);
    const run = await runProbes(host, PROBES, { calibrate: 'off', timeoutMs: 5000 });
    const report = buildReport(host, run, { probes: PROBES.map((p) => p.id), calibrate: 'off', redact: true });
    assertValidReport(report);
    const golden = dir(`golden/${file.replace(/\.json$/, '.report.json')}`);
    const got = stable(report);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, JSON.stringify(got, null, 2) + '\n');
    assert.equal(got, JSON.parse(readFileSync(golden, 'utf8')));
  });
}

test.run();
