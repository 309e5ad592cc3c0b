// Table-driven tests over every cpuinfo, sysctl and lscpu fixture of fixtures/corpus/MANIFEST.json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuProbe } from '../../../probes/cpu/index.js';
import { parseCpuinfo } from '../../../probes/cpu/parse-cpuinfo.js';
import { parseSysctl } from '../../../probes/cpu/parse-sysctl.js';
import { detectFromSysctl } from '../../../probes/cpu/detect-darwin.js';
import { lscpuFacts, parseLscpu } from '../../../probes/cpu/parse-lscpu.js';
import { X86_SIMD, ARM64_SIMD } from '../../../probes/cpu/tables.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, makeCapture } from '../../../src/host/capture.js';
import type { Detection } from '../../../src/types.js';
import {
  asList,
  cpuinfoHost,
  ctx,
  entries,
  fixture,
  NODE_ARCH_BY_DIR,
  okExec,
  sortedSet,
  sysctlHost,
  type Entry,
} from './corpus-helpers.js';

/** archspec microarchitecture → the x86-64 psABI level it implies ('x86-64' = baseline only). */
const LEVEL_BY_ARCHSPEC_TARGET: Record<string, string> = {
  x86_64: 'x86-64',
  nocona: 'x86-64',
  core2: 'x86-64',
  k10: 'x86-64',
  nehalem: 'x86-64-v2',
  westmere: 'x86-64-v2',
  sandybridge: 'x86-64-v2',
  ivybridge: 'x86-64-v2',
  bulldozer: 'x86-64-v2',
  piledriver: 'x86-64-v2',
  x86_64_v3: 'x86-64-v3',
  haswell: 'x86-64-v3',
  broadwell: 'x86-64-v3',
  skylake: 'x86-64-v3',
  alderlake: 'x86-64-v3',
  arrowlake_s: 'x86-64-v3',
  zen: 'x86-64-v3',
  zen2: 'x86-64-v3',
  zen3: 'x86-64-v3',
  skylake_avx512: 'x86-64-v4',
  cascadelake: 'x86-64-v4',
  icelake: 'x86-64-v4',
  sapphirerapids: 'x86-64-v4',
  zen4: 'x86-64-v4',
  zen5: 'x86-64-v4',
};

const all = entries();
const byCat = (c: Entry['category']) => all.filter((e) => e.category === c);
const dirOf = (e: Entry) => e.path.split('/')[1];

async function detect(host: ReplayHost): Promise<Detection> {
  try {
    return await cpuProbe.detect(host, ctx());
  } catch (e) {
    throw new Error(`detect threw: ${e}`);
  }
}

test('every cpuinfo, lscpu and sysctl file the manifest counts is in the fixtures', () => {
  const counts = JSON.parse(fixture('MANIFEST.json')).counts_by_category as Record<string, number>;
  for (const cat of ['cpuinfo', 'lscpu', 'sysctl'] as const) assert.is(byCat(cat).length, counts[cat], cat);
  assert.ok(all.length > 200, `only ${all.length} entries`);
});

