// `hwprobe --json --calibrate quick` as a real process, every probe enabled: stdout must be pure
// JSON even though tfjs prints banners and warnings in the ML workers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROBE_IDS } from '../../../probes/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

test('--json --calibrate quick: stdout parses, every probe reported, ML metrics in it', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--json', '--calibrate', 'quick'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.is(r.status, 0, r.stderr);
  let report: { probes: Record<string, unknown>; metrics: Record<string, { status: string }> };
  try {
    report = JSON.parse(r.stdout);
  } catch (e) {
    assert.unreachable(`stdout is not JSON (${e}): ${r.stdout.slice(0, 300)}`);
    return;
  }
  assert.equal(Object.keys(report.probes).sort(), [...PROBE_IDS].sort());
  assert.not.match(r.stdout, /looks like you are running TensorFlow\.js|has already been set/);
  assert.is(report.metrics['ml.tfjs.matmul.wasm-simd']?.status, 'ok');
});

test.run();
