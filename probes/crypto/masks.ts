/**
 * The usable layer: what OPENSSL_ia32cap and OPENSSL_armcap leave OpenSSL, parsed the way OpenSSL
 * parses them (platform-free: strings and flag sets in, data out).
 *
 * OpenSSL's parser (crypto/cpuid.c, 3.0.19 here) was checked against the real library: the system
 * `openssl info -cpusettings` for the resulting vector, and node:crypto throughput for its effect
 * (test/probes/crypto/live.test.ts). Quirks seen with 3.0:
 * - an empty value (or anything that does not start with `~` or `:`) is an absolute vector:
 *   `OPENSSL_ia32cap=` turns every capability off, `zzz` reads as 0;
 * - a value without `:` also zeroes the second word (SHA, AVX2, VAES…);
 * - an absolute first word skips CPUID leaf 7, so `~mask` in the second word then clears nothing
 *   into zero: `0xfffa3203078bffff:~0x0` still leaves the second word 0;
 * - `~` on the first word with the FXSR bit (24) also clears PCLMULQDQ, XOP, AES-NI and AVX;
 * - numbers stop at the first character that is not a digit of their base (`0x1g` is 1; a
 *   leading space makes the whole value 0); `0…` is octal, `0x…` hex, anything else decimal;
 * - 3.0–3.3 read two 64-bit words and ignore the rest; 3.4+ read five, and an empty word between
 *   colons keeps the CPUID value there, where 3.0 reads it as 0.
 */
import { ARMCAP_BITS, IA32CAP_BITS, type CryptoCapId } from './tables.js';

const U64 = (x: bigint) => BigInt.asUintN(64, x);

/** OpenSSL's ossl_strtouint64 (and strtoul(…, 0)): `0x` hex, leading `0` octal, else decimal; stops at the first non-digit. */
export function opensslStrtou(s: string): { value: bigint; end: number } {
  let i = 0;
  let base = 10n;
  if (s[0] === '0') {
    base = 8n;
    i = 1;
    if (s[1] === 'x' || s[1] === 'X') {
      base = 16n;
      i = 2;
    }
  }
  let v = 0n;
  for (; i < s.length; i++) {
    const d = parseInt(s[i], 16);
    if (Number.isNaN(d) || BigInt(d) >= base) break;
    v = U64(v * base + BigInt(d));
  }
  return { value: v, end: i };
}

/** How OpenSSL sets one 64-bit logical vector of OPENSSL_ia32cap_P. */
export type Ia32Word =
  | { lv: number; kind: 'cpuid' }
  | { lv: number; kind: 'clear'; mask: bigint; cpuidRead: boolean }
  | { lv: number; kind: 'value'; value: bigint }
  | { lv: number; kind: 'zero' };

/** An OPENSSL_ia32cap value as a given OpenSSL reads it. */
export interface Ia32cap {
  value: string;
  /** 64-bit words this OpenSSL reads: 2 for 1.1.1–3.3, 5 for 3.4+. */
  words: number;
  vectors: Ia32Word[];
  /** Parts that do not mean what they look like (the text quoted). */
  malformed: string[];
  /** Text after the last word this OpenSSL reads. */
  ignored: string | null;
}

/** How many 64-bit words an OpenSSL version reads from OPENSSL_ia32cap. */
export function ia32capWords(opensslVersion: string | null | undefined): number {
  const m = /^(\d+)\.(\d+)/.exec(opensslVersion ?? '');
  if (!m) return 2;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > 3 || (maj === 3 && min >= 4) ? 5 : 2;
}

/** Whether `text` is one well-formed number in OpenSSL's syntax (all of it consumed). */
function wellFormed(text: string): boolean {
  return /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(text);
}

/** Parses one `[~]number` word; records malformed text. */
function word(lv: number, text: string, malformed: string[], cpuidRead: boolean): Ia32Word {
  const clear = text.startsWith('~');
  const num = clear ? text.slice(1) : text;
  const { value } = opensslStrtou(num);
  if (num !== '' && !wellFormed(num)) malformed.push(text);
  else if (clear && num === '') malformed.push(text);
  if (clear) return { lv, kind: 'clear', mask: value, cpuidRead };
  return { lv, kind: 'value', value };
}

/** Parses OPENSSL_ia32cap as OpenSSL `words`-word versions do (crypto/cpuid.c OPENSSL_cpuid_setup). */
export function parseIa32cap(value: string, words = 2): Ia32cap {
  const malformed: string[] = [];
  const vectors: Ia32Word[] = [];
  const colon = value.indexOf(':');
  const first = colon < 0 ? value : value.slice(0, colon);
  let cpuidRead = true;
  if (value.startsWith(':')) vectors.push({ lv: 0, kind: 'cpuid' });
  else {
    const w = word(0, first, malformed, true);
    vectors.push(w);
    // An absolute first word never runs CPUID, so the later words start from zero.
    if (w.kind === 'value') cpuidRead = false;
  }
  let rest: string | null = colon < 0 ? null : value.slice(colon + 1);
  let ignored: string | null = null;
  for (let lv = 1; lv < words; lv++) {
    if (rest === null) {
      vectors.push({ lv, kind: 'zero' });
      continue;
    }
    const next = rest.indexOf(':');
    const text = next < 0 ? rest : rest.slice(0, next);
    if (words > 2 && text === '' && next >= 0) vectors.push({ lv, kind: cpuidRead ? 'cpuid' : 'zero' }); // 3.4+: `::` keeps CPUID
    else if (words > 2 && rest === '') vectors.push({ lv, kind: 'zero' });
    else vectors.push(word(lv, text, malformed, cpuidRead));
    rest = next < 0 ? null : rest.slice(next + 1);
  }
  if (rest !== null) ignored = rest;
  return { value, words, vectors, malformed, ignored };
}

