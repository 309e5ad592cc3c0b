/**
 * The crypto calibration kernels, run in the calibration children (worker.ts). Each streams 64 KiB
 * chunks through one cipher or hash context, so the figure is OpenSSL's engine and not Buffer
 * allocation or key setup (a fresh cipher per 1 MiB buffer measured ~1.8 GB/s here where
 * `openssl speed` gave ~5.5 GB/s). The engine is node's own OpenSSL called in place (evp.ts) where
 * it can be bound and gives node:crypto's bytes; else node:crypto's update(), whose fresh output
 * Buffer per call costs a third of the rate here.
 */
import { createCipheriv, createHash, type Cipher, type Hash } from 'node:crypto';
import { evpContext, type EvpContext } from './evp.js';
import type { Kernel } from '../../src/calibration.js';
import { CRYPTO_METRIC_UNIT, type CryptoKernelRow } from './tables.js';

/** Bytes per update() call. */
export const CHUNK_BYTES = 64 * 1024;

/** A kernel's state: one long-lived context and the chunk it is fed. */
export interface CryptoState {
  /** node's OpenSSL in place when bound and checked, else a node:crypto context */
  ctx: EvpContext | Cipher | Hash;
  chunk: Buffer;
  /** which engine ran, and why not EVP in place when it did not */
  engine: string;
}

const hex = (s: string) => Buffer.from(s, 'hex');
/** n bytes counting up from `start` (a plain loop: Array.from over 64 KiB took ~10 ms a chunk, 0.4 s per calibration). */
const seq = (n: number, start = 0): Buffer => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (start + i) & 0xff;
  return b;
};

/** Key and IV sizes per algorithm. */
const SIZES: Record<string, { key: number; iv: number }> = {
  'aes-128-gcm': { key: 16, iv: 12 },
  'aes-256-gcm': { key: 32, iv: 12 },
  'aes-256-ctr': { key: 32, iv: 16 },
  'chacha20-poly1305': { key: 32, iv: 12 },
};

/** The fixed key and IV of an algorithm (deterministic, so two processes can compare outputs). */
function keyIv(row: CryptoKernelRow): { key: Buffer; iv: Buffer } {
  const s = SIZES[row.algorithm] ?? { key: 0, iv: 0 };
  return { key: seq(s.key, 1), iv: seq(s.iv, 101) };
}

/** A node:crypto context for the algorithm with the fixed key and IV. */
function context(row: CryptoKernelRow): Cipher | Hash {
  if (row.kind === 'hash') return createHash(row.algorithm);
  const { key, iv } = keyIv(row);
  return createCipheriv(row.algorithm, key, iv, { authTagLength: 16 } as never);
}

/**
 * Known-answer tests. AES-GCM: test cases 2 and 14 of McGrew & Viega, "The Galois/Counter Mode of
 * Operation"; AES-256-CTR: NIST SP 800-38A F.5.5; ChaCha20-Poly1305: RFC 8439 §2.8.2 (first block
 * and tag); SHA: FIPS 180-2 "abc". Published vectors, not made-up values.
 */
