/** Parsers for the other vendor tools: rocm-smi, amd-smi, vulkaninfo, clinfo and macOS system_profiler. Pure. */
import { VK_DEVICE_TYPES } from './tables.js';

/** One AMD GPU as rocm-smi or amd-smi describes it. */
export interface AmdGpu {
  card: string;
  /** PCI device id, lower-case with 0x */
  deviceId: string | null;
  /** marketing or PCI-database name ("Card series"/"Device Name"); null when the tool printed only an id */
  name: string | null;
  gfxVersion: string | null;
  vramTotalBytes: number | null;
}

/** What rocm-smi / amd-smi say about the machine. */
export interface AmdSmiInfo {
  driverVersion: string | null;
  gpus: AmdGpu[];
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
  const doc = JSON.parse(text) as Record<string, Record<string, unknown>>;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a JSON object');
  const cards = Object.keys(doc).filter((k) => /^card\d+$/.test(k));
  if (!cards.length) throw new Error('no card entries');
  const gpus = cards
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .map((card) => {
      const c = doc[card];
      const series = pick(c, 'Device Name', 'Card Series', 'Card series');
      const vram = pick(c, 'VRAM Total Memory (B)');
      return {
        card,
        deviceId: pick(c, 'Device ID', 'GPU ID')?.toLowerCase() ?? null,
        name: series && !/^0x[0-9a-f]+$/i.test(series) ? series : null,
        gfxVersion: pick(c, 'GFX Version'),
        vramTotalBytes: vram && /^\d+$/.test(vram) ? Number(vram) : null,
      };
    });
  return { driverVersion: doc.system ? pick(doc.system, 'Driver version') : null, gpus };
}

/** Parses `amd-smi static --json` (a list of GPUs, or `{gpu_data: [...]}` in newer releases). */
export function parseAmdSmiJson(text: string): AmdSmiInfo {
  const doc = JSON.parse(text) as unknown;
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
    return {
      card: `gpu${typeof g.gpu === 'number' ? g.gpu : i}`,
      deviceId: pick(asic, 'device_id')?.toLowerCase() ?? null,
      name: pick(asic, 'market_name'),
      gfxVersion: pick(asic, 'target_graphics_version'),
      vramTotalBytes: bytes,
    };
  });
  return { driverVersion, gpus };
}

/** One Vulkan physical device from `vulkaninfo --summary`. */
export interface VulkanDevice {
  index: number;
  name: string;
  /** VK_DEVICE_TYPES value: discrete-gpu, integrated-gpu, virtual-gpu, cpu, other */
  type: string;
  vendorId: string | null;
  apiVersion: string | null;
  driverName: string | null;
  driverInfo: string | null;
}

/** Parses `vulkaninfo --summary`: the instance version and the `GPUn:` device blocks. */
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
    if (!kv.deviceName) continue;
    devices.push({
      index: Number(blocks[i]),
      name: kv.deviceName,
      type: (VK_DEVICE_TYPES as Record<string, string>)[kv.deviceType] ?? kv.deviceType?.toLowerCase() ?? 'other',
      vendorId: kv.vendorID ?? null,
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
  const doc = JSON.parse(text) as { SPDisplaysDataType?: Record<string, unknown>[] };
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
