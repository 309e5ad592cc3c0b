/** /proc/self/auxv decoding (platform-free: bytes in, data out). */
import { ARM32_HWCAP, ARM32_HWCAP2, ARM64_HWCAP, ARM64_HWCAP2, LOONGARCH_HWCAP, MIPS_HWCAP, PPC_HWCAP, S390_HWCAP, type ArchFamily } from './tables.js';

/** auxv tags this probe reads (include/uapi/linux/auxvec.h, elf.h). */
export const AT_HWCAP = 16;
export const AT_HWCAP2 = 26;

/**
 * Parses a 64-bit auxv image (pairs of 8-byte key and value) into tag → value (bigint, so bit 63
 * survives). Little-endian unless told otherwise (ppc64 big-endian). Stops at AT_NULL or at the
 * end of the data; a trailing partial pair is ignored.
 */
export function parseAuxv64(bytes: Uint8Array, littleEndian = true): Map<number, bigint> {
  const out = new Map<number, bigint>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let off = 0; off + 16 <= bytes.byteLength; off += 16) {
    const tag = view.getBigUint64(off, littleEndian);
    if (tag === 0n) break;
    if (tag > BigInt(Number.MAX_SAFE_INTEGER)) continue;
    out.set(Number(tag), view.getBigUint64(off + 8, littleEndian));
  }
  return out;
}

/** A 32-bit auxv image (pairs of 4-byte key and value), as a 32-bit process (arm, ppc, mips, ia32) sees it. */
export function parseAuxv32(bytes: Uint8Array, littleEndian = true): Map<number, bigint> {
  const out = new Map<number, bigint>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let off = 0; off + 8 <= bytes.byteLength; off += 8) {
    const tag = view.getUint32(off, littleEndian);
    if (tag === 0) break;
    out.set(tag, BigInt(view.getUint32(off + 4, littleEndian)));
  }
  return out;
}

/** The names of the set bits of `word` (bit i ↔ names[i]). */
export function decodeBits(word: bigint, names: readonly string[]): string[] {
  return names.filter((n, bit) => n && ((word >> BigInt(bit)) & 1n) === 1n);
}

/**
 * RISC-V AT_HWCAP: one bit per single-letter extension, bit ('x' - 'a') (arch/riscv/include/uapi/asm/hwcap.h
 * COMPAT_HWCAP_ISA_*). Multi-letter extensions are not in auxv (the kernel's riscv_hwprobe syscall has them).
 */
export function decodeRiscvHwcap(hwcap: bigint): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 26; bit++) if (((hwcap >> BigInt(bit)) & 1n) === 1n) out.push(String.fromCharCode(97 + bit));
  return out;
}

/**
 * The kernel-spelled features a process's AT_HWCAP/AT_HWCAP2 name on a family, or null where this
 * probe has no table for it (x86's AT_HWCAP is CPUID leaf 1 EDX: cpuinfo says more).
 */
export function decodeHwcaps(family: ArchFamily, hwcap: bigint, hwcap2: bigint): string[] | null {
  switch (family) {
    case 'arm64':
      return decodeArm64Hwcaps(hwcap, hwcap2).features;
    case 'arm':
      return [...decodeBits(hwcap, ARM32_HWCAP), ...decodeBits(hwcap2, ARM32_HWCAP2)];
    case 'ppc':
      return decodePpcHwcap(hwcap);
    case 's390':
      return decodeBits(hwcap, S390_HWCAP);
    case 'riscv':
      return decodeRiscvHwcap(hwcap);
    case 'loongarch':
      return decodeBits(hwcap, LOONGARCH_HWCAP);
    case 'mips':
      return decodeBits(hwcap, MIPS_HWCAP);
    default:
      return null;
  }
}

/** The AArch64 hwcap names set in AT_HWCAP / AT_HWCAP2 (kernel cpuinfo spellings), plus unknown set bits. */
export function decodeArm64Hwcaps(
  hwcap: bigint,
  hwcap2: bigint,
): { features: string[]; unknownBits: { word: 'AT_HWCAP' | 'AT_HWCAP2'; bit: number }[] } {
  const features: string[] = [];
  const unknownBits: { word: 'AT_HWCAP' | 'AT_HWCAP2'; bit: number }[] = [];
  const walk = (word: bigint, names: readonly string[], label: 'AT_HWCAP' | 'AT_HWCAP2') => {
    for (let bit = 0; bit < 64; bit++) {
      if (((word >> BigInt(bit)) & 1n) === 0n) continue;
      // Bits 62/63 of AT_HWCAP are reserved for libc; anything beyond the table is newer than it.
      const name = names[bit];
      if (name) features.push(name);
      else unknownBits.push({ word: label, bit });
    }
  };
  walk(hwcap, ARM64_HWCAP, 'AT_HWCAP');
  walk(hwcap2, ARM64_HWCAP2, 'AT_HWCAP2');
  return { features, unknownBits };
}

/** POWER vector features named by AT_HWCAP bits. */
export function decodePpcHwcap(hwcap: bigint): string[] {
  return PPC_HWCAP.filter((r) => ((hwcap >> BigInt(r.bit)) & 1n) === 1n).map((r) => r.name);
}
