// The frameworks probe on this machine's real interpreters, checked against numpy's own tools and real imports.
// Stand-ins (a sleeping "python3", a numpy that hangs, a noisy sitecustomize) sit in temp dirs for the fault cases.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, readFileSync, readdirSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHost } from '../../../src/host/node-host.js';
import { RecordingHost } from '../../../src/host/recording-host.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import type { Host } from '../../../src/host/host.js';
import type { Detection, ProbeContext } from '../../../src/types.js';
import { cpuProbe } from '../../../probes/cpu/index.js';
import { environmentProbe } from '../../../probes/environment/index.js';
import { detectFrameworks } from '../../../probes/frameworks/detect.js';
import { calibrateFrameworks } from '../../../probes/frameworks/calibrate.js';
import { DEFAULT_BUDGET, type InterpreterReport, type InspectBudget } from '../../../probes/frameworks/interpreters.js';
import type { NumpySimd, BlasInfo } from '../../../probes/frameworks/parse.js';
import { NUMPY_FEATURES, OPENBLAS_CORES } from '../../../probes/frameworks/tables.js';

const note = (s: string) => console.log(`  note: ${s}`);

/** The frameworks detection on a NodeHost over `env` (or the given host); no peers, so no tfjs summary. */
async function detect(env: NodeJS.ProcessEnv = process.env, budget?: InspectBudget, host: Host = new NodeHost({ env })): Promise<Detection> {
  return detectFrameworks(host, { signal: new AbortController().signal, peers: {} }, budget);
}

const interps = (d: Detection) => d.facts.python as InterpreterReport[];
const withNumpy = (d: Detection) => interps(d).filter((i) => i.packages.numpy.status === 'ok');
const cpuTier = async () => ((await cpuProbe.detect(new NodeHost(), { signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} })).facts.x86_64Level ?? null) as string | null;

function tempDir(t: string): string {
  return mkdtempSync(join(tmpdir(), `hwprobe-fw-${t}-`));
}

/** Runs a Python one-liner outside the probe, from / so nothing in the current directory is imported. */
function py(path: string, code: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(path, ['-c', code], { cwd: '/', env, encoding: 'utf8', timeout: 20_000 });
}

/** The names in `'key': [ ... ]` of numpy.show_runtime()'s pprint output. */
function pprintList(text: string, key: string): string[] | undefined {
  const m = new RegExp(`'${key}':\\s*\\[([^\\]]*)\\]`).exec(text);
  return m ? [...m[1].matchAll(/'([A-Za-z0-9_]+)'/g)].map((x) => x[1]) : undefined;
}

test('numpy: the probe reports SIMD baseline and dispatch exactly as numpy.show_runtime() prints them', async () => {
  const d = await detect();
  const np = withNumpy(d);
  if (!np.length) return note('no interpreter here imports numpy (install python3-numpy): skipped');
  let compared = 0;
  for (const i of np) {
    const r = py(i.path, 'import numpy; numpy.show_runtime()');
    const simd = i.packages.numpy.simd as NumpySimd;
    const baseline = pprintList(r.stdout, 'baseline');
    if (r.status !== 0 || !baseline) {
      note(`${i.path}: numpy ${i.packages.numpy.version} has no show_runtime() (numpy < 1.24): not compared`);
      continue;
    }
    assert.equal(simd.baseline, baseline, `${i.path} baseline`);
    assert.equal(simd.found, pprintList(r.stdout, 'found'), `${i.path} found`);
    assert.equal(simd.notFound, pprintList(r.stdout, 'not_found'), `${i.path} not_found`);
    compared++;
  }
  assert.ok(compared > 0, 'at least one numpy compared');
  // The capabilities follow the first numpy.
  const first = np[0].packages.numpy.simd as NumpySimd;
  for (const f of first.baseline) assert.is(d.capabilities[`ml.numpy.simd.${f.toLowerCase()}`]?.usable, true, f);
  for (const f of first.notFound) assert.is(d.capabilities[`ml.numpy.simd.${f.toLowerCase()}`]?.usable, false, f);
});

