// Parsers and detection details: `openssl version -a`, PCI uevents, macOS sysctl corpus, findings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareOpenssl, parseOpensslVersion, parseVector } from '../../../probes/crypto/openssl.js';
import { classifyPci, parsePciUevent } from '../../../probes/crypto/devices.js';
import { cpuProbe } from '../../../probes/cpu/index.js';
import { cryptoProbe } from '../../../probes/crypto/index.js';
import { CRYPTO_FINDINGS } from '../../../probes/crypto/findings.js';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, execResult, makeCapture } from '../../../src/host/capture.js';
import type { Detection, ProbeContext } from '../../../src/types.js';
import { fixture, sysctlHost } from '../cpu/corpus-helpers.js';

const ctx = (peers: ProbeContext['peers'] = {}): ProbeContext => ({ signal: new AbortController().signal, calibrate: 'off', peers, progress() {} });

// `openssl version -a` of this machine (Debian 12), first and CPUINFO lines copied from the real output.
const DEBIAN = `OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)
built on: Fri Apr  3 12:29:32 2026 UTC
platform: debian-amd64
CPUINFO: OPENSSL_ia32cap=0xfdfa3201078bffff:0x405fc6f1bf07ab env:~0x200000200000000:~0x0
`;

test('openssl version -a: version, platform, the CPUINFO vector and the env it saw', () => {
  const v = parseOpensslVersion(DEBIAN);
  assert.equal(v, {
    version: '3.0.19',
    library: null,
    flavour: 'OpenSSL',
    platform: 'debian-amd64',
    cpuinfo: { variable: 'OPENSSL_ia32cap', vector: '0xfdfa3201078bffff:0x405fc6f1bf07ab', env: '~0x200000200000000:~0x0' },
  });
  assert.equal(parseVector('0xfdfa3201078bffff:0x405fc6f1bf07ab'), [0xfdfa3201078bffffn, 0x405fc6f1bf07abn]);
  assert.is(parseVector('zz'), null);
  // hand-written edge cases: a tool/library split and a non-OpenSSL first line
  assert.is(parseOpensslVersion('OpenSSL 3.0.2 15 Mar 2022 (Library: OpenSSL 3.0.13 30 Jan 2024)').library, '3.0.13');
  assert.is(parseOpensslVersion('LibreSSL 3.3.6').flavour, 'LibreSSL');
  assert.is(parseOpensslVersion('garbage').version, null);
});

test('compareOpenssl: numeric parts, letter suffixes, +quic builds', () => {
  assert.ok(compareOpenssl('3.0.8+quic', '3.0.19')! < 0);
  assert.ok(compareOpenssl('3.0.19', '3.0.19') === 0);
  assert.ok(compareOpenssl('1.1.1w', '1.1.1k')! > 0);
  assert.ok(compareOpenssl('3.5.0', '3.0.19')! > 0);
  assert.is(compareOpenssl('x', '3.0.0'), null);
});

test('PCI uevent: id and driver; QAT and CCP by id', () => {
  // hand-written: the uevent layout of this machine's virtio device, with a QAT id substituted
  const u = parsePciUevent('DRIVER=qat_4xxx\nPCI_CLASS=B4000\nPCI_ID=8086:4940\nPCI_SLOT_NAME=0000:6b:00.0\n');
  assert.equal(u, { id: '8086:4940', driver: 'qat_4xxx' });
  assert.equal(classifyPci('8086:4940'), { kind: 'qat', name: 'qat_4xxx' });
  assert.equal(classifyPci('1022:1468'), { kind: 'ccp', name: 'CCP v5b (Zen)' });
  assert.is(classifyPci('1af4:1041'), null);
});

test('a QAT device on the PCI bus: crypto.qat advertised, usable when a qat driver is bound, effective null', async () => {
  const host = new ReplayHost(
    makeCapture({
      info: { platform: 'linux', arch: 'x64' },
      files: {
        '/proc/cpuinfo': fixture('cpuinfo/x86_64/archspec-linux-rocky9-zen5'),
        // hand-written uevents (see above)
        '/sys/bus/pci/devices/0000:6b:00.0/uevent': 'DRIVER=qat_4xxx\nPCI_ID=8086:4940\n',
        '/sys/bus/pci/devices/0000:6c:00.0/uevent': 'PCI_ID=8086:4941\n',
      },
      dirs: { '/sys/bus/pci/devices': ['0000:6b:00.0', '0000:6c:00.0'] },
    }),
  );
  const cpu = await cpuProbe.detect(host, ctx());
  const d = await cryptoProbe.detect(host, ctx({ cpu }));
  const qat = d.capabilities['crypto.qat'];
  assert.equal([qat.advertised, qat.usable, qat.effective], [true, true, null]);
  assert.is(qat.evidence.length, 2);
});

