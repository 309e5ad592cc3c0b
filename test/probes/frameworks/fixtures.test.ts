// The frameworks probe over fixtures/frameworks: frameworks-only captures of real interpreters on the
// development machine, one per defect of issue 14 §3, each named for what it proves (see the README there).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ReplayHost } from '../../../src/host/replay-host.js';
import type { Capture } from '../../../src/host/capture.js';
import type { Detection, Finding } from '../../../src/types.js';
import { detectFrameworks } from '../../../probes/frameworks/detect.js';
import { DEFAULT_BUDGET, type InterpreterReport } from '../../../probes/frameworks/interpreters.js';
import { derive, type HardwareView } from '../../../probes/frameworks/derive.js';
import type { BlasInfo, PackageReport } from '../../../probes/frameworks/parse.js';
import { PY_PACKAGES } from '../../../probes/frameworks/script.js';

async function replay(name: string, maxBytes = DEFAULT_BUDGET.maxBytes): Promise<Detection> {
  const c = JSON.parse(readFileSync(fileURLToPath(new URL(`../../../fixtures/frameworks/${name}.json`, import.meta.url)), 'utf8')) as Capture;
  return detectFrameworks(new ReplayHost(c), { signal: new AbortController().signal, peers: {} }, { ...DEFAULT_BUDGET, maxBytes });
}
const codes = (d: Detection) => d.findings.map((f) => f.code).sort();
const byVar = (d: Detection, v: string) => d.findings.filter((f) => f.args?.variable === v);
const py = (d: Detection) => d.facts.python as InterpreterReport[];
const pyenv = (d: Detection) => py(d).find((i) => i.invokedAs.includes('python3 on PATH'))!;
const one = (fs: Finding[]) => {
  assert.is(fs.length, 1, JSON.stringify(fs.map((f) => f.code)));
  return fs[0];
};

const CASES: Array<[string, (d: Detection) => void, number?]> = [
  [
    'threads-openblas-num-threads-8-stack-reports-2',
    (d) => {
      // OpenBLAS caps the variables at the CPUs it sees: its own count decides, not the variables.
      assert.is((pyenv(d).packages.numpy.blas as BlasInfo).threads, 2);
      assert.not.ok(codes(d).includes('THREADS_ABOVE_QUOTA'));
      for (const v of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS']) {
        const f = one(byVar(d, v));
        assert.is(f.code, 'FRAMEWORK_ENV_OVERRIDE');
        assert.match(String(f.args?.outcome), /openblas in numpy \(python3 on PATH, python on PATH\) reports 2 threads/);
      }
    },
  ],
  [
    'numpy-npy-disable-baseline-x86-v2-refused',
    (d) => {
      // numpy 2.4.6 refuses (its import fails), numpy 1.24.2 warns; neither disables anything, and both are quoted.
      assert.is(pyenv(d).packages.numpy.status, 'error');
      const f = one(byVar(d, 'NPY_DISABLE_CPU_FEATURES'));
      assert.is(f.code, 'FRAMEWORK_ENV_IGNORED');
      assert.match(String(f.args?.outcome), /refuses to import: RuntimeError: .*You cannot disable CPU feature 'X86_V2', since it is part of the baseline optimizations/);
      assert.match(String(f.args?.outcome), /numpy 1\.24\.2 \(\/usr\/bin\/python3\) warns: .*You cannot disable CPU features \(X86_V2\)/);
      assert.not.ok(codes(d).includes('FRAMEWORK_SIMD_BELOW_CPU'));
    },
  ],
  [
    'numpy-npy-disable-x86-v3-takes-effect',
    (d) => {
      const f = one(d.findings.filter((x) => x.code === 'FRAMEWORK_SIMD_BELOW_CPU'));
      assert.match(String(f.args?.cause), /^NPY_DISABLE_CPU_FEATURES=X86_V3 disables X86_V3$/);
      assert.equal(byVar(d, 'NPY_DISABLE_CPU_FEATURES'), []);
    },
  ],
  [
    'numpy-npy-enable-x86-v2-only',
    (d) => {
      // numpy 2.4.6 dispatches to nothing beyond what the variable lists; the mask is blamed on it, not on the OS.
      const f = one(d.findings.filter((x) => x.code === 'FRAMEWORK_SIMD_BELOW_CPU'));
      assert.match(String(f.args?.cause), /^NPY_ENABLE_CPU_FEATURES=X86_V2 enables only what it lists, not X86_V3$/);
      assert.not.match(String(f.args?.cause), /OS may not/);
    },
  ],
  [
    'openblas-coretype-foo-core-not-found',
    (d) => {
      const f = one(byVar(d, 'OPENBLAS_CORETYPE'));
      assert.is(f.code, 'FRAMEWORK_ENV_IGNORED');
      const core = (pyenv(d).packages.numpy.blas as BlasInfo).coretype!;
      assert.is.not(core.toLowerCase(), 'foo');
      assert.match(String(f.args?.outcome), `reports core ${core}`);
    },
  ],
  [
    'aten-cpu-capability-upper-case-rejected',
    (d) => {
      const f = one(byVar(d, 'ATEN_CPU_CAPABILITY'));
      assert.is(f.code, 'FRAMEWORK_ENV_IGNORED');
      assert.match(String(f.args?.outcome), /case-sensitive/);
      assert.not.ok(codes(d).includes('FRAMEWORK_SIMD_BELOW_CPU'));
    },
  ],
  [
    'mkl-enable-instructions-no-mkl-stack',
    (d) => {
      // SSE4_2 is below this CPU, but no inspected stack contains MKL: no warning, only the variable named.
      const f = one(byVar(d, 'MKL_ENABLE_INSTRUCTIONS'));
      assert.is(f.code, 'FRAMEWORK_ENV_OVERRIDE');
      assert.match(String(f.args?.outcome), /none contains Intel MKL/);
    },
  ],
  [
    'overrides-named',
    (d) => {
      const named = d.findings.filter((f) => f.code === 'FRAMEWORK_ENV_OVERRIDE').map((f) => f.args?.variable).sort();
      assert.equal(named, ['GOTO_NUM_THREADS', 'MKL_CBWR', 'MKL_DEBUG_CPU_TYPE', 'MKL_NUM_THREADS', 'ONEDNN_MAX_CPU_ISA', 'OPENBLAS_L2_SIZE']);
      assert.match(String(one(byVar(d, 'GOTO_NUM_THREADS')).args?.outcome), /reports 1 thread$/);
    },
  ],
  [
    'python3-dangling-symlink-first-on-path',
    (d) => {
      // The dangling /tmp/fw/dangling/python3 is passed over, like the shell does: the next python3 is inspected.
      const i = pyenv(d);
      assert.is.not(i.path, '/tmp/fw/dangling/python3');
      assert.is(i.status, 'ok');
      assert.ok(i.python?.version.startsWith('3.'));
    },
  ],
  [
    'sitecustomize-forged-record-ignored',
    (d) => {
      for (const i of py(d)) {
        assert.is.not(i.python?.version, '9.9.9', i.path);
        assert.is.not(i.python?.prefix, '/forged', i.path);
      }
    },
  ],
  [
    'stdout-over-cap-named',
    (d) => {
      for (const i of py(d)) assert.is(i.detail, 'stdout exceeded the 16 KiB cap: the interpreter was killed');
      assert.ok(d.findings.every((f) => f.code !== 'FRAMEWORK_INTERPRETER_FAILED' || /16 KiB cap/.test(f.message)));
    },
    16384,
  ],
];

