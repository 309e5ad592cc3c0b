// Issue 14 §1: topology and identity on every architecture, auxv everywhere, emulated processes.
// Real data first (fixtures/corpus, fixtures/captures); the hand-written strings are small parser
// edge cases, each marked so, in the layout the kernel source named beside it prints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuProbe } from '../../../probes/cpu/index.js';
import { markEmulated } from '../../../probes/cpu/calibrate.js';
import { parseCpuinfo, parseRiscvIsa } from '../../../probes/cpu/parse-cpuinfo.js';
import { lscpuFacts, parseLscpu } from '../../../probes/cpu/parse-lscpu.js';
import { countTopology, type CpuTopologyRecord } from '../../../probes/cpu/sysfs.js';
import { decodeHwcaps, parseAuxv32 } from '../../../probes/cpu/parse-auxv.js';
import { binfmtMatches, emulationFromLinux, emulationFromWindows, parseBinfmtEntry } from '../../../probes/environment/virt.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, makeCapture, type Capture } from '../../../src/host/capture.js';
import { cpuinfoHost, ctx, entries, fixture, okExec } from './corpus-helpers.js';

const capture = (name: string): Capture =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../../fixtures/captures/${name}`, import.meta.url)), 'utf8')) as Capture;
const facts = async (host: ReplayHost) => {
  const d = await cpuProbe.detect(host, ctx());
  return { d, f: d.facts as Record<string, any> };
};

/** A 32-bit little-endian auxv image from [tag, value] pairs, AT_NULL-terminated, base64. */
function auxv32(pairs: [number, number][]): string {
  const b = Buffer.alloc((pairs.length + 1) * 8);
  pairs.forEach(([t, v], i) => {
    b.writeUInt32LE(t, i * 8);
    b.writeUInt32LE(v >>> 0, i * 8 + 4);
  });
  return b.toString('base64');
}
/** A 64-bit auxv image, big- or little-endian, base64. */
function auxv64(pairs: [number, bigint][], be = false): string {
  const b = Buffer.alloc((pairs.length + 1) * 16);
  pairs.forEach(([t, v], i) => {
    if (be) {
      b.writeBigUInt64BE(BigInt(t), i * 16);
      b.writeBigUInt64BE(v, i * 16 + 8);
    } else {
      b.writeBigUInt64LE(BigInt(t), i * 16);
      b.writeBigUInt64LE(v, i * 16 + 8);
    }
  });
  return b.toString('base64');
}

// ---------------------------------------------------------------- topology

test('sysfs topology of a real machine (this project\'s EPYC KVM guest): 1 socket, 2 cores, 1 thread each, from files alone', async () => {
  const c = capture('linux-x64-epyc-kvm-docker-sysfs-topology.json');
  c.exec = {}; // no lscpu
  const { f } = await facts(new ReplayHost(c));
  assert.is(f.topologySource, 'sysfs');
  assert.equal([f.sockets, f.cores, f.threadsPerCore], [1, 2, 1]);
  // The oracle: the same capture's cpuinfo says "physical id 0", "cpu cores 2", "siblings 2".
  const ci = parseCpuinfo(c.files['/proc/cpuinfo']!);
  assert.is(ci.processors[0]['cpu cores'], '2');
  assert.is(ci.processors[0]['siblings'], '2');
  assert.is(f.sysfsTopology.clusters, null, 'cluster_id 65535 (BAD_APICID) is unknown, not one cluster');
});

test('topology counting: a core is a distinct thread-siblings list, core_id repeating across clusters does not merge cores', () => {
  // hand-written: 2 clusters of 2 cores on one package, core_id restarting per cluster (arm64 MPIDR style), SMT off
  const rec = (cpu: number, cluster: number, core: number): CpuTopologyRecord => ({
    cpu, coreId: core, packageId: 0, dieId: -1, clusterId: cluster, threadSiblings: String(cpu), packageCpus: '0-3',
  });
  const t = countTopology([rec(0, 0, 0), rec(1, 0, 1), rec(2, 1, 0), rec(3, 1, 1)]);
  assert.equal([t.sockets, t.cores, t.threadsPerCore, t.clusters, t.dies], [1, 4, 1, 2, null]);
  // hand-written: POWER-style SMT4, one core; package id -1 falls back to the package CPU list
  const smt = [0, 1, 2, 3].map((cpu): CpuTopologyRecord => ({ cpu, coreId: 0, packageId: -1, dieId: null, clusterId: null, threadSiblings: '0-3', packageCpus: '0-3' }));
  const s = countTopology(smt);
  assert.equal([s.sockets, s.cores, s.threadsPerCore], [1, 1, 4]);
});

test('lscpu on s390 (real, ohai s390x-guest-kvm): Socket(s) per book × Book(s) per drawer × Drawer(s) = 4 sockets, 4 cores', async () => {
  const text = fixture('lscpu/ohai/s390x-guest-kvm.txt');
  const lf = lscpuFacts(parseLscpu(text), text);
  assert.equal([lf.sockets, lf.cores, lf.threadsPerCore, lf.cpus], [4, 4, 1, 4]);
  const host = new ReplayHost(makeCapture({ info: { platform: 'linux', arch: 's390x' }, exec: { [execKey('lscpu', [])]: okExec(text) } }));
  const { f } = await facts(host);
  assert.equal([f.sockets, f.cores, f.threadsPerCore, f.topologySource], [4, 4, 1, 'lscpu']);
});

test('lscpu on a hybrid ARM: one section per cluster type, cores summed (8, not the first section\'s 3)', () => {
  // hand-written in util-linux lscpu's layout for a 3×A510 + 2×A710 + 2×A715 + 1×X3 phone
  const sec = (name: string, n: number) =>
    `  Model name:             ${name}\n    Model:                0\n    Thread(s) per core:   1\n    Core(s) per cluster:  ${n}\n    Socket(s):            -\n    Cluster(s):           1\n`;
  const text = `Architecture:             aarch64\nCPU(s):                   8\nVendor ID:                ARM\n${sec('Cortex-A510', 3)}${sec('Cortex-A710', 2)}${sec('Cortex-A715', 2)}${sec('Cortex-X3', 1)}`;
  const lf = lscpuFacts(parseLscpu(text), text);
  assert.is(lf.cores, 8);
  assert.is(lf.sockets, null, '`-` is unknown');
  assert.equal(lf.modelNames, ['Cortex-A510', 'Cortex-A710', 'Cortex-A715', 'Cortex-X3']);
});

test('lscpu `-` placeholder is not a model name', () => {
  // hand-written: lscpu on an ARM part util-linux does not know
  const text = 'Architecture: aarch64\nCPU(s): 4\nVendor ID: ARM\nModel name: -\nCore(s) per cluster: 4\nSocket(s): -\nCluster(s): 1\n';
  const lf = lscpuFacts(parseLscpu(text), text);
  assert.is(lf.modelName, null);
  assert.is(lf.cores, 4);
});

// ---------------------------------------------------------------- identity per architecture

test('LoongArch is its own layout (not ARM): vendor, model, LSX/LASX table, package/core topology', async () => {
  // hand-written in the layout of arch/loongarch/kernel/proc.c (2 CPUs of a Loongson-3A5000)
  const blk = (n: number) =>
    `processor\t\t: ${n}\npackage\t\t\t: 0\ncore\t\t\t: ${n}\nglobal_id\t\t: ${n}\nCPU Family\t\t: Loongson-64bit\nModel Name\t\t: Loongson-3A5000\nCPU Revision\t\t: 0x11\nFPU Revision\t\t: 0x00\nCPU MHz\t\t\t: 2500.00\nBogoMIPS\t\t: 5000.00\nTLB Entries\t\t: 2112\nAddress Sizes\t\t: 48 bits physical, 48 bits virtual\nISA\t\t\t: loongarch32 loongarch64\nFeatures\t\t: cpucfg lam ual fpu lsx lasx crc32 complex crypto lvz lbt_x86 lbt_arm lbt_mips\nHardware Watchpoint\t: yes, iwatch count: 8, dwatch count: 8\n\n`;
  const text = `system type\t\t: generic-loongson-machine\n\n${blk(0)}${blk(1)}`;
  const ci = parseCpuinfo(text);
  assert.is(ci.kind, 'loongarch');
  const { d, f } = await facts(cpuinfoHost(text, 'loong64'));
  assert.equal([f.vendor, f.model, f.cores, f.sockets], ['Loongson', 'Loongson-3A5000', 2, 1]);
  assert.is(d.capabilities['cpu.simd.lsx'].advertised, true);
  assert.is(d.capabilities['cpu.simd.lasx'].advertised, true);
  assert.not.ok(d.capabilities['cpu.simd.neon'], 'no ARM table');
});

test('MIPS is its own layout: cpu model, isa and ASEs implemented, MSA table', async () => {
  // hand-written in the layout of arch/mips/kernel/proc.c
  const text = 'system type\t\t: Loongson-3\nmachine\t\t\t: Unknown\nprocessor\t\t: 0\ncpu model\t\t: Loongson-3 V0.4  FPU V0.1\nBogoMIPS\t\t: 2600.00\nisa\t\t\t: mips1 mips2 mips3 mips4 mips5 mips32r1 mips32r2 mips64r1 mips64r2\nASEs implemented\t: vz msa loongson-mmi loongson-cam loongson-ext loongson-ext2\npackage\t\t\t: 0\ncore\t\t\t: 0\n';
  const { d, f } = await facts(cpuinfoHost(text, 'mips64el'));
  assert.is(parseCpuinfo(text).kind, 'mips');
  assert.equal([f.vendor, f.model], ['Loongson', 'Loongson-3 V0.4  FPU V0.1']);
  assert.is(d.capabilities['cpu.simd.msa'].advertised, true);
  assert.is(d.capabilities['cpu.simd.loongson_mmi'].advertised, true);
  assert.is(d.capabilities['cpu.simd.dsp'].advertised, false);
});

test('SPARC vendor comes from the CPU, not the `type` (sun4u/sun4v) platform line', async () => {
  // hand-written in the layout of arch/sparc/kernel/cpu.c + setup_64.c
  const t5 = 'cpu\t\t: UltraSparc T5 (Niagara5)\nfpu\t\t: UltraSparc T5 integrated FPU\npmu\t\t: niagara5\ntype\t\t: sun4v\nncpus probed\t: 24\nncpus active\t: 24\ncpucaps\t\t: flush,stbar,swap,muldiv,v9,blkinit,n2,mul32,div32,v8plus,popc,vis,vis2,ASIBlkInit,fmaf,vis3,hpc,ima,pause,cbcond,aes\n';
  const u2 = 'cpu\t\t: TI UltraSparc II  (BlackBird)\nfpu\t\t: UltraSparc II integrated FPU\ntype\t\t: sun4u\nncpus probed\t: 1\nncpus active\t: 1\n';
  const a = await facts(cpuinfoHost(t5, 'sparc64'));
  assert.equal([a.f.vendor, a.f.logicalCpus], ['Oracle', 24]);
  assert.is(a.d.capabilities['cpu.simd.vis3'].advertised, true);
  const b = await facts(cpuinfoHost(u2, 'sparc64'));
  assert.is(b.f.vendor, 'Sun');
});

test('RISC-V vendor from mvendorid (real: SpacemiT X60, 0x710) and from uarch (real: SiFive U74-MC); archspec is the oracle', async () => {
  for (const e of entries().filter((x) => x.path.startsWith('cpuinfo/riscv64/'))) {
    const { f } = await facts(cpuinfoHost(fixture(e.path), 'riscv64'));
    assert.is(f.vendor, e.expected.stated_by_source!['archspec_target_vendor'], e.path);
  }
});

test('RISC-V ISA naming rules: no phantom `su` (QEMU privilege letters), no `xv5-`, z/s/x multi-letter names', () => {
  // hand-written: the shapes the issue reports
  const a = parseRiscvIsa('rv64imafdcsuh')!;
  assert.equal(a.letters, ['i', 'm', 'a', 'f', 'd', 'c', 'h']);
  assert.equal(a.multi, []);
  const b = parseRiscvIsa('rv64imafdcxv5-0p0')!;
  assert.not.ok(b.extensions.some((x) => x.includes('-')), b.extensions.join(' '));
  assert.equal(b.invalid, ['xv5-0p0']);
  const c = parseRiscvIsa('rv64imafdc_zicsr2p0_zifencei_sstc_xtheadvector')!;
  assert.equal(c.multi, ['zicsr', 'zifencei', 'sstc', 'xtheadvector']);
  assert.equal(parseRiscvIsa('rv64imafdczicsr_zba')!.multi, ['zicsr', 'zba']);
});

// ---------------------------------------------------------------- auxv everywhere

test('POWER7 without auxv: cpu.simd.vsx is null (cpuinfo cannot show VSX), altivec still true (real: archspec bgq-rhel6-power7)', async () => {
  const text = fixture('cpuinfo/ppc64/archspec-bgq-rhel6-power7');
  const { d, f } = await facts(cpuinfoHost(text, 'ppc64'));
  assert.is(d.capabilities['cpu.simd.vsx'].advertised, null);
  assert.is(d.capabilities['cpu.simd.altivec'].advertised, true);
  assert.ok(d.evidence.some((e) => e.source === '/proc/self/auxv' && !e.ok && /absent or unreadable/.test(e.detail ?? '')));
  assert.ok(f.sources.includes('/proc/cpuinfo'));
  // With an AT_HWCAP carrying PPC_FEATURE_HAS_VSX (0x80) the same machine says true (hand-built image, big-endian).
  const host = cpuinfoHost(text, 'ppc64', { binary: { '/proc/self/auxv': auxv64([[16, 0x10000080n]], true) } });
  (host.capture.info as { endianness: string }).endianness = 'BE';
  const w = await facts(host);
  assert.is(w.d.capabilities['cpu.simd.vsx'].advertised, true);
});

test('auxv is read on s390x, 32-bit ARM, RISC-V and LoongArch, and decoded with each family\'s table', async () => {
  // s390x: the real ohai cpuinfo, and an auxv with the same bits as its features line (hand-built: HWCAP bits 0..18)
  const s390 = fixture('cpuinfo/s390x/ohai-s390x');
  const bits = (n: number) => (1n << BigInt(n)) - 1n;
  const host = cpuinfoHost(s390, 's390x', { binary: { '/proc/self/auxv': auxv64([[16, bits(19)]], true) } });
  (host.capture.info as { endianness: string }).endianness = 'BE';
  const { f } = await facts(host);
  assert.equal(f.auxvFeatures, parseCpuinfo(s390).flags.filter((x: string) => f.auxvFeatures.includes(x)));
  assert.ok(f.auxvFeatures.includes('vx'));
  // 32-bit ARM: a 4-byte-word auxv (hand-built: HWCAP neon|vfpv4, HWCAP2 aes)
  const img = new Uint8Array(Buffer.from(auxv32([[16, (1 << 12) | (1 << 16)], [26, 1]]), 'base64'));
  const m = parseAuxv32(img);
  assert.equal(decodeHwcaps('arm', m.get(16)!, m.get(26)!), ['neon', 'vfpv4', 'aes']);
  assert.equal(decodeHwcaps('riscv', (1n << 0n) | (1n << 8n) | (1n << 21n), 0n), ['a', 'i', 'v']);
  assert.equal(decodeHwcaps('loongarch', (1n << 4n) | (1n << 5n), 0n), ['lsx', 'lasx']);
});

// ---------------------------------------------------------------- emulation

test('live capture under user-mode QEMU (arm64 node on an x86-64 host): emulated, host CPU reported as the host\'s, capabilities from AT_HWCAP', async () => {
  const c = capture('linux-arm64-qemu-user-on-x64-epyc.json');
  assert.is(c.info.arch, 'arm64');
  const { d, f } = await facts(new ReplayHost(c));
  assert.is(f.emulation.emulated, true);
  assert.is(f.emulation.hostArch, 'x86_64');
  assert.equal([f.vendor, f.model], [null, null], 'the host CPU is not the process CPU');
  assert.equal([f.host.vendor, f.host.model], ['AuthenticAMD', 'AMD EPYC']);
  assert.is(d.capabilities['cpu.simd.asimd'].advertised, true, 'AT_HWCAP carries asimd');
  assert.ok(d.capabilities['cpu.simd.asimd'].evidence.some((e) => e.includes('/proc/self/auxv')));
  assert.not.ok(Object.keys(d.capabilities).some((k) => /avx|sse/.test(k)), 'no x86 capability in an arm64 process');
  assert.ok(d.findings.some((x) => x.code === 'CPU_EMULATED' && /calibration measures the emulator/.test(x.message)));
  assert.not.ok(d.findings.some((x) => x.code === 'CPU_AUXV_DISAGREE'));
});

test('live captures under qemu-s390x, qemu-ppc64le and qemu-arm: each process\'s own AT_HWCAP decoded (big-endian s390x), POWER VSX seen only there', async () => {
  const s = await facts(new ReplayHost(capture('linux-s390x-qemu-user-on-x64-epyc.json')));
  assert.is(s.f.emulation.emulated, true);
  assert.ok(s.f.auxvFeatures.includes('zarch') && s.f.auxvFeatures.includes('vx'), s.f.auxvFeatures.join(' '));
  assert.is(s.d.capabilities['cpu.simd.vx'].advertised, true);
  assert.not.ok(Object.keys(s.d.capabilities).some((k) => /avx|sse|neon/.test(k)));
  const p = await facts(new ReplayHost(capture('linux-ppc64le-qemu-user-on-x64-epyc.json')));
  assert.equal(p.f.auxvFeatures, ['altivec', 'vsx']);
  assert.equal([p.d.capabilities['cpu.simd.altivec'].advertised, p.d.capabilities['cpu.simd.vsx'].advertised], [true, true]);
  assert.equal([p.f.host.vendor, p.f.vendor], ['AuthenticAMD', null]);
  // 32-bit ARM: a 4-byte-word auxv, AT_HWCAP (neon, vfpv4…) and AT_HWCAP2 (the AArch32 crypto bits)
  const a = await facts(new ReplayHost(capture('linux-arm-qemu-user-on-x64-epyc.json')));
  assert.ok(['neon', 'vfpv4', 'aes', 'sha2'].every((x) => a.f.auxvFeatures.includes(x)), a.f.auxvFeatures.join(' '));
  assert.is(a.d.capabilities['cpu.simd.neon'].advertised, true);
});

test('calibration under emulation says the figures are the emulator\'s', () => {
  // hand-written metrics; the emulation facts are the QEMU capture's
  const c = capture('linux-arm64-qemu-user-on-x64-epyc.json');
  return facts(new ReplayHost(c)).then(({ f }) => {
    const metrics: Record<string, any> = { 'cpu.scalar-f64': { status: 'ok', unit: 'GFLOP/s', value: 1, samples: 5, cv: 0.01 }, 'cpu.mem-copy': { status: 'skipped', unit: 'GB/s', reason: 'x' } };
    markEmulated(metrics, f);
    assert.match(metrics['cpu.scalar-f64'].notes, /emulator's speed, not the CPU's/);
    assert.is(metrics['cpu.mem-copy'].notes, undefined);
    const native: Record<string, any> = { 'cpu.scalar-f64': { status: 'ok', unit: 'GFLOP/s', value: 1 } };
    markEmulated(native, { emulation: { emulated: false } });
    assert.is(native['cpu.scalar-f64'].notes, undefined);
  });
});

test('binfmt_misc entries name QEMU (and Rosetta for Linux) for the process arch only', () => {
  // hand-written in the layout fs/binfmt_misc.c prints, for the registration qemu-user-static ships
  const e = parseBinfmtEntry('qemu-aarch64', 'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n');
  const e2 = parseBinfmtEntry('qemu-aarch64', 'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\noffset 0\n');
  assert.ok(binfmtMatches(e2, 'arm64'));
  assert.not.ok(binfmtMatches(e2, 'arm'), 'qemu-aarch64 is not qemu-arm');
  assert.not.ok(binfmtMatches(e2, 'x64'));
  assert.is(e.enabled, true);
  const x86 = fixture('cpuinfo/x86_64/archspec-linux-rocky9-zen5');
  const r = emulationFromLinux('arm64', x86, [e2]);
  assert.equal([r.emulated, r.mechanism, r.hostArch], [true, 'qemu-user', 'x86_64']);
  const native = emulationFromLinux('x64', x86, [e2]);
  assert.equal([native.emulated, native.mechanism], [false, null]);
  const rosetta = parseBinfmtEntry('rosetta', 'enabled\ninterpreter /mnt/lima-rosetta/rosetta\nflags: OCF\noffset 0\n');
  const arm = fixture('cpuinfo/aarch64/archspec-linux-asahi-m1');
  assert.equal(emulationFromLinux('x64', arm, [rosetta]).mechanism, 'rosetta');
});

test('Windows: an x64 process on an ARM64 machine is emulated; native x64 is not', () => {
  // hand-written: the values Windows sets (PROCESSOR_IDENTIFIER comes from the machine)
  const env = (m: Record<string, string>) => (n: string) => m[n];
  const arm = emulationFromWindows('x64', env({ PROCESSOR_IDENTIFIER: 'ARMv8 (64-bit) Family 8 Model D4B Revision   0, Qualcomm Technologies Inc' }));
  assert.equal([arm.emulated, arm.mechanism, arm.hostArch], [true, 'windows-arm64-emulation', 'arm64']);
  const x = emulationFromWindows('x64', env({ PROCESSOR_IDENTIFIER: 'Intel64 Family 6 Model 85 Stepping 7, GenuineIntel' }));
  assert.is(x.emulated, false);
  assert.is(emulationFromWindows('x64', env({})).emulated, null);
});

test.run();
