/**
 * nvidia-smi output, in every form the corpus holds: `-q -x` XML (DTD v10–v13), `-q` text,
 * `--query-gpu=… --format=csv`, `--version`, and nvidia_gpu_exporter's multi-section captures.
 * Pure functions: text in, facts out.
 */
import { child, parseXml, textAt, type XmlElement } from './xml.js';

/** One MIG instance of a GPU. */
export interface MigDevice {
  index: number | null;
  /** memory of the instance in MiB */
  memoryTotalMiB: number | null;
  smCount: number | null;
  /** the profile, from `nvidia-smi -L` (e.g. "3g.40gb"), when known */
  profile?: string;
}

/** One GPU as nvidia-smi describes it. Absent fields are null ("N/A" and missing alike). */
export interface NvidiaGpu {
  busId: string | null;
  name: string | null;
  brand: string | null;
  architecture: string | null;
  uuid: string | null;
  /** framebuffer total in MiB */
  memoryTotalMiB: number | null;
  /** "7.5" (CSV only; XML and -q text do not carry it) */
  computeCap: string | null;
  /** PCI device id as nvidia-smi prints it (0x233010DE or 233010DE), upper-case, without 0x */
  pciDeviceId: string | null;
  /** MIG mode current: "Enabled", "Disabled", or null for N/A */
  migMode: string | null;
  migDevices: MigDevice[];
  /** GPU virtualization mode: "None", "VGPU", "Pass-Through", … */
  virtualizationMode: string | null;
  /** "Graphics Device" is what old drivers print for a board they do not know by name */
  genericName: boolean;
}

/** What one nvidia-smi output says about the machine. */
export interface NvidiaSmiInfo {
  /** kernel-mode driver version: KMD Version where present (610+), else Driver Version */
  driverVersion: string | null;
  /** the CUDA version the driver supports: CUDA UMD Version where present, else CUDA Version */
  cudaVersion: string | null;
  /** true when the output marks Driver/CUDA Version deprecated (610.x) */
  deprecatedVersionFields: boolean;
  attachedGpus: number | null;
  gpus: NvidiaGpu[];
}

/**
 * Values nvidia-smi prints for "no value", in every output form: `N/A`, `[N/A]`, `[Not Supported]`,
 * `Not Found` (cuda_version without a CUDA driver), `Unknown Error`, `None`, and the empty string.
 */
const NA = /^(\[?N\/A\]?|\[?Not Supported\]?|\[?Not Found\]?|\[?Unknown Error\]?|\[?Insufficient Permissions\]?|None|)$/i;

/** The one place nvidia-smi sentinels become null: a value, or null for N/A and friends. */
export function smiValue(s: string | undefined | null): string | null {
  return val(s ?? undefined);
}

/** A value or null for N/A and friends. */
function val(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = s.trim();
  return NA.test(t) ? null : t;
}

/** "610.57.04 [Deprecated; will be removed …]" → "610.57.04"; also tells whether it was marked. */
export function stripDeprecation(s: string | undefined): { value: string | null; deprecated: boolean } {
  if (s === undefined) return { value: null, deprecated: false };
  const m = /^(.*?)\s*\[Deprecated[^\]]*\]\s*$/i.exec(s.trim());
  if (m) return { value: val(m[1]), deprecated: true };
  if (/^Deprecated\b/i.test(s.trim())) return { value: null, deprecated: true };
  return { value: val(s), deprecated: false };
}

/** "81559 MiB" → 81559; other units converted to MiB; null for N/A. */
export function mib(s: string | undefined | null): number | null {
  const v = val(s ?? undefined);
  if (v === null) return null;
  const m = /^([\d.]+)\s*(B|KiB|MiB|GiB|TiB)?$/i.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  const f = { b: 1 / 2 ** 20, kib: 1 / 1024, mib: 1, gib: 1024, tib: 1024 ** 2 }[(m[2] ?? 'MiB').toLowerCase()] ?? 1;
  return Math.round(n * f);
}

function int(s: string | undefined | null): number | null {
  const v = val(s ?? undefined);
  return v !== null && /^\d+$/.test(v) ? Number(v) : null;
}

function gpuBase(over: Partial<NvidiaGpu>): NvidiaGpu {
  const g: NvidiaGpu = {
    busId: null,
    name: null,
    brand: null,
    architecture: null,
    uuid: null,
    memoryTotalMiB: null,
    computeCap: null,
    pciDeviceId: null,
    migMode: null,
    migDevices: [],
    virtualizationMode: null,
    genericName: false,
    ...over,
  };
  g.genericName = g.name === 'Graphics Device';
  if (g.pciDeviceId) g.pciDeviceId = g.pciDeviceId.toUpperCase().replace(/^0X/, '');
  return g;
}

