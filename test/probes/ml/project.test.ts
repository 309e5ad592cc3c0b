// Whose tfjs: the ml probe reads the project in the current directory (package.json, its
// node_modules/@tensorflow/*, the tfjs-node addon and libtensorflow files) and says which install
// each verdict is about; it loads the project's addon only when the project is named (--project).
// The project below is hand-written: a package.json and stub files where tfjs-node puts its addon
// and libtensorflow (empty files: enough to be found, and a real loader error when loaded).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHost } from '../../../src/host/node-host.js';
import { detectMl, type MlFacts } from '../../../probes/ml/detect.js';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-proj-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-app', dependencies: { '@tensorflow/tfjs-node': '^4.22.0', express: '^4' } }));
  const pkg = join(dir, 'node_modules/@tensorflow/tfjs-node');
  mkdirSync(join(pkg, 'lib/napi-v8'), { recursive: true });
  mkdirSync(join(pkg, 'deps/lib'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', binary: { module_name: 'tfjs_binding' } }));
  writeFileSync(join(pkg, 'lib/napi-v8/tfjs_binding.node'), '');
  writeFileSync(join(pkg, 'deps/lib/libtensorflow.so.2'), '');
  return dir;
}

test("by default the cwd's project is read, never loaded; verdicts say which install", async () => {
  const dir = project();
  const was = process.cwd();
  process.chdir(dir);
  try {
    const d = await detectMl(new NodeHost());
    const f = d.facts as unknown as MlFacts;
    assert.is(f.project?.source, 'cwd');
    assert.is(f.project?.name, 'my-app');
    assert.equal(f.project?.declared, { '@tensorflow/tfjs-node': '^4.22.0' });
    assert.is(f.project?.packages['@tensorflow/tfjs-node'], '4.22.0');
    assert.is(f.project?.native.addon, 'lib/napi-v8/tfjs_binding.node');
    assert.equal(f.project?.native.libtensorflow, ['deps/lib/libtensorflow.so.2']);
    assert.is(f.project?.native.load, null, 'not loaded without --project');
    const c = d.capabilities['ml.project.tfjs.tensorflow'];
    assert.ok(c, 'a verdict about the project');
    assert.is(c.advertised, true);
    assert.is(c.usable, null);
    assert.match(c.notes ?? '', /not loaded: .*--project DIR/);
    assert.is(c.evidence[0], 'install: the project in the current directory');
    assert.is(d.capabilities['ml.tfjs.cpu'].evidence[0], "install: hwprobe's own (its node_modules)");
  } finally {
    process.chdir(was);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with the project named, its addon is loaded (in a child process) and a failure is a finding', async () => {
  const dir = project();
  try {
    const d = await detectMl(new NodeHost(), undefined, dir);
    const f = d.facts as unknown as MlFacts;
    assert.is(f.project?.source, 'option');
    assert.is(f.project?.native.load?.ok, false, 'an empty file is no addon');
    const c = d.capabilities['ml.project.tfjs.tensorflow'];
    assert.is(c.usable, false);
    const finding = d.findings.find((x) => x.code === 'ML_PROJECT_TFJS_NATIVE_MISSING');
    assert.ok(finding, JSON.stringify(d.findings));
    assert.match(finding!.message, /of the project named with --project is not usable: libtensorflow failed to load/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory without tfjs: project facts, no project verdict', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-proj-'));
  try {
    const d = await detectMl(new NodeHost(), undefined, dir);
    const f = d.facts as unknown as MlFacts;
    assert.is(f.project?.packageJson, false);
    assert.is(d.capabilities['ml.project.tfjs.tensorflow'], undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
