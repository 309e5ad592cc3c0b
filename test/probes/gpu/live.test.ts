// The done-when checks on this machine, against independent tools (clinfo, vulkaninfo).
// Each test prints a note and passes vacuously when the packages it needs are absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { NodeHost } from '../../../src/host/node-host.js';
import { runProbes } from '../../../src/runner.js';
import { gpuProbe } from '../../../probes/gpu/index.js';
import { parseClinfoList, parseVulkaninfoSummary } from '../../../probes/gpu/parse-tools.js';
import type { RunResult } from '../../../src/runner.js';

function tool(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

const clinfo = tool('clinfo', ['-l']);
const vulkaninfo = tool('vulkaninfo', ['--summary']);
const skip = (why: string) => console.log(`  skipped: ${why}`);

let calibrated: RunResult | undefined;
async function run(): Promise<RunResult> {
  calibrated ??= await runProbes(new NodeHost(), [gpuProbe], { calibrate: 'quick', timeoutMs: 10_000 });
  return calibrated;
}

test('OpenCL devices equal `clinfo -l`; hardware ones make gpu.opencl, software ones (PoCL) software.opencl, each effective', async () => {
  if (!clinfo) return skip('clinfo is not installed (Debian: clinfo, pocl-opencl-icd)');
  const want = parseClinfoList(clinfo);
  const r = await run();
  const d = r.detections.gpu;
  const opencl = d.facts.opencl as { platforms: { name: string; devices: { name: string; type: string }[] }[] };
  assert.equal(opencl.platforms.map((p) => ({ platform: p.name, devices: p.devices.map((x) => x.name) })), want);
  const sw = new Set((d.facts.softwareDevices as { api: string; name: string }[]).filter((s) => s.api === 'opencl').map((s) => s.name));
  const all = opencl.platforms.flatMap((p) => p.devices);
  const nHw = all.filter((x) => x.type === 'gpu' && !sw.has(x.name)).length;
  const nSw = all.filter((x) => sw.has(x.name)).length;
  const c = d.capabilities['gpu.opencl'];
  const s = d.capabilities['software.opencl'];
  assert.equal([c.advertised, c.usable, c.effective], nHw ? [true, true, true] : [false, false, null]);
  assert.equal([s.advertised, s.usable, s.effective], nSw ? [true, true, true] : [false, false, null]);
});

test('an OpenCL metric is measured on every device, with its result checked', async () => {
  if (!clinfo || !parseClinfoList(clinfo).some((p) => p.devices.length)) return skip('no OpenCL device');
  const r = await run();
  const fma = Object.entries(r.metrics).filter(([id]) => /^gpu\.opencl\.p\d+d\d+\.fma-f32$/.test(id));
  assert.is(fma.length, parseClinfoList(clinfo).reduce((a, p) => a + p.devices.length, 0));
  for (const [id, m] of fma) {
    assert.is(m.status, 'ok', `${id}: ${JSON.stringify(m)}`);
    assert.ok(m.status === 'ok' && m.value > 0 && m.samples >= 5);
  }
});

test('PoCL and llvmpipe are software devices, and no hardware GPU is claimed here', async () => {
  const d = (await run()).detections.gpu;
  const sw = d.facts.softwareDevices as { api: string; name: string; kind: string }[];
  const pocl = clinfo && /Portable Computing Language/.test(clinfo);
  const llvmpipe = vulkaninfo && parseVulkaninfoSummary(vulkaninfo).devices.some((x) => /llvmpipe/.test(x.name));
  if (!pocl && !llvmpipe) return skip('neither PoCL nor llvmpipe is installed');
  if (pocl) assert.ok(sw.some((s) => s.api === 'opencl' && s.kind === 'PoCL'), JSON.stringify(sw));
  if (llvmpipe) assert.ok(sw.some((s) => s.api === 'vulkan' && s.kind === 'llvmpipe'), JSON.stringify(sw));
  // This machine has no GPU on its PCI bus (lspci-like check through sysfs classes 03xx).
  const pciGpus = tool('sh', ['-c', 'cat /sys/bus/pci/devices/*/class 2>/dev/null | grep -c "^0x03" || true'])?.trim();
  if (pciGpus === '0') {
    assert.is(d.facts.hardwareGpuCount, 0);
    for (const v of ['nvidia', 'amd', 'intel', 'apple']) assert.is.not(d.capabilities[`gpu.${v}`].advertised, true, v);
  }
});

test('CUDA_NO_DRIVER: a CUDA runtime without a driver', async () => {
  const cudart = ['/usr/local/cuda/lib64/libcudart.so', '/usr/local/cuda/targets/x86_64-linux/lib/libcudart.so'].some((p) => existsSync(p));
  const driver = ['/usr/lib/x86_64-linux-gnu/libcuda.so.1', '/usr/lib64/libcuda.so.1', '/proc/driver/nvidia/version'].some((p) => existsSync(p));
  if (!cudart || driver) return skip(cudart ? 'an NVIDIA driver is installed' : 'no CUDA runtime under /usr/local/cuda');
  const d = (await run()).detections.gpu;
  const f = d.findings.find((x) => x.code === 'CUDA_NO_DRIVER');
  assert.ok(f, JSON.stringify(d.findings.map((x) => x.code)));
  assert.is(f!.args?.error, 35);
  assert.equal([d.capabilities['gpu.cuda'].usable], [false]);
  // The PTX path got as far as it can without a driver: parsed, load attempted, skipped with the diagnosis.
  const m = (await run()).metrics['gpu.cuda.fma-f32'];
  assert.is(m.status, 'skipped');
  assert.match(m.status === 'skipped' ? m.reason : '', /no NVIDIA driver.*PTX ISA 7\.0 sm_52, entries fma_f32, copy_f32/);
});

test('gpu.vulkan devices equal `vulkaninfo --summary`', async () => {
  if (!vulkaninfo) return skip('vulkaninfo is not installed (Debian: vulkan-tools, mesa-vulkan-drivers)');
  const d = (await run()).detections.gpu;
  const want = parseVulkaninfoSummary(vulkaninfo).devices.map((x) => x.name);
  assert.equal((d.facts.vulkan as { devices: { name: string }[] }).devices.map((x) => x.name), want);
  const sw = new Set((d.facts.softwareDevices as { api: string; name: string }[]).filter((s) => s.api === 'vulkan').map((s) => s.name));
  assert.is(d.capabilities['gpu.vulkan'].usable, want.some((n) => !sw.has(n)), 'gpu.vulkan: hardware devices only');
  assert.is(d.capabilities['software.vulkan'].usable, want.some((n) => sw.has(n)), 'software.vulkan: llvmpipe and the like');
});

test.run();
