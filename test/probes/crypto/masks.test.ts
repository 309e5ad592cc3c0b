// Mask parsing and bit tables: OPENSSL_ia32cap / OPENSSL_armcap as OpenSSL reads them (pure functions).
// The quirk cases were observed with `openssl info -cpusettings` (OpenSSL 3.0.19); live.test.ts
// checks every one of them against the real library again when `openssl` is installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  armcapBits,
  detectedArmcap,
  ia32capBits,
  ia32capWords,
  maskedCaps,
  opensslStrtou,
  parseArmcap,
  parseIa32cap,
} from '../../../probes/crypto/masks.js';
import { ARMCAP_BITS, IA32CAP_BITS, AB_MASKS, CRYPTO_TABLES, CRYPTO_CAPABILITY_IDS } from '../../../probes/crypto/tables.js';
import { abPlan } from '../../../probes/crypto/detect.js';

// This machine's kernel flags for the IA32CAP rows (AMD EPYC KVM guest; /proc/cpuinfo of the dev machine).
const EPYC = new Set(
  'fxsr sse sse2 pclmulqdq ssse3 movbe aes xsave avx rdrand bmi1 avx2 bmi2 avx512f avx512dq adx avx512ifma sha_ni avx512bw avx512vl gfni vaes vpclmulqdq'.split(' '),
);

const off = (value: string, words = 2) =>
  ia32capBits(parseIa32cap(value, words), EPYC)
    .filter((b) => b.cpu && !b.openssl)
    .map((b) => b.name)
    .sort();
const ALL = IA32CAP_BITS.filter((r) => r.lv < 2 && EPYC.has(r.flag)).map((r) => r.name).sort();
const LV1 = IA32CAP_BITS.filter((r) => r.lv === 1 && EPYC.has(r.flag)).map((r) => r.name).sort();

test('strtou: hex, octal, decimal, stops at the first non-digit, wraps at 64 bits', () => {
  assert.equal(opensslStrtou('0x1g').value, 1n);
  assert.equal(opensslStrtou('077').value, 63n);
  assert.equal(opensslStrtou('12345').value, 12345n);
  assert.equal(opensslStrtou('12a').value, 12n);
  assert.equal(opensslStrtou('').value, 0n);
  assert.equal(opensslStrtou('zzz').value, 0n);
  assert.equal(opensslStrtou('0x1' + '0'.repeat(16)).value, 0n); // 2^64 wraps to 0 like uint64_t
});

// [value, bits turned off on the EPYC, malformed parts] — observed with OpenSSL 3.0.19
const CASES: [string, string[], string[]][] = [
  ['', ALL, []], // empty: absolute 0, everything off
  ['~0x200000200000000:~0x0', ['AES-NI', 'PCLMULQDQ'], []],
  ['~0x200000200000000', ['AES-NI', 'PCLMULQDQ', ...LV1].sort(), []], // no second word: it is zeroed
  [':~0x20000000', ['SHA'], []],
  ['~0x1000000:~0x0', ['AES-NI', 'AVX', 'FXSR', 'PCLMULQDQ'], []], // FXSR also clears PCLMULQDQ, XOP, AES-NI, AVX
  ['0xfffa3203078bffff:~0x0', LV1, []], // absolute first word: CPUID leaf 7 never read
  ['~0x0::~0x0', LV1, []], // 3.0 reads the empty second word as 0
  ['zzz', ALL, ['zzz']],
  [' ~0x200000200000000', ALL, [' ~0x200000200000000']],
  ['~~0x2', LV1, ['~~0x2']],
  ['~0x200000200000000;', ['AES-NI', 'PCLMULQDQ', ...LV1].sort(), ['~0x200000200000000;']],
];
for (const [value, bits, malformed] of CASES) {
  test(`OPENSSL_ia32cap=${JSON.stringify(value)} (OpenSSL 3.0)`, () => {
    assert.equal(off(value), bits);
    assert.equal(parseIa32cap(value).malformed, malformed);
  });
}

test('3.0 ignores words after the second; 3.4+ reads five, and `::` keeps CPUID there', () => {
  assert.is(parseIa32cap('~0x200000200000000:~0x0:0').ignored, '0');
  assert.is(parseIa32cap('~0x0:~0x0:~0x0:~0x0:~0x0', 5).ignored, null);
  assert.equal(off('~0x0::~0x0', 5), []);
  assert.is(ia32capWords('3.0.19'), 2);
  assert.is(ia32capWords('3.3.2'), 2);
  assert.is(ia32capWords('3.4.0'), 5);
  assert.is(ia32capWords('1.1.1w'), 2);
  assert.is(ia32capWords(null), 2);
});

