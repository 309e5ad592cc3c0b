/** Parsers for the other vendor tools: rocm-smi, amd-smi, vulkaninfo, clinfo and macOS system_profiler. Pure. */
import { VK_DEVICE_TYPES } from './tables.js';
import { parseJsonBounded } from '../../src/json-bounded.js';

/** One AMD GPU as rocm-smi or amd-smi describes it. */
export interface AmdGpu {
  card: string;
  /** PCI device id, lower-case with 0x */
  deviceId: string | null;
  /** marketing or PCI-database name ("Card series"/"Device Name"); null when the tool printed only an id */
  name: string | null;
  gfxVersion: string | null;
  vramTotalBytes: number | null;
  /** PCI address as the tool prints it (`PCI Bus` / `bdf`), or null */
  busId: string | null;
  /** PCI vendor id from `Card vendor`/`vendor_id` when it is not AMD's (Hygon DCU: 1d94), else null */
  pciVendorId: string | null;
}

/** What rocm-smi / amd-smi say about the machine. */
export interface AmdSmiInfo {
  /** which tool printed it */
  tool: 'rocm-smi' | 'amd-smi';
  driverVersion: string | null;
  gpus: AmdGpu[];
}

/** Bounded JSON.parse (depth, size; issue 13 §4), a UTF-8 byte-order mark accepted (PowerShell and some Windows editors write one before rocm-smi's JSON). */
function parseJson(text: string): unknown {
  return parseJsonBounded(text);
}

/**
 * Hygon DCUs run a ROCm derivative and print rocm-smi's layout; their vendor is not AMD. Matched
 * on the vendor text the tool prints (`Card vendor`), which names the PCI vendor (0x1d94, Chengdu
 * Haiguang / Hygon).
 */
function vendorIdOf(vendorText: string | null): string | null {
  if (!vendorText) return null;
  if (/hygon|haiguang|\b0x1d94\b/i.test(vendorText)) return '1d94';
  return null;
}

/** Case-insensitive key lookup over rocm-smi's drifting key spellings ("Card series" → "Card Series"). */
function pick(o: Record<string, unknown>, ...keys: string[]): string | null {
  const lower = new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
  for (const k of keys) {
    const v = lower.get(k.toLowerCase());
    if (typeof v === 'string' && v.trim() && v.trim() !== 'N/A') return v.trim();
  }
  return null;
}

/**
 * Parses `rocm-smi … --json`. Keys change across ROCm versions: `GPU ID` (≤5.7) became `Device ID`
 * (6.0+), `Card series` became `Card Series` and `Device Name` (6.1.2); ROCm 4.3 prints the PCI
 * vendor id `0x1002` where the series name belongs, which is no name at all.
 */
export function parseRocmSmiJson(text: string): AmdSmiInfo {
  const doc = parseJson(text) as Record<string, Record<string, unknown>>;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a JSON object');
  const cards = Object.keys(doc).filter((k) => /^card\d+$/.test(k));
  if (!cards.length) throw new Error('no card entries');
  const gpus = cards
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .map((card) => {
      const c = doc[card];
      const series = pick(c, 'Device Name', 'Card Series', 'Card series');
      // Bytes on AMD's rocm-smi; the Hygon DCU build prints MiB instead.
      const vram = pick(c, 'VRAM Total Memory (B)');
      const vramMiB = pick(c, 'VRAM Total Memory (MiB)');
      return {
        card,
        deviceId: pick(c, 'Device ID', 'GPU ID')?.toLowerCase() ?? null,
        name: series && !/^0x[0-9a-f]+$/i.test(series) ? series : null,
        gfxVersion: pick(c, 'GFX Version'),
        vramTotalBytes: vram && /^\d+$/.test(vram) ? Number(vram) : vramMiB && /^\d+(\.\d+)?$/.test(vramMiB) ? Math.round(Number(vramMiB) * 2 ** 20) : null,
        busId: pick(c, 'PCI Bus'),
        pciVendorId: vendorIdOf(pick(c, 'Card Vendor', 'Card vendor')),
      };
    });
  return { tool: 'rocm-smi', driverVersion: doc.system ? pick(doc.system, 'Driver version') : null, gpus };
}

/** Parses `amd-smi static --json` (a list of GPUs, or `{gpu_data: [...]}` in newer releases). */
export function parseAmdSmiJson(text: string): AmdSmiInfo {
  const doc = parseJson(text);
  const list = (Array.isArray(doc) ? doc : (doc as { gpu_data?: unknown[] })?.gpu_data) as Record<string, Record<string, unknown>>[] | undefined;
  if (!Array.isArray(list)) throw new Error('neither a list nor {gpu_data: [...]}');
  let driverVersion: string | null = null;
  const gpus = list.map((g, i) => {
    const asic = (g.asic ?? {}) as Record<string, unknown>;
    const vram = (g.vram ?? {}) as Record<string, unknown>;
    const drv = (g.driver ?? {}) as Record<string, unknown>;
    driverVersion ??= pick(drv, 'version');
    const size = vram.size as unknown;
    let bytes: number | null = null;
    const unitBytes = (u: string) => ({ B: 1, KB: 1024, MB: 2 ** 20, GB: 2 ** 30 })[u.toUpperCase()] ?? 2 ** 20;
    if (size && typeof size === 'object') {
      const s = size as { value?: number; unit?: string };
      if (typeof s.value === 'number') bytes = s.value * unitBytes(s.unit ?? 'MB');
    } else if (typeof size === 'string') {
      const m = /^(\d+)\s*(\w+)?$/.exec(size.trim());
      if (m) bytes = Number(m[1]) * unitBytes(m[2] ?? 'MB');
    }
    const bus = (g.bus ?? {}) as Record<string, unknown>;
    return {
      card: `gpu${typeof g.gpu === 'number' ? g.gpu : i}`,
      deviceId: pick(asic, 'device_id')?.toLowerCase() ?? null,
      name: pick(asic, 'market_name'),
      gfxVersion: pick(asic, 'target_graphics_version'),
      vramTotalBytes: bytes,
      busId: pick(g as Record<string, unknown>, 'bdf') ?? pick(bus, 'bdf'),
      pciVendorId: vendorIdOf(pick(asic, 'vendor_name', 'vendor_id')),
    };
  });
  return { tool: 'amd-smi', driverVersion, gpus };
}