test("numpy's feature table agrees with numpy's own CPU detection on this machine", async () => {
  const d = await detect();
  const flags = new Set(/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(/\s+/) ?? []);
  if (!flags.size || process.env.NPY_DISABLE_CPU_FEATURES !== undefined) return note('no cpuinfo flags, or NPY_DISABLE_CPU_FEATURES is set: skipped');
  const np = withNumpy(d);
  if (!np.length) return note('no numpy: skipped');
  for (const i of np) {
    const code = "import json\ntry:\n import numpy._core._multiarray_umath as m\nexcept ImportError:\n import numpy.core._multiarray_umath as m\nprint(json.dumps(m.__cpu_features__))";
    const features = JSON.parse(py(i.path, code).stdout) as Record<string, boolean>;
    const x86 = Object.keys(features).filter((f) => !/^(VSX|VX|NEON|ASIMD|FPHP|SVE|RVV|LSX)/.test(f));
    if (process.arch === 'x64') for (const f of x86) assert.ok(f in NUMPY_FEATURES, `${f} (numpy ${i.packages.numpy.version}) has a row`);
    for (const [f, on] of Object.entries(features)) {
      const need = NUMPY_FEATURES[f];
      if (!need) continue;
      assert.is(need.every((fl) => flags.has(fl)), on, `${f}: table flags ${need.join(' ')} vs numpy ${on}`);
    }
  }
});

test('OPENBLAS_CORETYPE=Haswell on an x86-64-v4 CPU: FRAMEWORK_SIMD_BELOW_CPU fires, and not when it is unset', async () => {
  const tier = await cpuTier();
  if (tier !== 'x86-64-v4') return note(`CPU level is ${tier}, not x86-64-v4: skipped`);
  const value = process.env.OPENBLAS_CORETYPE ?? 'Haswell';
  if (!process.env.OPENBLAS_CORETYPE) note('OPENBLAS_CORETYPE is not set in this environment: the test sets it');

  const on = await detect({ ...process.env, OPENBLAS_CORETYPE: value });
  const f = on.findings.filter((x) => x.code === 'FRAMEWORK_SIMD_BELOW_CPU' && x.args?.variable === 'OPENBLAS_CORETYPE');
  assert.is(f.length, 1, 'one finding for the variable');
  assert.equal([f[0].args?.limit, f[0].args?.cpuTier], [OPENBLAS_CORES[value.toLowerCase()], 'x86-64-v4']);
  assert.equal((on.facts.env as Array<{ variable: string }>).map((e) => e.variable).includes('OPENBLAS_CORETYPE'), true);
  // Where numpy loads OpenBLAS, OpenBLAS itself confirms the forced core.
  for (const i of withNumpy(on)) {
    const blas = i.packages.numpy.blas as BlasInfo;
    if (blas.library !== 'openblas' || !blas.coretype) continue;
    assert.is(blas.coretype.toLowerCase(), value.toLowerCase(), `${i.path}: openblas_get_corename`);
    assert.match(String(f[0].args?.affects), i.invokedAs[0]);
  }

  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  const off = await detect(env);
  assert.is(off.findings.filter((x) => x.args?.variable === 'OPENBLAS_CORETYPE').length, 0);
  for (const i of withNumpy(off)) {
    const blas = i.packages.numpy.blas as BlasInfo;
    if (blas.library === 'openblas' && blas.coretype) note(`${i.path}: OpenBLAS ${blas.version} picks ${blas.coretype} by itself (tier ${OPENBLAS_CORES[blas.coretype.toLowerCase()] ?? '?'})`);
  }
});

