// gpu.cuda.computeCapability: the number the cuda-cc80 profile compares.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { highestComputeCapability } from '../../../probes/gpu/derive.js';
import { parseNvidiaSmiCsv } from '../../../probes/gpu/parse-nvidia-smi.js';
import { check } from '../../../src/index.js';
import { replayReport } from '../../helpers/replay.js';

test('the highest compute capability, as a number', () => {
  assert.is(highestComputeCapability(['7.5', '8.6', null, 'N/A']), 8.6);
  assert.is(highestComputeCapability(['12.0', '9.0']), 12);
  assert.is(highestComputeCapability([]), null);
});

test('nvidia-smi CSV from the corpus (H100) gives compute capability 9.0', () => {
  const dir = fileURLToPath(new URL('../../../fixtures/corpus/nvidia-smi/query-gpu-csv/', import.meta.url));
  const h100 = readdirSync(dir).find((f: string) => /h100/i.test(f) && !/mig/i.test(f));
  if (!h100) return console.log('  skipped: no H100 CSV in the fixtures');
  const info = parseNvidiaSmiCsv(readFileSync(dir + h100, 'utf8'));
  assert.is(highestComputeCapability(info.gpus.map((g) => g.computeCap)), 9);
});

test('cuda-cc80 compares gpu.cuda.computeCapability: 8.0 passes, 7.5 fails with the value', async () => {
  const base = await replayReport('linux-x64-epyc-kvm-docker-pocl-llvmpipe-cudart-no-driver.json');
  const withCc = (cc: number) => {
    const r = structuredClone(base);
    r.capabilities['gpu.cuda'] = { ...r.capabilities['gpu.cuda'], advertised: true, usable: true };
    (r.probes.gpu!.facts.cuda as Record<string, unknown>).computeCapability = cc;
    return r;
  };
  assert.ok((await check(withCc(8), ['cuda-cc80'])).ok);
  const fail = await check(withCc(7.5), ['cuda-cc80']);
  assert.not.ok(fail.ok);
  const v = fail.verdicts.find((x) => x.subject === 'gpu.cuda.computeCapability')!;
  assert.is(v.status, 'fail');
  assert.match(v.reasons.join(' '), /7\.5/);
});

test.run();
