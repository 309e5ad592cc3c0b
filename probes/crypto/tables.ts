/**
 * The crypto vocabularies: one `as const` table per vocabulary. CPU feature names are the Linux
 * kernel's /proc/cpuinfo spellings (the cpu probe converts macOS/Windows names to them); OpenSSL
 * bit positions are the ones its capability variables use. Adding a feature is adding a row.
 */
import type { ArchFamily } from '../cpu/tables.js';

/** The crypto capabilities, `crypto.<id>` (DESIGN §6), in report order. */
export const CRYPTO_CAPABILITY_IDS = [
  'aes',
  'pclmul',
  'sha1',
  'sha256',
  'sha512',
  'sha3',
  'sm3',
  'sm4',
  'vaes',
  'vpclmulqdq',
  'gfni',
  'rng',
  'crc32',
] as const;
/** A crypto capability id without the `crypto.` prefix. */
export type CryptoCapId = (typeof CRYPTO_CAPABILITY_IDS)[number];

/** One row: `crypto.<id>` is advertised when any of `flags` is in the CPU's feature set. */
export interface CryptoRow {
  readonly id: CryptoCapId;
  readonly flags: readonly string[];
}

/**
 * x86. SHA-NI (`sha_ni`) covers SHA-1 and SHA-256; `sha512`, `sm3`, `sm4` are the CPUID.7.1:EAX
 * extensions of Arrow Lake / Lunar Lake. The CRC32 instruction is part of SSE4.2.
 */
export const X86_CRYPTO = [
  { id: 'aes', flags: ['aes'] },
  { id: 'pclmul', flags: ['pclmulqdq'] },
  { id: 'sha1', flags: ['sha_ni'] },
  { id: 'sha256', flags: ['sha_ni'] },
  { id: 'sha512', flags: ['sha512'] },
  { id: 'sm3', flags: ['sm3'] },
  { id: 'sm4', flags: ['sm4'] },
  { id: 'vaes', flags: ['vaes'] },
  { id: 'vpclmulqdq', flags: ['vpclmulqdq'] },
  { id: 'gfni', flags: ['gfni'] },
  { id: 'rng', flags: ['rdrand', 'rdseed'] },
  { id: 'crc32', flags: ['sse4_2'] },
] as const satisfies readonly CryptoRow[];

/** AArch64 and 32-bit ARM (ARMv8 crypto extension; hwcap names, Documentation/arch/arm64/elf_hwcaps.rst). */
export const ARM_CRYPTO = [
  { id: 'aes', flags: ['aes'] },
  { id: 'pclmul', flags: ['pmull'] },
  { id: 'sha1', flags: ['sha1'] },
  { id: 'sha256', flags: ['sha2'] },
  { id: 'sha512', flags: ['sha512'] },
  { id: 'sha3', flags: ['sha3'] },
  { id: 'sm3', flags: ['sm3'] },
  { id: 'sm4', flags: ['sm4'] },
  { id: 'rng', flags: ['rng'] },
  { id: 'crc32', flags: ['crc32'] },
] as const satisfies readonly CryptoRow[];

/**
 * POWER: ISA 2.07 (POWER8) vector crypto (`vcrypto`: vcipher, vpmsumd, vshasigma) and ISA 3.0
 * `darn`. cpuinfo does not list them; they come from AT_HWCAP2 (PPC_HWCAP2 below) or the CPU model.
 */
export const PPC_CRYPTO = [
  { id: 'aes', flags: ['vcrypto'] },
  { id: 'pclmul', flags: ['vcrypto'] },
  { id: 'sha256', flags: ['vcrypto'] },
  { id: 'sha512', flags: ['vcrypto'] },
  { id: 'rng', flags: ['darn'] },
] as const satisfies readonly CryptoRow[];

/**
 * IBM Z CPACF. cpuinfo's `features` line says `msa`; the `facilities` line gives the MSA extension
 * levels (S390_MSA_FACILITIES). Which functions (AES-256, SHA-512…) a level offers is queried by the
 * KM/KIMD instructions themselves and is not visible to a file reader.
 */