test('the system openssl newer than Node\'s: CRYPTO_NODE_OPENSSL_OLDER', async () => {
  const host = new ReplayHost(
    makeCapture({
      info: { platform: 'linux', arch: 'x64', versions: { node: '20.20.2', openssl: '3.0.13+quic' } },
      files: { '/proc/cpuinfo': fixture('cpuinfo/x86_64/archspec-linux-rhel7-haswell') },
      exec: { [execKey('openssl', ['version', '-a'])]: execResult(DEBIAN) },
    }),
  );
  const d = await cryptoProbe.detect(host, ctx());
  const f = d.findings.find((x) => x.code === 'CRYPTO_NODE_OPENSSL_OLDER');
  assert.ok(f);
  assert.equal(f!.args, { node: '3.0.13+quic', system: '3.0.19' });
});

test('GLIBC_TUNABLES that masks AVX2: info finding, no crypto capability disabled', async () => {
  const host = new ReplayHost(
    makeCapture({
      info: { platform: 'linux', arch: 'x64' },
      files: { '/proc/cpuinfo': fixture('cpuinfo/x86_64/archspec-linux-rhel7-haswell') },
      env: { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2' },
    }),
  );
  const d = await cryptoProbe.detect(host, ctx());
  assert.equal(d.findings.map((f) => f.code), ['CRYPTO_GLIBC_TUNABLES_NO_EFFECT']);
  assert.ok(Object.values(d.capabilities).every((c) => c.usable === c.advertised));
});

test('OPENSSL_armcap on x86 and a malformed armcap on arm64 are findings, not crashes', async () => {
  const x86 = new ReplayHost(
    makeCapture({ info: { platform: 'linux', arch: 'x64' }, files: { '/proc/cpuinfo': fixture('cpuinfo/x86_64/archspec-linux-rhel7-haswell') }, env: { OPENSSL_armcap: '0' } }),
  );
  assert.equal((await cryptoProbe.detect(x86, ctx())).findings.map((f) => f.code), ['CRYPTO_MASK_IGNORED']);
  const arm = new ReplayHost(
    makeCapture({ info: { platform: 'linux', arch: 'arm64' }, files: { '/proc/cpuinfo': fixture('cpuinfo/aarch64/ohai-aarch64-graviton2') }, env: { OPENSSL_armcap: '~0x4' } }),
  );
  const d: Detection = await cryptoProbe.detect(arm, ctx());
  const codes = d.findings.map((f) => f.code).sort();
  assert.ok(codes.includes('CRYPTO_MASK_MALFORMED'));
  assert.ok(d.findings.find((f) => f.code === 'CRYPTO_MASK_MALFORMED')!.message.includes('"~0x4"'));
  assert.is(d.capabilities['crypto.aes'].usable, false);
});

test('macOS sysctl corpus: Apple M1 and Intel Haswell crypto features', async () => {
  for (const [file, arch, want] of [
    ['sysctl/darwin/darwin-monterey-m1.txt', 'arm64', ['crypto.aes', 'crypto.crc32', 'crypto.pclmul', 'crypto.sha1', 'crypto.sha256', 'crypto.sha3', 'crypto.sha512']],
    ['sysctl/darwin/darwin-mojave-haswell.txt', 'x64', ['crypto.aes', 'crypto.crc32', 'crypto.pclmul', 'crypto.rng']],
  ] as const) {
    const host = sysctlHost(fixture(file), arch);
    const cpu = await cpuProbe.detect(host, ctx());
    const d = await cryptoProbe.detect(host, ctx({ cpu }));
    const adv = Object.entries(d.capabilities).filter(([, c]) => c.advertised).map(([id]) => id).sort();
    assert.equal(adv, [...want], file);
  }
});

test('every finding code is SCREAMING_SNAKE and renders a message', () => {
  for (const [code, t] of Object.entries(CRYPTO_FINDINGS)) {
    assert.match(code, /^CRYPTO_[A-Z0-9_]+$/);
    assert.ok(t.render({}).length > 10, code);
  }
});

test.run();
