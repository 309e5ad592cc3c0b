/**
 * The CPU vocabularies: one `as const` table per vocabulary (STYLE "One table per vocabulary").
 * Feature names are the Linux kernel's /proc/cpuinfo spellings; other spellings (glibc, macOS)
 * are columns of the same rows. Adding a feature is adding a row.
 */

/** Architecture families the probe knows tables for. */
export type ArchFamily = 'x86' | 'arm64' | 'arm' | 'ppc' | 's390' | 'riscv' | 'loongarch' | 'mips' | 'sparc' | 'other';

/** Maps Node's `process.arch` to an architecture family. */
export function archFamily(nodeArch: string): ArchFamily {
  switch (nodeArch) {
    case 'x64':
    case 'ia32':
      return 'x86';
    case 'arm64':
      return 'arm64';
    case 'arm':
      return 'arm';
    case 'ppc64':
    case 'ppc':
      return 'ppc';
    case 's390x':
    case 's390':
      return 's390';
    case 'riscv64':
      return 'riscv';
    case 'loong64':
      return 'loongarch';
    case 'mips':
    case 'mipsel':
    case 'mips64':
    case 'mips64el':
      return 'mips';
    case 'sparc':
    case 'sparc64':
      return 'sparc';
    default:
      return 'other';
  }
}

/** One SIMD capability row: `cpu.simd.<id>` is advertised when any of `flags` is present. */
export interface SimdRow {
  readonly id: string;
  /** Kernel spellings that advertise it (first one is the canonical flag). */
  readonly flags: readonly string[];
  /** glibc `glibc.cpu.hwcaps` name that masks it (x86 only). */
  readonly glibc?: string;
}

/**
 * x86 SIMD features. `sse3` is spelled `pni` by the kernel ("Prescott New Instructions").
 * glibc names: sysdeps/x86/include/cpu-features.h (the names glibc.cpu.hwcaps accepts).
 */
export const X86_SIMD = [
  { id: 'sse', flags: ['sse'] },
  { id: 'sse2', flags: ['sse2'], glibc: 'SSE2' },
  { id: 'sse3', flags: ['pni'], glibc: 'SSE3' },
  { id: 'ssse3', flags: ['ssse3'], glibc: 'SSSE3' },
  { id: 'sse4_1', flags: ['sse4_1'], glibc: 'SSE4_1' },
  { id: 'sse4_2', flags: ['sse4_2'], glibc: 'SSE4_2' },
  { id: 'sse4a', flags: ['sse4a'], glibc: 'SSE4A' },
  { id: 'avx', flags: ['avx'], glibc: 'AVX' },
  { id: 'avx2', flags: ['avx2'], glibc: 'AVX2' },
  { id: 'fma', flags: ['fma'], glibc: 'FMA' },
  { id: 'fma4', flags: ['fma4'], glibc: 'FMA4' },
  { id: 'f16c', flags: ['f16c'], glibc: 'F16C' },
  { id: 'avx512f', flags: ['avx512f'], glibc: 'AVX512F' },
  { id: 'avx512bw', flags: ['avx512bw'], glibc: 'AVX512BW' },
  { id: 'avx512cd', flags: ['avx512cd'], glibc: 'AVX512CD' },
  { id: 'avx512dq', flags: ['avx512dq'], glibc: 'AVX512DQ' },
  { id: 'avx512vl', flags: ['avx512vl'], glibc: 'AVX512VL' },
  { id: 'avx512ifma', flags: ['avx512ifma'], glibc: 'AVX512_IFMA' },
  { id: 'avx512vbmi', flags: ['avx512vbmi'], glibc: 'AVX512_VBMI' },
  { id: 'avx512_vbmi2', flags: ['avx512_vbmi2'], glibc: 'AVX512_VBMI2' },
  { id: 'avx512_vnni', flags: ['avx512_vnni'], glibc: 'AVX512_VNNI' },
  { id: 'avx512_bitalg', flags: ['avx512_bitalg'], glibc: 'AVX512_BITALG' },
  { id: 'avx512_vpopcntdq', flags: ['avx512_vpopcntdq'], glibc: 'AVX512_VPOPCNTDQ' },
  { id: 'avx512_bf16', flags: ['avx512_bf16'], glibc: 'AVX512_BF16' },
  { id: 'avx512_fp16', flags: ['avx512_fp16'], glibc: 'AVX512_FP16' },
  { id: 'avx_vnni', flags: ['avx_vnni'], glibc: 'AVX_VNNI' },
  { id: 'amx_tile', flags: ['amx_tile'], glibc: 'AMX_TILE' },
  { id: 'amx_int8', flags: ['amx_int8'], glibc: 'AMX_INT8' },
  { id: 'amx_bf16', flags: ['amx_bf16'], glibc: 'AMX_BF16' },
] as const satisfies readonly SimdRow[];