/** Parses `nvidia-smi -q -x`. Throws on malformed XML or a document that is not an nvidia_smi_log. */
export function parseNvidiaSmiXml(text: string): NvidiaSmiInfo {
  const root = parseXml(text);
  if (root.name !== 'nvidia_smi_log') throw new Error(`root element is <${root.name}>, not <nvidia_smi_log>`);
  const drv = stripDeprecation(textAt(root, 'driver_version'));
  const cuda = stripDeprecation(textAt(root, 'cuda_version'));
  const kmd = val(textAt(root, 'kmd_version'));
  const umd = val(textAt(root, 'cuda_umd_version'));
  const gpus = root.children
    .filter((c) => c.name === 'gpu')
    .map((g) =>
      gpuBase({
        busId: val(g.attrs.id) ?? val(textAt(g, 'pci', 'pci_bus_id')), // an empty id="" is no bus id
        name: val(textAt(g, 'product_name')),
        brand: val(textAt(g, 'product_brand')),
        architecture: val(textAt(g, 'product_architecture')),
        uuid: val(textAt(g, 'uuid')),
        memoryTotalMiB: mib(textAt(g, 'fb_memory_usage', 'total')),
        pciDeviceId: val(textAt(g, 'pci', 'pci_device_id')),
        migMode: val(textAt(g, 'mig_mode', 'current_mig')),
        migDevices: (child(g, 'mig_devices')?.children ?? []).filter((c) => c.name === 'mig_device').map(xmlMig),
        virtualizationMode: val(textAt(g, 'gpu_virtualization_mode', 'virtualization_mode')),
      }),
    );
  return {
    driverVersion: kmd ?? drv.value,
    cudaVersion: umd ?? cuda.value,
    deprecatedVersionFields: drv.deprecated || cuda.deprecated,
    attachedGpus: int(textAt(root, 'attached_gpus')),
    gpus,
  };
}

function xmlMig(m: XmlElement): MigDevice {
  return {
    index: int(textAt(m, 'index')),
    memoryTotalMiB: mib(textAt(m, 'fb_memory_usage', 'total')),
    smCount: int(textAt(m, 'device_attributes', 'shared', 'multiprocessor_count')),
  };
}

/** One line of `-q` text: its indentation, key and value (value undefined for a section head). */
interface QLine {
  indent: number;
  key: string;
  value: string | undefined;
}

function qLines(text: string): QLine[] {
  const out: QLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || /^=+/.test(raw.trim())) continue;
    const indent = raw.length - raw.trimStart().length;
    const m = /^(.*?)\s+:\s?(.*)$/.exec(raw.trim());
    if (m) out.push({ indent, key: m[1].trim(), value: m[2].trim() });
    else out.push({ indent, key: raw.trim(), value: undefined });
  }
  return out;
}

/** Parses `nvidia-smi -q` text. Throws when the text has no GPU section and no driver line. */
export function parseNvidiaSmiText(text: string): NvidiaSmiInfo {
  const lines = qLines(text);
  const top = (k: string) => lines.find((l) => l.indent === 0 && l.key === k)?.value;
  const drv = stripDeprecation(top('Driver Version'));
  const cuda = stripDeprecation(top('CUDA Version'));
  const kmd = val(top('KMD Version'));
  const umd = val(top('CUDA UMD Version'));
  const gpus: NvidiaGpu[] = [];
  // A GPU block starts at "GPU 00000000:01:00.0" (indent 0) and runs to the next one.
  for (let i = 0; i < lines.length; i++) {
    const head = /^GPU ([0-9A-Fa-f]+:[0-9A-Fa-f]+:[0-9A-Fa-f]+\.[0-9A-Fa-f])$/.exec(lines[i].indent === 0 && lines[i].value === undefined ? lines[i].key : '');
    if (!head) continue;
    let j = i + 1;
    while (j < lines.length && lines[j].indent > 0) j++;
    const block = lines.slice(i + 1, j);
    gpus.push(textGpu(head[1], block));
    i = j - 1;
  }
  if (!gpus.length && drv.value === null && kmd === null) throw new Error('no "Driver Version" line and no GPU section');
  return {
    driverVersion: kmd ?? drv.value,
    cudaVersion: umd ?? cuda.value,
    deprecatedVersionFields: drv.deprecated || cuda.deprecated,
    attachedGpus: int(top('Attached GPUs')),
    gpus,
  };
}

