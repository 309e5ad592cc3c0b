// Parser edge cases and the probe's logic paths on small inputs. Inline strings are hand-written
// (marked so); real-machine behaviour is covered by corpus.test.ts over fixtures/corpus.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCpuinfo, parseRiscvIsa } from '../../../probes/cpu/parse-cpuinfo.js';
import { AT_HWCAP, AT_HWCAP2, decodeArm64Hwcaps, parseAuxv64 } from '../../../probes/cpu/parse-auxv.js';
import { parseHwcapsTunable, parseLdsoHelp } from '../../../probes/cpu/glibc.js';
import { parseLscpuParsable } from '../../../probes/cpu/parse-lscpu.js';
import { armLevel, x86Levels } from '../../../probes/cpu/capabilities.js';
import { sameModel, sameVendor } from '../../../probes/cpu/systeminfo.js';
import { cpuListCount, sizeToBytes } from '../../../probes/cpu/sysfs.js';
import { cpuProbe } from '../../../probes/cpu/index.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, makeCapture } from '../../../src/host/capture.js';
import { cpuinfoHost, ctx, fixture, okExec } from './corpus-helpers.js';

/** Builds a 64-bit little-endian auxv image from [tag, value] pairs, AT_NULL-terminated. */
function auxv(pairs: [number, bigint][]): string {
  const b = Buffer.alloc((pairs.length + 1) * 16);
  pairs.forEach(([t, v], i) => {
    b.writeBigUInt64LE(BigInt(t), i * 16);
    b.writeBigUInt64LE(v, i * 16 + 8);
  });
  return b.toString('base64');
}

test('CRLF, lone CR and a missing final newline parse the same', () => {
  // hand-written: a two-block x86 cpuinfo
  const lf = 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: fpu sse2 pni\n\nprocessor\t: 1\nflags\t\t: fpu sse2 pni\n';
  const a = parseCpuinfo(lf);
  const b = parseCpuinfo(lf.replace(/\n/g, '\r\n'));
  const c = parseCpuinfo(lf.replace(/\n$/, ''));
  const d = parseCpuinfo(lf.replace(/\n/g, '\r'));
  for (const x of [b, c, d]) {
    assert.equal(x.flags, a.flags);
    assert.is(x.logicalCpus, 2);
    assert.is(x.vendor, 'GenuineIntel');
  }
  assert.equal(a.flags, ['fpu', 'sse2', 'pni']);
});

test('garbage, empty and unknown layouts never throw', () => {
  // hand-written junk
  for (const t of ['', '\n\n', ':::', 'processor : x', '\u0000\u0001binary', 'cpu : UltraSparc T5\nncpus active : 24\n', 'Model Name : Loongson-3A5000\nISA : loongarch32 loongarch64\n']) {
    const r = parseCpuinfo(t);
    assert.type(r.kind, 'string');
  }
  assert.is(parseCpuinfo('cpu : UltraSparc T5\nncpus active : 24\n').logicalCpus, 24); // hand-written sparc64 shape
});

test('RISC-V ISA strings: base, letters, multi-letter, g and versions', () => {
  assert.equal(parseRiscvIsa('rv64imafdcv_zba_zbb_sstc'), {
    base: 'rv64',
    letters: ['i', 'm', 'a', 'f', 'd', 'c', 'v'],
    multi: ['zba', 'zbb', 'sstc'],
    extensions: ['i', 'm', 'a', 'f', 'd', 'c', 'v', 'zba', 'zbb', 'sstc'],
    invalid: [],
  });
  assert.equal(parseRiscvIsa('rv64gc')!.letters, ['i', 'm', 'a', 'f', 'd', 'c']);
  assert.equal(parseRiscvIsa('rv32i2p1m2p0_zicsr2p0')!.extensions, ['i', 'm', 'zicsr']);
  assert.is(parseRiscvIsa('x86_64'), null);
});