/** AArch64 SIMD / vector features (kernel spellings, Documentation/arch/arm64/elf_hwcaps.rst). */
export const ARM64_SIMD = [
  { id: 'asimd', flags: ['asimd'] },
  { id: 'asimdhp', flags: ['asimdhp'] },
  { id: 'asimdrdm', flags: ['asimdrdm'] },
  { id: 'asimddp', flags: ['asimddp'] },
  { id: 'asimdfhm', flags: ['asimdfhm'] },
  { id: 'i8mm', flags: ['i8mm'] },
  { id: 'bf16', flags: ['bf16'] },
  { id: 'sve', flags: ['sve'] },
  { id: 'sve2', flags: ['sve2'] },
  { id: 'sve2p1', flags: ['sve2p1'] },
  { id: 'svei8mm', flags: ['svei8mm'] },
  { id: 'svebf16', flags: ['svebf16'] },
  { id: 'sme', flags: ['sme'] },
  { id: 'sme2', flags: ['sme2'] },
] as const satisfies readonly SimdRow[];

/**
 * 32-bit ARM SIMD. Some ARM64 kernels show the native AArch64 line (`fp asimd ...`) even to
 * 32-bit readers (see the `.armeabi` fixtures), so `asimd` also advertises NEON there.
 */
export const ARM32_SIMD = [
  { id: 'neon', flags: ['neon', 'asimd'] },
  { id: 'vfpv3', flags: ['vfpv3'] },
  { id: 'vfpv4', flags: ['vfpv4'] },
] as const satisfies readonly SimdRow[];

/** POWER vector units. cpuinfo says "altivec supported" in the `cpu` line; auxv names them too. */
export const PPC_SIMD = [
  { id: 'altivec', flags: ['altivec'] },
  { id: 'vsx', flags: ['vsx'] },
] as const satisfies readonly SimdRow[];

/** IBM Z vector facilities (s390x `features` line). */
export const S390_SIMD = [
  { id: 'vx', flags: ['vx'] },
  { id: 'vxe', flags: ['vxe'] },
  { id: 'vxe2', flags: ['vxe2'] },
  { id: 'vxe3', flags: ['vxe3'] },
  { id: 'nnpa', flags: ['nnpa'] },
] as const satisfies readonly SimdRow[];

/** RISC-V vector: the single-letter `v` extension of the ISA string. */
export const RISCV_SIMD = [{ id: 'rvv', flags: ['v'] }] as const satisfies readonly SimdRow[];

/** LoongArch vector units: LSX (128-bit) and LASX (256-bit), `Features` names (arch/loongarch/kernel/proc.c). */
export const LOONGARCH_SIMD = [
  { id: 'lsx', flags: ['lsx'] },
  { id: 'lasx', flags: ['lasx'] },
] as const satisfies readonly SimdRow[];

/** MIPS SIMD-capable ASEs as `ASEs implemented` spells them (arch/mips/kernel/proc.c). */
export const MIPS_SIMD = [
  { id: 'msa', flags: ['msa'] },
  { id: 'mdmx', flags: ['mdmx'] },
  { id: 'mips3d', flags: ['mips3d'] },
  { id: 'dsp', flags: ['dsp'] },
  { id: 'dspr2', flags: ['dspr2'] },
  { id: 'loongson_mmi', flags: ['loongson-mmi'] },
] as const satisfies readonly SimdRow[];

/** SPARC Visual Instruction Set levels, `cpucaps` names (arch/sparc/kernel/setup_64.c). */
export const SPARC_SIMD = [
  { id: 'vis', flags: ['vis'] },
  { id: 'vis2', flags: ['vis2'] },
  { id: 'vis3', flags: ['vis3'] },
] as const satisfies readonly SimdRow[];