for (const e of byCat('cpuinfo')) {
  test(`cpuinfo ${e.path}`, async () => {
    const text = fixture(e.path);
    const ci = parseCpuinfo(text);
    const vis = e.expected.visible_in_file;
    const arch = NODE_ARCH_BY_DIR[dirOf(e)];
    assert.ok(arch, `no arch for ${dirOf(e)}`);
    const d = await detect(cpuinfoHost(text, arch));
    assert.ok(d.status === undefined || d.status === 'ok', `status ${d.status}`);
    const f = d.facts as Record<string, any>;

    if (typeof vis['processor_entries'] === 'number' && dirOf(e) !== 's390x')
      assert.is(ci.processors.length, vis['processor_entries'], 'processor_entries');
    if (typeof vis['vendor_id'] === 'string') {
      assert.is(ci.vendor, vis['vendor_id']);
      assert.is(f.vendor, vis['vendor_id']);
    }
    if (vis['model name'] !== undefined) {
      const names = sortedSet([
        ...ci.processors.map((p) => p['model name']).filter(Boolean),
        ...ci.repeated.filter((r) => r.key === 'model name').map((r) => r.value),
      ]);
      assert.equal(names, sortedSet(asList(vis['model name'])), 'model name set');
      assert.is(f.model, asList(vis['model name'])[0]);
    }
    if (typeof vis['Processor'] === 'string') assert.is(ci.global['Processor'] ?? ci.processors[0]?.['Processor'], vis['Processor']);
    if (typeof vis['Hardware'] === 'string') assert.is(f.hardware, vis['Hardware']);
    if (typeof vis['cpu'] === 'string') assert.is(ci.model, vis['cpu']);
    if (typeof vis['revision'] === 'string') assert.is(f.ppc.revision, vis['revision']);

    // MIDR fields: the distinct values across processors, as whole sets
    const midrKeys: [string, 'implementer' | 'variant' | 'architecture' | 'part' | 'revision'][] = [
      ['CPU implementer', 'implementer'],
      ['CPU variant', 'variant'],
      ['CPU architecture', 'architecture'],
      ['CPU part', 'part'],
      ['CPU revision', 'revision'],
    ];
    for (const [k, field] of midrKeys) {
      if (vis[k] === undefined) continue;
      assert.equal(sortedSet(ci.midrs.map((m) => m[field] ?? '')), sortedSet(asList(vis[k])), k);
    }
    if (vis['CPU part'] !== undefined) assert.equal(f.midr, ci.midrs);
    const stated = e.expected.stated_by_source ?? {};
    if (Array.isArray(stated['core_midrs']) && ci.midrs.every((m) => m.midr)) {
      // pytorch/cpuinfo's asserted MIDRs; its mocks also feed sysfs, so cpuinfo may list fewer core types.
      const statedSet = new Set((stated['core_midrs'] as string[]).map((s) => s.toUpperCase().replace(/^0X/, '0x')));
      for (const m of ci.midrs) assert.ok(statedSet.has(m.midr!), `MIDR ${m.midr} not in ${[...statedSet]}`);
    }

    // Flags / Features: count and presence, against the raw file
    for (const k of ['flags_first_line_count', 'Features_first_line_count', 'features_first_line_count']) {
      if (typeof vis[k] === 'number') assert.is(ci.flags.length, vis[k], k);
    }
    assert.equal(f.flags, ci.flags);
    const present = (vis['x86_flags_present'] ?? vis['arm_features_present']) as Record<string, boolean> | undefined;
    if (present) for (const [flag, has] of Object.entries(present)) assert.is(ci.flags.includes(flag), has, flag);

    // Capabilities agree with the flags the file shows
    if (vis['x86_flags_present']) {
      for (const row of X86_SIMD) {
        const has = row.flags.some((fl) => ci.flags.includes(fl));
        assert.is(d.capabilities[`cpu.simd.${row.id}`]?.advertised, has, row.id);
      }
    }
    if (dirOf(e) === 'aarch64') {
      for (const row of ARM64_SIMD) assert.is(d.capabilities[`cpu.simd.${row.id}`]?.advertised, ci.flags.includes(row.id), row.id);
      assert.type(f.armLevel === null ? 'x' : f.armLevel, 'string');
    }
    if (dirOf(e) === 'arm' && present) {
      assert.is(d.capabilities['cpu.simd.neon']?.advertised, present.neon || present.asimd, 'neon');
      assert.is(d.capabilities['cpu.simd.vfpv4']?.advertised, present.vfpv4, 'vfpv4');
    }
    if (dirOf(e).startsWith('ppc')) assert.is(d.capabilities['cpu.simd.altivec']?.advertised, /altivec supported/.test(text));
    if (dirOf(e) === 's390x') {
      assert.is(f.vendor, 'IBM/S390');
      assert.is(f.logicalCpus, Number(vis['# processors']));
      for (const v of ['vx', 'vxe', 'vxe2']) assert.is(d.capabilities[`cpu.simd.${v}`]?.advertised, ci.flags.includes(v), v);
    }

    // RISC-V ISA string
    if (typeof vis['isa'] === 'string') {
      assert.is(ci.isa, vis['isa']);
      assert.is(f.riscv.isa, vis['isa']);
      const parts = (vis['isa'] as string).split('_');
      assert.is(f.riscv.base, 'rv64');
      // The corpus strings carry no version suffixes: letters after rv64, then one extension per underscore.
      assert.equal(f.riscv.extensions, [...parts[0].slice(4).split(''), ...parts.slice(1)]);
      assert.is(d.capabilities['cpu.simd.rvv']?.advertised, /^rv64[a-z]*v/.test(parts[0]));
    }

    // x86-64 level against archspec's microarchitecture
    const target = stated['archspec_expected_target'];
    if (typeof target === 'string' && (dirOf(e) === 'x86_64' || dirOf(e) === 'x86')) {
      const want = LEVEL_BY_ARCHSPEC_TARGET[target];
      assert.ok(want, `add ${target} to LEVEL_BY_ARCHSPEC_TARGET`);
      assert.is(f.x86_64Level, want, `${target}`);
      for (const L of ['x86-64-v2', 'x86-64-v3', 'x86-64-v4'])
        assert.is(d.capabilities[`cpu.isa.${L}`].advertised, want >= L && want !== 'x86-64', L);
    }
  });
}

