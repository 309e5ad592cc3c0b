/** Crypto devices on Linux: /dev nodes, the hwrng in use, Intel QAT and AMD CCP by PCI id (through Host). */
import type { Host } from '../../src/host/host.js';
import type { Evidence } from '../../src/types.js';
import { CCP_PCI_IDS, CRYPTO_DEV_NODES, QAT_PCI_IDS } from './tables.js';

const PCI = '/sys/bus/pci/devices';
const HWRNG = '/sys/class/misc/hw_random';

/** One PCI crypto device. */
export interface PciCryptoDevice {
  slot: string;
  id: string;
  kind: 'qat' | 'ccp';
  name: string;
  /** the driver bound to it, or null */
  driver: string | null;
}

/** What the device scan found. */
export interface CryptoDevices {
  /** /dev nodes present */
  nodes: string[];
  hwrng: { current: string | null; available: string[] } | null;
  /** null when the PCI bus could not be read */
  pci: PciCryptoDevice[] | null;
}

/** Parses a sysfs PCI `uevent` (PCI_ID=8086:4940, DRIVER=qat_4xxx). */
export function parsePciUevent(text: string): { id: string | null; driver: string | null } {
  const id = /^PCI_ID=([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})$/m.exec(text);
  const drv = /^DRIVER=(\S+)$/m.exec(text);
  return { id: id ? `${id[1].toLowerCase()}:${id[2].toLowerCase()}` : null, driver: drv ? drv[1] : null };
}

/** Classifies a PCI id ("8086:4940") as a crypto device, or null. */
export function classifyPci(id: string): { kind: 'qat' | 'ccp'; name: string } | null {
  const [vendor, device] = id.split(':');
  if (vendor === '8086' && device in QAT_PCI_IDS) return { kind: 'qat', name: QAT_PCI_IDS[device as keyof typeof QAT_PCI_IDS] };
  if (vendor === '1022' && device in CCP_PCI_IDS) return { kind: 'ccp', name: CCP_PCI_IDS[device as keyof typeof CCP_PCI_IDS] };
  return null;
}

/** Scans for crypto devices. Never throws; what could not be read is null and an evidence entry. */
export async function scanDevices(host: Host, ev: Evidence[]): Promise<CryptoDevices> {
  const [present, current, available, slots] = await Promise.all([
    Promise.all(CRYPTO_DEV_NODES.map((n) => host.exists(n.path).catch(() => false))),
    host.readFile(`${HWRNG}/rng_current`).catch(() => undefined),
    host.readFile(`${HWRNG}/rng_available`).catch(() => undefined),
    host.readDir(PCI).catch(() => undefined),
  ]);
  const nodes = CRYPTO_DEV_NODES.filter((_, i) => present[i]).map((n) => n.path);
  const hwrng =
    current === undefined && available === undefined
      ? null
      : { current: current?.trim() || null, available: (available ?? '').trim().split(/\s+/).filter(Boolean) };
  ev.push({ source: `${HWRNG}/rng_current`, ok: current !== undefined, ...(current !== undefined ? { detail: current.trim() } : {}) });
  let pci: PciCryptoDevice[] | null = null;
  if (slots) {
    const uevents = await Promise.all(slots.map((s) => host.readFile(`${PCI}/${s}/uevent`).catch(() => undefined)));
    pci = [];
    slots.forEach((slot, i) => {
      const u = uevents[i] ? parsePciUevent(uevents[i]!) : null;
      const cls = u?.id ? classifyPci(u.id) : null;
      if (u?.id && cls) pci!.push({ slot, id: u.id, ...cls, driver: u.driver });
    });
    ev.push({ source: PCI, ok: true, detail: `${slots.length} devices, ${pci.length} crypto` });
  } else ev.push({ source: PCI, ok: false, detail: 'absent or unreadable' });
  return { nodes, hwrng, pci };
}
