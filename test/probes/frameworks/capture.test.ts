// The committed capture of this project's development machine (OPENBLAS_CORETYPE=Haswell, pyenv numpy 2.4.6
// on scipy-openblas, Debian numpy 1.24.2 on reference BLAS) replays to the frameworks facts it recorded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replayReport, loadCapture } from '../../helpers/replay.js';
import type { InterpreterReport } from '../../../probes/frameworks/interpreters.js';
import type { BlasInfo, NumpySimd } from '../../../probes/frameworks/parse.js';
import { records } from '../../../probes/frameworks/parse.js';

const NAME = 'linux-x64-epyc-kvm-docker-numpy-openblas-coretype-haswell.json';

test('the capture replays to both interpreters, numpy SIMD and BLAS, and the OPENBLAS_CORETYPE finding', async () => {
  const r = await replayReport(NAME);
  const p = r.probes.frameworks;
  assert.is(p.status, 'ok');
  const py = p.facts.python as InterpreterReport[];
  assert.equal(py.map((i) => i.invokedAs), [['python3 on PATH', 'python on PATH'], ['/usr/bin/python3']]);
  // What the capture's raw stdout says, parsed independently of the probe's parser: the numpy record's lists.
  const cap = loadCapture(NAME);
  for (const i of py) {
    const key = Object.keys(cap.exec).find((k) => k.includes(JSON.stringify(i.path)) && k.includes('numpy'))!;
    const raw = records(cap.exec[key].stdout).find((x) => x.section === 'package' && x.name === 'numpy')!;
    const simd = i.packages.numpy.simd as NumpySimd;
    assert.equal(simd.baseline, raw.baseline);
    assert.equal([...simd.found, ...simd.notFound].sort(), [...(raw.dispatch as string[])].sort());
  }
  const blas = py.map((i) => (i.packages.numpy.blas as BlasInfo).library);
  assert.equal(blas, ['openblas', 'reference']);
  assert.is((py[0].packages.numpy.blas as BlasInfo).coretype, 'Haswell');
  for (const name of ['torch', 'tensorflow', 'jax', 'onnxruntime']) assert.is((p.facts.frameworks as Record<string, { status: string }>)[name].status, 'absent');
  const f = r.findings.filter((x) => x.code === 'FRAMEWORK_SIMD_BELOW_CPU');
  assert.equal(f.map((x) => [x.args?.variable, x.args?.limit, x.args?.cpuTier]), [['OPENBLAS_CORETYPE', 'x86-64-v3', 'x86-64-v4']]);
  assert.is(r.capabilities['ml.numpy.simd.x86_v4']?.usable, true);
  assert.is(r.capabilities['ml.numpy.simd.avx512_spr']?.advertised, false);
});

test.run();