test('the CPU level and usable CPUs the probe reads itself are those the cpu and environment probes report', async () => {
  const host = new NodeHost();
  const ctx: ProbeContext = { signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} };
  const [d, cpu, env] = await Promise.all([detect(), cpuProbe.detect(host, ctx), environmentProbe.detect(host, ctx)]);
  const level = d.evidence.find((e) => e.source === 'CPU level');
  assert.is(level?.detail, cpu.facts.x86_64Level ?? level?.detail);
  if (cpu.facts.x86_64Level === undefined) note('not an x86 machine: the level is not compared');
  // THREADS_ABOVE_QUOTA compares with the environment probe's usableCpus.
  const usable = env.facts.usableCpus as number;
  for (const f of d.findings.filter((x) => x.code === 'THREADS_ABOVE_QUOTA')) assert.is(f.args?.usableCpus, usable);
  assert.ok(typeof usable === 'number' && usable >= 1);
  // OMP_NUM_THREADS above the quota: the stacks' own counts decide (issue 14: OpenBLAS caps the variable
  // at the CPUs it sees); the variable is the evidence only when no stack reports a count.
  const over = await detect({ ...process.env, OMP_NUM_THREADS: String(usable + 2), OPENBLAS_NUM_THREADS: String(usable + 2) });
  const reported = withNumpy(over).flatMap((i) => {
    const t = (i.packages.numpy.blas as BlasInfo).threads;
    return typeof t === 'number' ? [t] : [];
  });
  const quota = over.findings.filter((x) => x.code === 'THREADS_ABOVE_QUOTA');
  if (reported.length) {
    note(`with OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=${usable + 2}, numpy's BLAS reports ${reported.join(', ')} threads`);
    assert.equal(quota.map((x) => x.args?.threads), reported.filter((t) => t > usable));
    assert.ok(quota.every((x) => !String(x.args?.source).includes('_NUM_THREADS=')), 'never sourced from the variable');
    if (reported.every((t) => t <= usable)) {
      const named = over.findings.find((x) => x.code === 'FRAMEWORK_ENV_OVERRIDE' && x.args?.variable === 'OMP_NUM_THREADS');
      assert.match(String(named?.args?.outcome), `reports ${reported[0]} threads`);
    }
  } else {
    assert.equal(quota.map((x) => [x.args?.threads, x.args?.usableCpus]), [[usable + 2, usable], [usable + 2, usable]]);
  }
});

test('absent frameworks are reported absent, and really fail to import', async () => {
  const d = await detect();
  if (!interps(d).length) return note('no Python interpreter here: skipped');
  let checked = 0;
  for (const i of interps(d)) {
    if (i.skipped) continue;
    for (const [name, p] of Object.entries(i.packages)) {
      if (p.status !== 'absent') continue;
      const r = py(i.path, `import ${name}`);
      assert.is.not(r.status, 0, `${i.path}: import ${name} must fail`);
      assert.match(r.stderr, /ModuleNotFoundError|ImportError/);
      checked++;
    }
  }
  const summary = d.facts.frameworks as Record<string, { status: string }>;
  for (const [name, s] of Object.entries(summary)) {
    if (interps(d).every((i) => i.packages[name as 'numpy'].status === 'absent')) assert.is(s.status, 'absent', name);
  }
  note(`${checked} absent packages confirmed by a real import`);
});