export const S390_CRYPTO = [
  { id: 'aes', flags: ['msa'] },
  { id: 'sha1', flags: ['msa'] },
  { id: 'sha256', flags: ['msa'] },
  { id: 'sha512', flags: ['msa'] },
  { id: 'rng', flags: ['msa5'] },
] as const satisfies readonly CryptoRow[];

/** s390x facility numbers of the Message-Security-Assist extensions (z/Architecture Principles of Operation). */
export const S390_MSA_FACILITIES = [
  { facility: 17, name: 'msa' },
  { facility: 76, name: 'msa3' },
  { facility: 77, name: 'msa4' },
  { facility: 57, name: 'msa5' },
  { facility: 146, name: 'msa8' },
  { facility: 155, name: 'msa9' },
] as const;

/** RISC-V scalar (Zk*) and vector (Zvk*) crypto extensions; `zk`, `zkn`, `zks`, `zvkn`… are the umbrella names. */
export const RISCV_CRYPTO = [
  { id: 'aes', flags: ['zkne', 'zknd', 'zkn', 'zk', 'zvkned', 'zvkn', 'zvknc', 'zvkng'] },
  { id: 'pclmul', flags: ['zbc', 'zbkc', 'zvbc'] },
  { id: 'sha256', flags: ['zknh', 'zkn', 'zk', 'zvknha', 'zvknhb', 'zvkn', 'zvknc', 'zvkng'] },
  { id: 'sha512', flags: ['zknh', 'zkn', 'zk', 'zvknhb'] },
  { id: 'sm3', flags: ['zksh', 'zks', 'zvksh', 'zvks', 'zvksc', 'zvksg'] },
  { id: 'sm4', flags: ['zksed', 'zks', 'zvksed', 'zvks', 'zvksc', 'zvksg'] },
  { id: 'rng', flags: ['zkr'] },
] as const satisfies readonly CryptoRow[];

/** The crypto table of an architecture family. */
export const CRYPTO_TABLES: Readonly<Record<ArchFamily, readonly CryptoRow[]>> = {
  x86: X86_CRYPTO,
  arm64: ARM_CRYPTO,
  arm: ARM_CRYPTO,
  ppc: PPC_CRYPTO,
  s390: S390_CRYPTO,
  riscv: RISCV_CRYPTO,
  // No OpenSSL capability mask and no table yet for these (LoongArch `crypto`/`crc32`, SPARC cpucaps aes).
  loongarch: [],
  mips: [],
  sparc: [],
  other: [],
};

/** POWER AT_HWCAP2 bits for crypto (arch/powerpc/include/uapi/asm/cputable.h). */
export const PPC_HWCAP2 = [
  { bit: 25, name: 'vcrypto' }, // PPC_FEATURE2_VEC_CRYPTO 0x02000000
  { bit: 21, name: 'darn' }, // PPC_FEATURE2_DARN 0x00200000
] as const;

/**
 * OPENSSL_ia32cap bits: logical vector `lv` (a 64-bit word; `:` separates them) and bit within it,
 * as in the OPENSSL_ia32cap(3) manual ("bit #64+29" = lv 1, bit 29). `flag` is the kernel flag of
 * the same CPUID bit; `caps` the crypto capabilities that need it. OpenSSL 3.0–3.3 read LV0 and LV1;
 * 3.4 added LV2–LV4 (OPENSSL_IA32CAP_P_MAX_INDEXES = 10).
 */