/** The SIMD table for an architecture family. */
export const SIMD_TABLES: Readonly<Record<ArchFamily, readonly SimdRow[]>> = {
  x86: X86_SIMD,
  arm64: ARM64_SIMD,
  arm: ARM32_SIMD,
  ppc: PPC_SIMD,
  s390: S390_SIMD,
  riscv: RISCV_SIMD,
  loongarch: LOONGARCH_SIMD,
  mips: MIPS_SIMD,
  sparc: SPARC_SIMD,
  other: [],
};

/**
 * SIMD rows /proc/cpuinfo cannot show on a family: their absence there proves nothing, so without
 * auxv they are null, not false. POWER cpuinfo names no vector unit but AltiVec (in its `cpu`
 * line); VSX (POWER7 and later) is visible only in AT_HWCAP.
 */
export const CPUINFO_BLIND: Readonly<Partial<Record<ArchFamily, readonly string[]>>> = {
  ppc: ['vsx'],
};

/** One requirement of an x86-64 psABI level. */
export interface X86LevelRow {
  readonly level: 'x86-64-v2' | 'x86-64-v3' | 'x86-64-v4';
  readonly flag: string;
  readonly glibc: string;
  readonly note?: string;
}

/**
 * x86-64 psABI micro-architecture levels (x86-64 psABI §3.1.1; glibc
 * sysdeps/x86/get-isa-level.h), in /proc/cpuinfo spellings. Each level requires the lower ones.
 */
export const X86_64_LEVELS = [
  { level: 'x86-64-v2', flag: 'cx16', glibc: 'CMPXCHG16B' },
  { level: 'x86-64-v2', flag: 'lahf_lm', glibc: 'LAHF64_SAHF64' },
  { level: 'x86-64-v2', flag: 'popcnt', glibc: 'POPCNT' },
  { level: 'x86-64-v2', flag: 'pni', glibc: 'SSE3' },
  { level: 'x86-64-v2', flag: 'sse4_1', glibc: 'SSE4_1' },
  { level: 'x86-64-v2', flag: 'sse4_2', glibc: 'SSE4_2' },
  { level: 'x86-64-v2', flag: 'ssse3', glibc: 'SSSE3' },
  { level: 'x86-64-v3', flag: 'avx', glibc: 'AVX' },
  { level: 'x86-64-v3', flag: 'avx2', glibc: 'AVX2' },
  { level: 'x86-64-v3', flag: 'bmi1', glibc: 'BMI1' },
  { level: 'x86-64-v3', flag: 'bmi2', glibc: 'BMI2' },
  { level: 'x86-64-v3', flag: 'f16c', glibc: 'F16C' },
  { level: 'x86-64-v3', flag: 'fma', glibc: 'FMA' },
  { level: 'x86-64-v3', flag: 'abm', glibc: 'LZCNT', note: 'LZCNT is reported as abm' },
  { level: 'x86-64-v3', flag: 'movbe', glibc: 'MOVBE' },
  // Linux never prints `osxsave` in /proc/cpuinfo; `xsave` is the visible proxy for glibc's OSXSAVE.
  { level: 'x86-64-v3', flag: 'xsave', glibc: 'OSXSAVE', note: 'OSXSAVE is not printed by Linux; xsave stands in' },
  { level: 'x86-64-v4', flag: 'avx512f', glibc: 'AVX512F' },
  { level: 'x86-64-v4', flag: 'avx512bw', glibc: 'AVX512BW' },
  { level: 'x86-64-v4', flag: 'avx512cd', glibc: 'AVX512CD' },
  { level: 'x86-64-v4', flag: 'avx512dq', glibc: 'AVX512DQ' },
  { level: 'x86-64-v4', flag: 'avx512vl', glibc: 'AVX512VL' },
] as const satisfies readonly X86LevelRow[];

/** The x86-64 levels in ascending order. */
export const X86_64_LEVEL_NAMES = ['x86-64-v2', 'x86-64-v3', 'x86-64-v4'] as const;
/** An x86-64 psABI level above the baseline. */
export type X86Level = (typeof X86_64_LEVEL_NAMES)[number];

/**
 * glibc hwcaps name → kernel flag, for every name this probe can map (the level rows plus the
 * SIMD rows). glibc spells some features differently from the kernel (SSE3 = pni, LZCNT = abm).
 */
