// The GitHub Action (src/action): its step run with the environment GitHub provides — GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_ACTION_PATH as temp files and folders — on this machine.
// Verdicts come from expectation files about facts the test reads itself (process.platform), so
// passing and failing do not depend on the machine's hardware.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { probe, validate } from '../../../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const actionDir = join(root, 'src/action');

interface StepRun {
  code: number | null;
  log: string;
  outputs: Record<string, string>;
  summary: string;
  dir: string;
}

/** Runs the action's step like GitHub does: action.yml's `run` line, its env block, GitHub's variables. */
function step(inputs: Record<string, string>, extraEnv: Record<string, string> = {}, usePackageDir = true): StepRun {
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-action-'));
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '# earlier step\n');
  const action = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_ACTION_PATH: actionDir,
    ...(usePackageDir ? { HWPROBE_PACKAGE_DIR: root } : {}),
    ...extraEnv,
  };
  // ${{ inputs.x }} in the env block, with action.yml's defaults.
  const s = action.runs.steps[0];
  for (const [k, v] of Object.entries(s.env as Record<string, string>)) {
    const name = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(v)![1];
    env[k] = inputs[name] ?? String(action.inputs[name].default ?? '');
  }
  const r = spawnSync('bash', ['-c', s.run], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  const outputs = Object.fromEntries(
    readFileSync(join(dir, 'output'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: r.status, log: r.stdout + r.stderr, outputs, summary: readFileSync(join(dir, 'summary'), 'utf8'), dir };
}

function expectFile(dir: string, name: string, platform: string): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, `name: ${name}\nrequire:\n  - fact: host.platform\n    equals: ${platform}\n    why: the service ships ${platform} binaries\n`);
  return f;
}

test('action.yml: every input reaches run.sh, every output is one run.sh writes', () => {
  const action = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8'));
  assert.is(action.runs.using, 'composite');
  const env = action.runs.steps[0].env as Record<string, string>;
  assert.equal(Object.keys(action.inputs).sort(), Object.values(env).map((v) => /inputs\.([\w-]+)/.exec(v)![1]).sort());
  const script = readFileSync(join(actionDir, 'run.sh'), 'utf8');
  for (const k of Object.keys(env)) assert.ok(script.includes(k), `run.sh reads ${k}`);
  for (const [name, o] of Object.entries(action.outputs as Record<string, { value: string }>)) {
    assert.is(o.value, `\${{ steps.run.outputs.${name} }}`);
    assert.match(script, new RegExp(`output ${name} `), `run.sh writes ${name}`);
  }
  const bashN = spawnSync('bash', ['-n', join(actionDir, 'run.sh')], { encoding: 'utf8' });
  assert.is(bashN.status, 0, bashN.stderr);
});