test('an absolute value that sets bits the CPU lacks turns them on (SIGILL risk)', () => {
  const bits = ia32capBits(parseIa32cap('0x200000000000000'), new Set(['sse2']));
  assert.equal(bits.filter((b) => b.openssl && !b.cpu).map((b) => b.name), ['AES-NI']);
});

test('maskedCaps names the capabilities a mask disables; rng survives while one of RDRAND/RDSEED is on', () => {
  const m = maskedCaps(ia32capBits(parseIa32cap('~0x4000000200000000:~0x0'), new Set([...EPYC, 'rdseed'])));
  assert.equal([...m.keys()].sort(), ['pclmul']);
  const all = maskedCaps(ia32capBits(parseIa32cap(''), EPYC));
  assert.equal([...all.keys()].sort(), ['aes', 'gfni', 'pclmul', 'rng', 'sha1', 'sha256', 'vaes', 'vpclmulqdq']);
});

test('OPENSSL_armcap: strtoul(…, 0) absolute value; empty and malformed turn everything off', () => {
  const graviton = new Set(['fp', 'asimd', 'aes', 'pmull', 'sha1', 'sha2', 'crc32', 'cpuid']);
  assert.is(detectedArmcap(graviton), 0b10111101);
  const offArm = (v: string) => armcapBits(parseArmcap(v), graviton).filter((b) => b.cpu && !b.openssl).map((b) => b.name);
  assert.equal(offArm('0xbd'), []);
  assert.equal(offArm('0xb9'), ['ARMV8_AES']);
  assert.equal(offArm(''), ['ARMV7_NEON', 'ARMV8_AES', 'ARMV8_SHA1', 'ARMV8_SHA256', 'ARMV8_PMULL', 'ARMV8_CPUID']);
  assert.is(parseArmcap('~0x4').malformed, true);
  assert.is(parseArmcap('~0x4').vector, 0);
  assert.is(parseArmcap('189').vector, 189);
  assert.is(parseArmcap('0275').vector, 0o275);
});

test('tables: bit positions are unique, capability ids come from the vocabulary', () => {
  const ids = new Set<string>(CRYPTO_CAPABILITY_IDS);
  const pos = IA32CAP_BITS.map((r) => `${r.lv}:${r.bit}`);
  assert.is(new Set(pos).size, pos.length);
  assert.is(new Set(ARMCAP_BITS.map((r) => r.bit)).size, ARMCAP_BITS.length);
  for (const r of [...IA32CAP_BITS, ...ARMCAP_BITS]) for (const c of r.caps) assert.ok(ids.has(c), c);
  for (const rows of Object.values(CRYPTO_TABLES)) {
    for (const r of rows) assert.ok(ids.has(r.id), r.id);
    assert.is(new Set(rows.map((r) => r.id)).size, rows.length);
  }
  for (const names of Object.values(AB_MASKS.x86)) for (const n of names) assert.ok(IA32CAP_BITS.some((r) => r.name === n), n);
  for (const names of Object.values(AB_MASKS.arm)) for (const n of names) assert.ok(ARMCAP_BITS.some((r) => r.name === n), n);
});

test('A/B plan: x86 masks per OpenSSL word count; ARM clears bits from the detected vector; others have none', () => {
  const x = abPlan('x86', EPYC, '3.0.19');
  assert.equal(x.masks, { aes: '~0x200000200000000:~0x60000000000', sha256: '~0x0:~0x20000000' });
  assert.ok(x.none.sha512);
  const x34 = abPlan('x86', EPYC, '3.4.1');
  assert.is(x34.masks.sha512, '~0x0:~0x0:~0x100000000:~0x0:~0x0');
  const a = abPlan('arm64', new Set(['asimd', 'aes', 'pmull', 'sha1', 'sha2', 'sha512', 'cpuid']), '3.0.19');
  assert.equal(a.masks, { aes: '0xd9', sha256: '0xed', sha512: '0xbd' });
  assert.is(abPlan('ppc', new Set(['vcrypto']), '3.0.19').variable, null);
});

test.run();
