// Issue 14 §2: GPU devices merged across sources. Real tool outputs from fixtures/corpus (MANIFEST
// gives their provenance); the PCI sysfs trees beside them are built from the same files' own bus
// ids and device ids (marked "derived"), and hand-written strings are marked so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gpuProbe } from '../../../probes/gpu/index.js';
import { normalizePciAddress } from '../../../probes/gpu/merge.js';
import { parseNvidiaSmiCsv, parseNvidiaSmiXml, queryFields, smiValue } from '../../../probes/gpu/parse-nvidia-smi.js';
import { parseRocmSmiJson, parseVulkaninfoSummary } from '../../../probes/gpu/parse-tools.js';
import { TOOLS } from '../../../probes/gpu/tables.js';
import { renderNfd } from '../../../src/render/nfd.js';
import { runProbes } from '../../../src/runner.js';
import { buildReport } from '../../../src/report.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, execResult, makeCapture, type Capture } from '../../../src/host/capture.js';
import type { Detection } from '../../../src/types.js';

const CORPUS = fileURLToPath(new URL('../../../fixtures/corpus/', import.meta.url));
const read = (p: string) => readFileSync(CORPUS + p, 'utf8');
const ctx = () => ({ signal: new AbortController().signal, calibrate: 'off' as const, peers: {}, progress() {} });
const PCI = '/sys/bus/pci/devices';
const tool = (name: keyof typeof TOOLS) => execKey(TOOLS[name].file, [...TOOLS[name].args]);

/** A PCI sysfs tree of display devices: [address, vendor id, device id, driver]. */
function pciFiles(devs: [string, string, string, string][]): Pick<Capture, 'files' | 'dirs' | 'links'> {
  const files: Record<string, string> = {};
  const links: Record<string, string> = {};
  for (const [a, v, d, drv] of devs) {
    files[`${PCI}/${a}/class`] = '0x030200\n';
    files[`${PCI}/${a}/vendor`] = `0x${v}\n`;
    files[`${PCI}/${a}/device`] = `0x${d}\n`;
    links[`${PCI}/${a}/driver`] = `../../../bus/pci/drivers/${drv}`;
  }
  return { files, dirs: { [PCI]: devs.map((x) => x[0]), '/dev': ['kfd', 'nvidia0', 'nvidiactl'], '/dev/dri': ['renderD128'] }, links };
}
async function detect(c: Partial<Capture>): Promise<Detection> {
  return gpuProbe.detect(new ReplayHost(makeCapture({ info: { platform: 'linux', arch: 'x64' }, ...c })), ctx());
}
const gpus = (d: Detection) => d.facts.gpus as { vendor: string; name: string | null; memoryMiB: number | null; address?: string; sources: string[] }[];

test('one PCI address form: 8-hex nvidia-smi domains, 4-hex sysfs, lower case; junk is null', () => {
  // hand-written: the forms each source prints (the 4× K80 VM's bus ids are 00001580:00:00.0…)
  assert.is(normalizePciAddress('00001580:00:00.0'), '1580:00:00.0');
  assert.is(normalizePciAddress('1580:00:00.0'), '1580:00:00.0');
  assert.is(normalizePciAddress('00000000:00:1E.0'), '0000:00:1e.0');
  assert.is(normalizePciAddress('0000:c1:00.0'), '0000:c1:00.0');
  assert.is(normalizePciAddress('03:00.0'), '0000:03:00.0');
  assert.is(normalizePciAddress(''), null);
  assert.is(normalizePciAddress('N/A'), null);
});

test('NVIDIA on a non-zero PCI domain merges with sysfs: name and memory survive (real A10G XML, domain moved to 0x1580: derived)', async () => {
  const xml = read('nvidia-smi/query-xml/telegraf-a10g.xml').replace('<gpu id="00000000:00:1E.0">', '<gpu id="00001580:00:1E.0">');
  const d = await detect({ ...pciFiles([['1580:00:1e.0', '10de', '2237', 'nvidia']]), exec: { [tool('nvidiaSmiXml')]: execResult(xml) } });
  const g = gpus(d);
  assert.is(g.length, 1);
  assert.equal([g[0].name, g[0].memoryMiB, g[0].address], ['NVIDIA A10G', 23028, '1580:00:1e.0']);
  assert.equal(g[0].sources, ['pci', 'nvidia-smi']);
});

