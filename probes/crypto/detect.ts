/**
 * Crypto detection: advertised (CPU flags, crypto devices), usable (OpenSSL's capability masks in
 * the environment), and the OpenSSL inside Node next to the system one. Reads the machine only
 * through Host; CPU flags come from the cpu probe's detection (run here when it was not selected).
 */
import type { Capability, Detection, Finding, ProbeContext } from '../../src/types.js';
import type { ExecResult, Host } from '../../src/host/host.js';
import { emptyDetection } from '../../src/types.js';
import { cpuProbe } from '../cpu/index.js';
import { archFamily, type ArchFamily } from '../cpu/tables.js';
import { parseCpuinfo } from '../cpu/parse-cpuinfo.js';
import { AT_HWCAP2, parseAuxv64 } from '../cpu/parse-auxv.js';
import { parseHwcapsTunable } from '../cpu/glibc.js';
import { WIN_TO_KERNEL } from '../cpu/detect-win32.js';
import {
  AB_MASKS,
  ARMCAP_BITS,
  CRYPTO_KERNELS,
  CRYPTO_TABLES,
  IA32CAP_BITS,
  IMPLIED_FLAGS,
  OPENSSL_X86_PATHS,
  PPC_HWCAP2,
  S390_MSA_FACILITIES,
  X86_CRYPTO,
  type CryptoCapId,
} from './tables.js';
import {
  armcapBits,
  detectedArmcap,
  ia32capBits,
  ia32capVector,
  ia32capWords,
  maskedCaps,
  parseArmcap,
  parseIa32cap,
  type BitState,
} from './masks.js';
import { compareOpenssl, parseOpensslVersion, parseVector, type OpensslVersionInfo } from './openssl.js';
import { scanDevices } from './devices.js';
import { finding } from './findings.js';

/** How calibration measures the software path: the variable and, per capability, the value that masks it. */
export interface AbPlan {
  variable: 'OPENSSL_ia32cap' | 'OPENSSL_armcap' | null;
  masks: Partial<Record<CryptoCapId, string>>;
  /** per capability (or `*`), why there is no software path to compare with */
  none: Record<string, string>;
  /** the OpenSSL and glibc variables as this host's environment has them: the children start from these */
  env?: Record<string, string>;
}

/** What node:crypto offers, read in-process through Host.call (so captures replay it). */
export interface NodeCryptoInfo {
  missing: string[];
  sharedOpenssl: boolean | null;
  fips: boolean | null;
}

const cap = (advertised: boolean | null, usable: boolean | null, evidence: string[], notes?: string): Capability =>
  notes ? { advertised, usable, effective: null, evidence, notes } : { advertised, usable, effective: null, evidence };

const execDetail = (r: ExecResult) => `${r.status}${r.code !== null ? ` (exit ${r.code})` : ''}`;

/** The feature set (kernel spellings) from the cpu probe's facts, and a label for evidence. */
export function cpuFeatures(facts: Record<string, unknown>, platform: string): { features: Set<string>; label: string } {
  const f = new Set<string>();
  const kernel = facts.kernelFlags as string[] | undefined;
  const raw = (facts.flags as string[] | undefined) ?? [];
  if (kernel) kernel.forEach((x) => f.add(x));
  else if (platform === 'win32')
    raw.forEach((x) => f.add((WIN_TO_KERNEL as Record<string, string>)[x.toLowerCase()] ?? x.toLowerCase()));
  else raw.forEach((x) => f.add(x));
  for (const x of (facts.auxvFeatures as string[] | undefined) ?? []) f.add(x);
  for (const x of (facts.riscv as { extensions?: string[] } | undefined)?.extensions ?? []) f.add(x);
  const sources = facts.sources as string[] | undefined;
  const label = platform === 'darwin' ? 'sysctl' : platform === 'win32' ? 'systeminformation' : (sources?.[0] ?? 'cpu flags');
  return { features: f, label: facts.riscv ? `${label} isa` : label };
}

