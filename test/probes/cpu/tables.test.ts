// The vocabulary tables themselves: unique ids, consistent spellings, complete conversions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ARM64_HWCAP,
  ARM64_HWCAP2,
  ARM_LEVELS,
  DARWIN_ARM_TO_KERNEL,
  DARWIN_X86_TO_KERNEL,
  GLIBC_DISABLEABLE,
  GLIBC_TO_KERNEL,
  SIMD_TABLES,
  X86_64_LEVELS,
  X86_SIMD,
} from '../../../probes/cpu/tables.js';
import { CPU_FINDINGS } from '../../../probes/cpu/findings.js';

const dupes = (xs: readonly string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);

test('SIMD tables: unique ids and flags per architecture, valid capability ids', () => {
  for (const [fam, rows] of Object.entries(SIMD_TABLES)) {
    assert.equal(dupes(rows.map((r) => r.id)), [], `${fam} ids`);
    assert.equal(dupes(rows.flatMap((r) => r.flags)), [], `${fam} flags`);
    for (const r of rows) assert.match(`cpu.simd.${r.id}`, /^cpu\.simd\.[a-z0-9_]+$/);
  }
});

test('x86-64 levels: unique flags, v2 ⊂ psABI list, glibc names unique', () => {
  assert.equal(dupes(X86_64_LEVELS.map((r) => r.flag)), []);
  assert.equal(dupes(X86_64_LEVELS.map((r) => r.glibc)), []);
  const count = (l: string) => X86_64_LEVELS.filter((r) => r.level === l).length;
  assert.equal([count('x86-64-v2'), count('x86-64-v3'), count('x86-64-v4')], [7, 9, 5]);
});

test('glibc names map to kernel flags consistently with the SIMD table', () => {
  for (const r of X86_SIMD) if ('glibc' in r && r.glibc) assert.is(GLIBC_TO_KERNEL[r.glibc], r.flags[0], r.glibc);
  assert.is(GLIBC_TO_KERNEL.SSE3, 'pni');
  assert.is(GLIBC_TO_KERNEL.LZCNT, 'abm');
  assert.equal(dupes([...GLIBC_DISABLEABLE]), []);
});

test('hwcap bit tables: no duplicate names, at most 64 bits', () => {
  assert.equal(dupes([...ARM64_HWCAP, ...ARM64_HWCAP2]), []);
  assert.ok(ARM64_HWCAP.length <= 64 && ARM64_HWCAP2.length <= 64);
  assert.is(ARM64_HWCAP[20], 'asimddp');
  assert.is(ARM64_HWCAP2[1], 'sve2');
});

test('Arm levels ascend and use hwcap names', () => {
  const known = new Set<string>([...ARM64_HWCAP, ...ARM64_HWCAP2]);
  for (const r of ARM_LEVELS) for (const f of r.requires) assert.ok(known.has(f), f);
  assert.equal(ARM_LEVELS.map((r) => r.level), [...ARM_LEVELS.map((r) => r.level)].sort());
});

test('macOS conversion tables target kernel spellings the other tables use', () => {
  const known = new Set<string>([...ARM64_HWCAP, ...ARM64_HWCAP2]);
  for (const [k, fs] of Object.entries(DARWIN_ARM_TO_KERNEL)) for (const f of fs) assert.ok(known.has(f), `${k} → ${f}`);
  assert.is(DARWIN_ARM_TO_KERNEL['hw.optional.arm.FEAT_DotProd'][0], 'asimddp');
  assert.is(DARWIN_X86_TO_KERNEL['SSE4.1'], 'sse4_1');
  assert.is(DARWIN_X86_TO_KERNEL['AVX2.0'], 'avx2');
});

test('finding codes are SCREAMING_SNAKE and render from args', () => {
  for (const [code, t] of Object.entries(CPU_FINDINGS)) {
    assert.match(code, /^CPU_[A-Z0-9_]+$/);
    assert.type(t.render({}), 'string');
  }
});

test.run();
