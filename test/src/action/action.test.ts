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

/** GITHUB_OUTPUT's lines: `name=value`, and `name<<DELIM` … `DELIM` for multi-line values. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const h = /^([\w-]+)<<(.+)$/.exec(l);
    if (h) {
      const end = lines.indexOf(h[2], i + 1);
      out[h[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (l.includes('=')) out[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
  }
  return out;
}

/**
 * Runs the action like GitHub does: each `run` step of action.yml (the `uses:` cache step is
 * GitHub's), with its env block, the inputs' defaults and GitHub's variables. `actionPath` is the
 * action's folder (default this checkout's src/action); without HWPROBE_PACKAGE_DIR the step uses
 * the checkout around it.
 */
function step(inputs: Record<string, string>, extraEnv: Record<string, string> = {}, usePackageDir = true, actionPath = actionDir, timeout = 120_000): StepRun {
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
    GITHUB_ACTION_PATH: actionPath,
    ...(usePackageDir ? { HWPROBE_PACKAGE_DIR: root } : {}),
    ...extraEnv,
  };
  let log = '';
  let code: number | null = 0;
  for (const s of action.runs.steps as { run?: string; env?: Record<string, string> }[]) {
    if (!s.run) continue;
    // ${{ inputs.x }} in the env block, with action.yml's defaults.
    const stepEnv = { ...env };
    for (const [k, v] of Object.entries(s.env ?? {})) {
      const name = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(v)![1];
      stepEnv[k] = inputs[name] ?? String(action.inputs[name].default ?? '');
    }
    const r = spawnSync('bash', ['-c', s.run], { cwd: dir, env: stepEnv, encoding: 'utf8', timeout });
    log += r.stdout + r.stderr;
    code = r.status;
    if (code !== 0) break;
  }
  const { lock: _lock, ...outputs } = parseOutputs(readFileSync(join(dir, 'output'), 'utf8'));
  return { code, log, outputs, summary: readFileSync(join(dir, 'summary'), 'utf8'), dir };
}

function expectFile(dir: string, name: string, platform: string): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, `name: ${name}\nrequire:\n  - fact: host.platform\n    equals: ${platform}\n    why: the service ships ${platform} binaries\n`);
  return f;
}

