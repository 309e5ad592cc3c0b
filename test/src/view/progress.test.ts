import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { finishProgress, formatDuration, initialProgress, progressLine, reduceProgress, summarize, EXPECTED_CALIBRATION_MS, EXPECTED_DETECTION_MS } from '../../../src/view/progress.js';
import { progressPrinter } from '../../../src/render/progress.js';
import { Writable } from 'node:stream';
import type { ProgressEvent } from '../../../src/types.js';

const ids = ['cpu', 'crypto', 'environment'];

test('one bar for the whole run: it moves while a child-process kernel reports nothing, and never goes back', () => {
  let p = initialProgress(ids, 'quick', 0);
  const events: [number, ProgressEvent][] = [
    [100, { type: 'probe-start', probe: 'cpu' }],
    [300, { type: 'probe-end', probe: 'cpu', status: 'ok', durationMs: 200 }],
    [400, { type: 'probe-end', probe: 'crypto', status: 'ok', durationMs: 300 }],
    [500, { type: 'probe-end', probe: 'environment', status: 'ok', durationMs: 400 }],
    [600, { type: 'calibration-start', probe: 'cpu' }],
    [900, { type: 'calibration', probe: 'cpu', kernel: 'cpu.mem-copy', fraction: 0.5 }],
    [1800, { type: 'calibration-end', probe: 'cpu', durationMs: 1200 }],
    [1900, { type: 'calibration-start', probe: 'crypto' }],
    // crypto's openssl child gives one event at its start and none until it ends
    [2000, { type: 'calibration', probe: 'crypto', kernel: 'aes-128-gcm', fraction: 0 }],
  ];
  let last = 0;
  for (const [t, ev] of events) {
    p = reduceProgress(p, ev, t);
    const s = summarize(p, t);
    assert.ok(s.fraction >= last, `fraction went back at ${t}`);
    last = s.fraction;
  }
  const a = summarize(p, 2500);
  const b = summarize(p, 6000);
  assert.ok(b.fraction > a.fraction, 'moves during a silent kernel');
  assert.ok(b.etaMs < a.etaMs, 'the ETA counts down');
  assert.match(b.label, /^calibrating crypto: aes-128-gcm$/);
  assert.ok(b.fraction < 1);
  const total = EXPECTED_DETECTION_MS + EXPECTED_CALIBRATION_MS.cpu.quick + EXPECTED_CALIBRATION_MS.crypto.quick;
  assert.ok(summarize(initialProgress(ids, 'quick', 0), 0).etaMs <= total, 'the first ETA comes from the budgets');
  const done = summarize(finishProgress(p, 9000), 9000);
  assert.is(done.fraction, 1);
  assert.is(done.label, 'done');
});

test('calibration off: detection is the whole run', () => {
  let p = initialProgress(['cpu'], 'off', 0);
  assert.is(p.stages.length, 1);
  p = reduceProgress(p, { type: 'probe-end', probe: 'cpu', status: 'ok', durationMs: 5 }, 50);
  assert.is(summarize(p, 50).fraction, 1);
});

test('durations print one way everywhere', () => {
  for (const [ms, want] of [[0.4, '0 ms'], [27.3, '27 ms'], [1048, '1.0 s'], [1420.1, '1.4 s'], [59_999, '60.0 s'], [125_000, '2 min 5 s']] as const) assert.is(formatDuration(ms), want);
});

test('progress lines: a first line at once, plain text, and a last line at 100%', () => {
  let text = '';
  const out = new Writable({ write: (c, _e, cb) => ((text += c.toString()), cb()) });
  let now = 0;
  const pr = progressPrinter(out, 'quick', () => now);
  assert.match(text, /^hwprobe: starting · calibration quick/);
  pr.start(['cpu']);
  assert.match(text, /\nhwprobe: probing cpu · ETA \d/);
  now = 800;
  pr.listen({ type: 'probe-end', probe: 'cpu', status: 'ok', durationMs: 700 });
  now = 900;
  pr.listen({ type: 'calibration-start', probe: 'cpu' });
  now = 2000;
  pr.done();
  assert.not.match(text, /\x1b/);
  assert.match(text, /calibrating cpu · ETA/);
  assert.match(text.trimEnd().split('\n').at(-1)!, /100% done$/);
  assert.match(progressLine(initialProgress(['cpu'], 'off', 0), 10), /^hwprobe: +10 ms +\d+% detecting \(0\/1 probes\)/);
});

test.run();