/** The value of `key` under the section path inside a GPU block (sections by indentation). */
function inSection(block: QLine[], path: string[], key: string, from = 0, to = block.length): string | undefined {
  let lo = from;
  let hi = to;
  let indent = block[from]?.indent ?? 4;
  for (const p of path) {
    const s = block.slice(lo, hi).findIndex((l) => l.key === p && l.value === undefined && l.indent === indent);
    if (s < 0) return undefined;
    lo = lo + s + 1;
    let e = lo;
    while (e < hi && block[e].indent > indent) e++;
    hi = e;
    indent = block[lo]?.indent ?? indent;
  }
  return block.slice(lo, hi).find((l) => l.key === key && l.indent === indent)?.value;
}

function textGpu(busId: string, block: QLine[]): NvidiaGpu {
  const base = block[0]?.indent ?? 4;
  const own = (k: string) => block.find((l) => l.indent === base && l.key === k)?.value;
  // MIG instances: "MIG Device" sections at the GPU's own indentation.
  const migDevices: MigDevice[] = [];
  block.forEach((l, i) => {
    if (l.indent !== base || l.key !== 'MIG Device' || l.value !== undefined) return;
    let e = i + 1;
    while (e < block.length && block[e].indent > base) e++;
    const sub = block.slice(i + 1, e);
    const subBase = sub[0]?.indent ?? base + 4;
    const at = (k: string) => sub.find((x) => x.indent === subBase && x.key === k)?.value;
    migDevices.push({
      index: int(at('Index')),
      memoryTotalMiB: mib(inSection(sub, ['FB Memory Usage'], 'Total')),
      smCount: int(inSection(sub, ['Device Attributes', 'Shared'], 'Multiprocessor count')),
    });
  });
  return gpuBase({
    busId,
    name: val(own('Product Name')),
    brand: val(own('Product Brand')),
    architecture: val(own('Product Architecture')),
    uuid: val(own('GPU UUID')),
    memoryTotalMiB: mib(inSection(block, ['FB Memory Usage'], 'Total')),
    pciDeviceId: val(inSection(block, ['PCI'], 'Device Id')),
    migMode: val(inSection(block, ['MIG Mode'], 'Current')),
    migDevices,
    virtualizationMode: val(inSection(block, ['GPU Virtualization Mode'], 'Virtualization Mode')),
  });
}

/** Splits one CSV line of nvidia-smi (", " separated; values never contain commas except inside [..]). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of line) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** One CSV row keyed by field name (units stripped from the header: "memory.total [MiB]" → "memory.total"). */
export type CsvRow = Record<string, string>;

/**
 * Parses `--query-gpu=… --format=csv` into rows. Throws when the header is missing, is not the
 * header of the fields asked for (`expected`: a header cut short is not "0 GPUs"), or a row has
 * the wrong width.
 */
