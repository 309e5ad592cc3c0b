// Corpus conformance: every nvidia-smi and rocm-smi file of fixtures/corpus parses, and agrees with
// the facts its MANIFEST entry states (model names, driver and CUDA versions, memory totals), oddities included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  parseNvidiaSmiCapture,
  parseNvidiaSmiCsv,
  parseNvidiaSmiCsvRows,
  parseNvidiaSmiText,
  parseNvidiaSmiXml,
  stripDeprecation,
} from '../../../probes/gpu/parse-nvidia-smi.js';
import { parseRocmSmiJson } from '../../../probes/gpu/parse-tools.js';

const CORPUS = fileURLToPath(new URL('../../../fixtures/corpus/', import.meta.url));
const GPU_CATEGORIES = ['nvidia-smi-xml', 'nvidia-smi-capture', 'nvidia-smi-query-gpu-csv', 'nvidia-smi-q-text', 'rocm-smi-json'];

interface Entry {
  path: string;
  category: string;
  expected: { visible_in_file: Record<string, any>; stated_by_source: Record<string, any> | null };
  notes?: string[];
}

const entries = (JSON.parse(readFileSync(CORPUS + 'MANIFEST.json', 'utf8')) as { entries: Entry[] }).entries.filter((e) => GPU_CATEGORIES.includes(e.category));
const read = (p: string) => readFileSync(CORPUS + p, 'utf8');
const mibOf = (s: string | undefined) => (s ? Number(/^(\d+)/.exec(s)?.[1]) : null);

test('every GPU category of the shared corpus is here, with the counts the manifest gives', () => {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[e.category] = (counts[e.category] ?? 0) + 1;
  assert.equal(counts, { 'nvidia-smi-xml': 20, 'nvidia-smi-capture': 10, 'nvidia-smi-query-gpu-csv': 10, 'nvidia-smi-q-text': 10, 'rocm-smi-json': 8 });
});

for (const e of entries.filter((x) => x.category === 'nvidia-smi-xml')) {
  test(`xml: ${e.path}`, () => {
    const v = e.expected.visible_in_file;
    const info = parseNvidiaSmiXml(read(e.path));
    assert.is(info.driverVersion, v.driver_version ?? null);
    assert.is(info.cudaVersion, v.cuda_version ?? null);
    assert.is(info.attachedGpus, v.attached_gpus ? Number(v.attached_gpus) : null);
    assert.equal(info.gpus.map((g) => g.name), v.gpus.map((g: any) => g.product_name));
    assert.equal(info.gpus.map((g) => g.memoryTotalMiB), v.gpus.map((g: any) => mibOf(g.fb_memory_total)));
    assert.equal(info.gpus.map((g) => g.uuid), v.gpus.map((g: any) => g.uuid ?? null));
    assert.equal(info.gpus.map((g) => g.migMode), v.gpus.map((g: any) => (g.mig_mode_current && g.mig_mode_current !== 'N/A' ? g.mig_mode_current : null)));
    const st = e.expected.stated_by_source;
    if (st) {
      // telegraf's test expectations for the first GPU
      assert.is(info.gpus[0].name, st.name);
      if (st.driver_version) assert.is(info.driverVersion, st.driver_version);
      if (st.cuda_version) assert.is(info.cudaVersion, st.cuda_version);
      assert.is(info.gpus[0].memoryTotalMiB, Number(st.memory_total));
      if (st.arch) assert.is(info.gpus[0].architecture, st.arch);
    }
  });
}

test('xml oddities: MIG on the A100, a GRID vGPU, "Graphics Device", a reduced sample', () => {
  const a100 = parseNvidiaSmiXml(read('nvidia-smi/query-xml/telegraf-a100-sxm4-v12.xml'));
  assert.is(a100.attachedGpus, 4); // says 4, holds one <gpu> with 4 MIG devices
  assert.is(a100.gpus.length, 1);
  assert.is(a100.gpus[0].migMode, 'Enabled');
  assert.equal(a100.gpus[0].migDevices.map((m) => [m.memoryTotalMiB, m.smCount]), [[19968, 14], [19968, 14], [19968, 14], [19968, 14]]);
  const p4 = parseNvidiaSmiXml(read('nvidia-smi/query-xml/telegraf-tesla-p4.xml'));
  assert.is(p4.gpus[0].virtualizationMode, 'VGPU');
  assert.is(p4.gpus[0].name, 'GRID P4-1Q');
  const g1660 = parseNvidiaSmiXml(read('nvidia-smi/query-xml/telegraf-gtx-1660-ti.xml'));
  assert.ok(g1660.gpus[0].genericName);
  const reduced = parseNvidiaSmiXml(read('nvidia-smi/query-xml/telegraf-gtx-1070-ti.xml'));
  assert.is(reduced.driverVersion, null);
  assert.is(reduced.gpus[0].name, 'GeForce GTX 1070 Ti');
});

