/**
 * Node's own OpenSSL, called in place through koffi: the crypto kernels' engine where it can be
 * bound (the calibration children only).
 *
 * Why: node:crypto's update() returns a fresh output Buffer per call. Measured here (AES-128-GCM,
 * 64 KiB chunks, 4 ms samples, the same child, interleaved): update() gave 0.6–2.3 GB/s, where
 * EVP_EncryptUpdate on one buffer in place gave 1.8–3.8 GB/s and `openssl speed` 2.2–3.2 GB/s. The
 * difference is the per-call output: each lands in memory the cache has not seen (the GC frees the
 * Buffers in batches), and the work it adds is the same on the accelerated and the software path,
 * so it also shrank the measured speedup. `openssl speed` itself encrypts one buffer in place.
 *
 * Node exports its OpenSSL's symbols (native addons link against them), so dlopen(NULL) finds the
 * very library node:crypto uses, with the masks (OPENSSL_ia32cap…) it read at start-up. Before it
 * is used, a chunk is encrypted (or hashed) both ways and must give the same bytes as node:crypto;
 * when the symbols cannot be bound or the bytes differ, the kernel keeps to node:crypto.
 */
import { createCipheriv, createHash } from 'node:crypto';

/** One in-place context. */
export interface EvpContext {
  /** Encrypts `buf` in place (or hashes it); returns the bytes processed. */
  update(buf: Buffer): number;
  /** A hash context's digest of what it was fed (ends it); null for a cipher. */
  digest(): Buffer | null;
  free(): void;
}

type Fn = (...args: unknown[]) => unknown;
interface Bound {
  cipherNew: Fn;
  cipherFree: Fn;
  cipherByName: Fn;
  encryptInit: Fn;
  encryptUpdate: Fn;
  mdNew: Fn;
  mdFree: Fn;
  mdByName: Fn;
  digestInit: Fn;
  digestUpdate: Fn;
  digestFinal: Fn;
}

let bound: Promise<Bound | string> | undefined;

/** Binds the EVP functions of the OpenSSL linked into this process, once; a string says why not. */
function bind(): Promise<Bound | string> {
  bound ??= (async () => {
    try {
      const koffi = (await import('../../src/koffi.js')).loadKoffi();
      const lib = koffi.load(null as unknown as string); // the process itself: node's own OpenSSL
      return {
        cipherNew: lib.func('void *EVP_CIPHER_CTX_new()'),
        cipherFree: lib.func('void EVP_CIPHER_CTX_free(void *)'),
        cipherByName: lib.func('const void *EVP_get_cipherbyname(const char *)'),
        encryptInit: lib.func('int EVP_EncryptInit_ex(void *, const void *, void *, const uint8_t *, const uint8_t *)'),
        encryptUpdate: lib.func('int EVP_EncryptUpdate(void *, _Out_ uint8_t *, _Out_ int *, const uint8_t *, int)'),
        mdNew: lib.func('void *EVP_MD_CTX_new()'),
        mdFree: lib.func('void EVP_MD_CTX_free(void *)'),
        mdByName: lib.func('const void *EVP_get_digestbyname(const char *)'),
        digestInit: lib.func('int EVP_DigestInit_ex(void *, const void *, void *)'),
        digestUpdate: lib.func('int EVP_DigestUpdate(void *, const uint8_t *, size_t)'),
        digestFinal: lib.func('int EVP_DigestFinal_ex(void *, _Out_ uint8_t *, _Out_ unsigned int *)'),
      } as Bound;
    } catch (e) {
      return `node's OpenSSL could not be bound through koffi: ${(e as Error).message}`;
    }
  })();
  return bound;
}

function open(b: Bound, kind: 'aead' | 'cipher' | 'hash', algorithm: string, key: Buffer, iv: Buffer): EvpContext | string {
  if (kind === 'hash') {
    const md = b.mdByName(algorithm);
    if (!md) return `EVP_get_digestbyname("${algorithm}") found nothing`;
    const ctx = b.mdNew();
    if (!ctx || b.digestInit(ctx, md, null) !== 1) return `EVP_DigestInit_ex(${algorithm}) failed`;
    return {
      update: (buf) => (b.digestUpdate(ctx, buf, buf.length), buf.length),
      digest: () => {
        const out = Buffer.alloc(64); // EVP_MAX_MD_SIZE
        const len = [0];
        b.digestFinal(ctx, out, len);
        return out.subarray(0, len[0]);
      },
      free: () => void b.mdFree(ctx),
    };
  }
  const cipher = b.cipherByName(algorithm);
  if (!cipher) return `EVP_get_cipherbyname("${algorithm}") found nothing`;
  const ctx = b.cipherNew();
  if (!ctx || b.encryptInit(ctx, cipher, null, key, iv) !== 1) return `EVP_EncryptInit_ex(${algorithm}) failed`;
  const outl = [0];
  return {
    update: (buf) => (b.encryptUpdate(ctx, buf, outl, buf, buf.length), buf.length),
    digest: () => null,
    free: () => void b.cipherFree(ctx),
  };
}

/**
 * An in-place context for the algorithm with this key and IV, after checking on `probe` (a chunk of
 * input) that it gives node:crypto's bytes; or why it cannot be used.
 */
export async function evpContext(kind: 'aead' | 'cipher' | 'hash', algorithm: string, key: Buffer, iv: Buffer, probe: Buffer): Promise<EvpContext | string> {
  const b = await bind();
  if (typeof b === 'string') return b;
  try {
    const test = open(b, kind, algorithm, key, iv);
    if (typeof test === 'string') return test;
    // The probe chunk both ways: a cipher's output (in place), a hash's digest.
    const mine = Buffer.from(probe);
    test.update(mine);
    const same =
      kind === 'hash'
        ? test.digest()!.equals(createHash(algorithm).update(probe).digest())
        : mine.equals(createCipheriv(algorithm, key, iv, { authTagLength: 16 } as never).update(probe));
    test.free();
    if (!same) return `EVP in place gave other bytes than node:crypto for ${algorithm}`;
    return open(b, kind, algorithm, key, iv);
  } catch (e) {
    return `EVP call failed: ${(e as Error).message}`;
  }
}