/** POWER crypto features from AT_HWCAP2, or from the CPU model when auxv is not readable (POWER8+ = ISA 2.07). */
async function ppcFeatures(host: Host, model: string | null): Promise<{ features: string[]; source: string } | null> {
  const bytes = await host.readBinary('/proc/self/auxv').catch(() => undefined);
  if (bytes && bytes.byteLength >= 16) {
    const hw2 = parseAuxv64(bytes, host.info().endianness !== 'BE').get(AT_HWCAP2) ?? 0n;
    return { features: PPC_HWCAP2.filter((r) => ((hw2 >> BigInt(r.bit)) & 1n) === 1n).map((r) => r.name), source: '/proc/self/auxv AT_HWCAP2' };
  }
  const m = /POWER(\d+)/i.exec(model ?? '');
  if (!m) return null;
  const gen = Number(m[1]);
  return { features: [...(gen >= 8 ? ['vcrypto'] : []), ...(gen >= 9 ? ['darn'] : [])], source: `CPU model POWER${gen}` };
}

/** s390x MSA levels from the cpuinfo `facilities` line. */
export function s390Msa(cpuinfoText: string): string[] {
  const fac = parseCpuinfo(cpuinfoText).global['facilities'];
  if (!fac) return [];
  const have = new Set(fac.trim().split(/\s+/).map(Number));
  return S390_MSA_FACILITIES.filter((r) => have.has(r.facility)).map((r) => r.name);
}

/** The A/B plan for a family: which value of which variable masks each measured capability. */
export function abPlan(family: ArchFamily, features: ReadonlySet<string>, opensslVersion: string | null): AbPlan {
  const none: Record<string, string> = {};
  const masks: Partial<Record<CryptoCapId, string>> = {};
  if (family === 'x86') {
    const words = ia32capWords(opensslVersion);
    for (const [c, names] of Object.entries(AB_MASKS.x86) as [CryptoCapId, readonly string[]][]) {
      const rows = IA32CAP_BITS.filter((r) => (names as readonly string[]).includes(r.name) && r.lv < words);
      if (!rows.length) {
        none[c] = `OpenSSL ${opensslVersion ?? '?'} has no OPENSSL_ia32cap bit for ${c.toUpperCase()} instructions, so there is no software path to compare with`;
        continue;
      }
      const w = Array.from({ length: words }, () => 0n);
      for (const r of rows) w[r.lv] |= 1n << BigInt(r.bit);
      masks[c] = w.map((x) => `~0x${x.toString(16)}`).join(':');
    }
    return { variable: 'OPENSSL_ia32cap', masks, none };
  }
  if (family === 'arm64' || family === 'arm') {
    const detected = detectedArmcap(features);
    for (const [c, names] of Object.entries(AB_MASKS.arm) as [CryptoCapId, readonly string[]][]) {
      let v = detected;
      for (const r of ARMCAP_BITS) if ((names as readonly string[]).includes(r.name)) v &= ~(1 << r.bit);
      masks[c] = `0x${(v >>> 0).toString(16)}`;
    }
    return { variable: 'OPENSSL_armcap', masks, none };
  }
  none['*'] = `hwprobe has no OpenSSL capability mask for ${family} (OPENSSL_ppccap, OPENSSL_s390xcap and OPENSSL_riscvcap are not driven), so the software path is not measured`;
  return { variable: null, masks, none };
}

/** The variables that steer OpenSSL and glibc, as the host's environment has them. */
function childBaseEnv(host: Host): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of ['OPENSSL_ia32cap', 'OPENSSL_armcap', 'OPENSSL_ppccap', 'OPENSSL_s390xcap', 'GLIBC_TUNABLES']) {
    const val = host.env(v);
    if (val !== undefined) out[v] = val;
  }
  return out;
}

