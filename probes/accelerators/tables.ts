/** The accelerators probe's vocabulary: one row per accelerator family. */

/**
 * Accelerator families. `pci` matches vendor id and (optionally) device-id prefixes and class
 * prefixes; `drivers` are the kernel drivers that serve them; `nodes` the device nodes user space
 * opens. AWS's vendor id 1d0f also covers its network (ENA) and NVMe devices, hence the classes.
 */
export const ACCELERATORS = {
  'accel.tpu': { name: 'Google TPU', pci: { vendor: '1ae0', classes: ['0880', '1200', '0b40', '1201'] }, drivers: ['apex', 'gasket', 'vfio-pci', 'tpu'], nodes: [/^\/dev\/accel\d+$/, /^\/dev\/vfio\/\d+$/] },
  'accel.neuron': { name: 'AWS Inferentia/Trainium', pci: { vendor: '1d0f', classes: ['0880', '1200', '0b40', '1201'] }, drivers: ['neuron'], nodes: [/^\/dev\/neuron\d+$/] },
  'accel.gaudi': { name: 'Intel Gaudi (Habana)', pci: { vendor: '1da3', classes: ['1200', '0b40', '1201', '0300', '0302'] }, drivers: ['habanalabs'], nodes: [/^\/dev\/accel\/accel\d+$/, /^\/dev\/hl\d+$/] },
  'accel.npu': { name: 'Intel NPU / AMD XDNA', pci: { vendor: '8086|1022', classes: ['1200', '1180', '1201'] }, drivers: ['intel_vpu', 'ivpu', 'amdxdna'], nodes: [/^\/dev\/accel\/accel\d+$/] },
  'accel.qaic': { name: 'Qualcomm Cloud AI 100', pci: { vendor: '17cb', classes: ['1200', '1201', '0b40'] }, drivers: ['qaic', 'mhi-pci-generic'], nodes: [/^\/dev\/accel\/accel\d+$/] },
} as const satisfies Record<string, { name: string; pci: { vendor: string; classes: readonly string[] }; drivers: readonly string[]; nodes: readonly RegExp[] }>;

/** An accelerator capability id of the table. */
export type AccelId = keyof typeof ACCELERATORS;

/** The CPU flags of Intel AMX, as /proc/cpuinfo spells them. */
export const AMX_FLAGS = ['amx_tile', 'amx_bf16', 'amx_int8', 'amx_fp16', 'amx_complex'] as const;

/** arch_prctl codes (asm/prctl.h) and the XSTATE component of AMX tile data. */
export const ARCH_PRCTL = { SYS_arch_prctl: 158, ARCH_GET_XCOMP_SUPP: 0x1021, ARCH_GET_XCOMP_PERM: 0x1022, ARCH_REQ_XCOMP_PERM: 0x1023, XFEATURE_XTILEDATA: 18 } as const;
