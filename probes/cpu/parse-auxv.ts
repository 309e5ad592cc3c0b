/** /proc/self/auxv decoding (platform-free: bytes in, data out). */
import { ARM64_HWCAP, ARM64_HWCAP2, PPC_HWCAP } from './tables.js';

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
