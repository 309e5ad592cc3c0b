// Conformance over every capture (fixtures/captures, and every cpuinfo, sysctl and lscpu file of
// fixtures/corpus): no probe reports a capability that belongs to an architecture other than the
// capture's. "Belongs" is read from the tables themselves: a cpu.simd/crypto row of one family's
// table that is absent from the capture family's table, or a cpu.isa level of another family.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROBES } from '../../probes/index.js';
import { cpuProbe } from '../../probes/cpu/index.js';
import { cryptoProbe } from '../../probes/crypto/index.js';
import { SIMD_TABLES, archFamily, type ArchFamily } from '../../probes/cpu/tables.js';
import { CRYPTO_TABLES } from '../../probes/crypto/tables.js';
import { ReplayHost } from '../../src/host/replay-host.js';
import { execKey, makeCapture, type Capture } from '../../src/host/capture.js';
import { runProbes } from '../../src/runner.js';
import { cpuinfoHost, entries, fixture, NODE_ARCH_BY_DIR, okExec, sysctlHost } from './cpu/corpus-helpers.js';

const FAMILIES = Object.keys(SIMD_TABLES) as ArchFamily[];
/** Capability ids each family's tables can produce. */
const OWN: Record<ArchFamily, Set<string>> = Object.fromEntries(
  FAMILIES.map((f) => [f, new Set([...SIMD_TABLES[f].map((r) => `cpu.simd.${r.id}`), ...CRYPTO_TABLES[f].map((r) => `crypto.${r.id}`)])]),
) as Record<ArchFamily, Set<string>>;
const ANY = new Set(FAMILIES.flatMap((f) => [...OWN[f]]));
const ISA_FAMILY: [RegExp, ArchFamily[]][] = [
  [/^cpu\.isa\.x86-64/, ['x86']],
  [/^cpu\.isa\.armv/, ['arm64']],
  [/^cpu\.isa\.riscv\./, ['riscv']],
];

/** The ids in `caps` that belong to another architecture than `family`. */
export function foreignCapabilities(family: ArchFamily, caps: Iterable<string>): string[] {
  const out: string[] = [];
  for (const id of caps) {
    if (ANY.has(id) && !OWN[family].has(id)) out.push(id);
    for (const [re, fams] of ISA_FAMILY) if (re.test(id) && !fams.includes(family)) out.push(id);
  }
  return out;
}

test('the tables give every family its own ids (the check can fail)', () => {
  assert.ok(foreignCapabilities('arm64', ['cpu.simd.avx2']).length === 1);
  assert.ok(foreignCapabilities('x86', ['cpu.isa.armv8.2-a']).length === 1);
  assert.equal(foreignCapabilities('x86', ['cpu.simd.avx2', 'crypto.aes']), []);
});

const dir = (p: string) => fileURLToPath(new URL(`../../fixtures/${p}`, import.meta.url));
for (const file of readdirSync(dir('captures')).filter((f) => f.endsWith('.json'))) {
  test(`capture ${file}: every probe stays within ${file.split('-')[1]}`, async () => {
    const c = JSON.parse(readFileSync(dir(`captures/${file}`), 'utf8')) as Capture;
    const run = await runProbes(new ReplayHost(c), PROBES, { calibrate: 'off', timeoutMs: 5000 });
    const ids = Object.values(run.detections).flatMap((p) => Object.keys(p.capabilities));
    assert.equal(foreignCapabilities(archFamily(c.info.arch), ids), [], c.info.arch);
  });
}

const ctx = () => ({ signal: new AbortController().signal, calibrate: 'off' as const, peers: {}, progress() {} });
async function cpuAndCrypto(host: ReplayHost): Promise<string[]> {
  const cpu = await cpuProbe.detect(host, ctx());
  const crypto = await cryptoProbe.detect(host, { ...ctx(), peers: { cpu } });
  return [...Object.keys(cpu.capabilities), ...Object.keys(crypto.capabilities)];
}

for (const e of entries()) {
  test(`corpus ${e.path}: cpu and crypto stay within its architecture`, async () => {
    const text = fixture(e.path);
    let host: ReplayHost;
    let arch: string;
    if (e.category === 'cpuinfo') {
      arch = NODE_ARCH_BY_DIR[e.path.split('/')[1]];
      host = cpuinfoHost(text, arch);
    } else if (e.category === 'sysctl') {
      arch = /hw\.optional\.arm64: 1|Apple M/.test(text) ? 'arm64' : 'x64';
      host = sysctlHost(text, arch);
    } else {
      const a = /^Architecture:\s*(\S+)/m.exec(text)?.[1] ?? 'x86_64';
      arch = ({ x86_64: 'x64', aarch64: 'arm64', ppc64le: 'ppc64', s390x: 's390x' } as Record<string, string>)[a] ?? 'x64';
      host = new ReplayHost(makeCapture({ info: { platform: 'linux', arch }, exec: { [execKey('lscpu', [])]: okExec(text) } }));
    }
    assert.equal(foreignCapabilities(archFamily(arch), await cpuAndCrypto(host)), [], arch);
  });
}

// fixtures/arch: pytorch/cpuinfo's ARM sysfs mocks and google/cpu_features' LoongArch and MIPS captures.
const ARCH = fileURLToPath(new URL('../../fixtures/arch/', import.meta.url));
for (const f of readdirSync(ARCH + 'pytorch-cpuinfo').filter((x) => x.endsWith('.json'))) {
  test(`arch ${f}: cpu and crypto stay within ARM`, async () => {
    const files = JSON.parse(readFileSync(ARCH + 'pytorch-cpuinfo/' + f, 'utf8')) as Record<string, string>;
    for (const arch of ['arm64', 'arm']) {
      const host = new ReplayHost(makeCapture({ info: { platform: 'linux', arch }, files }));
      assert.equal(foreignCapabilities(archFamily(arch), await cpuAndCrypto(host)), [], arch);
    }
  });
}
for (const [file, arch] of [['cpuinfo_loongarch_test.cc', 'loong64'], ['cpuinfo_mips_test.cc', 'mipsel']] as const) {
  test(`arch ${file}: every capture stays within ${arch}`, async () => {
    const src = readFileSync(ARCH + 'cpu_features/' + file, 'utf8');
    const texts = [...src.matchAll(/"\/proc\/cpuinfo",\s*R"\(([\s\S]*?)\)"\)/g)].map((m) => m[1]);
    assert.ok(texts.length >= 2);
    for (const t of texts) assert.equal(foreignCapabilities(archFamily(arch), await cpuAndCrypto(cpuinfoHost(t, arch))), [], arch);
  });
}

test.run();