export const GLIBC_TO_KERNEL: Readonly<Record<string, string>> = Object.fromEntries([
  ...X86_64_LEVELS.map((r) => [r.glibc, r.flag] as const),
  ...X86_SIMD.filter((r): r is (typeof X86_SIMD)[number] & { glibc: string } => 'glibc' in r).map(
    (r) => [r.glibc, r.flags[0]] as const,
  ),
]);

/**
 * macOS (Intel) `machdep.cpu.features` / `leaf7_features` / `extfeatures` tokens → kernel flag.
 * Tokens not listed map to their lower-case form.
 */
export const DARWIN_X86_TO_KERNEL = {
  'SSE3': 'pni',
  'SSE4.1': 'sse4_1',
  'SSE4.2': 'sse4_2',
  'AVX1.0': 'avx',
  'AVX2.0': 'avx2',
  'AVX2': 'avx2',
  'LAHF': 'lahf_lm',
  'LZCNT': 'abm',
  'EM64T': 'lm',
  'XD': 'nx',
  'HTT': 'ht',
  'CLFSH': 'clflush',
  'CLFSOPT': 'clflushopt',
  'RDWRFSGS': 'fsgsbase',
  'SHA': 'sha_ni',
  'MON': 'monitor',
  'DSCPL': 'ds_cpl',
  'TPR': 'xtpr',
  'x2APIC': 'x2apic',
  'AVX512VNNI': 'avx512_vnni',
  'AVX512VBMI2': 'avx512_vbmi2',
  'AVX512BITALG': 'avx512_bitalg',
  'AVX512VPOPCNTDQ': 'avx512_vpopcntdq',
  'AVX512BF16': 'avx512_bf16',
  'AVX512FP16': 'avx512_fp16',
  'VAES': 'vaes',
  'VPCLMULQDQ': 'vpclmulqdq',
  'GFNI': 'gfni',
} as const satisfies Record<string, string>;

/**
 * macOS Apple Silicon `hw.optional.*` keys → kernel flags. `hw.optional.arm.FEAT_*` keys are
 * named after Arm's FEAT_ identifiers; the older keys predate them. One key may imply several flags.
 */
export const DARWIN_ARM_TO_KERNEL = {
  'hw.optional.floatingpoint': ['fp'],
  'hw.optional.neon': ['asimd'],
  'hw.optional.AdvSIMD': ['asimd'],
  'hw.optional.arm.AdvSIMD': ['asimd'],
  'hw.optional.neon_hpfp': ['asimdhp'],
  'hw.optional.neon_fp16': ['fphp', 'asimdhp'],
  'hw.optional.armv8_1_atomics': ['atomics'],
  'hw.optional.armv8_crc32': ['crc32'],
  'hw.optional.armv8_2_fhm': ['asimdfhm'],
  'hw.optional.armv8_2_sha512': ['sha512'],
  'hw.optional.armv8_2_sha3': ['sha3'],
  'hw.optional.armv8_3_compnum': ['fcma'],
  'hw.optional.arm.FEAT_AES': ['aes'],
  'hw.optional.arm.FEAT_PMULL': ['pmull'],
  'hw.optional.arm.FEAT_SHA1': ['sha1'],
  'hw.optional.arm.FEAT_SHA256': ['sha2'],
  'hw.optional.arm.FEAT_SHA512': ['sha512'],
  'hw.optional.arm.FEAT_SHA3': ['sha3'],
  'hw.optional.arm.FEAT_CRC32': ['crc32'],
  'hw.optional.arm.FEAT_LSE': ['atomics'],
  'hw.optional.arm.FEAT_LSE2': ['uscat'],
  'hw.optional.arm.FEAT_FP16': ['fphp', 'asimdhp'],
  'hw.optional.arm.FEAT_RDM': ['asimdrdm'],
  'hw.optional.arm.FEAT_DotProd': ['asimddp'],
  'hw.optional.arm.FEAT_FHM': ['asimdfhm'],
  'hw.optional.arm.FEAT_JSCVT': ['jscvt'],
  'hw.optional.arm.FEAT_FCMA': ['fcma'],
  'hw.optional.arm.FEAT_LRCPC': ['lrcpc'],
  'hw.optional.arm.FEAT_LRCPC2': ['ilrcpc'],
  'hw.optional.arm.FEAT_DPB': ['dcpop'],
  'hw.optional.arm.FEAT_DPB2': ['dcpodp'],
  'hw.optional.arm.FEAT_DIT': ['dit'],
  'hw.optional.arm.FEAT_FlagM': ['flagm'],
  'hw.optional.arm.FEAT_FlagM2': ['flagm2'],
  'hw.optional.arm.FEAT_FRINTTS': ['frint'],
  'hw.optional.arm.FEAT_SB': ['sb'],
  'hw.optional.arm.FEAT_SSBS': ['ssbs'],
  'hw.optional.arm.FEAT_PAuth': ['paca', 'pacg'],
  'hw.optional.arm.FEAT_BTI': ['bti'],
  'hw.optional.arm.FEAT_I8MM': ['i8mm'],
  'hw.optional.arm.FEAT_BF16': ['bf16'],
  'hw.optional.arm.FEAT_EBF16': ['ebf16'],
  'hw.optional.arm.FEAT_ECV': ['ecv'],
  'hw.optional.arm.FEAT_AFP': ['afp'],
  'hw.optional.arm.FEAT_RPRES': ['rpres'],
  'hw.optional.arm.FEAT_WFxT': ['wfxt'],
  'hw.optional.arm.FEAT_CSSC': ['cssc'],
  'hw.optional.arm.FEAT_HBC': ['hbc'],
  'hw.optional.arm.FEAT_SME': ['sme'],
  'hw.optional.arm.FEAT_SME2': ['sme2'],
  'hw.optional.arm.FEAT_SME_F64F64': ['smef64f64'],
  'hw.optional.arm.FEAT_SME_I16I64': ['smei16i64'],
  'hw.optional.arm.SME_F32F32': ['smef32f32'],
  'hw.optional.arm.SME_B16F32': ['smeb16f32'],
  'hw.optional.arm.SME_F16F32': ['smef16f32'],
  'hw.optional.arm.SME_I8I32': ['smei8i32'],
  'hw.optional.arm.SME_I16I32': ['smei16i32'],
  'hw.optional.arm.SME_BI32I32': ['smebi32i32'],
} as const satisfies Record<string, readonly string[]>;

