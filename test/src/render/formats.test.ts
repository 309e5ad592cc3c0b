import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../helpers/cli.js';
import { PKG_ROOT } from '../../../src/paths.js';
import { labelName, labelValue, NFD_MAX_FILE_BYTES } from '../../../src/render/nfd.js';
import { escapeData, escapeProperty } from '../../../src/render/github.js';

const dir = mkdtempSync(join(tmpdir(), 'hwprobe-formats-'));
const env = { ...process.env, NO_COLOR: '1' };
const fx = (f: string) => join(PKG_ROOT, 'fixtures', 'expect', f);

function have(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined;
}

// Every format of a run judged against the sample file plus the sve profile (9 requirements).
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
  // A negative control: the schema rejects a testcase without a name.
  const bad = join(dir, 'bad.xml');
  writeFileSync(bad, readFileSync(out, 'utf8').replace(/<testcase name="[^"]*"/, '<testcase'));
  assert.is(spawnSync('xmllint', ['--noout', '--schema', join(PKG_ROOT, 'fixtures', 'junit', 'jenkins-junit.xsd'), bad]).status, 3);
});

test('prometheus: promtool accepts the textfile, with capability, verdict and probe samples', async () => {
  const r = await cli([...judged, '--format', 'prometheus'], env);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.match(r.stdout, /^hwprobe_capability\{capability="cpu\.simd\.sse2",level="advertised"\} [01]$/m);
  assert.match(r.stdout, /^hwprobe_expectation_passed\{expectation="sve",requirement="cpu\.simd\.sve usable",severity="error"\} [01]$/m);
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
  for (const [n, v] of labels) {
    // Unprefixed: nfd-master puts it under feature.node.kubernetes.io/, so the name part is all of it.
    assert.ok(n.length <= 63 && NAME.test(n), `name ${n}`);
    assert.ok(v.length <= 63 && (v === '' || NAME.test(v)), `value ${n}=${v}`);
  }
  const report = JSON.parse((await cli(['--json', '--calibrate', 'off'], env)).stdout);
  const advertised = Object.entries(report.capabilities).filter(([, c]: any) => c.advertised === true).map(([id]) => `hwprobe.${id}`);
  for (const id of advertised) assert.ok(labels.has(labelName(id)), `label for ${id}`);
  assert.is(labels.get('hwprobe.expect.web-backend'), 'fail');
});

test('nfd label helpers: long names keep a hash, bad characters become _, values are trimmed', () => {
  // Hand-written ids: edge cases of the label rules.
  const long = labelName(`hwprobe.ml.onnxruntime.${'x'.repeat(80)}`);
  assert.ok(long.length <= 63 && NAME.test(long));
  assert.is.not(long, labelName(`hwprobe.ml.onnxruntime.${'x'.repeat(81)}`));
  assert.is(labelName('hwprobe.ml.tf+gpu'), 'hwprobe.ml.tf_gpu');
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
  assert.match(lines[lines.length - 1], /^hwprobe: expectations: \d+ passed, \d+ failed, 1 warnings$/);
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
  const s = readFileSync(summary, 'utf8');
  assert.ok(s.startsWith('# earlier step\n') && s.includes(r.stdout), 'appended, not overwritten');
  const bad = await cli([...judged, '--format', 'markdown'], { ...env, GITHUB_STEP_SUMMARY: join(dir, 'nope', 'x.md') });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /\$GITHUB_STEP_SUMMARY\): cannot append: ENOENT/);
  assert.ok(existsSync(summary));
});

test('text: verdicts follow the report; a plain run without expectations is unchanged', async () => {
  const r = await cli(['--calibrate', 'off', '--probes', 'cpu', '--expect', 'sve'], env);
  assert.match(r.stdout, /^hwprobe \d[\s\S]*\nexpectations: sve  \(profile sve\)\n/);
  const plain = await cli(['--calibrate', 'off', '--probes', 'cpu'], env);
  assert.is(plain.code, 0);
  assert.not.match(plain.stdout, /expectations/);
});

test.run();