/** Whether OpenSSL has bit (`lv`, `bit`) set after applying the value, given whether the CPU has it. */
export function ia32BitSet(p: Ia32cap, lv: number, bit: number, cpuHas: boolean): boolean {
  const w = p.vectors[lv];
  if (!w) return cpuHas; // a word this OpenSSL does not read keeps CPUID
  const b = 1n << BigInt(bit);
  switch (w.kind) {
    case 'cpuid':
      return cpuHas;
    case 'zero':
      return false;
    case 'value':
      return (w.value & b) !== 0n;
    case 'clear': {
      if (!w.cpuidRead) return false;
      if ((w.mask & b) !== 0n) return false;
      // `~` with FXSR (bit 24) in the first word also clears PCLMULQDQ, XOP, AES-NI and AVX.
      if (lv === 0 && (w.mask & (1n << 24n)) !== 0n && [33, 43, 57, 60].includes(bit)) return false;
      return cpuHas;
    }
  }
}

/** One OpenSSL capability bit after the mask. */
export interface BitState {
  name: string;
  flag: string;
  caps: readonly CryptoCapId[];
  /** the CPU advertises the flag */
  cpu: boolean;
  /** OpenSSL will use it */
  openssl: boolean;
}

/** Every IA32CAP_BITS row's state under the value (null: variable unset), for a CPU with the given kernel flags. */
export function ia32capBits(p: Ia32cap | null, flags: ReadonlySet<string>, words = p?.words ?? 2): BitState[] {
  return IA32CAP_BITS.filter((r) => r.lv < words).map((r) => {
    const cpu = flags.has(r.flag);
    return { name: r.name, flag: r.flag, caps: r.caps, cpu, openssl: p ? ia32BitSet(p, r.lv, r.bit, cpu) : cpu };
  });
}

/** Renders the vector OpenSSL ends up with for the table's bits, like `openssl info -cpusettings` (table bits only). */
export function ia32capVector(bits: readonly BitState[]): string {
  const words = [0n, 0n, 0n, 0n, 0n];
  for (const b of bits) {
    const row = IA32CAP_BITS.find((r) => r.name === b.name)!;
    if (b.openssl) words[row.lv] |= 1n << BigInt(row.bit);
  }
  return `0x${words[0].toString(16)}:0x${words[1].toString(16)}`;
}

/** An OPENSSL_armcap value as OpenSSL reads it: `strtoul(value, NULL, 0)` cast to 32 bits, an absolute vector. */
export interface Armcap {
  value: string;
  vector: number;
  malformed: boolean;
}

/** Parses OPENSSL_armcap (crypto/armcap.c: the value replaces the detected vector entirely). */
export function parseArmcap(value: string): Armcap {
  // strtoul skips leading white space and takes a sign; anything else ends the number.
  const t = value.replace(/^\s+/, '');
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  const { value: v } = opensslStrtou(body);
  const vector = Number(BigInt.asUintN(32, neg ? -v : v));
  return { value, vector, malformed: value !== '' && !wellFormed(value.trim()) };
}

/** The ARMCAP_BITS rows with the state each has under the value. */
export function armcapBits(p: Armcap, flags: ReadonlySet<string>): BitState[] {
  return ARMCAP_BITS.map((r) => ({
    name: r.name,
    flag: r.flags[0],
    caps: r.caps,
    cpu: r.flags.some((f) => flags.has(f)),
    openssl: (p.vector & (1 << r.bit)) !== 0,
  }));
}

/** The OPENSSL_armcap value OpenSSL would detect on a CPU with these hwcaps (for an A/B mask). */
export function detectedArmcap(flags: ReadonlySet<string>): number {
  let v = 0;
  for (const r of ARMCAP_BITS) if (r.flags.some((f) => flags.has(f))) v |= 1 << r.bit;
  return v >>> 0;
}

/** Per capability: the bits that disable it under a mask (advertised by the CPU but off for OpenSSL). */
export function maskedCaps(bits: readonly BitState[]): Map<CryptoCapId, string[]> {
  const out = new Map<CryptoCapId, string[]>();
  for (const b of bits) {
    if (!b.cpu || b.openssl) continue;
    for (const c of b.caps) out.set(c, [...(out.get(c) ?? []), b.name]);
  }
  // rng needs only one of RDRAND/RDSEED
  if (bits.some((b) => (b.caps as readonly string[]).includes('rng') && b.openssl)) out.delete('rng');
  return out;
}