test('AMD GPUs from rocm-smi merge onto their PCI devices by `PCI Bus` (real MI100 ×6, ROCm 5.7; sysfs derived from the same file)', async () => {
  const text = read('rocm-smi/json/telegraf-mi100_rocm571.json');
  const info = parseRocmSmiJson(text);
  assert.ok(info.gpus.every((x) => x.busId), 'every card prints PCI Bus');
  const pci = pciFiles(info.gpus.map((x) => [normalizePciAddress(x.busId)!, '1002', x.deviceId!.replace(/^0x/, ''), 'amdgpu']));
  const d = await detect({ ...pci, exec: { [tool('rocmSmi')]: execResult(text) } });
  const g = gpus(d);
  assert.is(g.length, info.gpus.length);
  for (const x of g) {
    assert.is(x.name, 'Arcturus GL-XL [Instinct MI100]');
    assert.is(x.memoryMiB, Math.round(34342961152 / 2 ** 20));
    assert.equal(x.sources, ['pci', 'rocm-smi']);
  }
  assert.equal([d.capabilities['gpu.amd'].advertised, d.capabilities['gpu.rocm'].usable], [true, true]);
});

test('a UTF-8 BOM before rocm-smi JSON is accepted (every real rocm-smi file, BOM prepended: derived)', () => {
  for (const f of ['telegraf-mi100_rocm571.json', 'telegraf-mi100_rocm602.json', 'telegraf-rx6700xt_rocm430.json', 'telegraf-rx6700xt_rocm571.json', 'telegraf-rx6700xt_rocm602.json', 'telegraf-rx6700xt_rocm612.json', 'telegraf-vega-10-XT.json', 'telegraf-vega-20-WKS-GL-XE.json']) {
    const t = read(`rocm-smi/json/${f}`);
    assert.equal(parseRocmSmiJson('\uFEFF' + t), parseRocmSmiJson(t), f);
  }
});

test('Hygon DCU: one vendor verdict with or without sysfs, VRAM from the MiB key', async () => {
  // hand-written in the layout of Hygon's rocm-smi (DTK): VRAM in MiB, vendor Chengdu Haiguang
  const json = JSON.stringify({
    card0: { 'Card series': 'Hygon DCU Z100', 'Card vendor': 'Chengdu Haiguang IC Design Co., Ltd.', 'Device ID': '0x55b7', 'PCI Bus': '0000:04:00.0', 'VRAM Total Memory (MiB)': '32752' },
    system: { 'Driver version': '5.16.0' },
  });
  const without = await detect({ dirs: { '/dev': ['kfd'] }, exec: { [tool('rocmSmi')]: execResult(json) } });
  const withPci = await detect({ ...pciFiles([['0000:04:00.0', '1d94', '55b7', 'hydcu']]), exec: { [tool('rocmSmi')]: execResult(json) } });
  for (const d of [without, withPci]) {
    assert.is(d.capabilities['gpu.amd'].advertised, true);
    assert.is(d.capabilities['gpu.rocm'].usable, true);
    assert.is(gpus(d)[0].memoryMiB, 32752);
  }
  assert.ok(withPci.capabilities['gpu.amd'].evidence.some((e) => e.includes('[1d94:55b7]')), 'the PCI vendor is Hygon, not AMD');
});

test('nvidia-smi sentinels are null everywhere, through one function', () => {
  for (const s of ['N/A', '[N/A]', '[Not Supported]', 'Not Supported', 'Not Found', 'Unknown Error', '[Unknown Error]', '']) assert.is(smiValue(s), null, s);
  assert.is(smiValue('12.2'), '12.2');
  // real A10G XML with cuda_version "Not Found" (what nvidia-smi prints without a CUDA driver): derived
  const xml = read('nvidia-smi/query-xml/telegraf-a10g.xml').replace('<cuda_version>11.7</cuda_version>', '<cuda_version>Not Found</cuda_version>');
  assert.is(parseNvidiaSmiXml(xml).cudaVersion, null);
});

test('an empty <gpu id=""> gives a null bus id, not "" (real A10G XML, id emptied: derived)', () => {
  const xml = read('nvidia-smi/query-xml/telegraf-a10g.xml').replace('<gpu id="00000000:00:1E.0">', '<gpu id="">').replace(/<pci_bus_id>[^<]*<\/pci_bus_id>/, '<pci_bus_id></pci_bus_id>');
  assert.is(parseNvidiaSmiXml(xml).gpus[0].busId, null);
});

/** The CSV the probe's query asks for, cut from a real `--query-gpu` capture (columns picked from it: derived). */
function csvFor(fields: string[], file = 'nvidia-smi/query-gpu-csv/linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.idle.csv'): string {
  const [h, ...rows] = read(file).split(/\r?\n/).filter(Boolean);
  const split = (l: string) => l.split(', ');
  const head = split(h);
  const idx = fields.map((f) => head.findIndex((x) => x.replace(/ \[.*\]$/, '') === f));
  assert.ok(idx.every((i) => i >= 0), 'the capture has every field');
  return [idx.map((i) => head[i]).join(', '), ...rows.map((r) => idx.map((i) => split(r)[i]).join(', '))].join('\n') + '\n';
}

