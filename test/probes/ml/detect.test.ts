// ML detection: package versions against Node's own resolver, WebAssembly SIMD against tfjs's own
// flag, the native binding's absence (or its loader error), capture/replay, and an empty host.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectMl, derive, satisfies, type MlFacts } from '../../../probes/ml/detect.js';
import { mlProbe } from '../../../probes/ml/index.js';
import { NodeHost } from '../../../src/host/node-host.js';
import { RecordingHost } from '../../../src/host/recording-host.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { makeCapture } from '../../../src/host/capture.js';
import { loadTf } from './tf-helpers.js';

const require = createRequire(import.meta.url);
const live = await detectMl(new NodeHost());
const facts = live.facts as unknown as MlFacts;

/** The version Node's resolver finds, from `from` (default: here), or null when it cannot resolve it. */
function nodeVersion(name: string, from?: string): string | null {
  try {
    const r = from ? createRequire(from) : require;
    return (r(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

test('package versions are what Node itself resolves', () => {
  assert.equal(facts.packages, {
    '@tensorflow/tfjs': nodeVersion('@tensorflow/tfjs'),
    '@tensorflow/tfjs-core': nodeVersion('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-cpu': nodeVersion('@tensorflow/tfjs-backend-cpu'),
    '@tensorflow/tfjs-backend-wasm': nodeVersion('@tensorflow/tfjs-backend-wasm'),
    '@tensorflow/tfjs-node': nodeVersion('@tensorflow/tfjs-node'),
  });
  // hwprobe depends on exactly these parts of tfjs (the umbrella package is not needed).
  for (const k of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'] as const) assert.ok(facts.packages[k], k);
});

test("WebAssembly SIMD support agrees with tfjs-backend-wasm's own WASM_HAS_SIMD_SUPPORT flag", async () => {
  const tf = (await loadTf()) as unknown as { env(): { getAsync(f: string): Promise<boolean> } };
  assert.is(facts.webAssembly?.simd, await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const simd = live.capabilities['ml.tfjs.wasm-simd'];
  assert.equal([simd.advertised, simd.usable], [facts.webAssembly!.simd, facts.webAssembly!.simd]);
  for (const id of ['ml.tfjs.wasm', 'ml.tfjs.cpu']) assert.equal([live.capabilities[id].advertised, live.capabilities[id].usable], [true, true], id);
});

test('ml.tfjs.tensorflow: unusable with a reason where @tensorflow/tfjs-node does not resolve or load', () => {
  const t = live.capabilities['ml.tfjs.tensorflow'];
  let resolves = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    resolves = false;
  }
  if (resolves) {
    // Installed here: then usable must follow the load attempt detection made.
    console.log('  note: @tensorflow/tfjs-node resolves on this machine; checking the load verdict instead');
    assert.is(t.usable, facts.native.load?.ok ?? null);
    return;
  }
  assert.is(t.advertised, false);
  assert.is(t.usable, false);
  assert.ok(typeof t.notes === 'string' && t.notes.length > 0, 'a reason');
  assert.is(t.notes, facts.native.reason);
  assert.ok(live.findings.some((f) => f.code === 'ML_TFJS_NATIVE_MISSING'));
});

test('installed but libtensorflow missing: the dynamic loader error is quoted (real addon built with gcc)', async () => {
  const gcc = spawnSync('gcc', ['--version']);
  if (gcc.status !== 0) {
    console.log('  skipped: no gcc to build a test addon');
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'hwprobe-ml-'));
  try {
    // A tfjs-node install whose addon needs libtensorflow.so.2, as after a failed download: the addon
    // is linked against a stub libtensorflow.so.2 that is then deleted. package.json is hand-written.
    const pkg = join(tmp, 'node_modules', '@tensorflow', 'tfjs-node');
    const napi = join(pkg, 'lib', 'napi-v8');
    const stubDir = join(tmp, 'stub');
    mkdirSync(napi, { recursive: true });
    mkdirSync(stubDir);
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', binary: { module_name: 'tfjs_binding' } }));
    writeFileSync(join(stubDir, 'tf.c'), 'const char *TF_Version(void) { return "stub"; }\n');
    writeFileSync(join(tmp, 'binding.c'), 'const char *TF_Version(void);\nconst char *hw_version(void) { return TF_Version(); }\n');
    const stub = join(stubDir, 'libtensorflow.so.2');
    const run = (args: string[]) => assert.is(spawnSync('gcc', args, { encoding: 'utf8' }).status, 0, args.join(' '));
    run(['-shared', '-fPIC', '-Wl,-soname,libtensorflow.so.2', '-o', stub, join(stubDir, 'tf.c')]);
    run(['-shared', '-fPIC', '-Wl,--no-as-needed', '-o', join(napi, 'tfjs_binding.node'), join(tmp, 'binding.c'), stub]);
    rmSync(stubDir, { recursive: true });
    {
      const d = await detectMl(new NodeHost(), [join(tmp, 'node_modules')]);
      const n = (d.facts as unknown as MlFacts).native;
      assert.equal([n.installed, n.addon, n.libtensorflow, n.load?.ok], [true, 'lib/napi-v8/tfjs_binding.node', [], false]);
      const t = d.capabilities['ml.tfjs.tensorflow'];
      assert.equal([t.advertised, t.usable], [true, false]);
      assert.match(t.notes!, /^libtensorflow failed to load: .*libtensorflow\.so\.2: cannot open shared object file/);
      const f = d.findings.find((x) => x.code === 'ML_TFJS_NATIVE_BROKEN');
      assert.ok(f && f.severity === 'warning' && /libtensorflow\.so\.2/.test(f.message));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a capture of this machine replays to the same detection', async () => {
  const rec = new RecordingHost({ redact: false });
  const a = await detectMl(rec);
  const b = await detectMl(new ReplayHost(rec.capture()));
  assert.equal(b, a);
  assert.equal(a, live);
});

const ctx = { signal: new AbortController().signal, calibrate: 'off' as const, peers: {}, progress() {} };
const IDS = ['ml.tfjs.cpu', 'ml.tfjs.tensorflow', 'ml.tfjs.wasm', 'ml.tfjs.wasm-simd'];

test('a capture without the ml records (an older capture): every answer is "could not tell", no finding', async () => {
  const d = await mlProbe.detect(new ReplayHost(makeCapture({})), ctx);
  assert.equal(Object.keys(d.capabilities).sort(), IDS);
  for (const [id, c] of Object.entries(d.capabilities)) assert.equal([c.advertised, c.usable, c.notes], [null, null, 'the package search paths are unknown (not in the capture)'], id);
  assert.equal(d.findings, []);
});

test('search paths known but empty (nothing installed): nothing advertised, nothing usable, never throws', async () => {
  const d = await mlProbe.detect(new ReplayHost(makeCapture({ calls: { 'ml.tfjs.search-paths': [] } })), ctx);
  for (const [id, c] of Object.entries(d.capabilities)) assert.is(c.usable, false, id);
  assert.equal(d.findings.map((f) => f.code), ['ML_TFJS_NATIVE_MISSING']);
});

test('derive: a backend whose peer range excludes the installed core is unusable, with a finding', () => {
  // Hand-written facts (a tiny edge case): backend-wasm 4.22.0 next to tfjs-core 3.0.0.
  const f: MlFacts = {
    ...facts,
    packages: { ...facts.packages, '@tensorflow/tfjs-core': '3.0.0' },
    peerRanges: { '@tensorflow/tfjs-backend-wasm': '4.22.0', '@tensorflow/tfjs-backend-cpu': '4.22.0' },
  };
  const { capabilities, findings } = derive(f);
  assert.equal([capabilities['ml.tfjs.wasm'].usable, capabilities['ml.tfjs.wasm-simd'].usable, capabilities['ml.tfjs.cpu'].usable], [false, false, false]);
  assert.match(capabilities['ml.tfjs.wasm'].notes!, /wants @tensorflow\/tfjs-core 4\.22\.0, 3\.0\.0 is installed/);
  assert.equal(findings.filter((x) => x.code === 'ML_TFJS_PEER_MISMATCH').length, 2);
});

test('satisfies: the exact-version shortcut answers as semver does', () => {
  const semver = createRequire(import.meta.url)('semver') as typeof import('semver');
  const cases: [string, string][] = [
    ['4.22.0', '4.22.0'],
    ['4.22.1', '4.22.0'],
    ['4.22.0', '^4.0.0'],
    ['3.9.0', '^4.0.0'],
    ['4.22.0', '>=4.20.0 <5'],
    ['4.22.0-rc.1', '4.22.0'],
  ];
  for (const [v, r] of cases) assert.is(satisfies(v, r), semver.satisfies(v, r), `${v} in ${r}`);
});

test.run();
