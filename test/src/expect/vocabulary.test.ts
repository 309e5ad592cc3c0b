import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DOMAINS, FACT_ROOTS, domainOwners, factKeys, idMatches, lookup, vocabulary } from '../../../src/expect/vocabulary.js';
import { PROBES, PROBE_IDS } from '../../../probes/index.js';

test('every registered probe declares capabilities, metrics with units, findings and facts', () => {
  for (const p of PROBES) {
    const v = p.vocabulary;
    assert.ok(v.capabilities.length > 0, `${p.id} declares no capability`);
    assert.ok(v.facts.length > 0, `${p.id} declares no fact key`);
    for (const [id, unit] of Object.entries(v.metrics)) assert.ok(unit.length > 0, `${p.id}: ${id} has no unit`);
    for (const [code, fix] of Object.entries(v.fixes ?? {})) {
      assert.ok(Object.values(v.findings).some((t) => code in t), `${p.id}: fix for ${code}, which its findings tables do not define`);
      assert.ok(fix.length > 0);
    }
  }
  for (const owners of Object.values(DOMAINS)) for (const o of owners) assert.ok(PROBE_IDS.includes(o), o);
  for (const root of FACT_ROOTS) assert.ok(factKeys(root)?.length, root);
});

test('domains and their owners are derived from the declared ids', () => {
  assert.equal(domainOwners('ml.numpy.simd.avx2'), ['ml', 'frameworks']);
  assert.equal(domainOwners('frameworks.numpy.matmul-f64'), ['frameworks']);
  assert.equal(domainOwners('env.ci'), ['environment']);
  assert.equal(domainOwners('nosuch.thing'), []);
});

test('patterns: * is one segment, or when last the rest', () => {
  const rows: [string, string, boolean][] = [
    ['gpu.opencl.*.fma-f32', 'gpu.opencl.p0d0.fma-f32', true],
    ['gpu.opencl.*.fma-f32', 'gpu.opencl.fma-f32', false],
    ['gpu.opencl.*.fma-f32', 'gpu.opencl.a.b.fma-f32', false],
    ['cpu.isa.riscv.*', 'cpu.isa.riscv.zba', true],
    ['cpu.isa.riscv.*', 'cpu.isa.riscv.', false],
    ['cpu.simd.avx2', 'cpu.simd.avx2', true],
    ['cpu.simd.avx2', 'cpu.simd.avx', false],
  ];
  for (const [p, id, want] of rows) assert.is(idMatches(p, id), want, `${p} ~ ${id}`);
});

test('ids are known, families match, typos are unknown (so they exit 2 with a suggestion)', () => {
  const caps = vocabulary('capability');
  const mets = vocabulary('metric');
  for (const id of ['gpu.opencl', 'gpu.nvidia', 'gpu.metal', 'accel.tpu', 'accel.amx', 'ml.numpy.simd.avx512f', 'ml.torch.cuda', 'ml.tfjs.wasm-simd', 'cpu.simd.avx2', 'env.ci']) {
    assert.is(lookup(caps, id), 'known', id);
  }
  for (const id of ['gpu.openc', 'ml.torch.cudaa', 'accel.tpuu']) assert.is(lookup(caps, id), 'unknown', id);
  for (const id of ['gpu.opencl.p0d0.fma-f32', 'frameworks.numpy.matmul-f64', 'cpu.wasm-simd', 'crypto.aes-128-gcm']) assert.is(lookup(mets, id), 'known', id);
  for (const id of ['frameworks.numpy.matmull', 'cpu.wasm-simdd', 'gpu.opencl.p0d0.fma-f64']) assert.is(lookup(mets, id), 'unknown', id);
});

test.run();
