/**
 * /proc/cpuinfo parser: text in, data out; platform-free. Knows the layouts of x86, AArch64,
 * 32-bit ARM (incl. the compat view of ARM64 kernels), POWER, s390x, RISC-V, LoongArch, MIPS and
 * SPARC, and returns a best-effort generic view of anything else without throwing.
 */
import type { ArchFamily } from './tables.js';
import { ARM_IMPLEMENTERS, MIPS_VENDORS, RISCV_VENDOR_IDS, RISCV_UARCH_VENDORS, SPARC_VENDORS } from './tables.js';

/** The layout a cpuinfo text was recognised as. */
export type CpuinfoKind = 'x86' | 'arm' | 'ppc' | 's390' | 'riscv' | 'sparc' | 'loongarch' | 'mips' | 'unknown';

/** One distinct ARM Main ID register value, as cpuinfo spells its fields. */
export interface MidrInfo {
  implementer: string;
  variant: string | null;
  architecture: string | null;
  part: string | null;
  revision: string | null;
  /** MIDR_EL1 rebuilt from the fields (architecture nibble 0xF for ARMv7+), e.g. "0x410FD0C1"; null when a field is missing. */
  midr: string | null;
  /** How many processor blocks carry this value. */
  count: number;
}

/** An s390x `processor N: version = ..., identification = ..., machine = ...` line. */
export interface S390Processor {
  index: number;
  version: string | null;
  identification: string | null;
  machine: string | null;
}

/** Everything read from one /proc/cpuinfo text. */
export interface Cpuinfo {
  kind: CpuinfoKind;
  /** Keys outside `processor` blocks (first occurrence wins), e.g. `Hardware`, the s390x header. */
  global: Record<string, string>;
  /** One record per `processor : N` block, keys as spelled in the file. */
  processors: Record<string, string>[];
  s390Processors: S390Processor[];
  /** Repeated keys inside one block (first occurrence is kept; some Android kernels print `model name` twice). */
  repeated: { block: number | 'global'; key: string; value: string }[];
  /** Vendor as the file spells it (vendor_id, ARM implementer name, "IBM" for POWER…), or null. */
  vendor: string | null;
  /** Model name (x86 `model name`, ARM `model name`/`Processor`, POWER `cpu`, RISC-V `model name`/`uarch`…). */
  model: string | null;
  /** The raw flag/feature list of the first processor block, in file order (x86 `flags`, ARM `Features`, s390x `features`). */
  flags: string[];
  /** Which key `flags` came from. */
  flagsKey: string | null;
  /** Kernel-spelled feature names used for capabilities (flags, plus e.g. `altivec` from a POWER `cpu` line). */
  features: string[];
  /** Logical CPUs described (processor blocks, or the count the file states); null when it says nothing. */
  logicalCpus: number | null;
  x86: { family: number | null; model: number | null; stepping: number | null; microcode: string | null } | null;
  /** Distinct MIDR values, in order of first appearance. */
  midrs: MidrInfo[];
  /** The RISC-V `isa` string of the first hart. */
  isa: string | null;
  /** `cpu MHz` values (x86), per processor block. */
  mhz: number[];
  /** Topology from physical id / core id (x86) or package / core (LoongArch, MIPS), when present. */
  topology: { sockets: number; cores: number } | null;
}

/** Splits "key<TAB>: value" lines; CRLF, lone CR and a missing final newline are all fine. */
function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s.trim());
  return Number.isFinite(n) && s.trim() !== '' ? n : null;
};

const words = (s: string | undefined): string[] => (s ? s.trim().split(/\s+/).filter(Boolean) : []);

/** Parses the `version = FF,  identification = 0618E8,  machine = 8561` tail of an s390x processor line. */
function parseS390Processor(index: number, rest: string): S390Processor {
  const get = (k: string): string | null => {
    const m = new RegExp(`${k}\\s*=\\s*([^,\\s]+)`).exec(rest);
    return m ? m[1] : null;
  };
  return { index, version: get('version'), identification: get('identification'), machine: get('machine') };
}

/** Rebuilds MIDR_EL1 from cpuinfo fields; the architecture field reads 0xF for everything ARMv7 and later. */
function midrValue(impl: string, variant?: string, arch?: string, part?: string, rev?: string): string | null {
  const i = Number.parseInt(impl, 16);
  const v = variant !== undefined ? Number.parseInt(variant, 16) : NaN;
  const p = part !== undefined ? Number.parseInt(part, 16) : NaN;
  const r = rev !== undefined ? Number.parseInt(rev, 10) : NaN;
  const a = arch !== undefined && /^\d+$/.test(arch) && Number(arch) >= 7 ? 0xf : NaN;
  if ([i, v, p, r, a].some((x) => !Number.isFinite(x))) return null;
  const value = ((i & 0xff) * 2 ** 24 + (v & 0xf) * 2 ** 20 + a * 2 ** 16 + (p & 0xfff) * 16 + (r & 0xf)) >>> 0;
  return '0x' + value.toString(16).toUpperCase().padStart(8, '0');
}

