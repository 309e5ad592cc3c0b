import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../helpers/cli.js';
import { PKG_ROOT } from '../../../src/paths.js';
import { bucket, labelName, labelValue, NFD_MAX_FILE_BYTES } from '../../../src/render/nfd.js';
import { escapeData, escapeProperty } from '../../../src/render/github.js';

const dir = mkdtempSync(join(tmpdir(), 'hwprobe-formats-'));
const env = { ...process.env, NO_COLOR: '1' };
const fx = (f: string) => join(PKG_ROOT, 'fixtures', 'expect', f);

function have(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined;
}

// Every format of a run judged against the issue's sample file plus the sve profile (9 requirements).
const judged = ['--calibrate', 'off', '--expect', fx('web-backend.json'), '--expect', 'sve'];

test('junit: valid against the Jenkins/Ant JUnit schema, one testcase per requirement', async () => {
  const out = join(dir, 'hwprobe.xml');
  const r = await cli([...judged, '--format', 'junit', '--out', out], env);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  if (!have('xmllint')) return console.log('  note: xmllint (libxml2-utils) missing; JUnit schema check skipped');
  execFileSync('xmllint', ['--noout', '--schema', join(PKG_ROOT, 'fixtures', 'junit', 'jenkins-junit.xsd'), out], { stdio: 'pipe' });
  const count = (xp: string) => Number(execFileSync('xmllint', ['--xpath', xp, out]).toString());
  assert.is(count('count(//testsuite)'), 2);
  assert.is(count('count(//testcase)'), 9);
  assert.is(count('count(//testsuite[@name="expect: web-backend"]/testcase)'), 8);
  // The warning-severity gpu.cuda requirement is shown as skipped, not as a failure.
  assert.is(count('count(//testcase[@name="gpu.cuda usable"]/failure)'), 0);
  assert.is(count('count(//testcase[@name="gpu.cuda usable"]/skipped)'), 1);
  // The warning's text is in the element dashboards show, not only in an attribute.
  assert.match(execFileSync('xmllint', ['--xpath', 'string(//testcase[@name="gpu.cuda usable"]/skipped)', out]).toString(), /needed because: training/);
  // Real durations: the run took time, and a requirement on a probed capability takes its probe's time.
  const time = (xp: string) => Number(execFileSync('xmllint', ['--xpath', `string(${xp}/@time)`, out]).toString());
  assert.ok(time('/testsuites') > 0, 'testsuites time');
  assert.ok(time('//testsuite[@name="expect: web-backend"]') > 0, 'suite time');
  assert.ok(time('//testcase[@name="crypto.aes effective"]') > 0, 'case time');
  assert.ok(time('//testcase[@name="runtime.node satisfies >=20"]') === 0, 'a runtime fact costs no probe time');
  // A negative control: the schema rejects a testcase without a name.
  const bad = join(dir, 'bad.xml');
  writeFileSync(bad, readFileSync(out, 'utf8').replace(/<testcase name="[^"]*"/, '<testcase'));
  assert.is(spawnSync('xmllint', ['--noout', '--schema', join(PKG_ROOT, 'fixtures', 'junit', 'jenkins-junit.xsd'), bad]).status, 3);
});

test('prometheus: promtool accepts the textfile, with capability, verdict and probe samples', async () => {
  const r = await cli([...judged, '--format', 'prometheus'], env);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.match(r.stdout, /^hwprobe_capability\{capability="cpu\.simd\.sse2",level="advertised"\} [01]$/m);
  // Stable requirement ids as labels; the threshold in its own gauge; no non-ASCII in labels; no float noise.
  assert.match(r.stdout, /^hwprobe_expectation_passed\{expectation="sve",requirement="sve:cpu\.simd\.sve:usable",severity="error"\} [01]$/m);
  assert.match(r.stdout, /^hwprobe_expectation_threshold\{expectation="web-backend",requirement="web-backend:crypto\.aes-128-gcm:min",severity="error",bound="min",unit="B\/s"\} 1000000000$/m);
  assert.match(r.stdout, /^hwprobe_expectation_threshold\{[^}]*requirement="web-backend:cpu\.wasm-simd:speedup-min"[^}]*\} 1\.5$/m);
  for (const line of r.stdout.split('\n').filter((l) => l && !l.startsWith('#'))) {
    assert.ok(/^[\x20-\x7e]+$/.test(line), `non-ASCII sample line: ${line}`);
    assert.not.match(line.split(' ').at(-1)!, /\d\.\d{13,}/, `float noise: ${line}`);
  }
  assert.not.match(r.stdout, /no longer advertised than/);
  if (!have('promtool')) return console.log('  note: promtool (Debian package prometheus) missing; text-format check skipped');
  const ok = spawnSync('promtool', ['check', 'metrics'], { input: r.stdout });
  assert.is(ok.status, 0, `${ok.stdout}${ok.stderr}`);
  // A negative control: the same parser rejects a broken sample line.
  const bad = spawnSync('promtool', ['check', 'metrics'], { input: r.stdout + 'hwprobe_capability{capability="x" 1\n' });
  assert.is.not(bad.status, 0);
});