test('auxv: AT_HWCAP/AT_HWCAP2 decode to kernel names', () => {
  const img = Buffer.from(auxv([[6, 4096n], [AT_HWCAP, 0b11n | (1n << 20n) | (1n << 22n)], [AT_HWCAP2, (1n << 1n) | (1n << 14n)]]), 'base64');
  const m = parseAuxv64(new Uint8Array(img));
  assert.is(m.get(6), 4096n);
  const dec = decodeArm64Hwcaps(m.get(AT_HWCAP)!, m.get(AT_HWCAP2)!);
  assert.equal(dec.features, ['fp', 'asimd', 'asimddp', 'sve', 'sve2', 'bf16']);
  assert.equal(decodeArm64Hwcaps(1n << 60n, 0n).unknownBits, [{ word: 'AT_HWCAP', bit: 60 }]);
  assert.equal([...parseAuxv64(new Uint8Array(7)).keys()], []); // truncated image
});

test('arm64: auxv disagreeing with cpuinfo gives CPU_AUXV_DISAGREE; SVE length read', async () => {
  const text = fixture('cpuinfo/aarch64/archspec-linux-amazon-cortex_a72'); // fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid
  const host = cpuinfoHost(text, 'arm64', {
    binary: { '/proc/self/auxv': auxv([[AT_HWCAP, 0b11n | (1n << 22n)], [AT_HWCAP2, 0n]]) }, // hand-written: fp asimd sve
    files: { '/proc/sys/abi/sve_default_vector_length': '32\n' },
  });
  const d = await cpuProbe.detect(host, ctx());
  const f = d.findings.find((x) => x.code === 'CPU_AUXV_DISAGREE');
  assert.ok(f, 'finding');
  assert.match(String(f!.args!.onlyInAuxv), 'sve');
  assert.match(String(f!.args!.onlyInCpuinfo), 'aes');
  assert.is((d.facts as any).sveVectorLength, 32);
  assert.is((d.facts as any).armLevel, 'armv8.0-a');
  assert.is(d.capabilities['cpu.simd.asimd'].advertised, true);
  assert.is(d.capabilities['cpu.simd.sve'].advertised, false);
  assert.not.ok(d.capabilities['cpu.simd.avx2'], 'x86 table absent on arm64');
});

test('Arm levels are conservative lower bounds', () => {
  assert.is(armLevel(new Set(['fp', 'asimd'])), 'armv8.0-a');
  assert.is(armLevel(new Set(['fp', 'asimd', 'atomics', 'asimdrdm', 'crc32', 'dcpop', 'asimddp'])), 'armv8.2-a');
  assert.is(armLevel(new Set(['atomics'])), null);
  const n1 = parseCpuinfo(fixture('cpuinfo/aarch64/archspec-linux-amazon-neoverse_n1'));
  assert.is(armLevel(new Set(n1.features)), 'armv8.2-a'); // Neoverse N1 is Armv8.2-A
});

test('x86-64 levels: each requires the lower ones', () => {
  const v3only = new Set(['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave']);
  assert.is(x86Levels(v3only).level, null);
  const v2 = ['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3'];
  assert.is(x86Levels(new Set([...v2, ...v3only])).level, 'x86-64-v3');
  assert.is(x86Levels(new Set([...v2, ...v3only]), new Set(['avx2'])).level, 'x86-64-v2');
});

test('GLIBC_TUNABLES: several tunables, only -NAME masks, unknown names ignored', () => {
  const t = parseHwcapsTunable('glibc.malloc.check=0:glibc.cpu.hwcaps=-AVX2,-AVX512F,+ERMS,-SSE3,-avx,-BOGUS:glibc.rtld.x=1');
  assert.equal(t.disabled, ['AVX2', 'AVX512F', 'SSE3', 'avx', 'BOGUS']);
  assert.equal(t.maskedFlags, ['avx2', 'avx512f']);
  assert.equal(t.ignored, ['SSE3', 'avx', 'BOGUS']); // glibc 2.36 cannot disable SSE3; names are case-sensitive
  assert.equal(parseHwcapsTunable(undefined).disabled, []);
  assert.is(parseHwcapsTunable('glibc.malloc.check=0').value, null);
});