export const IA32CAP_BITS = [
  { lv: 0, bit: 24, name: 'FXSR', flag: 'fxsr', caps: [] },
  { lv: 0, bit: 25, name: 'SSE', flag: 'sse', caps: [] },
  { lv: 0, bit: 26, name: 'SSE2', flag: 'sse2', caps: [] },
  { lv: 0, bit: 33, name: 'PCLMULQDQ', flag: 'pclmulqdq', caps: ['pclmul'] },
  { lv: 0, bit: 41, name: 'SSSE3', flag: 'ssse3', caps: [] },
  { lv: 0, bit: 43, name: 'XOP', flag: 'xop', caps: [] },
  { lv: 0, bit: 54, name: 'MOVBE', flag: 'movbe', caps: [] },
  { lv: 0, bit: 57, name: 'AES-NI', flag: 'aes', caps: ['aes'] },
  { lv: 0, bit: 58, name: 'XSAVE', flag: 'xsave', caps: [] },
  { lv: 0, bit: 60, name: 'AVX', flag: 'avx', caps: [] },
  { lv: 0, bit: 62, name: 'RDRAND', flag: 'rdrand', caps: ['rng'] },
  { lv: 1, bit: 3, name: 'BMI1', flag: 'bmi1', caps: [] },
  { lv: 1, bit: 5, name: 'AVX2', flag: 'avx2', caps: [] },
  { lv: 1, bit: 8, name: 'BMI2', flag: 'bmi2', caps: [] },
  { lv: 1, bit: 16, name: 'AVX512F', flag: 'avx512f', caps: [] },
  { lv: 1, bit: 17, name: 'AVX512DQ', flag: 'avx512dq', caps: [] },
  { lv: 1, bit: 18, name: 'RDSEED', flag: 'rdseed', caps: ['rng'] },
  { lv: 1, bit: 19, name: 'ADX', flag: 'adx', caps: [] },
  { lv: 1, bit: 21, name: 'AVX512IFMA', flag: 'avx512ifma', caps: [] },
  { lv: 1, bit: 29, name: 'SHA', flag: 'sha_ni', caps: ['sha1', 'sha256'] },
  { lv: 1, bit: 30, name: 'AVX512BW', flag: 'avx512bw', caps: [] },
  { lv: 1, bit: 31, name: 'AVX512VL', flag: 'avx512vl', caps: [] },
  { lv: 1, bit: 40, name: 'GFNI', flag: 'gfni', caps: ['gfni'] },
  { lv: 1, bit: 41, name: 'VAES', flag: 'vaes', caps: ['vaes'] },
  { lv: 1, bit: 42, name: 'VPCLMULQDQ', flag: 'vpclmulqdq', caps: ['vpclmulqdq'] },
  { lv: 2, bit: 32, name: 'SHA512', flag: 'sha512', caps: ['sha512'] },
  { lv: 2, bit: 33, name: 'SM3', flag: 'sm3', caps: ['sm3'] },
  { lv: 2, bit: 34, name: 'SM4', flag: 'sm4', caps: ['sm4'] },
] as const satisfies readonly { lv: number; bit: number; name: string; flag: string; caps: readonly CryptoCapId[] }[];

/**
 * The code paths OpenSSL (3.0) picks from those bits for the kernels hwprobe measures, fastest
 * first; a path is open when every bit it needs is set. Named after OpenSSL's perlasm modules.
 */
export const OPENSSL_X86_PATHS = [
  { id: 'aes-gcm-avx512', needs: ['AES-NI', 'PCLMULQDQ', 'AVX512F', 'AVX512BW', 'AVX512VL', 'VAES', 'VPCLMULQDQ'] },
  { id: 'aesni-gcm (AVX+MOVBE stitched)', needs: ['AES-NI', 'PCLMULQDQ', 'AVX', 'MOVBE'] },
  { id: 'aesni', needs: ['AES-NI'] },
  { id: 'vpaes (SSSE3, no AES-NI)', needs: ['SSSE3'] },
  { id: 'sha256 SHA-NI', needs: ['SHA'] },
  { id: 'sha256/sha512 AVX2', needs: ['AVX2', 'BMI1', 'BMI2', 'AVX'] },
  { id: 'chacha20 AVX-512', needs: ['AVX512F'] },
  { id: 'chacha20 AVX2', needs: ['AVX2'] },
  { id: 'poly1305 AVX2', needs: ['AVX2'] },
] as const satisfies readonly { id: string; needs: readonly string[] }[];