test('a Python 2 on PATH is reported, not crashed on', async () => {
  const roots = [process.env.PYENV_ROOT ? join(process.env.PYENV_ROOT, 'versions') : '', '/root/.pyenv/versions'].filter((r) => r && existsSync(r));
  const candidates = ['/usr/bin/python2', ...roots.flatMap((r) => readdirSync(r).filter((v) => v.startsWith('2.')).map((v) => join(r, v, 'bin', 'python2')))];
  const py2 = candidates.find((c) => existsSync(c));
  if (!py2) return note('no Python 2 on this machine: skipped');
  const dir = tempDir('py2');
  try {
    symlinkSync(py2, join(dir, 'python'));
    const d = await detect({ ...process.env, PATH: dir });
    const i = interps(d).find((x) => x.invokedAs.includes('python on PATH'));
    assert.ok(i, 'the Python 2 interpreter is listed');
    assert.is(i!.status, 'ok');
    assert.match(i!.python?.version ?? '', /^2\./);
    assert.ok(i!.skipped);
    assert.ok(d.findings.some((f) => f.code === 'FRAMEWORK_PYTHON2'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an active virtualenv is found through VIRTUAL_ENV and run once for all the names that reach it', async () => {
  const base = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import venv'], { cwd: '/' }).status === 0);
  if (!base) return note('no interpreter with the venv module: skipped');
  const dir = tempDir('venv');
  try {
    const venv = join(dir, 'env');
    const made = spawnSync(base, ['-m', 'venv', '--without-pip', venv], { cwd: '/', encoding: 'utf8' });
    if (made.status !== 0) return note(`python -m venv failed (${made.stderr.trim().split('\n').pop()}): skipped`);
    const d = await detect({ ...process.env, VIRTUAL_ENV: venv, PATH: `${join(venv, 'bin')}:${process.env.PATH}` });
    const i = interps(d).find((x) => x.invokedAs.includes('$VIRTUAL_ENV/bin/python'));
    assert.ok(i, 'the virtualenv interpreter is listed');
    assert.equal(i!.invokedAs, ['$VIRTUAL_ENV/bin/python', 'python3 on PATH', 'python on PATH']);
    assert.is(i!.python?.venv, true);
    assert.is(i!.python?.prefix, venv);
    // A fresh venv without system site-packages has no numpy, whatever its base has.
    assert.is(i!.packages.numpy.status, 'absent');
    assert.is(py(join(venv, 'bin', 'python'), 'import numpy').status === 0, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an interpreter that hangs costs its timeout, and the others are still inspected', async () => {
  const dir = tempDir('hang');
  try {
    writeFileSync(join(dir, 'python3'), '#!/bin/sh\nexec sleep 60\n');
    chmodSync(join(dir, 'python3'), 0o755);
    const t0 = performance.now();
    const d = await detect({ ...process.env, PATH: `${dir}:${process.env.PATH}` }, { ...DEFAULT_BUDGET, identityMs: 700, totalMs: 1500 });
    const ms = performance.now() - t0;
    const hung = interps(d).find((x) => x.path === join(dir, 'python3'));
    assert.ok(hung, 'the stand-in is listed');
    assert.is(hung!.status, 'timeout');
    assert.ok(ms < 6000, `took ${ms.toFixed(0)} ms`);
    assert.ok(d.findings.some((f) => f.code === 'FRAMEWORK_INTERPRETER_FAILED' && String(f.args?.interpreter).includes('python3 on PATH')));
    if (existsSync('/usr/bin/python3')) assert.is(interps(d).find((x) => x.path === '/usr/bin/python3')?.status, 'ok');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A stand-in package `name` in `dir` whose import sleeps `seconds` (a broken or very slow site-packages). */
function slowPackage(dir: string, name: string, seconds: number): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, '__init__.py'), `import time\ntime.sleep(${seconds})\n__version__ = '0.0-stand-in'\n`);
}

// Each import has its own budget, counted from its own start; the total is bounded (issue 12 §8).
const IMPORT_BUDGET_CASES: Array<{ name: string; sleep: number; budget: Partial<InspectBudget>; status: string; finding: string; arg: RegExp }> = [
  { name: 'past its own import budget: hung', sleep: 60, budget: { importMs: 1500, totalMs: 6000 }, status: 'hung', finding: 'FRAMEWORK_IMPORT_FAILED', arg: /within its 1.5 s import budget/ },
  { name: 'still importing when the total runs out: cut, with its time', sleep: 60, budget: { importMs: 20_000, totalMs: 2500 }, status: 'cut', finding: 'FRAMEWORK_IMPORT_FAILED', arg: /still importing after \d+ ms .* slow, not known to hang/ },
  { name: 'slower than slowMs but within budget: ok and reported slow with its time', sleep: 1.2, budget: { importMs: 20_000, totalMs: 20_000, slowMs: 500 }, status: 'ok', finding: 'FRAMEWORK_IMPORT_SLOW', arg: /took \d+ ms/ },
];

for (const c of IMPORT_BUDGET_CASES) {
  test(`a package import ${c.name}; the interpreter and what it located are kept`, async () => {
    if (!existsSync('/usr/bin/python3')) return note('no /usr/bin/python3: skipped');
    const dir = tempDir('site');
    try {
      slowPackage(dir, 'numpy', c.sleep);
      const d = await detect({ ...process.env, PYTHONPATH: dir }, { ...DEFAULT_BUDGET, ...c.budget });
      const i = interps(d).find((x) => x.path === '/usr/bin/python3');
      assert.ok(i?.python, 'the interpreter still describes itself');
      assert.is(i!.status, 'ok', 'its identity run is not the import run');
      assert.is(i!.packages.numpy.status, c.status);
      assert.ok(['absent', 'ok', 'error'].includes(i!.packages.torch.status), 'packages located by the identity run are kept');
      const f = d.findings.filter((x) => x.code === c.finding && x.args?.package === 'numpy' && String(x.args?.interpreter).includes('/usr/bin/python3'));
      assert.is(f.length, 1, JSON.stringify(d.findings.map((x) => x.code)));
      assert.match(f[0].message, c.arg);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('heavy imports of several virtualenvs run at most usable-CPUs at once, and none is charged for time queued', async () => {
  const base = ['/usr/bin/python3'].find((p) => existsSync(p) && spawnSync(p, ['-c', 'import venv'], { cwd: '/' }).status === 0);
  if (!base) return note('no /usr/bin/python3 with venv: skipped');
  const dir = tempDir('venvs');
  try {
    const log = join(dir, 'log');
    const venvs = ['a', 'b', 'c'].map((n) => join(dir, n));
    for (const v of venvs) {
      const made = spawnSync(base, ['-m', 'venv', '--without-pip', v], { cwd: '/', encoding: 'utf8' });
      if (made.status !== 0) return note(`python -m venv failed: skipped`);
      const site = spawnSync(join(v, 'bin', 'python'), ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { cwd: '/', encoding: 'utf8' }).stdout.trim();
      // A stand-in "torch" that burns CPU for a while and logs when it ran.
      mkdirSync(join(site, 'torch'), { recursive: true });
      writeFileSync(
        join(site, 'torch', '__init__.py'),
        `import time, os\nopen(${JSON.stringify(log)}, 'a').write('start %f\\n' % time.time())\nt = time.time()\nwhile time.time() - t < 0.6: pass\nopen(${JSON.stringify(log)}, 'a').write('end %f\\n' % time.time())\n`,
      );
    }
    const env = { ...process.env, VIRTUAL_ENV: venvs[0], CONDA_PREFIX: venvs[1], PATH: `${join(venvs[2], 'bin')}:${process.env.PATH}` };
    const host = new NodeHost({ env });
    const usable = (await environmentProbe.detect(host, { signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} })).facts.usableCpus as number;
    const d = await detect(env, { ...DEFAULT_BUDGET, importMs: 8000, totalMs: 30_000 });
    const torch = interps(d).filter((i) => venvs.some((v) => i.python?.prefix === v)).map((i) => i.packages.torch.status);
    assert.equal(torch, ['error', 'error', 'error'], 'each stand-in was imported (it has no torch API, so inspecting it fails) and none hung');
    // The most imports that overlapped, from their own start/end times.
    const ev = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([k, t]) => [Number(t), k === 'start' ? 1 : -1] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, delta] of ev) most = Math.max(most, (now += delta));
    note(`${usable} usable CPUs: at most ${most} of the 3 stand-in imports ran at once`);
    assert.ok(most <= Math.max(1, Math.floor(usable)), `${most} imports at once on ${usable} CPUs`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an interpreter that prints warnings on stdout before the records is still parsed', async () => {
  if (!existsSync('/usr/bin/python3')) return note('no /usr/bin/python3: skipped');
  const dir = tempDir('noisy');
  try {
    writeFileSync(join(dir, 'sitecustomize.py'), 'print("WARNING: a noisy sitecustomize prints on stdout")\nprint("{not json}")\n');
    const d = await detect({ ...process.env, PYTHONPATH: dir });
    const i = interps(d).find((x) => x.path === '/usr/bin/python3');
    const plain = py('/usr/bin/python3', 'import numpy', { ...process.env, PYTHONPATH: dir });
    assert.match(plain.stdout, /WARNING: a noisy sitecustomize/, 'the stand-in really prints');
    assert.is(i?.status, 'ok');
    assert.ok(i?.python?.version);
    const hasNumpy = py('/usr/bin/python3', 'import numpy').status === 0;
    assert.is(i!.packages.numpy.status, hasNumpy ? 'ok' : 'absent');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('replaying a capture reproduces the facts, capabilities and findings', async () => {
  const rec = new RecordingHost({ redact: false, description: 'frameworks replay test' });
  const live = await detect(process.env, undefined, rec);
  const replayed = await detect(process.env, undefined, new ReplayHost(rec.capture()));
  assert.equal(replayed.facts, live.facts);
  assert.equal(replayed.capabilities, live.capabilities);
  assert.equal(replayed.findings, live.findings);
});

/** The threads comparison's contract: measured in interleaved rounds with its default as baseline, or skipped with the reason. */
function checkThreads(c: Awaited<ReturnType<typeof calibrateFrameworks>>, how?: RegExp): void {
  const one = c.metrics['frameworks.numpy.matmul-f64-1thread'];
  const over = (c.findings ?? []).filter((f) => f.code === 'THREADS_OVERSUBSCRIBED');
  if (one.status === 'ok') {
    assert.ok(one.rounds! >= 5 && one.speedupInterval && one.baseline, JSON.stringify(one));
    const [lo, hi] = one.speedupInterval!;
    assert.ok(lo <= one.speedup! && one.speedup! <= hi);
    if (how) assert.match(one.baseline!.method, how);
    // The finding fires exactly when the default is conclusively slower: the whole interval of 1 thread / default above 1.
    assert.is(over.length, lo >= 1 ? 1 : 0, JSON.stringify({ one, over }));
    if (over.length) assert.equal([over[0].args?.defaultValue, over[0].args?.oneThread], [one.baseline!.value, one.value]);
    if (lo < 1 && hi >= 1) assert.match(one.notes ?? '', /^inconclusive: /);
    note(`matmul: default ${one.baseline!.value} vs 1 thread ${one.value} GFLOP/s, 1 thread / default ×${one.speedup} (×${lo}–×${hi}, ${one.rounds} rounds)${over.length ? ': oversubscribed' : ''}`);
  } else {
    assert.is(one.status, 'skipped', JSON.stringify(one));
    assert.is(over.length, 0);
    note(`1-thread comparison skipped: ${one.status === 'skipped' ? one.reason : ''}`);
  }
}

test('calibration: numpy matmul as is, without the masks when they are set, and default threads against 1 thread', async () => {
  const d = await detect();
  if (!withNumpy(d).length) return note('no numpy: skipped');
  const ctx: ProbeContext = { signal: new AbortController().signal, calibrate: 'quick', peers: {}, progress() {} };
  const c = await calibrateFrameworks(ctx, d);
  const m = c.metrics['frameworks.numpy.matmul-f64'];
  assert.is(m.status, 'ok', JSON.stringify(m));
  if (m.status !== 'ok') return;
  assert.ok(m.value > 0 && m.samples >= 5 && m.unit === 'GFLOP/s');

  checkThreads(c);

  const un = c.metrics['frameworks.numpy.matmul-f64-unmasked'];
  if (process.env.OPENBLAS_CORETYPE === undefined) return assert.is(un, undefined);
  assert.is(un?.status, 'ok', JSON.stringify(un));
  if (un?.status !== 'ok') return;
  assert.is(un.baseline?.value, m.value);
  assert.ok(typeof un.speedup === 'number' && un.speedup > 0);
  note(`numpy matmul ${m.value} GFLOP/s as is, ${un.value} GFLOP/s without the masks: ${un.speedup}x`);
});

test('calibration: the child-interpreter thread comparison (for stacks without in-process control) keeps the same contract', async () => {
  const d = await detect();
  if (!withNumpy(d).length) return note('no numpy: skipped');
  const c = await calibrateFrameworks({ signal: new AbortController().signal, calibrate: 'quick', peers: {}, progress() {} }, d, { inProcess: false });
  checkThreads(c, /in a child interpreter/);
});

test('calibration: a BLAS limited to 1 thread has nothing to compare and says so', async () => {
  const d = await detect({ ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' });
  const it = withNumpy(d)[0];
  if (!it || (it.packages.numpy.blas as BlasInfo).threads !== 1) return note('no numpy whose BLAS reports its thread count: skipped');
  // The detection's own thread count decides; no comparison run is started.
  const c = await calibrateFrameworks({ signal: new AbortController().signal, calibrate: 'quick', peers: {}, progress() {} }, d);
  const one = c.metrics['frameworks.numpy.matmul-f64-1thread'];
  assert.is(one.status, 'skipped');
  assert.match(one.status === 'skipped' ? one.reason : '', /already runs 1 thread/);
});

test.run();
