import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { validate } from '../../src/schemas.js';
import { PKG_ROOT } from '../../src/paths.js';
import { plainRunArgs } from '../../src/main.js';

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
  ['unknown flag', ['--frobnicate'], /unknown option --frobnicate/i],
  ['misspelled flag gets a suggestion', ['--calibrat', 'off'], /unknown option --calibrat; did you mean --calibrate\?/],
  ['misspelled flags, each with its suggestion', ['--probs', 'cpu', '--jsn'], /--probs; did you mean --probes\?\nunknown option --jsn; did you mean --json\?/],
  ['nfd refresh not a duration', ['--replay', join(dir, 'missing.json'), '--nfd-refresh', '1y'], /.+/],
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

test('--help: probe ids for --probes, profiles for --expect, examples never split mid-token at 100 columns', async () => {
  const { PROBE_IDS } = await import('../../probes/index.js');
  const h = await cli(['--help']);
  const flat = h.stdout.replace(/\s+/g, ' ');
  assert.ok(flat.includes(`: ${PROBE_IDS.join(', ')})`), 'probe ids listed');
  assert.match(flat, /profiles: [^)]*x86-64-v3/);
  const ex = h.stdout.slice(h.stdout.indexOf('Examples:'));
  for (const line of ex.split('\n')) assert.ok(line.length <= 100, `wider than 100: ${line}`);
  // every example command is whole on its own line
  for (const cmd of ['hwprobe --probes cpu,environment --out report.json --format json', 'hwprobe --format nfd --out /etc/kubernetes/node-feature-discovery/features.d/hwprobe']) {
    assert.ok(ex.includes(`  ${cmd}\n`), cmd);
  }
});