/**
 * Guesses the layout from the keys present. LoongArch and MIPS come before ARM: LoongArch also
 * prints a `Features` line (arch/loongarch/kernel/proc.c), and MIPS a `cpu model` line and an
 * `isa` line of `mips*` names (arch/mips/kernel/proc.c).
 */
function classify(first: (k: string) => string | undefined, global: Record<string, string>): CpuinfoKind {
  const vendor = first('vendor_id');
  if (vendor === 'IBM/S390' || 'bogomips per cpu' in global) return 's390';
  if (first('isa')?.toLowerCase().startsWith('rv') || first('hart') !== undefined) return 'riscv';
  if (/loongarch/i.test(first('ISA') ?? '') || /loongson-64/i.test(first('CPU Family') ?? first('cpu family') ?? '') || /loongson/i.test(first('Model Name') ?? ''))
    return 'loongarch';
  if (first('cpu model') !== undefined || /^mips/i.test(first('isa') ?? '')) return 'mips';
  if (first('flags') !== undefined && (vendor !== undefined || first('cpu family') !== undefined)) return 'x86';
  if (first('CPU implementer') !== undefined || first('Features') !== undefined) return 'arm';
  const cpu = first('cpu') ?? '';
  if (/sparc/i.test(cpu) || 'ncpus active' in global || first('ncpus active') !== undefined) return 'sparc';
  if (/power|ppc|altivec|^74\d|^75\d|^e\d{3,4}/i.test(cpu) || first('revision')?.includes('pvr')) return 'ppc';
  return 'unknown';
}

/** The first table row whose pattern matches `s`. */
const matchVendor = (table: readonly { re: RegExp; vendor: string }[], s: string | undefined): string | null =>
  s ? (table.find((r) => r.re.test(s))?.vendor ?? null) : null;

/** RISC-V vendor: `mvendorid` (JEDEC id) first, else the `uarch` prefix ("sifive,u74-mc"). */
function riscvVendor(mvendorid: string | undefined, uarch: string | undefined): string | null {
  const id = mvendorid?.trim().toLowerCase();
  if (id && /^0x[0-9a-f]+$/.test(id)) {
    const v = (RISCV_VENDOR_IDS as Record<string, string>)[`0x${Number.parseInt(id, 16).toString(16)}`];
    if (v) return v;
  }
  const prefix = uarch?.split(',')[0]?.trim().toLowerCase();
  return prefix ? ((RISCV_UARCH_VENDORS as Record<string, string>)[prefix] ?? null) : null;
}