for (const [name, check, maxBytes] of CASES) test(name, async () => check(await replay(name, maxBytes)));

test('pyenv\'s python3 and python shims are one interpreter, and each stack is imported once per interpreter (issue 17)', async () => {
  for (const [name, , maxBytes] of CASES) {
    if (maxBytes) continue; // the over-cap fixture has no identity to merge on
    const d = await replay(name);
    assert.equal(py(d).map((i) => i.invokedAs), [['python3 on PATH', 'python on PATH'], ['/usr/bin/python3']], name);
    // The recorded runs: argv is [python, -c, script, nonce, imports, locate, ...]; numpy is imported by exactly one run per interpreter.
    const c = JSON.parse(readFileSync(fileURLToPath(new URL(`../../../fixtures/frameworks/${name}.json`, import.meta.url)), 'utf8')) as Capture;
    const argvs = Object.keys(c.exec).map((k) => (JSON.parse(k) as { argv: string[] }).argv);
    assert.is(argvs.filter((a) => a[4] === 'numpy').length, 2, name);
    assert.is(argvs.filter((a) => a[4] === '').length, 3, `${name}: one identity run per candidate`);
  }
});

// Hand-written: torch records in the shape the script emits (no torch on the development machine),
// for the MKL and ATEN rules that need one.
function torchInterp(mkl: boolean, cpuCapability: string): InterpreterReport {
  const packages = Object.fromEntries(PY_PACKAGES.map((p) => [p, { status: 'absent' } as PackageReport])) as InterpreterReport['packages'];
  packages.torch = { status: 'ok', version: '2.5.1+cpu', mkl, cpuCapability, numThreads: 2, cuda: null, cudaAvailable: false, deviceCount: 0, devices: [], archList: [] };
  return { path: '/v/bin/python', invokedAs: ['$VIRTUAL_ENV/bin/python'], status: 'ok', python: null, packages };
}
const X86_V3: HardwareView = { family: 'x86', tier: 'x86-64-v3', flags: null, usableCpus: 2, nvidiaDriver: undefined, sources: [] };

test('MKL variables warn only where a stack has MKL, and name torch when it is torch\'s MKL', () => {
  const env = (n: string) => ({ MKL_ENABLE_INSTRUCTIONS: 'SSE4_2' })[n];
  const withMkl = derive([torchInterp(true, 'AVX2')], env, X86_V3).findings.filter((f) => f.code === 'FRAMEWORK_SIMD_BELOW_CPU');
  assert.equal(withMkl.map((f) => f.args?.affects), ["torch 2.5.1+cpu in $VIRTUAL_ENV/bin/python (torch's own MKL)"]);
  const without = derive([torchInterp(false, 'AVX2')], env, X86_V3).findings;
  assert.equal(without.map((f) => f.code), ['FRAMEWORK_ENV_OVERRIDE']);
});

test('ATEN_CPU_CAPABILITY: lower case limits torch; any other spelling is rejected, with what torch runs', () => {
  const lower = derive([torchInterp(false, 'DEFAULT')], (n) => ({ ATEN_CPU_CAPABILITY: 'default' })[n], X86_V3).findings;
  assert.equal(lower.map((f) => [f.code, f.args?.limit]), [['FRAMEWORK_SIMD_BELOW_CPU', 'x86-64']]);
  const upper = derive([torchInterp(false, 'AVX2')], (n) => ({ ATEN_CPU_CAPABILITY: 'DEFAULT' })[n], X86_V3).findings;
  assert.equal(upper.map((f) => f.code), ['FRAMEWORK_ENV_IGNORED']);
  assert.match(String(upper[0].args?.outcome), /torch 2\.5\.1\+cpu \(\$VIRTUAL_ENV\/bin\/python\) runs AVX2/);
});

test.run();
