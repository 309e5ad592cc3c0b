import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayHost } from '../../../src/host/replay-host.js';
import { execKey, execResult, makeCapture } from '../../../src/host/capture.js';
import {
  DMI_TABLE,
  SYSTEMD_VM_IDS,
  cpuinfoHasHypervisorFlag,
  detectVirt,
  techFromDeviceTree,
  techFromDmi,
  techFromSystemd,
} from '../../../probes/environment/virt.js';
import { Trail } from '../../../probes/environment/util.js';

const ran = execResult;

test('DMI table', () => {
  // Hand-written DMI strings as the respective hypervisors publish them.
  const cases: Array<[Parameters<typeof techFromDmi>[0], string | undefined]> = [
    [{ sys_vendor: 'QEMU', product_name: 'Standard PC (Q35 + ICH9, 2009)' }, 'qemu'],
    [{ sys_vendor: 'Red Hat', product_name: 'KVM' }, 'kvm'],
    [{ sys_vendor: 'VMware, Inc.', product_name: 'VMware Virtual Platform' }, 'vmware'],
    [{ sys_vendor: 'innotek GmbH', product_name: 'VirtualBox' }, 'virtualbox'],
    [{ sys_vendor: 'Xen', product_name: 'HVM domU' }, 'xen'],
    [{ sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine' }, 'hyperv'],
    [{ sys_vendor: 'Microsoft Corporation', product_name: 'Surface Laptop 5' }, undefined],
    [{ sys_vendor: 'Amazon EC2', product_name: 'm5.large' }, 'kvm'],
    [{ sys_vendor: 'Amazon EC2', product_name: 'm5.metal' }, undefined],
    [{ sys_vendor: 'Google', product_name: 'Google Compute Engine' }, 'kvm'],
    [{ sys_vendor: 'Dell Inc.', product_name: 'PowerEdge R740', bios_vendor: 'Dell Inc.' }, undefined],
    [{ sys_vendor: 'Dell Inc.', bios_vendor: 'SeaBIOS', board_vendor: 'QEMU' }, 'qemu'],
  ];
  for (const [dmi, want] of cases) assert.is(techFromDmi(dmi), want, JSON.stringify(dmi));
  for (const row of DMI_TABLE) assert.ok(row.prefix.length > 2, 'prefixes are specific');
});

test('systemd-detect-virt ids and device tree', () => {
  assert.is(techFromSystemd('none'), null);
  assert.is(techFromSystemd('oracle'), 'virtualbox');
  assert.is(techFromSystemd('microsoft'), 'hyperv');
  assert.is(techFromSystemd('brand-new'), undefined);
  for (const id of Object.keys(SYSTEMD_VM_IDS)) assert.ok(techFromSystemd(id), id);
  assert.is(techFromDeviceTree('linux,kvm\0'), 'kvm');
  assert.is(techFromDeviceTree('xen,xen-4.14\0xen,xen\0'), 'xen');
});

test('cpuinfo hypervisor flag', () => {
  // Hand-written excerpts.
  assert.is(cpuinfoHasHypervisorFlag('processor\t: 0\nflags\t\t: fpu vme sse2 hypervisor lahf_lm\n'), true);
  assert.is(cpuinfoHasHypervisorFlag('processor\t: 0\nflags\t\t: fpu vme sse2 lahf_lm\n'), false);
  assert.is(cpuinfoHasHypervisorFlag('processor\t: 0\nFeatures\t: fp asimd\n'), false);
  assert.is(cpuinfoHasHypervisorFlag(''), undefined);
});

const CPUINFO_VM = 'processor\t: 0\nflags\t\t: fpu sse2 hypervisor\n';
const CPUINFO_METAL = 'processor\t: 0\nflags\t\t: fpu sse2\n';

type Case = { name: string; cap: Parameters<typeof makeCapture>[0]; want: Awaited<ReturnType<typeof detectVirt>> };
const CASES: Case[] = [
  {
    name: 'this sandbox: KVM guest, cpuinfo flag, no DMI',
    cap: { files: { '/proc/cpuinfo': CPUINFO_VM }, exec: { [execKey('systemd-detect-virt', ['-v'])]: ran('kvm\n') } },
    want: { isVirtual: true, technology: 'kvm', sources: ['cpuinfo', 'systemd-detect-virt'] },
  },
  {
    name: 'bare metal: systemd none (exit 1), no flag',
    cap: { files: { '/proc/cpuinfo': CPUINFO_METAL }, exec: { [execKey('systemd-detect-virt', ['-v'])]: ran('none\n', 1) } },
    want: { isVirtual: false, technology: null, sources: ['cpuinfo', 'systemd-detect-virt'] },
  },
  {
    name: 'VMware by DMI, no systemd',
    cap: { files: { '/proc/cpuinfo': CPUINFO_VM, '/sys/class/dmi/id/sys_vendor': 'VMware, Inc.\n' } },
    want: { isVirtual: true, technology: 'vmware', sources: ['cpuinfo', 'dmi'] },
  },
  {
    name: 'xen PV via /sys/hypervisor/type',
    cap: { files: { '/sys/hypervisor/type': 'xen\n' } },
    want: { isVirtual: true, technology: 'xen', sources: ['/sys/hypervisor/type'] },
  },
  {
    name: 'arm64 KVM via device tree',
    cap: { info: { arch: 'arm64' }, files: { '/proc/cpuinfo': 'Features\t: fp asimd\n', '/proc/device-tree/hypervisor/compatible': 'linux,kvm\0' } },
    want: { isVirtual: true, technology: 'kvm', sources: ['device-tree'] },
  },
  {
    name: 'arm64 without any hint: unknown',
    cap: { info: { arch: 'arm64' }, files: { '/proc/cpuinfo': 'Features\t: fp asimd\n' } },
    want: { isVirtual: null, technology: null, sources: [] },
  },
  {
    name: 'only the cpuinfo flag: virtual, technology unknown',
    cap: { files: { '/proc/cpuinfo': CPUINFO_VM } },
    want: { isVirtual: true, technology: 'unknown', sources: ['cpuinfo'] },
  },
  {
    name: 'macOS guest',
    cap: { info: { platform: 'darwin', arch: 'arm64' }, exec: { [execKey('sysctl', ['-n', 'kern.hv_vmm_present'])]: ran('1\n') } },
    want: { isVirtual: true, technology: 'unknown', sources: ['sysctl kern.hv_vmm_present'] },
  },
  {
    name: 'macOS host',
    cap: { info: { platform: 'darwin', arch: 'arm64' }, exec: { [execKey('sysctl', ['-n', 'kern.hv_vmm_present'])]: ran('0\n') } },
    want: { isVirtual: false, technology: null, sources: ['sysctl kern.hv_vmm_present'] },
  },
  { name: 'empty host', cap: {}, want: { isVirtual: null, technology: null, sources: [] } },
  { name: 'windows', cap: { info: { platform: 'win32' } }, want: { isVirtual: null, technology: null, sources: [] } },
];

for (const c of CASES) {
  test(`detectVirt: ${c.name}`, async () => {
    assert.equal(await detectVirt(new ReplayHost(makeCapture(c.cap)), new Trail()), c.want);
  });
}

test.run();