/** Parses one /proc/cpuinfo text. Never throws on odd input; unknown layouts give a sparse result. */
export function parseCpuinfo(text: string): Cpuinfo {
  const global: Record<string, string> = {};
  const processors: Record<string, string>[] = [];
  const s390Processors: S390Processor[] = [];
  const repeated: Cpuinfo['repeated'] = [];
  let cur: Record<string, string> | null = null;

  for (const raw of splitLines(text)) {
    if (raw.trim() === '') {
      cur = null; // a blank line ends a block; keys after it belong to the global part until the next `processor`
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon < 0) continue;
    const key = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    if (key === 'processor' && /^\d+$/.test(value)) {
      cur = { processor: value };
      processors.push(cur);
      continue;
    }
    const s390 = /^processor (\d+)$/.exec(key);
    if (s390) {
      s390Processors.push(parseS390Processor(Number(s390[1]), value));
      continue;
    }
    if (key === 'cpu number') {
      cur = null; // s390x per-CPU frequency blocks: not processor blocks of the x86/ARM kind
      continue;
    }
    const target = cur ?? global;
    if (!(key in target)) target[key] = value;
    else repeated.push({ block: cur ? processors.length - 1 : 'global', key, value });
  }

  // Some kernels print bare `processor : N` lines and the shared fields once, after the last one
  // (see the Android fixtures): take a key from the first block that has it, then from the global part.
  const first = (k: string): string | undefined => processors.find((p) => k in p)?.[k] ?? global[k];
  const kind = classify(first, global);

  let vendor: string | null = null;
  let model: string | null = null;
  let flagsKey: string | null = null;
  let isa: string | null = null;
  const features = new Set<string>();

  switch (kind) {
    case 'x86':
      vendor = first('vendor_id') ?? null;
      model = first('model name') ?? null;
      flagsKey = 'flags';
      break;
    case 'arm': {
      const impl = first('CPU implementer')?.toLowerCase();
      vendor = impl ? ((ARM_IMPLEMENTERS as Record<string, string>)[impl] ?? impl) : null;
      model = first('model name') ?? global['Processor'] ?? first('Processor') ?? null;
      flagsKey = 'Features';
      break;
    }
    case 'ppc': {
      vendor = 'IBM';
      const cpu = first('cpu') ?? null;
      model = cpu;
      if (cpu && /altivec supported/i.test(cpu)) features.add('altivec');
      if (cpu && !/power/i.test(cpu)) vendor = null; // 32-bit PowerPC (Motorola/IBM/Freescale): do not guess
      break;
    }
    case 's390':
      vendor = first('vendor_id') ?? null;
      flagsKey = 'features';
      model = s390Processors[0]?.machine ? `IBM Z machine type ${s390Processors[0].machine}` : null;
      break;
    case 'riscv':
      isa = first('isa') ?? null;
      model = first('model name') ?? first('uarch') ?? null;
      vendor = riscvVendor(first('mvendorid'), first('uarch'));
      break;
    case 'sparc':
      // `type` (sun4u, sun4v) is the platform, not the vendor: the vendor follows from the CPU name.
      model = first('cpu') ?? null;
      vendor = matchVendor(SPARC_VENDORS, model ?? undefined);
      flagsKey = first('cpucaps') !== undefined ? 'cpucaps' : null;
      break;
    case 'loongarch':
      model = first('Model Name') ?? first('model name') ?? null;
      vendor = 'Loongson';
      flagsKey = first('Features') !== undefined ? 'Features' : null;
      break;
    case 'mips': {
      model = first('cpu model') ?? null;
      vendor = matchVendor(MIPS_VENDORS, model ?? undefined);
      // The ISA levels and the ASEs are both feature lists (`msa`, `loongson-mmi`, `mips32r2`…).
      for (const k of ['isa', 'ASEs implemented']) for (const w of words(first(k))) features.add(w);
      flagsKey = first('ASEs implemented') !== undefined ? 'ASEs implemented' : null;
      break;
    }
    default:
      model = first('model name') ?? first('cpu') ?? null;
      break;
  }

  // SPARC's cpucaps is comma-separated; the others are blank-separated.
  const flags = flagsKey ? (kind === 'sparc' ? (first(flagsKey) ?? '').split(',').map((w) => w.trim()).filter(Boolean) : words(first(flagsKey))) : [];
  for (const f of flags) features.add(f);

  let logicalCpus: number | null = processors.length || null;
  if (kind === 's390') logicalCpus = num(global['# processors']) ?? (s390Processors.length || null);
  if (kind === 'sparc') logicalCpus = num(global['ncpus active']) ?? logicalCpus;

  const x86 =
    kind === 'x86'
      ? {
          family: num(first('cpu family')),
          model: num(first('model')),
          stepping: num(first('stepping')),
          microcode: first('microcode') ?? null,
        }
      : null;

  const midrs: MidrInfo[] = [];
  if (kind === 'arm') {
    const blocks = processors.filter((p) => p['CPU implementer'] !== undefined);
    const sources = blocks.length ? blocks : [global];
    for (const b of sources) {
      const implementer = b['CPU implementer'] ?? global['CPU implementer'];
      if (implementer === undefined) continue;
      const variant = b['CPU variant'] ?? global['CPU variant'];
      const architecture = b['CPU architecture'] ?? global['CPU architecture'];
      const part = b['CPU part'] ?? global['CPU part'];
      const revision = b['CPU revision'] ?? global['CPU revision'];
      const hit = midrs.find(
        (m) =>
          m.implementer === implementer &&
          m.variant === (variant ?? null) &&
          m.architecture === (architecture ?? null) &&
          m.part === (part ?? null) &&
          m.revision === (revision ?? null),
      );
      if (hit) hit.count++;
      else
        midrs.push({
          implementer,
          variant: variant ?? null,
          architecture: architecture ?? null,
          part: part ?? null,
          revision: revision ?? null,
          midr: midrValue(implementer, variant, architecture, part, revision),
          count: 1,
        });
    }
  }

  const mhz = processors.map((p) => num(p['cpu MHz'])).filter((n): n is number => n !== null);

  // x86 `physical id`/`core id`; LoongArch and MIPS `package`/`core` (their proc.c print both per CPU).
  let topology: Cpuinfo['topology'] = null;
  const [pkgKey, coreKey] = kind === 'x86' ? ['physical id', 'core id'] : kind === 'loongarch' || kind === 'mips' ? ['package', 'core'] : [null, null];
  if (pkgKey && coreKey && processors.length && processors.every((p) => p[pkgKey] !== undefined)) {
    const sockets = new Set(processors.map((p) => p[pkgKey]));
    const cores = new Set(processors.map((p) => `${p[pkgKey]}/${p[coreKey] ?? p['processor']}`));
    topology = { sockets: sockets.size, cores: cores.size };
  }

  return {
    kind,
    global,
    processors,
    s390Processors,
    repeated,
    vendor,
    model,
    flags,
    flagsKey,
    features: [...features],
    logicalCpus,
    x86,
    midrs,
    isa,
    mhz,
    topology,
  };
}