/**
 * OPENSSL_armcap bits (OpenSSL include/crypto/arm_arch.h). Bits 0–7 exist since 1.1.1/3.0; RNG,
 * SM3, SM4 and SHA3 came with later releases. `flags` are the kernel hwcaps OpenSSL derives each from.
 */
export const ARMCAP_BITS = [
  { bit: 0, name: 'ARMV7_NEON', flags: ['asimd', 'neon'], caps: [] },
  { bit: 2, name: 'ARMV8_AES', flags: ['aes'], caps: ['aes'] },
  { bit: 3, name: 'ARMV8_SHA1', flags: ['sha1'], caps: ['sha1'] },
  { bit: 4, name: 'ARMV8_SHA256', flags: ['sha2'], caps: ['sha256'] },
  { bit: 5, name: 'ARMV8_PMULL', flags: ['pmull'], caps: ['pclmul'] },
  { bit: 6, name: 'ARMV8_SHA512', flags: ['sha512'], caps: ['sha512'] },
  { bit: 7, name: 'ARMV8_CPUID', flags: ['cpuid'], caps: [] },
  { bit: 8, name: 'ARMV8_RNG', flags: ['rng'], caps: ['rng'] },
  { bit: 9, name: 'ARMV8_SM3', flags: ['sm3'], caps: ['sm3'] },
  { bit: 10, name: 'ARMV8_SM4', flags: ['sm4'], caps: ['sm4'] },
  { bit: 11, name: 'ARMV8_SHA3', flags: ['sha3'], caps: ['sha3'] },
] as const satisfies readonly { bit: number; name: string; flags: readonly string[]; caps: readonly CryptoCapId[] }[];

/**
 * Flags that a CPU advertising `when` always has too: when they are missing under a hypervisor, the
 * VM's CPU model hid them (CRYPTO_NOT_ADVERTISED_VIRTUALIZED); on bare metal, firmware disabled them.
 */
export const IMPLIED_FLAGS = [
  // Every x86 CPU with AVX2 (Intel Haswell, AMD Excavator and later; Zhaoxin) implements AES-NI and
  // PCLMULQDQ. (AVX alone is not enough: Sandy Bridge Core i3 had AVX without AES-NI.)
  { when: 'avx2', model: null, vendor: null, minFamily: null, implies: ['aes', 'pclmulqdq'], why: 'every x86 CPU with AVX2 implements AES-NI and PCLMULQDQ' },
  { when: 'vaes', model: null, vendor: null, minFamily: null, implies: ['aes'], why: 'VAES extends AES-NI' },
  { when: 'vpclmulqdq', model: null, vendor: null, minFamily: null, implies: ['pclmulqdq'], why: 'VPCLMULQDQ extends PCLMULQDQ' },
  // AMD family 17h and later (Zen 1–5) all implement the SHA extensions.
  { when: 'avx2', model: null, vendor: 'AuthenticAMD', minFamily: 0x17, implies: ['aes', 'pclmulqdq', 'sha_ni'], why: 'every AMD Zen core (family 17h and later) implements AES-NI and SHA-NI' },
  // QEMU's generic models (qemu64, kvm64: "QEMU Virtual CPU version 2.5+", "Common KVM processor")
  // expose a 2003-era feature set whatever the host is (fixture ohai-x86-guest-kvm).
  { when: null, model: 'QEMU Virtual CPU|Common KVM processor|Common 32-bit KVM processor', vendor: null, minFamily: null, implies: ['aes', 'pclmulqdq'], why: "the CPU is QEMU's generic model, which hides AES-NI and PCLMULQDQ of every current host CPU" },
] as const satisfies readonly {
  when: string | null;
  model: string | null;
  vendor: string | null;
  minFamily: number | null;
  implies: readonly string[];
  why: string;
}[];