// hand-written in the shape of glibc 2.36 `ld.so --help` (tail only)
const LDSO_HELP = `Shared library search path:
  /lib/x86_64-linux-gnu (system search path)

Subdirectories of glibc-hwcaps directories, in priority order:
  x86-64-v4
  x86-64-v3 (supported, searched)
  x86-64-v2 (supported, searched)

Legacy HWCAP subdirectories under library search path directories:
  x86_64 (AT_PLATFORM; supported, searched)
`;

test('ld.so --help: glibc-hwcaps section', () => {
  assert.equal(parseLdsoHelp(LDSO_HELP), [
    { name: 'x86-64-v4', supported: false, searched: false },
    { name: 'x86-64-v3', supported: true, searched: true },
    { name: 'x86-64-v2', supported: true, searched: true },
  ]);
  assert.is(parseLdsoHelp('Usage: ld.so [OPTION]...'), null);
});

test('x86 replay: GLIBC_TUNABLES masks AVX2 → CPU_HWCAPS_MASKED; ld.so disagreeing → CPU_HWCAPS_DISAGREE', async () => {
  const text = fixture('cpuinfo/x86_64/archspec-linux-rocky8.5-zen4');
  const mk = (tun: string, ldso: string) =>
    new ReplayHost(
      makeCapture({
        info: { platform: 'linux', arch: 'x64' },
        env: { GLIBC_TUNABLES: tun },
        files: { '/proc/cpuinfo': text },
        exec: { [execKey('/lib64/ld-linux-x86-64.so.2', ['--help'])]: okExec(ldso) },
      }),
    );
  const d = await cpuProbe.detect(mk('glibc.cpu.hwcaps=-AVX2', LDSO_HELP.replace('x86-64-v3 (supported, searched)', 'x86-64-v3')), ctx());
  const f = d.facts as any;
  assert.is(f.x86_64Level, 'x86-64-v4');
  assert.is(f.glibcHwcapsLevel, 'x86-64-v2');
  assert.equal(d.findings.map((x) => x.code), ['CPU_HWCAPS_MASKED']);
  assert.is(d.findings[0].args!.masked, 'AVX2');
  assert.is(d.capabilities['cpu.simd.avx2'].advertised, true);
  assert.is(d.capabilities['cpu.simd.avx2'].usable, false);
  assert.is(d.capabilities['cpu.isa.x86-64-v3'].usable, false);
  assert.is(d.capabilities['cpu.isa.x86-64-v2'].usable, true);
  assert.is(d.capabilities['cpu.simd.avx'].usable, true);
  assert.is(d.capabilities['cpu.isa.x86-64-v4'].effective, null);

  // The table says v3 (AVX512F masked) but this ld.so claims only v2: the oracle disagrees.
  const d2 = await cpuProbe.detect(mk('glibc.cpu.hwcaps=-AVX512F', LDSO_HELP.replace('x86-64-v3 (supported, searched)', 'x86-64-v3')), ctx());
  assert.equal(d2.findings.map((x) => x.code).sort(), ['CPU_HWCAPS_DISAGREE', 'CPU_HWCAPS_MASKED']);
});

test('systeminformation as second source: CPU_SOURCE_DISAGREE on vendor/model/count', async () => {
  const text = fixture('cpuinfo/x86_64/ohai-x86-guest-kvm');
  const host = new ReplayHost(
    makeCapture({
      info: { platform: 'linux', arch: 'x64' },
      files: { '/proc/cpuinfo': text },
      calls: { 'systeminformation.cpu': { manufacturer: 'AMD', brand: 'EPYC', cores: 999 } }, // hand-written
    }),
  );
  const d = await cpuProbe.detect(host, ctx());
  const fields = d.findings.filter((x) => x.code === 'CPU_SOURCE_DISAGREE').map((x) => x.args!.field);
  assert.equal(fields.sort(), ['logicalCpus', 'model', 'vendor']);
  assert.ok(d.findings.every((x) => x.severity === 'info'));
  assert.ok(sameVendor('GenuineIntel', 'Intel'));
  assert.ok(sameModel('Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz', 'Xeon® E5-2680 v3'.replace('®', '')));
});