for (const e of byCat('sysctl')) {
  test(`sysctl ${e.path}`, async () => {
    const text = fixture(e.path);
    const s = parseSysctl(text);
    const vis = e.expected.visible_in_file;
    for (const [k, v] of Object.entries(vis)) if (k.includes('.')) assert.is(s[k], v, k);
    const isArm = vis['hw.optional.arm64'] === '1' || /Apple/.test(String(vis['machdep.cpu.brand_string']));
    const arch = isArm ? 'arm64' : 'x64';
    const pure = detectFromSysctl(s, arch);
    const d = await detect(sysctlHost(text, arch));
    const f = d.facts as Record<string, any>;
    assert.equal(pure.capabilities, d.capabilities);
    assert.is(f.model, vis['machdep.cpu.brand_string']);
    if (vis['machdep.cpu.vendor']) assert.is(f.vendor, vis['machdep.cpu.vendor']);
    const logical = vis['hw.logicalcpu'] ?? vis['machdep.cpu.thread_count'];
    if (logical) assert.is(f.logicalCpus, Number(logical));
    const feat: [string, string][] = [
      ['hw.optional.neon', 'asimd'],
      ['hw.optional.arm.FEAT_BF16', 'bf16'],
      ['hw.optional.arm.FEAT_I8MM', 'i8mm'],
      ['hw.optional.arm.FEAT_SME', 'sme'],
      ['hw.optional.arm.FEAT_SME2', 'sme2'],
    ];
    for (const [k, id] of feat) if (vis[k] !== undefined) assert.is(d.capabilities[`cpu.simd.${id}`].advertised, vis[k] === '1', k);
    if (isArm) {
      assert.ok(d.capabilities['cpu.simd.asimd'], 'arm table on Apple Silicon');
      assert.not.ok(d.capabilities['cpu.simd.avx2'], 'no x86 table on Apple Silicon');
    }
    const target = (e.expected.stated_by_source ?? {})['archspec_expected_target'];
    if (!isArm && typeof target === 'string') {
      assert.is(f.x86_64Level, LEVEL_BY_ARCHSPEC_TARGET[target], target);
      assert.ok(d.capabilities['cpu.simd.sse4_1'].advertised, 'SSE4.1 → sse4_1');
    }
  });
}

for (const e of byCat('lscpu')) {
  test(`lscpu ${e.path}`, async () => {
    const text = fixture(e.path);
    const t = parseLscpu(text);
    const vis = e.expected.visible_in_file;
    for (const [k, v] of Object.entries(vis)) assert.is(t[k], v, k);
    const lf = lscpuFacts(t);
    // The probe with lscpu as its only source (no /proc/cpuinfo) still answers and never throws.
    const archMap: Record<string, string> = { x86_64: 'x64', aarch64: 'arm64', ppc64le: 'ppc64', s390x: 's390x' };
    const host = new ReplayHost(
      makeCapture({
        info: { platform: 'linux', arch: archMap[t['Architecture'] ?? ''] ?? 'x64' },
        exec: { [execKey('lscpu', [])]: okExec(text) },
      }),
    );
    const d = await detect(host);
    const f = d.facts as Record<string, any>;
    if (lf.cpus !== null) assert.is(f.logicalCpus, lf.cpus);
    assert.equal(f.flags, lf.flags);
    if (lf.modelName) assert.is(f.model, lf.modelName);
  });
}

test.run();