export function parseNvidiaSmiCsvRows(text: string, expected?: readonly string[]): CsvRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) throw new Error('empty output');
  const header = csvFields(lines[0]).map((h) => h.replace(/\s*\[[^\]]*\]$/, ''));
  if (!header.every((h) => /^[A-Za-z_][\w.]*$/.test(h))) throw new Error(`not a CSV header: ${lines[0].slice(0, 80)}`);
  if (expected && header.join(',') !== expected.join(','))
    throw new Error(`the header has ${header.length} of the ${expected.length} fields asked for (${header.join(',')}): output truncated?`);
  return lines.slice(1).map((l, i) => {
    const f = csvFields(l);
    if (f.length !== header.length) throw new Error(`row ${i + 1} has ${f.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, f[k]]));
  });
}

/** The fields of a `--query-gpu=a,b,c` argument list, as the CSV header names them. */
export function queryFields(args: readonly string[]): string[] | undefined {
  const q = args.find((a) => a.startsWith('--query-gpu='));
  return q ? q.slice('--query-gpu='.length).split(',') : undefined;
}

/** Parses `--query-gpu=… --format=csv` into the common shape; `expected` are the fields asked for. */
export function parseNvidiaSmiCsv(text: string, expected?: readonly string[]): NvidiaSmiInfo {
  const rows = parseNvidiaSmiCsvRows(text, expected);
  const first = rows[0] ?? {};
  const drv = stripDeprecation(first.driver_version);
  const gpus = rows.map((r) =>
    gpuBase({
      busId: val(r['pci.bus_id']),
      name: val(r.name),
      uuid: val(r.uuid),
      memoryTotalMiB: mib(r['memory.total']),
      computeCap: val(r.compute_cap),
      pciDeviceId: val(r['pci.device_id']),
      migMode: val(r['mig.mode.current']),
    }),
  );
  return {
    driverVersion: val(first.kmd_version) ?? drv.value,
    cudaVersion: null,
    deprecatedVersionFields: drv.deprecated,
    attachedGpus: int(first.count) ?? rows.length,
    gpus,
  };
}

/** `nvidia-smi --version` facts. 610.x prints "Deprecated, see …" for DRIVER/CUDA version and adds KMD/CUDA UMD. */
export function parseNvidiaSmiVersion(text: string): { smi: string | null; nvml: string | null; driverVersion: string | null; cudaVersion: string | null; deprecatedVersionFields: boolean } {
  const kv: Record<string, string> = {};
  for (const l of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][\w -]*?)\s*:\s*(.*)$/.exec(l.trim());
    if (m) kv[m[1].toLowerCase()] = m[2].trim();
  }
  const drv = stripDeprecation(kv['driver version']);
  const cuda = stripDeprecation(kv['cuda version']);
  return {
    smi: val(kv['nvidia-smi version']),
    nvml: val(kv['nvml version']),
    driverVersion: val(kv['kmd version']) ?? drv.value,
    cudaVersion: val(kv['cuda umd version']) ?? cuda.value,
    deprecatedVersionFields: drv.deprecated || cuda.deprecated,
  };
}

/** `nvidia-smi -L`: GPU names and MIG profiles. */
export function parseNvidiaSmiList(text: string): { name: string; mig: string[] }[] {
  const out: { name: string; mig: string[] }[] = [];
  for (const l of text.split(/\r?\n/)) {
    const g = /^GPU \d+: (.*?) \(UUID: [^)]*\)/.exec(l);
    if (g) out.push({ name: g[1], mig: [] });
    const m = /^\s+MIG (\S+)\s+Device\s+\d+:/.exec(l);
    if (m && out.length) out[out.length - 1].mig.push(m[1]);
  }
  return out;
}

/** One section of an nvidia_gpu_exporter capture. */
export interface CaptureSection {
  state: string;
  name: string;
  command: string;
  body: string;
}

const RULE = /^#{80}$/;

/** Splits an nvidia_gpu_exporter multi-section capture into its sections. */
export function splitCapture(text: string): CaptureSection[] {
  const lines = text.split(/\r?\n/);
  const out: CaptureSection[] = [];
  let cur: CaptureSection | undefined;
  let body: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = RULE.test(lines[i]) ? /^# (\S+) :: (.*)$/.exec(lines[i + 1] ?? '') : null;
    if (head) {
      if (cur) out.push({ ...cur, body: body.join('\n') });
      const cmd = /^# \$ (.*)$/.exec(lines[i + 2] ?? '');
      cur = { state: head[1], name: head[2], command: cmd ? cmd[1].trim() : '', body: '' };
      body = [];
      i += cmd ? 3 : 2; // skip to the closing rule
      continue;
    }
    if (cur) body.push(lines[i]);
  }
  if (cur) out.push({ ...cur, body: body.join('\n') });
  return out;
}

/** What a whole capture says: the idle `-q` facts, completed by `--version`, `-L` and the CSV's compute capability. */
export function parseNvidiaSmiCapture(text: string): NvidiaSmiInfo & { version: ReturnType<typeof parseNvidiaSmiVersion> | null } {
  const secs = splitCapture(text);
  const find = (state: string, pred: (s: CaptureSection) => boolean) => secs.find((s) => s.state === state && pred(s));
  const q = find('idle', (s) => /\bnvidia-smi -q$/.test(s.command));
  if (!q) throw new Error('capture has no idle `nvidia-smi -q` section');
  const info = parseNvidiaSmiText(q.body);
  const ver = find('capabilities', (s) => /--version$/.test(s.command));
  const list = find('capabilities', (s) => /-L$/.test(s.command));
  const csv = find('idle', (s) => s.command.includes('--query-gpu='));
  const version = ver ? parseNvidiaSmiVersion(ver.body) : null;
  if (list) {
    const l = parseNvidiaSmiList(list.body);
    info.gpus.forEach((g, i) => g.migDevices.forEach((m, k) => (m.profile = l[i]?.mig[k])));
  }
  if (csv) {
    const rows = parseNvidiaSmiCsv(csv.body).gpus;
    info.gpus.forEach((g, i) => (g.computeCap = rows[i]?.computeCap ?? null));
  }
  return { ...info, version };
}