test('win32: best effort from systeminformation, partial facts, usable unknown', async () => {
  const host = new ReplayHost(
    makeCapture({
      info: { platform: 'win32', arch: 'x64', type: 'Windows_NT' },
      calls: {
        // hand-written, in systeminformation's shape
        'systeminformation.cpu': { manufacturer: 'Intel', brand: 'Core™ i7-8700', cores: 12, physicalCores: 6, processors: 1 },
        'systeminformation.cpuFlags': 'sse sse2 sse3 ssse3 sse4_1 sse4_2 avx avx2 fma f16c bmi1 bmi2 popcnt movbe cx16 lahf_lm abm xsave',
      },
    }),
  );
  const d = await cpuProbe.detect(host, ctx());
  const f = d.facts as any;
  assert.is(f.partial, true);
  assert.is(f.logicalCpus, 12);
  assert.is(f.x86_64Level, 'x86-64-v3');
  assert.is(d.capabilities['cpu.simd.avx2'].advertised, true);
  assert.is(d.capabilities['cpu.simd.avx2'].usable, null);
  assert.is(d.capabilities['cpu.simd.avx512f'].advertised, false);
});

test('unsupported platform and empty hosts: no throw, absence is data', async () => {
  const d = await cpuProbe.detect(new ReplayHost(makeCapture({ info: { platform: 'freebsd', arch: 'x64' } })), ctx());
  assert.is(d.status, 'unsupported');
  const e = await cpuProbe.detect(new ReplayHost(makeCapture({ info: { platform: 'linux', arch: 'x64' } })), ctx());
  assert.ok(e.evidence.some((x) => x.source === '/proc/cpuinfo' && !x.ok));
  assert.is(e.capabilities['cpu.simd.avx2'].advertised, null);
  assert.is(e.capabilities['cpu.isa.x86-64-v3'].advertised, null);
});

test('sysfs helpers: sizes and cpu lists', () => {
  assert.is(sizeToBytes('48K'), 49152);
  assert.is(sizeToBytes('2M'), 2 * 1024 * 1024);
  assert.is(sizeToBytes('odd'), null);
  assert.is(cpuListCount('0-3,8,10-11'), 7);
});

test('sysfs caches, cpufreq and x86 hybrid types are read through the host', async () => {
  const base = '/sys/devices/system/cpu';
  // hand-written sysfs tree of a hybrid Intel part
  const host = cpuinfoHost(fixture('cpuinfo/x86_64/archspec-linux-ubuntu24.04-alderlake'), 'x64', {
    dirs: { [`${base}/cpu0/cache`]: ['index0', 'index1', 'uevent'], [`${base}/types`]: ['intel_atom_0', 'intel_core_0'] },
    files: {
      [`${base}/cpu0/cache/index0/level`]: '1\n',
      [`${base}/cpu0/cache/index0/type`]: 'Data\n',
      [`${base}/cpu0/cache/index0/size`]: '48K\n',
      [`${base}/cpu0/cache/index0/shared_cpu_list`]: '0-1\n',
      [`${base}/cpu0/cache/index1/level`]: '2\n',
      [`${base}/cpu0/cache/index1/type`]: 'Unified\n',
      [`${base}/cpu0/cache/index1/size`]: '1280K\n',
      [`${base}/cpu0/cpufreq/cpuinfo_max_freq`]: '4700000\n',
      [`${base}/cpu0/cpufreq/cpuinfo_min_freq`]: '800000\n',
    },
  });
  const d = await cpuProbe.detect(host, ctx());
  const f = d.facts as any;
  assert.equal(f.caches.map((c: any) => [c.level, c.type, c.sizeBytes]), [[1, 'Data', 49152], [2, 'Unified', 1310720]]);
  assert.equal(f.frequencies.maxMHz, 4700);
  assert.is(f.hybrid, true);
});

test('lscpu -p listings', () => {
  const rows = parseLscpuParsable(fixture('lscpu/ohai/x86-host-cores.txt'));
  assert.ok(rows.length > 0);
  assert.equal(Object.keys(rows[0]), ['CPU', 'Core', 'Socket']);
});

test.run();
