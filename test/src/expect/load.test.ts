import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { cli } from '../../helpers/cli.js';
import { loadExpectations, profileNames } from '../../../src/expect/load.js';
import { validate } from '../../../src/schemas.js';
import { readFileSync } from 'node:fs';
import { PKG_ROOT } from '../../../src/paths.js';

const fx = (f: string) => join(PKG_ROOT, 'fixtures', 'expect', f);

// Each invalid sample exits 2 naming the file and the JSON path or line (fixtures/expect/invalid/).
const invalid: [string, RegExp][] = [
  ['malformed.json', /malformed\.json: not valid JSON at line 4 column \d+/],
  ['malformed.yaml', /malformed\.yaml: not valid YAML at line \d+ column \d+/],
  ['unknown-key.yaml', /unknown-key\.yaml: not a valid expectation file[\s\S]*\/require\/1\/levle \(line 5\): unknown key "levle"/],
  ['bad-unit.json', /bad-unit\.json: \/require\/0\/min \(line 4\): bad unit: "GX\/s"/],
  ['unknown-profile.json', /unknown-profile\.json: \/extends\/0 \(line 3\): "x86-64-v5" is neither a file nor a built-in profile; did you mean "x86-64-v2".*\(profiles: .*aes-hw.*x86-64-v4\)/],
  ['misspelled-capability.yaml', /misspelled-capability\.yaml: \/require\/1\/capability \(line 4\): unknown capability "cpu\.simd\.avx512fx"; did you mean "cpu\.simd\.avx512f"/],
  ['misspelled-metric.json', /misspelled-metric\.json: \/require\/0\/metric \(line 4\): unknown metric "crypto\.aes-128-gmc"; did you mean "crypto\.aes-128-gcm"/],
  ['misspelled-fact.yaml', /misspelled-fact\.yaml: \/require\/1\/fact \(line 5\): unknown fact "cpu\.x86_64Levl": cpu has no fact "x86_64Levl"; did you mean "x86_64Level"/],
  ['bad-level.json', /bad-level\.json: [\s\S]*\/require\/0\/level \(line 1\): must be one of "advertised", "usable", "effective"/],
  ['two-kinds.json', /two-kinds\.json: [\s\S]*\/require\/0 \(line 1\): names capability and metric/],
];
for (const [file, re] of invalid) {
  test(`invalid expectation ${file}: validate and --expect exit 2 naming file and path`, async () => {
    for (const argv of [['validate', fx(`invalid/${file}`)], ['--calibrate', 'off', '--probes', 'cpu', '--expect', fx(`invalid/${file}`)]]) {
      const r = await cli(argv);
      assert.is(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.not.match(r.stderr, /\n\s+at .*:\d+:\d+\)/, 'no stack trace');
    }
  });
}

test('valid fixtures validate, JSON and YAML alike', async () => {
  for (const f of ['web-backend.json', 'portable-pass.yaml', 'needs-sve.json', 'extends-file.yaml']) {
    const r = await cli(['validate', fx(f)]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /valid expectation file/);
  }
});

test('the issue sample loads with the documented defaults (usable, error) and parsed units', async () => {
  const [set] = await loadExpectations([fx('web-backend.json')]);
  assert.is(set.name, 'web-backend');
  const byId = Object.fromEntries(set.requirements.map((r) => [`${r.kind}:${r.id}`, r]));
  assert.is((byId['capability:cpu.simd.avx2'] as any).level, 'usable');
  assert.is(byId['capability:cpu.simd.avx2'].severity, 'error');
  assert.is(byId['capability:gpu.cuda'].severity, 'warning');
  assert.is((byId['metric:crypto.aes-128-gcm'] as any).min.value, 1e9);
  assert.is(byId['capability:cpu.isa.x86-64-v3'].origin.source, 'profile x86-64-v3', 'extends folds the profile in');
  assert.is(byId['metric:crypto.aes-128-gcm'].origin.line, 6);
});

test('extends resolves files relative to the extending file and de-duplicates', async () => {
  const [set] = await loadExpectations([fx('extends-file.yaml')]);
  assert.equal(set.requirements.map((r) => `${r.kind}:${r.id}`), ['capability:cpu.isa.x86-64-v2', 'fact:runtime.node', 'fact:host.cpuCount', 'capability:cpu.simd.sve', 'capability:env.cpu-quota']);
});

test('every built-in profile the issue names exists, is schema-valid and loads', async () => {
  const names = ['x86-64-v2', 'x86-64-v3', 'x86-64-v4', 'aes-hw', 'sha-hw', 'avx512', 'neon', 'sve', 'cuda', 'cuda-cc80', 'opencl-gpu', 'tfjs-native', 'no-cpu-limit'];
  assert.equal(profileNames(), [...names].sort());
  for (const n of names) {
    const data = JSON.parse(readFileSync(join(PKG_ROOT, 'schemas', 'profiles', `${n}.json`), 'utf8'));
    assert.equal(validate('expect', data), [], n);
    assert.is(data.name, n);
  }
  const sets = await loadExpectations(names);
  for (const s of sets) assert.ok(s.requirements.length > 0, s.name);
});

test('hwprobe profiles lists each profile with what it requires; schema expect prints the schema', async () => {
  const r = await cli(['profiles']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^x86-64-v3 — .*\n\s+requires\s+cpu\.isa\.x86-64-v3 usable/m);
  assert.match(r.stdout, /^cuda-cc80 — [\s\S]*?requires\s+gpu\.cuda usable[\s\S]*?requires\s+gpu\.cuda\.computeCapability ≥ 8/m);
  assert.match(r.stdout, /^no-cpu-limit — .*\n\s+requires\s+env\.cpu-quota not advertised/m);
  const s = await cli(['schema', 'expect']);
  assert.is(s.code, 0);
  assert.is(JSON.parse(s.stdout).$id, 'https://hwprobe.dev/schemas/expect.schema.json');
});

test('an unknown --expect name exits 2 and lists the valid profiles', async () => {
  const r = await cli(['--calibrate', 'off', '--probes', 'cpu', '--expect', 'x86-64-v9']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--expect: "x86-64-v9" is neither a file nor a built-in profile; did you mean .*\(profiles: aes-hw, avx512, .*x86-64-v4\)/);
});

test.run();