/** One Vulkan physical device from `vulkaninfo --summary`. */
export interface VulkanDevice {
  index: number;
  name: string;
  /** VK_DEVICE_TYPES value: discrete-gpu, integrated-gpu, virtual-gpu, cpu, other */
  type: string;
  vendorId: string | null;
  /** PCI device id as vulkaninfo prints it (0x2330), or null */
  deviceId: string | null;
  apiVersion: string | null;
  driverName: string | null;
  driverInfo: string | null;
}

/**
 * Parses `vulkaninfo --summary`: the instance version and the `GPUn:` device blocks. A block
 * without the fields every device prints (deviceName, deviceType, driverName) means the output
 * was cut: it throws, so the caller reports the tool's output as unreadable instead of silently
 * listing fewer devices.
 */
export function parseVulkaninfoSummary(text: string): { instanceVersion: string | null; devices: VulkanDevice[] } {
  const inst = /Vulkan Instance Version:\s*(\S+)/.exec(text);
  const devices: VulkanDevice[] = [];
  const blocks = text.split(/^GPU(\d+):\s*$/m);
  for (let i = 1; i + 1 < blocks.length; i += 2) {
    const kv: Record<string, string> = {};
    for (const l of blocks[i + 1].split(/\r?\n/)) {
      const m = /^\s+(\w+)\s*=\s*(.*)$/.exec(l);
      if (m) kv[m[1]] = m[2].trim();
    }
    if (!kv.deviceName || !kv.deviceType || !('driverName' in kv || 'driverID' in kv || 'driverInfo' in kv))
      throw new Error(`GPU${blocks[i]} block is incomplete (output truncated?)`);
    devices.push({
      index: Number(blocks[i]),
      name: kv.deviceName,
      type: (VK_DEVICE_TYPES as Record<string, string>)[kv.deviceType] ?? kv.deviceType?.toLowerCase() ?? 'other',
      vendorId: kv.vendorID ?? null,
      deviceId: kv.deviceID ?? null,
      apiVersion: kv.apiVersion ?? null,
      driverName: kv.driverName ?? null,
      driverInfo: kv.driverInfo ?? null,
    });
  }
  if (!inst && !devices.length) throw new Error('no "Vulkan Instance Version" and no GPU blocks');
  return { instanceVersion: inst ? inst[1] : null, devices };
}

/** Parses `clinfo -l`: platform names and their device names. */
export function parseClinfoList(text: string): { platform: string; devices: string[] }[] {
  const out: { platform: string; devices: string[] }[] = [];
  for (const l of text.split(/\r?\n/)) {
    const p = /^Platform #\d+: (.*)$/.exec(l);
    if (p) out.push({ platform: p[1].trim(), devices: [] });
    const d = /^\s*[`+|]-- Device #\d+: (.*)$/.exec(l);
    if (d && out.length) out[out.length - 1].devices.push(d[1].trim());
  }
  return out;
}

/** One display adapter from macOS `system_profiler SPDisplaysDataType -json`. */
export interface MacGpu {
  name: string;
  vendor: string | null;
  cores: number | null;
  /** "metal3", "metal4", "supported", or null */
  metal: string | null;
}

/** Parses `system_profiler SPDisplaysDataType -json`. */
export function parseSystemProfilerDisplays(text: string): MacGpu[] {
  const doc = parseJsonBounded(text) as { SPDisplaysDataType?: Record<string, unknown>[] };
  if (!Array.isArray(doc?.SPDisplaysDataType)) throw new Error('no SPDisplaysDataType list');
  return doc.SPDisplaysDataType.map((g) => {
    const s = (k: string) => (typeof g[k] === 'string' ? (g[k] as string) : null);
    const fam = s('spdisplays_mtlgpufamilysupport') ?? s('spdisplays_metal') ?? s('spdisplays_metalfamily');
    const metal = fam ? fam.replace(/^spdisplays_/, '').replace(/^metal(\d)?$/, (m) => m) : null;
    return {
      name: s('sppci_model') ?? s('_name') ?? 'unknown',
      vendor: s('spdisplays_vendor')?.replace(/^sppci_vendor_/, '') ?? null,
      cores: s('sppci_cores') && /^\d+$/.test(s('sppci_cores')!) ? Number(s('sppci_cores')) : null,
      metal,
    };
  });
}
