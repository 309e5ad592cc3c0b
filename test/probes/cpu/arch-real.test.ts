// Issue 14 §1 against other projects' real data and their own answers (fixtures/arch/README.md):
// pytorch/cpuinfo's mocked Android sysfs trees (topology from files alone, no lscpu), google/
// cpu_features' LoongArch and MIPS /proc/cpuinfo captures, and transcribed hybrid-ARM lscpu outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuProbe } from '../../../probes/cpu/index.js';
import { familyOfLayout, parseCpuinfo } from '../../../probes/cpu/parse-cpuinfo.js';
import { lscpuFacts, parseLscpu } from '../../../probes/cpu/parse-lscpu.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { makeCapture } from '../../../src/host/capture.js';
import { cpuinfoHost, ctx } from './corpus-helpers.js';

const ARCH = fileURLToPath(new URL('../../../fixtures/arch/', import.meta.url));
const read = (p: string) => readFileSync(ARCH + p, 'utf8');

/** pytorch/cpuinfo's own answer: `ASSERT_EQ(n, cpuinfo_get_<what>_count())` in its test. */
function stated(cc: string, what: string): number | null {
  const m = new RegExp(`ASSERT_EQ\\((\\d+), cpuinfo_get_${what}_count\\(\\)\\)`).exec(cc);
  return m ? Number(m[1]) : null;
}

for (const f of readdirSync(ARCH + 'pytorch-cpuinfo').filter((x) => x.endsWith('.json'))) {
  const device = f.replace(/\.json$/, '');
  test(`pytorch/cpuinfo ${device}: topology from sysfs alone agrees with the project's own test`, async () => {
    const files = JSON.parse(read(`pytorch-cpuinfo/${f}`)) as Record<string, string>;
    const cc = read(`pytorch-cpuinfo/${device}.expected.cc`);
    // The cpuN directory listing is derived from the mocked paths (the mock has files, not directories).
    const cpus = [...new Set(Object.keys(files).map((k) => /^\/sys\/devices\/system\/cpu\/(cpu\d+)\//.exec(k)?.[1]).filter((x): x is string => !!x))];
    const arch = familyOfLayout(parseCpuinfo(files['/proc/cpuinfo'])) === 'arm64' ? 'arm64' : 'arm';
    const host = new ReplayHost(makeCapture({ info: { platform: 'linux', arch }, files, dirs: { '/sys/devices/system/cpu': cpus } }));
    const fa = (await cpuProbe.detect(host, ctx())).facts as Record<string, any>;
    // scaleway.expected.cc asserts 2 processors through cpuinfo's old API while its own mock lists 6
    // CPUs (cpuinfo blocks, possible/present 0-5): not an oracle for counts, only for "no crash".
    const processors = stated(cc, 'processors');
    if (processors === null) return;
    assert.is(fa.logicalCpus, processors, 'processors');
    const cores = stated(cc, 'cores');
    const packages = stated(cc, 'packages');
    const clusters = stated(cc, 'clusters');
    const hasTopology = cpus.some((c) => `/sys/devices/system/cpu/${c}/topology/thread_siblings_list` in files);
    if (!hasTopology) {
      assert.is(fa.topologySource, null, 'no topology files: nothing invented');
      return;
    }
    if (cpus.length < processors) {
      // moto-g-gen1: only cpu0 is online in the mock. Counting 1 core would be wrong: say nothing.
      assert.is(fa.cores, null, 'partial topology gives no count');
      return;
    }
    if (cores !== null) assert.is(fa.cores, cores, 'cores');
    if (packages !== null) assert.is(fa.sockets, packages, 'packages');
    if (clusters !== null && clusters > 1) assert.is(fa.sysfsTopology.clusters, clusters, 'clusters');
    assert.is(fa.topologySource, 'sysfs');
  });
}

/** The /proc/cpuinfo texts of a google/cpu_features test file, with the test names. */
function cpuFeaturesCaptures(file: string): { name: string; text: string; after: string }[] {
  const src = read(`cpu_features/${file}`);
  const out: { name: string; text: string; after: string }[] = [];
  const re = /TEST\(\w+, (\w+)\)[\s\S]*?"\/proc\/cpuinfo",\s*R"\(([\s\S]*?)\)"\);([\s\S]*?)(?=TEST\(|$)/g;
  for (const m of src.matchAll(re)) out.push({ name: m[1], text: m[2], after: m[3] });
  return out;
}

test('LoongArch (google/cpu_features: Loongson-3A5000-HV and a QEMU 3A5000): its own layout, vendor, model, LSX/LASX as the project asserts, cores from package/core', async () => {
  const caps = cpuFeaturesCaptures('cpuinfo_loongarch_test.cc');
  assert.is(caps.length, 2);
  for (const c of caps) {
    assert.is(parseCpuinfo(c.text).kind, 'loongarch', c.name);
    const d = await cpuProbe.detect(cpuinfoHost(c.text, 'loong64'), ctx());
    const f = d.facts as Record<string, any>;
    assert.is(f.vendor, 'Loongson');
    assert.is(f.model, /Model Name\s*: (.*)/.exec(c.text)![1].trim());
    assert.equal([f.cores, f.sockets, f.logicalCpus], [4, 1, 4]);
    for (const ext of ['lsx', 'lasx']) {
      const says = new RegExp(`EXPECT_TRUE\\(info\\.features\\.${ext.toUpperCase()}\\)`).test(c.after);
      assert.is(d.capabilities[`cpu.simd.${ext}`].advertised, says, `${c.name} ${ext}`);
    }
    assert.not.ok(Object.keys(d.capabilities).some((k) => /neon|vfp|asimd/.test(k)), 'no ARM table');
  }
});

test('MIPS (google/cpu_features: Ci40, AR7161, Goldfish, BCM1250): its own layout; MSA/DSP as `ASEs implemented` and the project say', async () => {
  const caps = cpuFeaturesCaptures('cpuinfo_mips_test.cc');
  assert.ok(caps.length >= 4, String(caps.length));
  for (const c of caps) {
    assert.is(parseCpuinfo(c.text).kind, 'mips', c.name);
    const d = await cpuProbe.detect(cpuinfoHost(c.text, 'mipsel'), ctx());
    const f = d.facts as Record<string, any>;
    assert.is(f.model, /cpu model\s*: (.*)/.exec(c.text)![1].trim(), c.name);
    for (const [ext, flag] of [['msa', 'MSA'], ['dsp', 'DSP']] as const) {
      const m = new RegExp(`EXPECT_(TRUE|FALSE)\\(info\\.features\\.${flag}\\)`).exec(c.after);
      if (m) assert.is(d.capabilities[`cpu.simd.${ext}`].advertised, m[1] === 'TRUE', `${c.name} ${ext}`);
    }
  }
});

test('hybrid ARM lscpu (transcribed RK3399, RK3588): one section per core type, cores summed', () => {
  for (const [f, cores] of [['rk3399.lscpu.txt', 6], ['rk3588.lscpu.txt', 8]] as const) {
    const t = read(`lscpu-transcribed/${f}`);
    assert.is(lscpuFacts(parseLscpu(t), t).cores, cores, f);
  }
});

test.run();