/** Crypto detection. Never throws on purpose: every source that fails is an evidence entry. */
export async function detectCrypto(host: Host, ctx: ProbeContext): Promise<Detection> {
  const d = emptyDetection();
  const ev = d.evidence;
  const info = host.info();
  const linux = info.platform === 'linux' || info.platform === 'android';
  const cpu = ctx.peers.cpu ?? (await cpuProbe.detect(host, ctx));
  const cf = cpu.facts;
  const family = archFamily(info.arch);
  const { features, label } = cpuFeatures(cf, info.platform);
  const nodeOpenssl = info.versions.openssl ?? null;

  const [sys, nodeCrypto, devices, s390Text, ppc] = await Promise.all([
    host.exec('openssl', ['version', '-a'], { timeoutMs: 2000 }).catch(() => undefined),
    host.call<NodeCryptoInfo>('node:crypto algorithms', async () => {
      const c = await import('node:crypto');
      const ciphers = new Set(c.getCiphers());
      const hashes = new Set(c.getHashes());
      const vars = process.config.variables as unknown as Record<string, unknown>;
      return {
        missing: CRYPTO_KERNELS.filter((k) => !(k.kind === 'hash' ? hashes : ciphers).has(k.algorithm)).map((k) => k.algorithm),
        sharedOpenssl: typeof vars.node_shared_openssl === 'boolean' ? vars.node_shared_openssl : null,
        fips: c.getFips() === 1,
      };
    }),
    linux ? scanDevices(host, ev) : undefined,
    linux && family === 's390' ? host.readFile('/proc/cpuinfo').catch(() => undefined) : undefined,
    linux && family === 'ppc' ? ppcFeatures(host, (cf.model as string | null) ?? null) : undefined,
  ]);

  let msa: string[] = [];
  if (s390Text) {
    msa = s390Msa(s390Text);
    if (features.has('msa') && !msa.includes('msa')) msa.unshift('msa');
    msa.forEach((m) => features.add(m));
  }
  if (ppc) {
    ppc.features.forEach((f) => features.add(f));
    ev.push({ source: ppc.source, ok: true, detail: ppc.features.join(' ') || 'no crypto bits' });
  }
  const haveFeatures = features.size > 0;
  ev.push({ source: `cpu ${label}`, ok: haveFeatures, detail: `${features.size} features` });

  // --- usable: the masks in the environment ---
  const masks: Record<string, unknown> = {};
  let bits: BitState[] | null = null;
  let maskVar: string | null = null;
  let maskValue: string | null = null;
  const ia32 = host.env('OPENSSL_ia32cap');
  const armcap = host.env('OPENSSL_armcap');
  const findings: Finding[] = [];
  if (family === 'x86') {
    const words = ia32capWords(nodeOpenssl);
    const p = ia32 !== undefined ? parseIa32cap(ia32, words) : null;
    bits = ia32capBits(p, features, words);
    if (ia32 !== undefined && p) {
      maskVar = 'OPENSSL_ia32cap';
      maskValue = ia32;
      masks.OPENSSL_ia32cap = {
        value: ia32,
        words,
        reads: ia32capVector(bits),
        cleared: bits.filter((b) => b.cpu && !b.openssl).map((b) => b.name),
        malformed: p.malformed,
        ignored: p.ignored,
      };
      if (p.malformed.length)
        findings.push(
          finding('CRYPTO_MASK_MALFORMED', { variable: maskVar, value: ia32, parts: p.malformed.map((m) => JSON.stringify(m)).join(', '), reads: ia32capVector(bits) }),
        );
      if (p.ignored)
        findings.push(finding('CRYPTO_MASK_IGNORED', { variable: maskVar, value: ia32, why: `OpenSSL ${nodeOpenssl} reads ${words} words; ${JSON.stringify(p.ignored)} is ignored` }));
    }
  } else if (family === 'arm64' || family === 'arm') {
    if (armcap !== undefined) {
      maskVar = 'OPENSSL_armcap';
      maskValue = armcap;
      const p = parseArmcap(armcap);
      bits = armcapBits(p, features);
      masks.OPENSSL_armcap = { value: armcap, reads: `0x${p.vector.toString(16)}`, cleared: bits.filter((b) => b.cpu && !b.openssl).map((b) => b.name), malformed: p.malformed };
      if (p.malformed)
        findings.push(finding('CRYPTO_MASK_MALFORMED', { variable: maskVar, value: armcap, parts: JSON.stringify(armcap), reads: `0x${p.vector.toString(16)}` }));
    }
  }
  for (const [v, val] of [['OPENSSL_ia32cap', ia32], ['OPENSSL_armcap', armcap]] as const) {
    if (val === undefined || v === maskVar || (v === 'OPENSSL_ia32cap' && family === 'x86')) continue;
    findings.push(finding('CRYPTO_MASK_IGNORED', { variable: v, value: val, why: `has no effect on ${info.arch}` }));
  }
  for (const v of ['OPENSSL_ppccap', 'OPENSSL_s390xcap'] as const) {
    const val = host.env(v);
    if (val !== undefined) masks[v] = { value: val, note: 'recorded, not interpreted by hwprobe' };
  }
  const masked = maskVar && bits ? maskedCaps(bits) : new Map<CryptoCapId, string[]>();
  if (maskVar && bits && haveFeatures) {
    const forced = bits.filter((b) => b.openssl && !b.cpu && features.size > 0).map((b) => b.name);
    if (forced.length) findings.push(finding('CRYPTO_MASK_FORCES_ABSENT', { variable: maskVar, value: maskValue, bits: forced.join(' ') }));
  }
  const tunables = host.env('GLIBC_TUNABLES');
  const hw = parseHwcapsTunable(tunables);
  if (hw.value !== null) {
    masks.GLIBC_TUNABLES = { value: tunables, disabled: hw.disabled, crypto: [] };
    if (family === 'x86' && hw.maskedFlags.length)
      findings.push(finding('CRYPTO_GLIBC_TUNABLES_NO_EFFECT', { masked: hw.disabled.join(',') }, { evidence: [`GLIBC_TUNABLES=${tunables}`] }));
  }

  // --- capabilities ---
  const usableDefault = info.platform === 'win32' ? null : true;
  const caps: Record<string, Capability> = {};
  for (const row of CRYPTO_TABLES[family]) {
    const id = `crypto.${row.id}`;
    if (!haveFeatures) {
      caps[id] = cap(null, null, ['no CPU feature source answered']);
      continue;
    }
    const hit = row.flags.find((f) => features.has(f));
    const evidence = [hit ? `${label}: ${hit}` : `${label}: no ${row.flags.join('/')}`];
    let usable: boolean | null = hit ? usableDefault : false;
    const m = masked.get(row.id);
    if (hit && m) {
      usable = false;
      evidence.push(`${maskVar}=${JSON.stringify(maskValue)} clears ${m.join(' ')}`);
      findings.push(finding('CRYPTO_MASKED', { variable: maskVar, value: maskValue, bits: m.join(' '), capability: id }, { capability: id, evidence: [`${maskVar}=${maskValue}`] }));
    }
    caps[id] = cap(!!hit, usable, evidence);
  }

  // --- OpenSSL code paths (x86) ---
  if (family === 'x86' && bits && haveFeatures) {
    const state = (n: string, k: 'cpu' | 'openssl') => bits!.find((b) => b.name === n)?.[k] ?? false;
    const paths = OPENSSL_X86_PATHS.map((p) => ({
      path: p.id,
      advertised: p.needs.every((n) => state(n, 'cpu')),
      usable: p.needs.every((n) => state(n, 'openssl')),
    }));
    d.facts.opensslPaths = paths;
    const closed = paths.filter((p) => p.advertised && !p.usable).map((p) => p.path);
    if (maskVar && closed.length) findings.push(finding('CRYPTO_PATHS_MASKED', { variable: maskVar, value: maskValue, paths: closed.join(', ') }));
  }

  // --- flags the CPU model should have (x86) ---
  if (family === 'x86' && haveFeatures) {
    const vendor = (cf.vendor as string | null) ?? null;
    const model = (cf.model as string | null) ?? null;
    const fam = (cf.x86 as { family?: number | null } | undefined)?.family ?? null;
    const missing = new Map<string, string>();
    for (const r of IMPLIED_FLAGS) {
      if (r.when !== null && !features.has(r.when)) continue;
      if (r.model !== null && !new RegExp(r.model).test(model ?? '')) continue;
      if ((r.vendor && r.vendor !== vendor) || (r.minFamily !== null && (fam === null || fam < r.minFamily))) continue;
      for (const f of r.implies) if (!features.has(f) && !missing.has(f)) missing.set(f, r.why);
    }
    const hyper = features.has('hypervisor');
    for (const [flag, why] of missing) {
      const row = X86_CRYPTO.filter((r) => (r.flags as readonly string[]).includes(flag)).at(-1)!;
      const id = `crypto.${row.id}`;
      findings.push(finding(hyper ? 'CRYPTO_NOT_ADVERTISED_VIRTUALIZED' : 'CRYPTO_NOT_ADVERTISED_DISABLED', { flag, why, capability: id }, { capability: id }));
      caps[id].notes = hyper ? 'hidden by the hypervisor CPU model' : 'probably disabled in firmware';
    }
  }

  // --- devices ---
  if (devices) {
    d.facts.devices = devices;
    if (devices.pci) {
      const qat = devices.pci.filter((p) => p.kind === 'qat');
      caps['crypto.qat'] = cap(
        qat.length > 0,
        qat.length ? qat.some((q) => q.driver?.startsWith('qat_')) : false,
        qat.length ? qat.map((q) => `PCI ${q.slot} ${q.id} (${q.name}), driver ${q.driver ?? 'none'}`) : ['/sys/bus/pci/devices: no QAT device'],
        qat.length ? 'node:crypto does not offload to QAT (that needs the QAT OpenSSL engine or provider)' : undefined,
      );
    }
  }
  if (msa.length) d.facts.s390Msa = msa;

  // --- OpenSSL versions ---
  let system: OpensslVersionInfo | null = null;
  if (sys) {
    if (sys.status === 'ok') {
      system = parseOpensslVersion(sys.stdout);
      ev.push({ source: 'openssl version -a', ok: system.version !== null, detail: sys.stdout.split('\n')[0] });
    } else ev.push({ source: 'openssl version -a', ok: false, detail: execDetail(sys) });
  }
  ev.push({ source: 'node:crypto', ok: nodeCrypto !== undefined });
  d.facts.openssl = {
    node: { version: nodeOpenssl, shared: nodeCrypto?.sharedOpenssl ?? null, fips: nodeCrypto?.fips ?? null, missing: nodeCrypto?.missing ?? null },
    system,
  };
  const sysLib = system?.library ?? system?.version ?? null;
  if (system?.flavour === 'OpenSSL' && (compareOpenssl(nodeOpenssl, sysLib) ?? 0) < 0)
    findings.push(finding('CRYPTO_NODE_OPENSSL_OLDER', { node: nodeOpenssl, system: sysLib }));
  if (nodeCrypto?.missing.length) findings.push(finding('CRYPTO_CIPHER_MISSING', { node: nodeOpenssl, algorithms: nodeCrypto.missing.join(', ') }));

  // The system openssl's CPUINFO line is OpenSSL's own reading of CPUID and the mask: a second source.
  if (family === 'x86' && bits && haveFeatures && system?.cpuinfo?.variable === 'OPENSSL_ia32cap' && ia32capWords(sysLib) === ia32capWords(nodeOpenssl)) {
    const words = parseVector(system.cpuinfo.vector);
    if (words) {
      const differ = bits.filter((b) => {
        const r = IA32CAP_BITS.find((x) => x.name === b.name)!;
        return r.lv < 2 && (((words[r.lv] ?? 0n) >> BigInt(r.bit)) & 1n) === 1n !== b.openssl;
      });
      if (differ.length)
        findings.push(
          finding(
            'CRYPTO_MASK_DISAGREE',
            { oracle: system.cpuinfo.vector, bits: differ.map((b) => `${b.name} (openssl ${b.openssl ? 'off' : 'on'}, hwprobe ${b.openssl ? 'on' : 'off'})`).join(', ') },
            { evidence: ['openssl version -a'] },
          ),
        );
    }
  }

  d.facts = {
    arch: info.arch,
    family,
    ...d.facts,
    masks,
    abPlan: { ...abPlan(family, features, nodeOpenssl), env: childBaseEnv(host) },
  };
  d.capabilities = Object.fromEntries(Object.keys(caps).sort().map((k) => [k, caps[k]]));
  d.findings = findings;
  if (cpu.status === 'unsupported' && !haveFeatures) d.status = 'unsupported';
  return d;
}