/**
 * AArch64 AT_HWCAP bits → kernel names (arch/arm64/include/uapi/asm/hwcap.h). Bits above 42 are
 * left out: their assignment changed between patch revisions before merging.
 */
export const ARM64_HWCAP = [
  'fp', 'asimd', 'evtstrm', 'aes', 'pmull', 'sha1', 'sha2', 'crc32',
  'atomics', 'fphp', 'asimdhp', 'cpuid', 'asimdrdm', 'jscvt', 'fcma', 'lrcpc',
  'dcpop', 'sha3', 'sm3', 'sm4', 'asimddp', 'sha512', 'sve', 'asimdfhm',
  'dit', 'uscat', 'ilrcpc', 'flagm', 'ssbs', 'sb', 'paca', 'pacg',
  'gcs', 'cmpbr', 'fprcvt', 'f8mm8', 'f8mm4', 'svef16mm', 'sveeltperm', 'sveaes2',
  'svebfscale', 'sve2p2', 'sme2p2',
] as const;

/** AArch64 AT_HWCAP2 bits → kernel names (same header). */
export const ARM64_HWCAP2 = [
  'dcpodp', 'sve2', 'sveaes', 'svepmull', 'svebitperm', 'svesha3', 'svesm4', 'flagm2',
  'frint', 'svei8mm', 'svef32mm', 'svef64mm', 'svebf16', 'i8mm', 'bf16', 'dgh',
  'rng', 'bti', 'mte', 'ecv', 'afp', 'rpres', 'mte3', 'sme',
  'smei16i64', 'smef64f64', 'smei8i32', 'smef16f32', 'smeb16f32', 'smef32f32', 'smefa64', 'wfxt',
  'ebf16', 'sveebf16', 'cssc', 'rprfm', 'sve2p1', 'sme2', 'sme2p1', 'smei16i32',
  'smebi32i32', 'smeb16b16', 'smef16f16', 'mops', 'hbc', 'sveb16b16', 'lrcpc3', 'lse128',
  'fpmr', 'lut', 'faminmax', 'f8cvt', 'f8fma', 'f8dp4', 'f8dp2', 'f8e4m3',
  'f8e5m2', 'smelutv2', 'smef8f16', 'smef8f32', 'smesf8fma', 'smesf8dp4', 'smesf8dp2', 'poe',
] as const;