/** Intel QuickAssist PCI device ids (vendor 8086), PF and VF, by the Linux driver that binds them. */
export const QAT_PCI_IDS = {
  '0434': 'qat_dh895xcc',
  '0435': 'qat_dh895xcc',
  '0443': 'qat_dh895xccvf',
  '37c8': 'qat_c62x',
  '37c9': 'qat_c62xvf',
  '19e2': 'qat_c3xxx',
  '19e3': 'qat_c3xxxvf',
  '18a0': 'qat_c4xxx',
  '18a1': 'qat_c4xxxvf',
  '4940': 'qat_4xxx',
  '4941': 'qat_4xxxvf',
  '4942': 'qat_4xxx',
  '4943': 'qat_4xxxvf',
  '4944': 'qat_4xxx',
  '4945': 'qat_4xxxvf',
  '4946': 'qat_420xx',
  '4947': 'qat_420xxvf',
} as const satisfies Record<string, string>;

/** AMD Cryptographic Coprocessor / PSP PCI device ids (vendor 1022) bound by the `ccp` driver. */
export const CCP_PCI_IDS = {
  '1456': 'CCP v5a (Zen)',
  '1468': 'CCP v5b (Zen)',
  '1486': 'PSP (Zen 2)',
  '14ca': 'PSP (Zen 4)',
  '15df': 'PSP (Raven)',
  '1649': 'PSP (Renoir)',
  '1537': 'CCP (Carrizo)',
} as const satisfies Record<string, string>;

/** Crypto device nodes and what they are. */
export const CRYPTO_DEV_NODES = [
  { path: '/dev/crypto', what: 'cryptodev (OpenBSD-style /dev/crypto, used by OpenSSL devcrypto engine)' },
  { path: '/dev/hwrng', what: 'hardware random number generator' },
  { path: '/dev/qat_adf_ctl', what: 'Intel QAT control device' },
  { path: '/dev/sev', what: 'AMD PSP/SEV device (ccp driver)' },
] as const;

/** The unit of every crypto calibration metric. */
export const CRYPTO_METRIC_UNIT = 'GB/s';

/** The calibration kernels: metric id, node:crypto algorithm, the capability its A/B judges. */
export const CRYPTO_KERNELS = [
  { metric: 'crypto.aes-128-gcm', algorithm: 'aes-128-gcm', kind: 'aead', cap: 'aes' },
  { metric: 'crypto.aes-256-gcm', algorithm: 'aes-256-gcm', kind: 'aead', cap: 'aes' },
  { metric: 'crypto.aes-256-ctr', algorithm: 'aes-256-ctr', kind: 'cipher', cap: 'aes' },
  { metric: 'crypto.chacha20-poly1305', algorithm: 'chacha20-poly1305', kind: 'aead', cap: null },
  { metric: 'crypto.sha256', algorithm: 'sha256', kind: 'hash', cap: 'sha256' },
  { metric: 'crypto.sha512', algorithm: 'sha512', kind: 'hash', cap: 'sha512' },
] as const satisfies readonly { metric: string; algorithm: string; kind: 'aead' | 'cipher' | 'hash'; cap: CryptoCapId | null }[];

/** A calibration kernel row. */
export type CryptoKernelRow = (typeof CRYPTO_KERNELS)[number];

/**
 * The bits masked to measure a capability's software path (A/B): names from IA32CAP_BITS (x86) and
 * ARMCAP_BITS (ARM). AES masks the carry-less multiply and the vector forms too, so AES-GCM falls
 * back to vpaes/NEON with table GHASH, as on a CPU without the crypto extensions.
 */
export const AB_MASKS = {
  x86: { aes: ['AES-NI', 'PCLMULQDQ', 'VAES', 'VPCLMULQDQ'], sha256: ['SHA'], sha512: ['SHA512'] },
  arm: { aes: ['ARMV8_AES', 'ARMV8_PMULL'], sha256: ['ARMV8_SHA256'], sha512: ['ARMV8_SHA512'] },
} as const satisfies Record<'x86' | 'arm', Partial<Record<CryptoCapId, readonly string[]>>>;

/** The speedup at or above which an accelerated path counts as effective. */
export const SPEEDUP_THRESHOLD = 2;
