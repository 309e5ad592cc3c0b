// Parser and table edge cases. Inputs here are tiny hand-written strings (marked); real outputs are in corpus.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maskEffect, readMasks } from '../../../probes/gpu/env-masks.js';
import { parseClinfoList, parseVulkaninfoSummary, parseSystemProfilerDisplays, parseAmdSmiJson } from '../../../probes/gpu/parse-tools.js';
import { parseXml, textAt } from '../../../probes/gpu/xml.js';
import { parseNvidiaSmiCsvRows, parseNvidiaSmiXml, stripDeprecation, mib } from '../../../probes/gpu/parse-nvidia-smi.js';
import { clDeviceType, ENV_MASKS, GPU_VENDOR_PCI, PCI_VENDORS, pciClassKind, softwareDevice, SOFTWARE_DEVICES } from '../../../probes/gpu/tables.js';
import { parseWorkerOutput } from '../../../probes/gpu/worker-client.js';
import { execResult } from '../../../src/host/capture.js';
import { GPU_FINDINGS } from '../../../probes/gpu/findings.js';

test('tables: vendor ids are 4 lower-case hex digits; every GPU vendor maps to its own row', () => {
  for (const id of Object.keys(PCI_VENDORS)) assert.match(id, /^[0-9a-f]{4}$/);
  for (const [v, id] of Object.entries(GPU_VENDOR_PCI)) assert.is(PCI_VENDORS[id].gpu, v);
  assert.equal(Object.keys(ENV_MASKS).sort(), ['CUDA_VISIBLE_DEVICES', 'HIP_VISIBLE_DEVICES', 'NVIDIA_VISIBLE_DEVICES', 'OCL_ICD_VENDORS', 'ROCR_VISIBLE_DEVICES']);
  for (const code of Object.keys(GPU_FINDINGS)) assert.match(code, /^[A-Z][A-Z0-9_]*$/);
});

test('PCI classes: display, 3D, co-processor and accelerators; not bridges or NICs', () => {
  const cases: [string, string | undefined][] = [['0x030000', 'vga'], ['0x030200', '3d'], ['0x038000', 'display'], ['0x0b4000', 'co-processor'], ['0x120000', 'processing-accelerator'], ['0x060000', undefined], ['0x020000', undefined], ['0xffff00', undefined]];
  for (const [c, want] of cases) assert.is(pciClassKind(c), want, c);
});

test('software devices by name, whatever the vendor id says', () => {
  const cases: [string, string | undefined][] = [
    ['pthread-skylake-avx512-AMD EPYC', 'PoCL'], // PoCL's CPU device, reported with Intel's 0x8086 on this AMD CPU
    ['llvmpipe (LLVM 15.0.6, 256 bits)', 'llvmpipe'],
    ['SwiftShader Device (Subzero)', 'SwiftShader'],
    ['NVIDIA GeForce RTX 4090', undefined],
    ['AMD Radeon RX 6700 XT', undefined],
  ];
  for (const [n, want] of cases) assert.is(softwareDevice(n), want, n);
  assert.ok(SOFTWARE_DEVICES.length >= 5);
  assert.is(clDeviceType(2), 'cpu');
  assert.is(clDeviceType(4), 'gpu');
  assert.is(clDeviceType(1 | 4), 'gpu');
});

test('env masks and their effects', () => {
  assert.is(maskEffect('CUDA_VISIBLE_DEVICES', '').effect, 'hides-all');
  assert.is(maskEffect('CUDA_VISIBLE_DEVICES', '-1').effect, 'hides-all');
  assert.equal(maskEffect('CUDA_VISIBLE_DEVICES', '0,GPU-abc').visible, ['0', 'GPU-abc']);
  assert.is(maskEffect('NVIDIA_VISIBLE_DEVICES', 'all').effect, 'all');
  assert.is(maskEffect('NVIDIA_VISIBLE_DEVICES', 'none').effect, 'hides-all');
  assert.is(maskEffect('NVIDIA_VISIBLE_DEVICES', 'void').effect, 'no-gpu-container');
  assert.is(maskEffect('HIP_VISIBLE_DEVICES', '1').effect, 'restricts');
  assert.is(maskEffect('OCL_ICD_VENDORS', '/opt/icds').effect, 'redirects-icd');
  const env: Record<string, string> = { CUDA_VISIBLE_DEVICES: '', ROCR_VISIBLE_DEVICES: '0' };
  assert.equal(readMasks((n) => env[n]).map((m) => [m.variable, m.effect]), [['CUDA_VISIBLE_DEVICES', 'hides-all'], ['ROCR_VISIBLE_DEVICES', 'restricts']]);
});