/** NFD's local source, after kubernetes-sigs/node-feature-discovery source/local/local.go: lines, `#` comments, name[=value]. */
function parseFeatureFile(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    m.set(i < 0 ? line : line.slice(0, i), i < 0 ? 'true' : line.slice(i + 1));
  }
  return m;
}
// Kubernetes label rules (apimachinery validation IsQualifiedName / IsValidLabelValue).
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

test('nfd: every label passes the Kubernetes label rules, the file fits NFD, and it is written by rename', async () => {
  const featuresD = join(dir, 'features.d');
  execFileSync('mkdir', ['-p', featuresD]);
  const out = join(featuresD, 'hwprobe');
  const r = await cli([...judged, '--format', 'nfd', '--out', out], env);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(readdirSync(featuresD), ['hwprobe'], 'no dot-temp file left behind');
  const text = readFileSync(out, 'utf8');
  assert.ok(Buffer.byteLength(text) <= NFD_MAX_FILE_BYTES);
  const labels = parseFeatureFile(text);
  assert.ok(labels.size > 0);
  for (const [full, v] of labels) {
    // Fully qualified in the namespace NFD allows for local features; the name part within the label rules.
    assert.ok(full.startsWith('feature.node.kubernetes.io/hwprobe-'), `namespace of ${full}`);
    const n = full.slice('feature.node.kubernetes.io/'.length);
    assert.ok(n.length <= 63 && NAME.test(n), `name ${n}`);
    assert.ok(v.length <= 63 && (v === '' || NAME.test(v)), `value ${n}=${v}`);
    assert.not.match(n, /^hwprobe-metric\./, 'no measurements without --nfd-metrics');
  }
  const report = JSON.parse((await cli(['--json', '--calibrate', 'off'], env)).stdout);
  const hardwareGpus = report.probes.gpu?.facts.hardwareGpuCount;
  const advertised = Object.entries(report.capabilities)
    .filter(([id, c]: any) => c.advertised === true && !(id.startsWith('gpu.') && hardwareGpus === 0))
    .map(([id]) => `feature.node.kubernetes.io/${labelName(`hwprobe-${id}`)}`);
  for (const id of advertised) assert.ok(labels.has(id), `label for ${id}`);
  if (hardwareGpus === 0) assert.not.ok([...labels.keys()].some((n) => n.includes('/hwprobe-gpu.')), 'no gpu.* label without a hardware GPU');
  assert.is(labels.get('feature.node.kubernetes.io/hwprobe-expect.web-backend'), 'fail');
  const expiry = /^# \+expiry-time=(\S+)$/m.exec(text);
  assert.ok(expiry && Date.parse(expiry[1]) > Date.now(), 'an expiry directive in the future');
});