test('completion: flag values (probe ids, formats, profiles), and the script calls this hwprobe by path', async () => {
  const c = async (...words: string[]) => (await cli(['--get-yargs-completions', 'hwprobe', ...words])).stdout.trim().split('\n');
  assert.ok((await c('--probes', '')).includes('cpu'));
  assert.ok((await c('--probes', 'cpu,')).includes('cpu,crypto'));
  assert.not.ok((await c('--probes', 'cpu,')).includes('cpu,cpu'));
  assert.equal(await c('--format', ''), ['text', 'json', 'markdown', 'junit', 'github', 'nfd', 'prometheus']);
  const expect = await c('--expect', '');
  assert.ok(expect.includes('x86-64-v3') && expect.includes('__files__'));
  assert.ok((await c('--cal')).includes('--calibrate'));
  assert.ok((await c('')).includes('capture'));
  // every flag a command's --help lists is completed for that command (and so is known to "did you mean")
  for (const cmd of ['run', 'capture', 'check', 'diff']) {
    const flags = [...(await cli([cmd, '--help'])).stdout.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]);
    const offered = await c(...(cmd === 'run' ? [] : [cmd]), '--');
    for (const f of flags) assert.ok(offered.includes(f), `${cmd} ${f} is completed`);
  }
  const script = (await cli(['completion'])).stdout;
  assert.ok(script.includes(`'${process.execPath}'`), 'absolute node path');
  assert.match(script, /complete -o default -F _hwprobe_completions hwprobe/);
  const built = join(PKG_ROOT, 'dist', 'src', 'cli.js');
  if (spawnSync('bash', ['--version']).status !== 0 || !existsSync(built)) return console.log('  note: bash or dist/ missing; the sourced-script check is skipped');
  // The real consumer: bash sources the script (pointing at the built CLI, as after an install) and completes --format ju.
  const { completionScript } = await import('../../src/completion.js');
  const sh = `${completionScript(process.execPath, built)}\nCOMP_WORDS=(hwprobe --format ju); COMP_CWORD=2; _hwprobe_completions; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', sh], { encoding: 'utf8', cwd: dir });
  assert.is(r.stdout.trim(), 'junit', r.stderr);
});

test('a piped run: progress lines on stderr (not stdout), --quiet turns them off', async () => {
  const r = await cli(['--calibrate', 'off', '--probes', 'cpu,environment', '--json']);
  assert.is(r.code, 0, r.stderr);
  JSON.parse(r.stdout);
  assert.match(r.stderr, /^hwprobe: starting · calibration off .*\nhwprobe: probing cpu, environment · ETA \d/);
  assert.match(r.stderr, /^hwprobe: +\d[\d.]* (ms|s) +100% done$/m);
  const q = await cli(['--calibrate', 'off', '--probes', 'cpu,environment', '--json', '--quiet']);
  assert.is(q.stderr, '');
});

test('run --expect --json: the verdicts are in the report, with status, reasons, origin file and line', async () => {
  const f = join(dir, 'needs.yaml');
  writeFileSync(f, 'require:\n  - capability: cpu.simd.sse2\n  - metric: crypto.aes-128-gcm\n    min: 1 GB/s\n    severity: warning\n');
  const r = await cli(['--calibrate', 'off', '--probes', 'cpu,crypto', '--json', '--quiet', '--expect', f]);
  const report = JSON.parse(r.stdout);
  const { validate } = await import('../../src/schemas.js');
  assert.equal(validate('report', report), []);
  const e = report.expectations;
  assert.is(e.requirements.length, 2);
  const [sse2, aes] = e.requirements;
  assert.is(sse2.id, 'needs:cpu.simd.sse2:usable');
  assert.equal(sse2.origin, { source: f, path: '/require/0', line: 2 });
  assert.is(aes.id, 'needs:crypto.aes-128-gcm:min');
  assert.is(aes.status, 'fail');
  assert.ok(aes.reasons.length > 0);
  assert.is(e.warned, 1);
  assert.is(e.ok, r.code === 0);
});

test('a bound in the wrong dimension is an input error at load time: exit 2 with file, path and line', async () => {
  const f = join(dir, 'units.yaml');
  writeFileSync(f, 'require:\n  - metric: crypto.aes-128-gcm\n    min: 1 GB\n');
  const v = await cli(['validate', f]);
  assert.is(v.code, 2);
  assert.match(v.stderr, /units\.yaml: \/require\/0\/min \(line 3\): "1 GB" is in B, but crypto\.aes-128-gcm is measured in B\/s/);
  writeFileSync(f, 'require:\n  - metric: crypto.aes-128-gcm\n    min: 500 MB/s\n');
  assert.is((await cli(['validate', f])).code, 0);
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

// The yargs-free reading of the plain run forms (issue 17): what it accepts it reads as yargs
// would, with the same defaults; everything else (help, other commands, other flags, repeats,
// bad values) is left to yargs (undefined), which owns the messages.
test('plain run forms are read without yargs, everything else is left to it', () => {
  const base = { timeout: 10, redact: true, calibrate: 'quick', tui: true, tolerance: 0.25, strict: false };
  assert.equal(plainRunArgs([]), base);
  assert.equal(plainRunArgs(['run']), base);
  assert.equal(plainRunArgs(['--json', '--calibrate', 'off', '--probes', 'cpu,environment', '-q']), { ...base, json: true, calibrate: 'off', probes: 'cpu,environment', quiet: true });
  assert.equal(plainRunArgs(['run', '--calibrate=full', '--probes=gpu', '--timings', '--no-tui', '--quiet']), { ...base, calibrate: 'full', probes: 'gpu', timings: true, tui: false, quiet: true });
  for (const argv of [['--help'], ['-h'], ['--version'], ['capture', '--out', 'x'], ['--calibrate', 'fast'], ['--calibrate'], ['--probes', '--json'], ['--probes='], ['--json', '--json'], ['-q', '--quiet'], ['--json=false'], ['--timeout', '5'], ['--format', 'json'], ['--frobnicate'], ['cpu']])
    assert.is(plainRunArgs(argv), undefined, argv.join(' '));
});

test('a plain run and the same run through yargs give the same report', async () => {
  // `--timeout 10` (the default) sends the same run through yargs
  const [plain, viaYargs] = await Promise.all([cli(['--json', '--calibrate', 'off', '--probes', 'environment', '-q']), cli(['--json', '--calibrate', 'off', '--probes', 'environment', '-q', '--timeout', '10'])]);
  assert.is(plain.code, 0, plain.stderr);
  assert.is(viaYargs.code, 0, viaYargs.stderr);
  const [a, b] = [JSON.parse(plain.stdout), JSON.parse(viaYargs.stdout)];
  assert.equal(Object.keys(a).sort(), Object.keys(b).sort());
  assert.equal(a.capabilities, b.capabilities);
  assert.equal(a.calibration ?? null, b.calibration ?? null);
});

test.run();
