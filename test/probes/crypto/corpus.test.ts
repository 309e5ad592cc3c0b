// Flag tables against the corpus: every cpuinfo fixture of fixtures/corpus replayed through the cpu and crypto probes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuProbe } from '../../../probes/cpu/index.js';
import { cryptoProbe } from '../../../probes/crypto/index.js';
import { s390Msa } from '../../../probes/crypto/detect.js';
import { CRYPTO_TABLES } from '../../../probes/crypto/tables.js';
import { archFamily } from '../../../probes/cpu/tables.js';
import type { Detection, ProbeContext } from '../../../src/types.js';
import { cpuinfoHost, entries, fixture, NODE_ARCH_BY_DIR } from '../cpu/corpus-helpers.js';
import type { Capture } from '../../../src/host/capture.js';

/** Runs cpu then crypto on a replayed cpuinfo, the way the runner does (crypto reads the cpu peer). */
async function crypto(path: string, extra: Partial<Capture> = {}): Promise<Detection> {
  const arch = NODE_ARCH_BY_DIR[path.split('/')[1]];
  const host = cpuinfoHost(fixture(path), arch, extra);
  const base: ProbeContext = { signal: new AbortController().signal, calibrate: 'off', peers: {}, progress() {} };
  const cpu = await cpuProbe.detect(host, base);
  return cryptoProbe.detect(host, { ...base, peers: { cpu } });
}

const advertised = (d: Detection) =>
  Object.entries(d.capabilities)
    .filter(([, c]) => c.advertised === true)
    .map(([id]) => id)
    .sort();
const codes = (d: Detection) => d.findings.map((f) => f.code).sort();

test('Graviton 2 (Neoverse N1): aes, pmull, sha1, sha2 → crypto.aes/pclmul/sha1/sha256, plus crc32', async () => {
  const d = await crypto('cpuinfo/aarch64/ohai-aarch64-graviton2');
  assert.equal(advertised(d), ['crypto.aes', 'crypto.crc32', 'crypto.pclmul', 'crypto.sha1', 'crypto.sha256']);
  assert.is(d.capabilities['crypto.sha512'].advertised, false);
  assert.is(d.capabilities['crypto.aes'].usable, true);
  assert.equal((d.facts.abPlan as { variable: string }).variable, 'OPENSSL_armcap');
});

test('archspec rhel7 x86_64_v3 ("Haswell with AES disabled from BIOS"): crypto.aes advertised false, firmware finding', async () => {
  const d = await crypto('cpuinfo/x86_64/archspec-linux-rhel7-x86_64_v3');
  assert.is(d.capabilities['crypto.aes'].advertised, false);
  assert.is(d.capabilities['crypto.aes'].usable, false);
  assert.is(d.capabilities['crypto.pclmul'].advertised, true);
  assert.equal(codes(d), ['CRYPTO_NOT_ADVERTISED_DISABLED']);
  assert.is(d.findings[0].capability, 'crypto.aes');
});

test('archspec rhel7 haswell (the real one): crypto.aes advertised, no findings', async () => {
  const d = await crypto('cpuinfo/x86_64/archspec-linux-rhel7-haswell');
  assert.is(d.capabilities['crypto.aes'].advertised, true);
  assert.equal(codes(d), []);
});

test('a QEMU generic-model guest (ohai-x86-guest-kvm): AES-NI hidden by the hypervisor', async () => {
  const d = await crypto('cpuinfo/x86_64/ohai-x86-guest-kvm');
  assert.is(d.capabilities['crypto.aes'].advertised, false);
  assert.equal(codes(d), ['CRYPTO_NOT_ADVERTISED_VIRTUALIZED', 'CRYPTO_NOT_ADVERTISED_VIRTUALIZED']);
  assert.equal(d.findings.map((f) => f.capability).sort(), ['crypto.aes', 'crypto.pclmul']);
});

test('a Haswell-model KVM guest that passes AES through: no crypto findings', async () => {
  const d = await crypto('cpuinfo/x86_64/ohai-x86-guest-kvm-nested');
  assert.is(d.capabilities['crypto.aes'].advertised, true);
  assert.equal(codes(d), []);
});

test('Zen 4 (archspec rocky8.5): SHA-NI, VAES, VPCLMULQDQ, GFNI', async () => {
  const d = await crypto('cpuinfo/x86_64/archspec-linux-rocky8.5-zen4');
  for (const id of ['crypto.aes', 'crypto.sha256', 'crypto.vaes', 'crypto.vpclmulqdq', 'crypto.gfni']) assert.is(d.capabilities[id].advertised, true, id);
});

test('s390x: CPACF from the features line and MSA levels from the facilities line', async () => {
  const path = 'cpuinfo/s390x/ohai-s390x';
  assert.equal(s390Msa(fixture(path)), ['msa', 'msa3', 'msa4', 'msa5', 'msa8', 'msa9']);
  const d = await crypto(path);
  assert.equal(advertised(d), ['crypto.aes', 'crypto.rng', 'crypto.sha1', 'crypto.sha256', 'crypto.sha512']);
  assert.equal(d.facts.s390Msa, ['msa', 'msa3', 'msa4', 'msa5', 'msa8', 'msa9']);
  assert.is((d.facts.abPlan as { variable: string | null }).variable, null);
});

test('POWER: vcrypto from the CPU model when auxv is absent (POWER8 ⇒ ISA 2.07)', async () => {
  const d = await crypto('cpuinfo/ppc64le/ohai-ppc64le-p8-host');
  assert.is(d.capabilities['crypto.aes'].advertised, true);
  assert.is(d.capabilities['crypto.rng'].advertised, false);
  const p9 = await crypto('cpuinfo/ppc64le/ohai-ppc64le-p9-host');
  assert.is(p9.capabilities['crypto.rng'].advertised, true);
});

test('every cpuinfo fixture: never throws, one capability per table row, nothing usable that is not advertised', async () => {
  for (const e of entries().filter((x) => x.category === 'cpuinfo')) {
    const dir = e.path.split('/')[1];
    const arch = NODE_ARCH_BY_DIR[dir];
    if (!arch) continue;
    const d = await crypto(e.path);
    const family = archFamily(arch);
    const rows = CRYPTO_TABLES[family];
    for (const r of rows) assert.ok(`crypto.${r.id}` in d.capabilities, `${e.path}: crypto.${r.id}`);
    for (const [id, c] of Object.entries(d.capabilities)) assert.not.ok(c.usable === true && c.advertised === false, `${e.path} ${id}`);
  }
});

test.run();
