import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { validate } from '../../src/schemas.js';

const dir = mkdtempSync(join(tmpdir(), 'hwprobe-cli-'));

// Each bad input exits 2 with one clear message naming the file / flag and the path within it, never a stack trace.
const badInputs: [string, string[], RegExp][] = [
  ['unknown probe lists valid names', ['--probes', 'cpu,nope'], /unknown probe "nope"; valid names: .*cpu.*environment/],
  ['missing replay file', ['--replay', join(dir, 'missing.json')], /missing\.json: cannot read: no such file/],
  ['replay is a directory', ['--replay', dir], /cannot read: is a directory/],
  ['bad calibrate value', ['--calibrate', 'fast'], /calibrate/],
  ['bad format value', ['--format', 'xml'], /format/],
  ['negative timeout', ['--timeout', '-1'], /--timeout: must be a positive number/],
  ['non-numeric timeout', ['--timeout', 'soon'], /--timeout/],
  ['unknown flag', ['--frobnicate'], /Unknown argument/i],
  ['unwritable --out', ['--out', join(dir, 'no-such-dir', 'r.json')], /r\.json: cannot write: no such directory/],
  ['validate: not JSON', ['validate', join(dir, 'corrupt.json')], /corrupt\.json: not valid JSON at line 2 column/],
  ['validate: unknown document', ['validate', join(dir, 'other.json')], /other\.json: neither a report/],
];
writeFileSync(join(dir, 'corrupt.json'), '{\n  "captureVersion": "1",,\n}\n');
writeFileSync(join(dir, 'other.json'), '{"hello": 1}\n');

for (const [name, argv, re] of badInputs) {
  test(`bad input exits 2: ${name}`, async () => {
    const r = await cli(argv);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
    assert.not.match(r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
  });
}

test('corrupt replay file: exit 2 naming file, line and column', async () => {
  const r = await cli(['--replay', join(dir, 'corrupt.json')]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /corrupt\.json: not valid JSON at line 2 column \d+/);
});

test('replay file failing its schema: exit 2 naming the path within it', async () => {
  const f = join(dir, 'bad-capture.json');
  writeFileSync(f, JSON.stringify({ captureVersion: '1', info: { platform: 7 } }));
  const r = await cli(['--replay', f]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /bad-capture\.json: not a valid capture/);
  assert.match(r.stderr, /\/info\/platform: must be string/);
  assert.match(r.stderr, /\/files: is required/);
});

test('--help lists every command with examples; --version prints the version', async () => {
  const h = await cli(['--help']);
  assert.is(h.code, 0);
  for (const c of ['capture', 'schema', 'validate', 'Examples:', '--calibrate', '--no-redact', 'exit codes']) assert.ok(h.stdout.includes(c), c);
  const cap = await cli(['capture', '--help']);
  assert.match(cap.stdout, /Examples:/);
  const v = await cli(['--version']);
  assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+/);
});

test('schema prints valid JSON Schemas', async () => {
  for (const name of ['report', 'capture']) {
    const r = await cli(['schema', name]);
    assert.is(r.code, 0);
    assert.is(JSON.parse(r.stdout).$schema, 'https://json-schema.org/draft/2020-12/schema');
  }
});

test('a live run: --json validates, --out writes atomically, validate accepts it', async () => {
  const out = join(dir, 'report.json');
  const r = await cli(['--json', '--calibrate', 'off', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(validate('report', report), []);
  const v = await cli(['validate', out]);
  assert.is(v.code, 0);
  assert.match(v.stdout, /valid report/);
});

test('--timings adds the cost of each source; without it the report has none', async () => {
  const r = await cli(['--json', '--calibrate', 'off', '--probes', 'environment', '--timings']);
  assert.is(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout).timings;
  assert.ok(t.sources.length > 0);
  assert.ok(t.sources.every((s: { probe: string }) => s.probe === 'environment'));
  assert.ok(t.sources.some((s: { kind: string }) => s.kind === 'read'));
  const plain = await cli(['--json', '--calibrate', 'off', '--probes', 'environment']);
  assert.not.ok('timings' in JSON.parse(plain.stdout));
});

test('text output is grouped by probe', async () => {
  const r = await cli(['--calibrate', 'off', '--format', 'text']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^hwprobe \d/);
  assert.match(r.stdout, /\ncpu  ok/);
  assert.match(r.stdout, /\nenvironment  ok/);
});

test('capture then replay reproduces the capabilities', async () => {
  const cap = join(dir, 'capture.json');
  const c = await cli(['capture', '--out', cap]);
  assert.is(c.code, 0, c.stderr);
  const live = JSON.parse((await cli(['--json', '--calibrate', 'off'])).stdout);
  const replay = JSON.parse((await cli(['--json', '--replay', cap])).stdout);
  assert.is(replay.options.replay, true);
  assert.equal(replay.capabilities, live.capabilities);
  assert.equal(replay.probes.cpu.facts.flags, live.probes.cpu.facts.flags);
});

test('secrets planted in the env never reach a report or a capture', async () => {
  const env = {
    ...process.env,
    NO_COLOR: '1',
    GITHUB_TOKEN: 'ghp_FAKEfakeFAKEfake0123456789',
    AWS_SECRET_ACCESS_KEY: 'FAKEAWSSECRETwJalrXUtnFEMI',
    NPM_TOKEN: 'npm_FAKE_TOKEN_hwprobe_test',
    DATABASE_URL: 'postgres://user:FAKEPASSWORD@db/x',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    GITHUB_ACTIONS: 'true',
  };
  const cap = join(dir, 'secret-capture.json');
  assert.is((await cli(['capture', '--out', cap], env)).code, 0);
  const report = (await cli(['--json', '--calibrate', 'off'], env)).stdout;
  for (const text of [readFileSync(cap, 'utf8'), report]) {
    for (const secret of ['ghp_FAKE', 'FAKEAWSSECRET', 'npm_FAKE_TOKEN', 'FAKEPASSWORD', '10.96.0.1']) {
      assert.not.ok(text.includes(secret), `${secret} leaked`);
    }
  }
  // An allowlisted variable is still seen: GitHub Actions is named as the CI vendor.
  assert.is(JSON.parse(report).probes.environment.facts.ci.vendor, 'GitHub Actions');
});

test('redaction is on by default and --no-redact keeps the hostname', async () => {
  const { hostname } = await import('node:os');
  const red = JSON.parse((await cli(['--json', '--calibrate', 'off'])).stdout);
  assert.is(red.host.hostname, undefined);
  assert.is(red.options.redacted, true);
  const raw = JSON.parse((await cli(['--json', '--calibrate', 'off', '--no-redact'])).stdout);
  assert.is(raw.host.hostname, hostname());
});

test.run();
