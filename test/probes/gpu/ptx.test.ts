// The embedded PTX: parsed here, and assembled by NVIDIA's ptxas when the CUDA toolkit is installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUDA_SOURCE, PTX, ptxEntries, expectedPtxFma } from '../../../probes/gpu/worker/cuda.js';
import { readFileSync } from 'node:fs';
import { expectedFma } from '../../../probes/gpu/worker/opencl.js';

test('the PTX declares both kernels, at an ISA old drivers load', () => {
  assert.equal(ptxEntries(PTX), { version: '7.0', target: 'sm_52', entries: ['fma_f32', 'copy_f32'] });
});

const ptxas = ['/usr/local/cuda/bin/ptxas'].find((p) => existsSync(p));
for (const arch of ['sm_75', 'sm_80', 'sm_90']) {
  test(`ptxas assembles the PTX for ${arch}`, () => {
    if (!ptxas) return console.log('  skipped: ptxas not installed (CUDA toolkit)');
    const dir = mkdtempSync(join(tmpdir(), 'hwprobe-ptx-'));
    try {
      writeFileSync(join(dir, 'k.ptx'), PTX);
      execFileSync(ptxas, [`-arch=${arch}`, join(dir, 'k.ptx'), '-o', join(dir, 'k.cubin')], { stdio: 'pipe' });
      assert.ok(existsSync(join(dir, 'k.cubin')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const nvcc = ['/usr/local/cuda/bin/nvcc', '/usr/local/bin/nvcc'].find((p) => existsSync(p));
test('the PTX is what nvcc makes of CUDA_SOURCE (only the header was lowered)', () => {
  if (!nvcc) return console.log('  skipped: nvcc not installed (CUDA toolkit)');
  const dir = mkdtempSync(join(tmpdir(), 'hwprobe-nvcc-'));
  try {
    writeFileSync(join(dir, 'k.cu'), CUDA_SOURCE);
    execFileSync(nvcc, ['-ptx', '-arch=compute_75', join(dir, 'k.cu'), '-o', join(dir, 'k.ptx')], { stdio: 'pipe', timeout: 120_000 });
    const body = (s: string) => s.slice(s.indexOf('.visible .entry')).replace(/\s+/g, ' ').trim();
    assert.is(body(PTX), body(readFileSync(join(dir, 'k.ptx'), 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reference values of the FMA kernels move with the iteration count (a check that can fail)', () => {
  assert.is.not(expectedFma(3, 37, 0.9999, 0.0001), expectedFma(3, 38, 0.9999, 0.0001));
  assert.is.not(expectedPtxFma(3, 37, 0.9999, 0.0001), expectedPtxFma(4, 37, 0.9999, 0.0001));
});

test.run();