test('action.yml: every input reaches run.sh, every output is one run.sh writes', () => {
  const action = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8'));
  assert.is(action.runs.using, 'composite');
  const run = (action.runs.steps as { id?: string; env?: Record<string, string> }[]).find((s) => s.id === 'run')!;
  const env = run.env as Record<string, string>;
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
    assert.equal(Object.keys(r.outputs).sort(), ['exit-code', 'output', 'passed', 'report', 'summary', 'verdicts']);
    const v = JSON.parse(r.outputs.verdicts) as { ok: boolean; verdicts: { subject: string; status: string }[]; baseline: unknown };
    assert.is(v.ok, true);
    assert.ok(v.verdicts.some((x) => x.subject === 'host.platform' && x.status === 'pass'), r.outputs.verdicts);
    assert.is(v.baseline, null);
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
    // workflow-command escaping: % CR LF in the message cannot end or forge the command
    [{ calibrate: '50%\nx\r' }, /^::error title=hwprobe::input calibrate: must be off, quick or full, got '50%25%0Ax%0D'$/m],
    [{ 'fail-on': 'sometimes' }, /^::error title=hwprobe::input fail-on: must be error, warning or never, got 'sometimes'$/m],
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

test('inputs: calibrate and format in any case; expectation paths with spaces, one per line; commas still split profiles', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hwprobe expect with spaces '));
  const file = expectFile(tmp, 'platform', process.platform);
  const r = step({ expect: `${file}\nx86-64-v2, x86-64-v2`, calibrate: 'Off', format: 'JUnit', probes: 'cpu,environment' });
  try {
    assert.is(r.code, 0, r.log);
    assert.match(r.log, new RegExp(`--expect ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --expect x86-64-v2 --expect x86-64-v2`));
    const v = JSON.parse(r.outputs.verdicts) as { verdicts: { expectation: string }[] };
    assert.ok(v.verdicts.some((x) => x.expectation === 'platform'), r.outputs.verdicts);
    assert.ok(r.outputs.output.endsWith('hwprobe.xml'));
    const q = step({ calibrate: 'Quick', probes: 'environment', format: 'json' });
    try {
      assert.is(q.code, 0, q.log);
      assert.is(JSON.parse(readFileSync(q.outputs.report, 'utf8')).options.calibrate, 'quick');
    } finally {
      rmSync(q.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('fail-on: never reports without failing; warning also fails on a warning-severity requirement', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hwprobe-failon-'));
  const wrong = expectFile(tmp, 'wrong-platform', 'plan9');
  const warn = join(tmp, 'warn.yaml');
  writeFileSync(warn, 'name: warn\nrequire:\n  - fact: host.platform\n    equals: plan9\n    severity: warning\n');
  const cases: [Record<string, string>, number, string][] = [
    [{ expect: wrong, 'fail-on': 'never' }, 0, 'false'],
    [{ expect: wrong, 'fail-on': 'NEVER' }, 0, 'false'],
    [{ expect: warn }, 0, 'true'],
    [{ expect: warn, 'fail-on': 'warning' }, 1, 'true'],
  ];
  try {
    for (const [inputs, code, passed] of cases) {
      const r = step({ ...inputs, calibrate: 'off', probes: 'environment' });
      try {
        assert.is(r.code, code, `${JSON.stringify(inputs)}: ${r.log}`);
        assert.is(r.outputs.passed, passed, JSON.stringify(inputs));
        assert.ok(existsSync(r.outputs.report));
        assert.is((JSON.parse(r.outputs.verdicts) as { verdicts: unknown[] }).verdicts.length, 1);
      } finally {
        rmSync(r.dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('from a fresh clone, default inputs: the action installs its checkout from the lockfile, builds it, and reports; again with fail-on: never', () => {
  // A clone of what is committed here (HEAD): what `uses: owner/hwprobe/src/action@ref` checks out.
  const tmp = mkdtempSync(join(tmpdir(), 'hwprobe-clone-'));
  const clone = join(tmp, 'hwprobe');
  try {
    const g = spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${root}`, clone], { encoding: 'utf8' });
    assert.is(g.status, 0, g.stderr);
    const action = join(clone, 'src/action');
    const r = step({}, { npm_config_prefer_offline: 'true' }, false, action, 600_000);
    try {
      if (r.code !== 0 && /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED/.test(r.log)) {
        console.log('  note: skipped, npm needs the network for a dependency the cache lacks');
        return;
      }
      assert.is(r.code, 0, r.log.slice(-3000));
      assert.match(r.log, /::group::npm ci \(the action's checkout/);
      assert.ok(existsSync(join(clone, 'dist/src/cli.js')), 'built in the checkout');
      const report = JSON.parse(readFileSync(r.outputs.report, 'utf8'));
      assert.equal(validate('report', report), []);
      assert.is(report.options.calibrate, 'quick', 'the default calibrate input');
      assert.is(r.outputs.passed, 'true');
    } finally {
      rmSync(r.dir, { recursive: true, force: true });
    }
    const wrong = expectFile(tmp, 'wrong-platform', 'plan9');
    const n = step({ expect: wrong, calibrate: 'off', 'fail-on': 'never' }, {}, false, action, 600_000);
    try {
      assert.is(n.code, 0, n.log.slice(-3000));
      assert.match(n.log, /is from this lockfile \(cached\): no install/);
      assert.is(n.outputs.passed, 'false');
      assert.is(n.outputs['exit-code'], '1');
    } finally {
      rmSync(n.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
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
      assert.match(readFileSync(r.outputs.output, 'utf8'), /^feature\.node\.kubernetes\.io\/hwprobe-cpu\./m, 'an NFD feature file');
    } finally {
      rmSync(r.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