/**
 * Arm architecture levels, as a conservative lower bound: a level is claimed only when every
 * listed hwcap — features that level makes mandatory and that Linux exposes — is present, and
 * the level below is claimed too. Optional features of a level (fphp, asimddp in 8.2…) are not
 * used, so a core may well implement more than reported. Stops at 8.6.
 */
export const ARM_LEVELS = [
  { level: 'armv8.0-a', requires: ['fp', 'asimd'] },
  { level: 'armv8.1-a', requires: ['atomics', 'asimdrdm', 'crc32'] },
  { level: 'armv8.2-a', requires: ['dcpop'] },
  { level: 'armv8.3-a', requires: ['jscvt', 'fcma', 'lrcpc'] },
  { level: 'armv8.4-a', requires: ['dit', 'uscat', 'ilrcpc', 'flagm'] },
  { level: 'armv8.5-a', requires: ['sb', 'flagm2', 'frint', 'dcpodp'] },
  { level: 'armv8.6-a', requires: ['bf16', 'i8mm'] },
] as const;

/** ARM CPU implementer codes (MIDR_EL1[31:24]) → vendor name. */
export const ARM_IMPLEMENTERS = {
  '0x41': 'ARM',
  '0x42': 'Broadcom',
  '0x43': 'Cavium',
  '0x46': 'Fujitsu',
  '0x48': 'HiSilicon',
  '0x4e': 'NVIDIA',
  '0x50': 'APM',
  '0x51': 'Qualcomm',
  '0x53': 'Samsung',
  '0x56': 'Marvell',
  '0x61': 'Apple',
  '0x66': 'Faraday',
  '0x69': 'Intel',
  '0x6d': 'Microsoft',
  '0x70': 'Phytium',
  '0xc0': 'Ampere',
} as const satisfies Record<string, string>;

/** 32-bit ARM AT_HWCAP bits → kernel names (arch/arm/include/uapi/asm/hwcap.h), bit 0 first. */
export const ARM32_HWCAP = [
  'swp', 'half', 'thumb', '26bit', 'fastmult', 'fpa', 'vfp', 'edsp',
  'java', 'iwmmxt', 'crunch', 'thumbee', 'neon', 'vfpv3', 'vfpv3d16', 'tls',
  'vfpv4', 'idiva', 'idivt', 'vfpd32', 'lpae', 'evtstrm',
] as const;

/** 32-bit ARM AT_HWCAP2 bits (same header): the ARMv8 crypto extension seen by AArch32. */
export const ARM32_HWCAP2 = ['aes', 'pmull', 'sha1', 'sha2', 'crc32'] as const;

/**
 * s390 AT_HWCAP bits → cpuinfo `features` names (arch/s390/include/asm/elf.h HWCAP_NR_*; bit 7,
 * HPAGE, is printed as `edat`).
 */
export const S390_HWCAP = [
  'esan3', 'zarch', 'stfle', 'msa', 'ldisp', 'eimm', 'dfp', 'edat',
  'etf3eh', 'highgprs', 'te', 'vx', 'vxd', 'vxe', 'gs', 'vxe2',
  'vxp', 'sort', 'dflt', 'vxp2', 'nnpa', 'pcimio', 'sie',
] as const;

/** LoongArch AT_HWCAP bits → `Features` names (arch/loongarch/include/uapi/asm/hwcap.h). */
export const LOONGARCH_HWCAP = [
  'cpucfg', 'lam', 'ual', 'fpu', 'lsx', 'lasx', 'crc32', 'complex',
  'crypto', 'lvz', 'lbt_x86', 'lbt_arm', 'lbt_mips', 'ptw', 'lspw',
] as const;

/** MIPS AT_HWCAP bits → `ASEs implemented`/isa names (arch/mips/include/uapi/asm/hwcap.h). */
export const MIPS_HWCAP = [
  'r6', 'msa', 'crc32', 'mips16', 'mdmx', 'mips3d', 'smartmips', 'dsp',
  'dspr2', 'dspr3', 'mips16e2', 'loongson-mmi', 'loongson-ext', 'loongson-ext2',
] as const;

/**
 * RISC-V `mvendorid` (JEDEC JEP106 bank and code) → vendor. 0x489, 0x5b7, 0x31e and 0x29 are the
 * kernel's own list (arch/riscv/include/asm/vendorid_list.h); 0x710 is SpacemiT, from the X60
 * capture whose source (archspec) names the vendor. 0 means "not implemented" (QEMU, some FPGAs).
 */