test('xml reader: entities, attributes, CDATA, self-closing; malformed input throws', () => {
  // hand-written
  const x = parseXml('<?xml version="1.0"?><!DOCTYPE a SYSTEM "a.dtd"><a><b id="1">x &amp; y</b><c/><d><![CDATA[<raw>]]></d><!-- c --></a>');
  assert.is(textAt(x, 'b'), 'x & y');
  assert.is(x.children[0].attrs.id, '1');
  assert.is(textAt(x, 'd'), '<raw>');
  assert.throws(() => parseXml('<a><b></a>'), /unexpected <\/a>/);
  assert.throws(() => parseNvidiaSmiXml('<html></html>'), /not <nvidia_smi_log>/);
});

test('nvidia-smi small cases: deprecation marks, units, CSV width', () => {
  assert.equal(stripDeprecation('610.57.04 [Deprecated; will be removed in CUDA 14.0. Use KMD Version instead]'), { value: '610.57.04', deprecated: true });
  assert.equal(stripDeprecation('Deprecated, see "KMD version" instead'), { value: null, deprecated: true });
  assert.is(mib('80 GiB'), 81920);
  assert.is(mib('[N/A]'), null);
  assert.throws(() => parseNvidiaSmiCsvRows('garbage output here'), /not a CSV header/);
  assert.throws(() => parseNvidiaSmiCsvRows('name, memory.total [MiB]\nA, 1, 2'), /row 1 has 3 fields/); // hand-written
});

test('vulkaninfo, clinfo, amd-smi, system_profiler: minimal shapes', () => {
  // hand-written, in the layout vulkaninfo 1.3 prints
  const vk = parseVulkaninfoSummary('Vulkan Instance Version: 1.3.239\n\nDevices:\n========\nGPU0:\n\tdeviceType         = PHYSICAL_DEVICE_TYPE_CPU\n\tdeviceName         = llvmpipe (LLVM 15.0.6, 256 bits)\n\tdriverName         = llvmpipe\n');
  assert.equal(vk.devices.map((d) => [d.name, d.type]), [['llvmpipe (LLVM 15.0.6, 256 bits)', 'cpu']]);
  assert.throws(() => parseVulkaninfoSummary('ERROR: [Loader Message] vkCreateInstance failed'));
  assert.equal(parseClinfoList('Platform #0: A\n +-- Device #0: x\n `-- Device #1: y\nPlatform #1: B\n'), [{ platform: 'A', devices: ['x', 'y'] }, { platform: 'B', devices: [] }]);
  // hand-written, in amd-smi 24.x's shape
  const amd = parseAmdSmiJson('[{"gpu":0,"asic":{"market_name":"AMD Instinct MI300X","device_id":"0x74A1","target_graphics_version":"gfx942"},"vram":{"size":{"value":196592,"unit":"MB"}},"driver":{"version":"6.8.5"}}]');
  assert.equal(amd.gpus[0], { card: 'gpu0', deviceId: '0x74a1', name: 'AMD Instinct MI300X', gfxVersion: 'gfx942', vramTotalBytes: 196592 * 2 ** 20, busId: null, pciVendorId: null });
  // hand-written, in macOS 14's shape
  const mac = parseSystemProfilerDisplays('{"SPDisplaysDataType":[{"sppci_model":"Apple M2","sppci_cores":"10","spdisplays_mtlgpufamilysupport":"spdisplays_metal3","spdisplays_vendor":"sppci_vendor_Apple"}]}');
  assert.equal(mac, [{ name: 'Apple M2', vendor: 'Apple', cores: 10, metal: 'metal3' }]);
});

test('worker protocol: finished, absent, crashed and never-reached stacks', () => {
  const out = ['{"stack":"opencl","begin":true}', '{"stack":"opencl","result":{"x":1}}', '{"stack":"cuda","begin":true}', '{"stack":"cuda","absent":"no libcuda"}', '{"stack":"nvml","begin":true}'].join('\n');
  const r = parseWorkerOutput({ ...execResult(out, 0), status: 'failed', code: null, signal: 'SIGSEGV' }, ['opencl', 'cuda', 'nvml', 'cudart']);
  assert.equal(Object.fromEntries(Object.entries(r.stacks).map(([k, v]) => [k, v.status])), { opencl: 'ok', cuda: 'absent', nvml: 'error', cudart: 'error' });
  assert.match(r.stacks.nvml.error!, /SIGSEGV while querying nvml/);
  assert.match(r.stacks.cudart.error!, /^not reached/);
});

test.run();
