// Node's own OpenSSL called in place (probes/crypto/evp.ts): the same bytes as node:crypto, chunk
// after chunk, for every calibration kernel; and the kernels run on it where koffi loads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, createHash } from 'node:crypto';
import { evpContext } from '../../../probes/crypto/evp.js';
import { cryptoKernel } from '../../../probes/crypto/kernels.js';
import { CRYPTO_KERNELS } from '../../../probes/crypto/tables.js';

const SIZES: Record<string, [number, number]> = { 'aes-128-gcm': [16, 12], 'aes-256-gcm': [32, 12], 'aes-256-ctr': [32, 16], 'chacha20-poly1305': [32, 12] };
const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

for (const row of CRYPTO_KERNELS) {
  test(`${row.algorithm}: in place gives node:crypto's bytes over consecutive chunks`, async () => {
    const [k, v] = SIZES[row.algorithm] ?? [0, 0];
    const key = bytes(k, 1);
    const iv = bytes(v, 2);
    const ctx = await evpContext(row.kind, row.algorithm, key, iv, bytes(4096, 9));
    if (typeof ctx === 'string') {
      // Only where koffi cannot bind the process's own symbols; this CI image can.
      assert.ok(process.platform !== 'linux', ctx);
      return;
    }
    const chunks = [bytes(4096, 3), bytes(1000, 4), bytes(65536, 5)];
    if (row.kind === 'hash') {
      // A hash has no output per chunk: its digest over all of them must be node:crypto's.
      for (const c of chunks) assert.is(ctx.update(Buffer.from(c)), c.length);
      const want = createHash(row.algorithm);
      for (const c of chunks) want.update(c);
      assert.ok(ctx.digest()!.equals(want.digest()), `${row.algorithm}: digest differs`);
      ctx.free();
      assert.ok(createHash(row.algorithm).update(chunks[0]).digest().length > 0);
      return;
    }
    const node = createCipheriv(row.algorithm, key, iv, { authTagLength: 16 } as never);
    for (const c of chunks) {
      const mine = Buffer.from(c);
      ctx.update(mine);
      assert.ok(mine.equals(node.update(c)), `${row.algorithm}: chunk of ${c.length} bytes differs`);
    }
    ctx.free();
  });
}

test('the calibration kernels run on EVP in place here, and say so', async () => {
  for (const row of CRYPTO_KERNELS) {
    const k = cryptoKernel(row);
    const s = await k.setup!();
    assert.ok(process.platform !== 'linux' || /EVP, in place/.test(s.engine), `${row.metric}: ${s.engine}`);
    assert.is(k.run(s, 3), 3 * s.chunk.length);
    await k.teardown?.(s);
  }
});

test('an unknown algorithm is refused with the reason, not bound to something else', async () => {
  const r = await evpContext('cipher', 'no-such-cipher-128', Buffer.alloc(16), Buffer.alloc(16), Buffer.alloc(64));
  assert.type(r, 'string');
  assert.match(r as string, /no-such-cipher-128|could not be bound/);
});

test.run();
