/** PCI devices through sysfs (/sys/bus/pci/devices), kept to display, co-processor and accelerator classes. */
import type { Host } from '../../src/host/host.js';
import { KERNEL_DRIVERS, PCI_VENDORS, pciClassKind } from './tables.js';

/** One PCI device of interest. */
export interface PciDevice {
  address: string;
  /** lower-case hex without 0x */
  vendorId: string;
  deviceId: string;
  vendor: string | null;
  /** 24-bit class code, lower-case hex without 0x */
  classCode: string;
  /** PCI_CLASSES kind: vga, 3d, display, co-processor, processing-accelerator, … */
  kind: string;
  /** bound kernel driver, or null when none is bound */
  driver: string | null;
  /** what the bound driver means (KERNEL_DRIVERS kind): gpu, accel, passthrough, virtual, display */
  driverKind: string | null;
}

const PCI = '/sys/bus/pci/devices';

const hex = (s: string | undefined) => (s ?? '').trim().toLowerCase().replace(/^0x/, '');

/** The last path element of a symlink target ("../../../bus/pci/drivers/nvidia" → "nvidia"). */
export function linkBase(target: string | undefined): string | null {
  if (!target) return null;
  const parts = target.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? null;
}

/**
 * Devices whose class `classify` names (by default the gpu probe's classes), and that `keep`
 * accepts; undefined when sysfs is not readable at all.
 */
export async function readPciDevices(
  host: Host,
  keep: (d: PciDevice) => boolean = () => true,
  classify: (classCode: string) => string | undefined = pciClassKind,
): Promise<PciDevice[] | undefined> {
  const addrs = await host.readDir(PCI);
  if (!addrs) return undefined;
  const all = await Promise.all(
    addrs.map(async (address): Promise<PciDevice | undefined> => {
      const classCode = hex(await host.readFile(`${PCI}/${address}/class`));
      const kind = classCode ? classify(classCode) : undefined;
      if (!kind) return undefined;
      const [vendorId, deviceId, drv] = await Promise.all([
        host.readFile(`${PCI}/${address}/vendor`).then(hex),
        host.readFile(`${PCI}/${address}/device`).then(hex),
        host.readLink(`${PCI}/${address}/driver`),
      ]);
      const driver = linkBase(drv);
      return {
        address,
        vendorId,
        deviceId,
        vendor: (PCI_VENDORS as Record<string, { name: string }>)[vendorId]?.name ?? null,
        classCode,
        kind,
        driver,
        driverKind: driver ? ((KERNEL_DRIVERS as Record<string, { kind: string }>)[driver]?.kind ?? null) : null,
      };
    }),
  );
  return all.filter((d): d is PciDevice => !!d && keep(d));
}