test('expectations hold: exit 0, outputs, job summary appended, the rendering in `format`', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hwprobe-expect-'));
  const r = step({ expect: `x86-64-v2\n${expectFile(tmp, 'platform', process.platform)}`, calibrate: 'off', format: 'junit', probes: 'cpu,environment' });
  try {
    assert.is(r.code, 0, r.log);
    assert.equal(Object.keys(r.outputs).sort(), ['exit-code', 'output', 'passed', 'report', 'summary']);
    assert.is(r.outputs.passed, 'true');
    assert.is(r.outputs['exit-code'], '0');
    const report = JSON.parse(readFileSync(r.outputs.report, 'utf8'));
    assert.equal(validate('report', report), []);
    assert.equal(report.options.probes, ['cpu', 'environment']);
    assert.match(r.summary, /^# earlier step\n### ✅ Expectations met/, 'appended after what was there');
    assert.ok(r.summary.includes(readFileSync(r.outputs.summary, 'utf8')));
    assert.match(r.summary, /\| ✅ \| `host\.platform = /);
    assert.ok(r.outputs.output.endsWith('hwprobe.xml'));
    assert.match(readFileSync(r.outputs.output, 'utf8'), /^<\?xml[^]*<testsuites/);
    assert.match(r.log, /^hwprobe: expectations: \d+ passed, 0 failed/m);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('an expectation fails: exit 1, passed=false, an ::error annotation at the file and line, the report still an output', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hwprobe-expect-'));
  const file = expectFile(tmp, 'wrong-platform', 'plan9');
  const r = step({ expect: file, calibrate: 'off', probes: 'environment' });
  try {
    assert.is(r.code, 1, r.log);
    assert.is(r.outputs.passed, 'false');
    assert.is(r.outputs['exit-code'], '1');
    assert.ok(existsSync(r.outputs.report));
    assert.match(r.log, new RegExp(`^::error file=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},line=3,title=hwprobe%3A host\\.platform = plan9 \\(wrong-platform\\)::.*needed because: the service ships plan9 binaries$`, 'm'));
    assert.match(r.summary, /### ❌ Expectations not met/);
    assert.match(readFileSync(r.outputs.output, 'utf8'), /expectations not met/i, 'format text by default');
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('baseline: the same machine passes; with AVX2 masked by GLIBC_TUNABLES the job fails and says why', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hwprobe-base-'));
  try {
    const base = await probe({ probes: ['cpu', 'environment'] });
    const baseFile = join(tmp, 'base.json');
    writeFileSync(baseFile, JSON.stringify(base));
    const same = step({ baseline: baseFile, calibrate: 'off', probes: 'cpu,environment', format: 'markdown' });
    assert.is(same.code, 0, same.log);
    assert.match(same.summary, /### ✅ No regressions against the baseline/);
    rmSync(same.dir, { recursive: true, force: true });
    if (base.capabilities['cpu.simd.avx2']?.usable !== true) {
      console.log('  note: AVX2 is not usable on this machine; the masked-baseline case is not checked');
      return;
    }
    const masked = step({ baseline: baseFile, calibrate: 'off', probes: 'cpu,environment' }, { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2' });
    try {
      assert.is(masked.code, 1, masked.log);
      assert.is(masked.outputs.passed, 'false');
      assert.match(masked.log, /^::error title=hwprobe%3A cpu\.simd\.avx2 no longer usable::.*GLIBC_TUNABLES/m);
      assert.match(masked.summary, /### ❌ Regressions against the baseline/);
    } finally {
      rmSync(masked.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('bad input: exit 2 with an ::error, no report output', () => {
  const cases: [Record<string, string>, RegExp, RegExp?][] = [
    [{ calibrate: 'fast' }, /^::error title=hwprobe::input calibrate: must be off, quick or full, got 'fast'$/m],
    [{ format: 'pdf' }, /^::error title=hwprobe::input format: must be one of/m],
    [{ expect: 'x86-64-v7', calibrate: 'off' }, /"x86-64-v7" is neither a file nor a built-in profile/, /^::error title=hwprobe::hwprobe exited with 2/m],
    [{ baseline: '/nonexistent/base.json', calibrate: 'off' }, /\/nonexistent\/base\.json: cannot read: no such file/],
  ];
  for (const [inputs, pattern, also] of cases) {
    const r = step(inputs);
    try {
      assert.is(r.code, 2, `${JSON.stringify(inputs)}: ${r.log}`);
      assert.match(r.log, pattern);
      if (also) assert.match(r.log, also);
      assert.is(r.outputs.report, undefined);
      assert.is(r.summary, '# earlier step\n');
    } finally {
      rmSync(r.dir, { recursive: true, force: true });
    }
  }
});

test('without HWPROBE_PACKAGE_DIR the step installs the package named by `version` (a packed tarball here)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hwprobe-tgz-'));
  try {
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' });
    assert.is(pack.status, 0, pack.stderr);
    const tgz = join(tmp, JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0].filename);
    const r = step({ version: tgz, calibrate: 'off', probes: 'cpu', format: 'nfd' }, { npm_config_prefer_offline: 'true' }, false);
    try {
      if (r.code !== 0 && /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED/.test(r.log)) {
        console.log('  note: skipped, npm needs the network for a dependency the cache lacks');
        return;
      }
      assert.is(r.code, 0, r.log);
      assert.match(r.log, /::group::install /);
      assert.ok(existsSync(join(r.dir, 'hwprobe/tool/node_modules/hwprobe/dist/src/cli.js')));
      assert.match(readFileSync(r.outputs.output, 'utf8'), /^hwprobe\.cpu\./m, 'an NFD feature file');
    } finally {
      rmSync(r.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
