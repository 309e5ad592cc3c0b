// Conformance over every registered probe: unique id, valid output, a sane result on an empty host, never throws.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROBES } from '../../probes/index.js';
import { ReplayHost } from '../../src/host/replay-host.js';
import { makeCapture } from '../../src/host/capture.js';
import { runProbes } from '../../src/runner.js';
import { buildReport } from '../../src/report.js';
import { validate } from '../../src/schemas.js';
import type { Detection } from '../../src/types.js';

const emptyHosts: [string, Parameters<typeof makeCapture>[0]][] = [
  ['linux x64', { info: { platform: 'linux', arch: 'x64' } }],
  ['linux arm64', { info: { platform: 'linux', arch: 'arm64' } }],
  ['darwin arm64', { info: { platform: 'darwin', arch: 'arm64', type: 'Darwin' } }],
  ['win32 x64', { info: { platform: 'win32', arch: 'x64', type: 'Windows_NT' } }],
  ['freebsd x64', { info: { platform: 'freebsd', arch: 'x64', type: 'FreeBSD' } }],
];

test('probe ids are unique, lower-case, and titled', () => {
  const ids = PROBES.map((p) => p.id);
  assert.equal(ids.length, new Set(ids).size);
  for (const p of PROBES) {
    assert.match(p.id, /^[a-z][a-z0-9-]*$/);
    assert.ok(p.title.length > 0);
  }
});

for (const [name, partial] of emptyHosts) {
  for (const probe of PROBES) {
    test(`${probe.id} on an empty ${name} host: never throws, sane and valid`, async () => {
      const host = new ReplayHost(makeCapture(partial));
      let d: Detection | undefined;
      try {
        d = await probe.detect(host, { signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} });
      } catch (e) {
        assert.unreachable(`threw: ${e}`);
      }
      assert.ok(d && typeof d.facts === 'object');
      assert.ok(['ok', 'unsupported', 'skipped', undefined].includes(d!.status));
      for (const [id, c] of Object.entries(d!.capabilities)) {
        // Nothing can be usable or effective when nothing was advertised on an empty host.
        assert.not.ok(c.usable === true && c.advertised === false, id);
      }
      const run = await runProbes(host, [probe], { calibrate: 'off', timeoutMs: 5000 });
      assert.is(run.probes[probe.id].status === 'error', false, run.probes[probe.id].error);
      const report = buildReport(host, run, { probes: [probe.id], calibrate: 'off', redact: true });
      assert.equal(validate('report', JSON.parse(JSON.stringify(report))), []);
    });
  }
}

test.run();