const KAT: Record<string, { key?: string; iv?: string; aad?: string; input: Buffer; out: string; tag?: string }> = {
  'aes-128-gcm': { key: '00'.repeat(16), iv: '00'.repeat(12), input: Buffer.alloc(16), out: '0388dace60b6a392f328c2b971b2fe78', tag: 'ab6e47d42cec13bdf53a67b21257bddf' },
  'aes-256-gcm': { key: '00'.repeat(32), iv: '00'.repeat(12), input: Buffer.alloc(16), out: 'cea7403d4d606b6e074ec5d3baf39d18', tag: 'd0d1c8a799996bf0265b98b5d48ab919' },
  'aes-256-ctr': {
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    iv: 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff',
    input: hex('6bc1bee22e409f96e93d7e117393172a'),
    out: '601ec313775789a5b7a7f504bbf3d228',
  },
  'chacha20-poly1305': {
    key: seq(32, 0x80).toString('hex'),
    iv: '070000004041424344454647',
    aad: '50515253c0c1c2c3c4c5c6c7',
    input: Buffer.from("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."),
    out: 'd31a8d34648e60db7b86afbc53ef7ec2',
    tag: '1ae10b594f09e26a7e902ecbd0600691',
  },
  sha256: { input: Buffer.from('abc'), out: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  sha512: {
    input: Buffer.from('abc'),
    out: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
};

/** Runs the algorithm's known-answer test: null when right, else what was wrong. */
export function knownAnswer(row: CryptoKernelRow): string | null {
  const k = KAT[row.algorithm];
  if (row.kind === 'hash') {
    const got = createHash(row.algorithm).update(k.input).digest('hex');
    return got === k.out ? null : `${row.algorithm}("abc") = ${got.slice(0, 16)}…, expected ${k.out.slice(0, 16)}…`;
  }
  const c = createCipheriv(row.algorithm, hex(k.key!), hex(k.iv!), { authTagLength: 16 } as never) as Cipher & {
    setAAD?(b: Buffer, o?: object): void;
    getAuthTag?(): Buffer;
  };
  if (k.aad) c.setAAD!(hex(k.aad), { plaintextLength: k.input.length });
  const out = Buffer.concat([c.update(k.input), c.final()]).subarray(0, 16).toString('hex');
  if (out !== k.out) return `${row.algorithm} known-answer ciphertext ${out}, expected ${k.out}`;
  if (k.tag) {
    const tag = c.getAuthTag!().toString('hex');
    if (tag !== k.tag) return `${row.algorithm} known-answer tag ${tag}, expected ${k.tag}`;
  }
  return null;
}

/**
 * SHA-256 of the algorithm's output over 4 deterministic chunks (and the tag): the accelerated
 * and the software path must agree bit for bit, so the parent compares its digest with the child's.
 */
export function crossDigest(row: CryptoKernelRow): string {
  const ctx = context(row);
  const h = createHash('sha256');
  for (let i = 0; i < 4; i++) {
    const chunk = seq(CHUNK_BYTES, i * 7);
    if (row.kind === 'hash') (ctx as Hash).update(chunk);
    else h.update((ctx as Cipher).update(chunk));
  }
  if (row.kind === 'hash') h.update((ctx as Hash).digest());
  else {
    const c = ctx as Cipher & { getAuthTag?(): Buffer };
    h.update(c.final());
    if (row.kind === 'aead') h.update(c.getAuthTag!());
  }
  return h.digest('hex');
}

/** The calibration kernel for a row: `run` streams `iterations` chunks through one context. `onEngine` hears which engine its setup chose. */
export function cryptoKernel(row: CryptoKernelRow, onEngine?: (engine: string) => void): Kernel<CryptoState> {
  return {
    id: row.metric,
    unit: CRYPTO_METRIC_UNIT,
    scale: 1e9,
    // One thread streams through OpenSSL: time descheduled by other processes is not the cipher's.
    clock: 'cpu',
    async setup() {
      const chunk = seq(CHUNK_BYTES, 3);
      const { key, iv } = keyIv(row);
      const evp = await evpContext(row.kind, row.algorithm, key, iv, chunk);
      const state = typeof evp === 'string' ? { ctx: context(row), chunk, engine: `node:crypto update() (${evp})` } : { ctx: evp, chunk, engine: "node's OpenSSL EVP, in place" };
      onEngine?.(state.engine);
      return state;
    },
    run(s, iterations) {
      for (let i = 0; i < iterations; i++) s.ctx.update(s.chunk);
      return iterations * CHUNK_BYTES;
    },
    check: () => knownAnswer(row),
    teardown: (s) => ('free' in s.ctx ? s.ctx.free() : undefined),
  };
}
