import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DOMAINS, PROBE_VOCABULARIES, lookup, vocabulary } from '../../../src/expect/vocabulary.js';
import { PROBE_IDS } from '../../../probes/index.js';

test('every registered probe declares its capability and metric ids', () => {
  for (const id of PROBE_IDS) {
    const v = PROBE_VOCABULARIES[id]?.();
    assert.ok(v?.capabilities && v.metrics, `${id} declares no vocabulary`);
  }
  for (const owners of Object.values(DOMAINS)) for (const o of owners) assert.ok(PROBE_IDS.includes(o), o);
});

test('ids are known, families match, typos are unknown (so they exit 2 with a suggestion)', () => {
  const caps = vocabulary('capability');
  const mets = vocabulary('metric');
  for (const id of ['gpu.opencl', 'gpu.nvidia', 'gpu.metal', 'accel.tpu', 'accel.amx', 'ml.numpy.simd.avx512f', 'ml.torch.cuda', 'ml.tfjs.wasm-simd', 'cpu.simd.avx2', 'env.ci']) {
    assert.is(lookup(caps, id), 'known', id);
  }
  for (const id of ['gpu.openc', 'ml.torch.cudaa', 'accel.tpuu']) assert.is(lookup(caps, id), 'unknown', id);
  for (const id of ['gpu.opencl.p0d0.fma-f32', 'frameworks.numpy.matmul-f64', 'cpu.wasm-simd', 'crypto.aes-128-gcm']) assert.is(lookup(mets, id), 'known', id);
  for (const id of ['frameworks.numpy.matmull', 'cpu.wasm-simdd']) assert.is(lookup(mets, id), 'unknown', id);
});

test.run();