test('nfd: two consecutive files of the same machine differ only in the expiry line; --nfd-refresh sets it', async () => {
  const a = (await cli(['--calibrate', 'off', '--format', 'nfd', '--nfd-refresh', '30m'], env)).stdout;
  const b = (await cli(['--calibrate', 'off', '--format', 'nfd', '--nfd-refresh', '30m'], env)).stdout;
  const body = (s: string) => s.split('\n').filter((l) => !l.startsWith('# +expiry-time='));
  assert.equal(body(a), body(b));
  const t = (s: string) => Date.parse(/^# \+expiry-time=(\S+)$/m.exec(s)![1]);
  assert.ok(t(a) - Date.now() <= 3600_000 + 5000 && t(a) - Date.now() > 3000_000, 'two 30-minute intervals');
  assert.is((await cli(['--calibrate', 'off', '--format', 'nfd', '--nfd-refresh', 'soon'], env)).code, 2);
});

test('nfd buckets: power-of-two ranges, stable under small noise', () => {
  for (const [v, want] of [[5.71, '4-8'], [5.2, '4-8'], [1, '1-2'], [0.3, '0.25-0.5'], [1200, '1024-2048'], [0, '0']] as const) assert.is(bucket(v), want);
});

test('nfd label helpers: long names keep a hash, bad characters become _, values are trimmed', () => {
  // Hand-written ids: edge cases of the label rules.
  const long = labelName(`hwprobe-ml.onnxruntime.${'x'.repeat(80)}`);
  assert.ok(long.length <= 63 && NAME.test(long));
  assert.is.not(long, labelName(`hwprobe-ml.onnxruntime.${'x'.repeat(81)}`));
  assert.is(labelName('hwprobe-ml.tf+gpu'), 'hwprobe-ml.tf_gpu');
  assert.is(labelValue('GB/s'), 'GB_s');
  assert.is(labelValue('-x-'), 'x');
  assert.is(labelValue('v'.repeat(70)).length, 63);
});

test('github: workflow commands with titles, file and line for file requirements, escaped data', async () => {
  const r = await cli([...judged, '--format', 'github'], env);
  const lines = r.stdout.trimEnd().split('\n');
  for (const l of lines.slice(0, -1)) assert.match(l, /^::(error|warning|notice)( [a-z]+=[^:,]*(,[a-z]+=[^:,]*)*)?::/);
  assert.match(r.stdout, new RegExp(`^::error file=${fx('web-backend.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')},line=4,title=hwprobe%3A crypto\\.aes effective \\(web-backend\\)::`, 'm'));
  assert.match(r.stdout, /^::warning file=[^,]+,line=10,title=hwprobe%3A gpu\.cuda usable \(web-backend\)::.*%0Aneeded because: training/m);
  assert.match(lines[lines.length - 1], /^hwprobe: expectations: \d+ passed, \d+ failed, 1 warning$/);
  assert.is(escapeData('50%\nnext'), '50%25%0Anext');
  assert.is(escapeProperty('a:b,c'), 'a%3Ab%2Cc');
});

test('markdown: printed, and appended to $GITHUB_STEP_SUMMARY when set', async () => {
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '# earlier step\n');
  const r = await cli([...judged, '--format', 'markdown'], { ...env, GITHUB_STEP_SUMMARY: summary });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.match(r.stdout, /^### ❌ Expectations not met/m);
  assert.match(r.stdout, /^\| ❌ \| `cpu\.simd\.sve usable` \| sve \| /m);
  assert.match(r.stdout, /^\| ⚠️ \| `gpu\.cuda usable` \| web-backend \|/m);
  // Entities are not decoded in code spans: the comparison stays raw there.
  assert.match(r.stdout, /`runtime\.node satisfies >=20`/);
  assert.not.match(r.stdout, /`[^`]*&(gt|lt|amp);[^`]*`/);
  const s = readFileSync(summary, 'utf8');
  assert.ok(s.startsWith('# earlier step\n') && s.includes(r.stdout), 'appended, not overwritten');
  const bad = await cli([...judged, '--format', 'markdown'], { ...env, GITHUB_STEP_SUMMARY: join(dir, 'nope', 'x.md') });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /\$GITHUB_STEP_SUMMARY\): cannot append: ENOENT/);
  assert.ok(existsSync(summary));
});

test('github: one annotation per root cause, listing what it affects', async () => {
  const r = await cli(['--replay', join(PKG_ROOT, 'fixtures', 'captures', 'linux-x64-epyc-kvm-docker-openssl-ia32cap-empty.json'), '--format', 'github'], env);
  const masked = r.stdout.split('\n').filter((l) => l.includes('OPENSSL_ia32cap'));
  assert.is(masked.length, 1, r.stdout);
  assert.match(masked[0], /^::warning title=hwprobe%3A OPENSSL_ia32cap="" \(CRYPTO_MASKED%2C CRYPTO_PATHS_MASKED\)::.*%0Aaffects crypto\.aes, crypto\.gfni/);
  assert.ok(r.stdout.split('\n').filter((l) => l.startsWith('::warning')).length <= 10, 'within GitHub\'s 10 warnings per step');
});

test('text: verdicts follow the report; a plain run without expectations is unchanged', async () => {
  const r = await cli(['--calibrate', 'off', '--probes', 'cpu', '--expect', 'sve'], env);
  assert.match(r.stdout, /^hwprobe \d[\s\S]*\nexpectations: sve  \(profile sve\)\n/);
  const plain = await cli(['--calibrate', 'off', '--probes', 'cpu'], env);
  assert.is(plain.code, 0);
  assert.not.match(plain.stdout, /expectations/);
});

test.run();