test('a truncated CSV header is a finding, not "0 GPUs"', async () => {
  const full = csvFor(queryFields(TOOLS.nvidiaSmiCsv.args)!);
  assert.is(parseNvidiaSmiCsv(full, queryFields(TOOLS.nvidiaSmiCsv.args)).gpus.length, 1);
  const cut = full.slice(0, full.indexOf('driver_version') + 6); // header cut mid-field, no rows
  assert.throws(() => parseNvidiaSmiCsv(cut, queryFields(TOOLS.nvidiaSmiCsv.args)), /truncated/);
  const d = await detect({ exec: { [tool('nvidiaSmiCsv')]: execResult(cut) } });
  assert.ok(d.findings.some((f) => f.code === 'GPU_TOOL_FAILED' && /truncated/.test(f.message)), JSON.stringify(d.findings));
});

test('a driver older than 510 rejecting compute_cap: the query runs again without it, no warning', async () => {
  // hand-written: what such a driver prints for an unknown field
  const rejected = { status: 'failed' as const, code: 2, signal: null, stdout: 'Field "compute_cap" is not a valid field to query.\n\n', stderr: '', truncated: false };
  const legacy = csvFor(queryFields(TOOLS.nvidiaSmiCsvLegacy.args)!);
  const d = await detect({ exec: { [tool('nvidiaSmiCsv')]: rejected, [tool('nvidiaSmiCsvLegacy')]: execResult(legacy) } });
  assert.not.ok(d.findings.some((f) => f.code === 'GPU_TOOL_FAILED'), JSON.stringify(d.findings));
  assert.is(gpus(d)[0].name, 'NVIDIA H100 80GB HBM3');
  assert.ok(d.evidence.some((e) => /older than 510/.test(e.detail ?? '')));
});

test('a truncated vulkaninfo is a finding, not fewer devices (this machine\'s real llvmpipe summary, cut: derived)', async () => {
  const c = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/captures/linux-x64-epyc-kvm-docker-pocl-llvmpipe-cudart-no-driver.json', import.meta.url)), 'utf8')) as Capture;
  const vk = c.exec[tool('vulkaninfo')].stdout;
  assert.is(parseVulkaninfoSummary(vk).devices.length, 1);
  const cut = vk.slice(0, vk.indexOf('deviceName'));
  assert.throws(() => parseVulkaninfoSummary(cut), /incomplete/);
  const d = await detect({ exec: { [tool('vulkaninfo')]: execResult(cut) } });
  assert.ok(d.findings.some((f) => f.code === 'GPU_TOOL_FAILED' && /vulkaninfo/.test(f.message)));
});

test('software devices never count as GPUs: PoCL → software.opencl, llvmpipe → software.vulkan, no gpu.* NFD label (real capture)', async () => {
  const file = fileURLToPath(new URL('../../../fixtures/captures/linux-x64-epyc-kvm-docker-pocl-llvmpipe-cudart-no-driver.json', import.meta.url));
  const c = JSON.parse(readFileSync(file, 'utf8')) as Capture;
  const d = await gpuProbe.detect(new ReplayHost(c), ctx());
  assert.is(d.capabilities['gpu.opencl'].advertised, false);
  assert.is(d.capabilities['gpu.vulkan'].advertised, false);
  assert.is(d.capabilities['software.opencl'].advertised, true);
  assert.ok(d.capabilities['software.opencl'].evidence.some((e) => /pthread|PoCL|cpu/i.test(e)));
  assert.is(d.capabilities['software.vulkan'].advertised, true);
  assert.ok(d.capabilities['software.vulkan'].evidence.some((e) => /llvmpipe/.test(e)));
  const host = new ReplayHost(c);
  const run = await runProbes(host, [gpuProbe], { calibrate: 'off', timeoutMs: 5000 });
  const report = buildReport(host, run, { probes: ['gpu'], calibrate: 'off', redact: true });
  const labels = renderNfd({ report } as Parameters<typeof renderNfd>[0]);
  // labels are fully qualified (ux, issue 16): feature.node.kubernetes.io/hwprobe-<id>
  assert.not.match(labels, /^feature\.node\.kubernetes\.io\/hwprobe-gpu\./m);
  assert.match(labels, /^feature\.node\.kubernetes\.io\/hwprobe-software\.opencl=/m);
});

test.run();