/** A parsed RISC-V ISA string. */
export interface RiscvIsa {
  /** "rv64", "rv32"… */
  base: string;
  /** Single-letter extensions in string order (`g` expanded to imafd). */
  letters: string[];
  /** Multi-letter extensions (z*, s*, x*) in string order. */
  multi: string[];
  /** letters then multi. */
  extensions: string[];
  /** Pieces that follow no naming rule (e.g. `xv5-`), left out of `extensions`. */
  invalid: string[];
}

/** A multi-letter extension name: its prefix letter, then letters/digits (a version suffix `2p0` is cut). */
const MULTI = /^[zsx][a-z][a-z0-9]*?(?:\d+p\d+)?$/;

/**
 * Parses a RISC-V ISA string such as `rv64imafdcv_zba_zbb_sstc`, following the ISA manual's naming
 * rules as the kernel applies them (arch/riscv/kernel/cpufeature.c riscv_parse_isa_string):
 * single letters after rv32/rv64, each with an optional version (`i2p1`); a multi-letter extension
 * starts with `z`, `s` or `x` and runs to the next `_`. Two kernel workarounds are kept: an `s`
 * directly followed by `u` among the single letters is the invalid pair of privilege letters some
 * QEMU/OpenSBI versions print (not an extension `su…`), and a piece that is not a valid name is
 * reported in `invalid`, not turned into an extension. Returns null without rv32/rv64/rv128.
 */
export function parseRiscvIsa(isa: string): RiscvIsa | null {
  const s = isa.trim().toLowerCase();
  const m = /^(rv(?:32|64|128))(.*)$/.exec(s);
  if (!m) return null;
  const letters: string[] = [];
  const multi: string[] = [];
  const invalid: string[] = [];
  const addMulti = (piece: string) => {
    if (!MULTI.test(piece)) return void invalid.push(piece);
    multi.push(piece.replace(/\d+p\d+$/, ''));
  };
  m[2].split('_').forEach((part, idx) => {
    if (!part) return;
    if (idx > 0) {
      // after an underscore: a multi-letter extension, or (rarely) a lone single letter
      if (/^[a-z](\d+(p\d+)?)?$/.test(part) && !/^[zsx]/.test(part)) letters.push(part[0]);
      else addMulti(part);
      return;
    }
    let i = 0;
    while (i < part.length) {
      const c = part[i];
      if (c === 's' && part[i + 1] === 'u') {
        i += 2; // the invalid single-letter `s` and `u` (see above)
        continue;
      }
      if (c === 'z' || c === 's' || c === 'x') {
        addMulti(part.slice(i));
        break;
      }
      if (!/[a-z]/.test(c)) {
        invalid.push(part.slice(i));
        break;
      }
      if (c === 'g') letters.push('i', 'm', 'a', 'f', 'd');
      else letters.push(c);
      i++;
      const ver = /^\d+(p\d+)?/.exec(part.slice(i)); // version suffix such as 2p1
      if (ver) i += ver[0].length;
    }
  });
  const uniq = (a: string[]) => [...new Set(a)];
  const L = uniq(letters);
  const M = uniq(multi);
  return { base: m[1], letters: L, multi: M, extensions: [...L, ...M], invalid };
}

/**
 * The architecture family a cpuinfo layout describes (for a replayed capture whose Node arch says
 * nothing, and for telling an emulated process's host). ARM is AArch64 when its features are the
 * AArch64 hwcaps (`asimd` without `neon`).
 */
export function familyOfLayout(ci: Cpuinfo): ArchFamily {
  if (ci.kind === 'arm') return ci.features.includes('asimd') && !ci.features.includes('neon') ? 'arm64' : 'arm';
  if (ci.kind === 'unknown') return 'other';
  return ci.kind; // the other layouts are named as their families
}