for (const e of entries.filter((x) => x.category === 'nvidia-smi-q-text')) {
  test(`-q text: ${e.path}`, () => {
    const v = e.expected.visible_in_file;
    const info = parseNvidiaSmiText(read(e.path));
    // 610.x marks both versions deprecated and adds KMD / CUDA UMD Version: those win.
    assert.is(info.driverVersion, v['KMD Version'] ?? v['Driver Version']);
    assert.is(info.cudaVersion, v['CUDA UMD Version'] ?? v['CUDA Version']);
    assert.is(info.deprecatedVersionFields, /Deprecated/.test(v['Driver Version']));
    assert.is(stripDeprecation(v['Driver Version']).value, v['KMD Version'] ?? v['Driver Version']);
    assert.is(info.attachedGpus, Number(v['Attached GPUs']));
    assert.equal(info.gpus.map((g) => g.name), [v['Product Name']]);
    assert.is(info.gpus[0].architecture, v['Product Architecture']);
    assert.is(info.gpus[0].memoryTotalMiB, mibOf(v['FB Memory Usage / Total']));
  });
}

for (const e of entries.filter((x) => x.category === 'nvidia-smi-query-gpu-csv')) {
  test(`csv: ${e.path}`, () => {
    const v = e.expected.visible_in_file;
    const text = read(e.path);
    const rows = parseNvidiaSmiCsvRows(text);
    assert.is(Object.keys(rows[0]).length, v.header_columns);
    assert.is(rows.length, v.gpu_rows);
    const info = parseNvidiaSmiCsv(text);
    v.rows.forEach((r: any, i: number) => {
      const g = info.gpus[i];
      assert.is(g.name, r.name);
      assert.is(info.driverVersion, r.driver_version);
      assert.is(g.memoryTotalMiB, mibOf(r['memory.total [MiB]']));
      assert.is(g.computeCap, r.compute_cap);
      assert.is(g.pciDeviceId, r['pci.device_id'].replace(/^0x/, ''));
      assert.is(g.migMode, r['mig.mode.current'] === '[N/A]' ? null : r['mig.mode.current']);
    });
  });
}

for (const e of entries.filter((x) => x.category === 'nvidia-smi-capture')) {
  test(`capture: ${e.path}`, () => {
    const v = e.expected.visible_in_file;
    const info = parseNvidiaSmiCapture(read(e.path));
    // The file name carries model and driver (stated by the source).
    assert.is(info.driverVersion, v.filename_driver);
    assert.is(info.version?.smi, v['version_NVIDIA-SMI version']);
    assert.is(info.version?.driverVersion, v['version_KMD version'] ?? v['version_DRIVER version']);
    assert.is(info.version?.cudaVersion, v['version_CUDA UMD version'] ?? v['version_CUDA Version']);
    assert.is(info.version?.deprecatedVersionFields, 'version_KMD version' in v);
    assert.is(info.cudaVersion, v['version_CUDA UMD version'] ?? v['version_CUDA Version']);
    const row = v.idle_query_gpu_rows[0];
    assert.is(info.gpus[0].name, row.name);
    assert.is(info.gpus[0].memoryTotalMiB, mibOf(row['memory.total [MiB]']));
    assert.is(info.gpus[0].computeCap, row.compute_cap);
    assert.is(info.gpus[0].migMode, row['mig.mode.current'] === '[N/A]' ? null : row['mig.mode.current']);
    // MIG: the -L lines give the instances and their profiles.
    const mig = (v.nvidia_smi_L as string[]).slice(1).map((l) => /MIG (\S+)/.exec(l)![1]);
    assert.equal(info.gpus[0].migDevices.map((m) => m.profile), mig);
  });
}

for (const e of entries.filter((x) => x.category === 'rocm-smi-json')) {
  test(`rocm-smi: ${e.path}`, () => {
    const v = e.expected.visible_in_file;
    const info = parseRocmSmiJson(read(e.path));
    assert.is(info.driverVersion, v.system['Driver version']);
    assert.is(info.gpus.length, v.card_count);
    for (const g of info.gpus) {
      const c = v.cards[g.card];
      // GPU ID (≤ ROCm 5.7) became Device ID (6.0+)
      assert.is(g.deviceId, (c['Device ID'] ?? c['GPU ID']).toLowerCase());
      assert.is(g.vramTotalBytes, Number(c['VRAM Total Memory (B)']));
      const series = c['Device Name'] ?? c['Card Series'] ?? c['Card series'] ?? null;
      // ROCm 4.3 printed the vendor id 0x1002 as the series: no name
      assert.is(g.name, series && !/^0x/.test(series) ? series : null);
      assert.is(g.gfxVersion, c['GFX Version'] ?? null);
    }
    const st = e.expected.stated_by_source!;
    assert.is(info.gpus[0].deviceId, st.gpu_id);
    assert.is(info.gpus[0].vramTotalBytes, Number(st.memory_total));
    // telegraf encodes the driver version as digits without dots
    assert.is(info.driverVersion!.replace(/\./g, ''), st.driver_version);
  });
}

test.run();