export const RISCV_VENDOR_IDS = {
  '0x29': 'Microchip',
  '0x31e': 'Andes',
  '0x489': 'SiFive',
  '0x5b7': 'T-Head',
  '0x710': 'SpacemiT',
} as const satisfies Record<string, string>;

/** The vendor prefix of a RISC-V `uarch` line (device-tree compatible, "sifive,u74-mc") → vendor. */
export const RISCV_UARCH_VENDORS = {
  sifive: 'SiFive',
  thead: 'T-Head',
  spacemit: 'SpacemiT',
  andestech: 'Andes',
  starfive: 'StarFive',
} as const satisfies Record<string, string>;

/** SPARC `cpu` line → vendor (UltraSPARC I–IV and T1/T2 were Sun's; T3 and later and M-series Oracle's; SPARC64 Fujitsu's). */
export const SPARC_VENDORS: readonly { re: RegExp; vendor: string }[] = [
  { re: /SPARC64/i, vendor: 'Fujitsu' },
  { re: /UltraSparc T[3-9]|SPARC[- ]T\d|SPARC[- ]M\d/i, vendor: 'Oracle' },
  { re: /UltraSparc|TI UltraSparc|Niagara/i, vendor: 'Sun' },
];

/** MIPS `cpu model` line → vendor. */
export const MIPS_VENDORS: readonly { re: RegExp; vendor: string }[] = [
  { re: /^Loongson/i, vendor: 'Loongson' },
  { re: /^Cavium Octeon/i, vendor: 'Cavium' },
  { re: /^Ingenic/i, vendor: 'Ingenic' },
  { re: /^Broadcom|^BMIPS/i, vendor: 'Broadcom' },
  { re: /^MIPS\b/i, vendor: 'MIPS' },
];

/** POWER AT_HWCAP bits this probe reads (arch/powerpc/include/uapi/asm/cputable.h). */
export const PPC_HWCAP = [
  { bit: 28, name: 'altivec' }, // PPC_FEATURE_HAS_ALTIVEC 0x10000000
  { bit: 7, name: 'vsx' }, // PPC_FEATURE_HAS_VSX 0x00000080
] as const;

/** glibc's dynamic loader per Node arch: its `--help` lists the glibc-hwcaps levels it supports. */
export const LDSO_BY_ARCH = {
  x64: '/lib64/ld-linux-x86-64.so.2',
  arm64: '/lib/ld-linux-aarch64.so.1',
  ppc64: '/lib64/ld64.so.2',
  s390x: '/lib/ld64.so.1',
} as const satisfies Record<string, string>;

/**
 * The names `glibc.cpu.hwcaps=-NAME` can turn off (glibc 2.36 sysdeps/x86/cpu-tunables.c; matched
 * case-sensitively). Other names are silently ignored by glibc: checked against ld.so on a glibc
 * 2.36 machine, `-SSE3`, `-CMPXCHG16B`, `-LAHF64_SAHF64` and `-F16C` leave x86-64-v4 in place.
 * Newer glibc versions may accept more; the ld.so oracle catches that drift (CPU_HWCAPS_DISAGREE).
 */
export const GLIBC_DISABLEABLE = [
  'AVX', 'CX8', 'FMA', 'HTT', 'IBT', 'RTM',
  'AVX2', 'BMI1', 'BMI2', 'CMOV', 'ERMS', 'FMA4', 'SSE2',
  'LZCNT', 'MOVBE', 'SHSTK', 'SSSE3', 'XSAVE',
  'POPCNT', 'SSE4_1', 'SSE4_2', 'XSAVEC',
  'AVX512F', 'OSXSAVE',
  'AVX512CD', 'AVX512BW', 'AVX512DQ', 'AVX512ER', 'AVX512PF', 'AVX512VL',
] as const;

/** Every metric the cpu calibration reports, with its unit (the probe's vocabulary; a live test checks it against a run). */
export const CPU_METRIC_UNITS = {
  'cpu.mem-copy': 'GB/s',
  'cpu.mem-triad': 'GB/s',
  'cpu.parallel-scaling': '×',
  'cpu.scalar-f64': 'GFLOP/s',
  'cpu.scalar-int': 'Gop/s',
  'cpu.wasm-scalar': 'GFLOP/s',
  'cpu.wasm-simd': 'GFLOP/s',
} as const;
