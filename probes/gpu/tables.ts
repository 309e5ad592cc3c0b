/** The gpu probe's vocabularies: PCI vendors and classes, kernel drivers, software devices, env masks, CUDA errors. */

/**
 * PCI vendor ids of GPU and accelerator makers (lower-case hex, as sysfs prints them without 0x).
 * `gpu` names the `gpu.<vendor>` capability where the vendor makes GPUs.
 */
export const PCI_VENDORS = {
  '10de': { name: 'NVIDIA', gpu: 'nvidia' },
  '1002': { name: 'AMD', gpu: 'amd' },
  '1022': { name: 'AMD', gpu: 'amd' }, // AMD's CPU-side id, used by XDNA NPUs
  '8086': { name: 'Intel', gpu: 'intel' },
  '106b': { name: 'Apple', gpu: 'apple' },
  // Hygon DCU: an AMD-licensed design that runs ROCm (Hygon's DTK) and prints rocm-smi's layout, so
  // it takes the gpu.amd / gpu.rocm verdicts; named Hygon in evidence (PCI vendor 0x1d94, Chengdu Haiguang).
  '1d94': { name: 'Hygon', gpu: 'amd' },
  '1da3': { name: 'Habana Labs', gpu: null },
  '1ae0': { name: 'Google', gpu: null },
  '1d0f': { name: 'AWS', gpu: null },
  '17cb': { name: 'Qualcomm', gpu: null },
  '1e52': { name: 'Tenstorrent', gpu: null },
  '1fc9': { name: 'Tehuti', gpu: null },
  '1af4': { name: 'Red Hat (virtio)', gpu: null },
  '1234': { name: 'QEMU', gpu: null },
  '15ad': { name: 'VMware', gpu: null },
  '1414': { name: 'Microsoft', gpu: null },
  '1a03': { name: 'ASPEED', gpu: null },
  '102b': { name: 'Matrox', gpu: null },
  '5143': { name: 'Qualcomm (Adreno)', gpu: null },
} as const satisfies Record<string, { name: string; gpu: 'nvidia' | 'amd' | 'intel' | 'apple' | null }>;

/** A GPU vendor with a `gpu.<vendor>` capability. */
export type GpuVendor = 'nvidia' | 'amd' | 'intel' | 'apple';

/** GPU vendors in capability order. */
export const GPU_VENDORS: readonly GpuVendor[] = ['nvidia', 'amd', 'intel', 'apple'];

/** The main PCI vendor id of each GPU vendor. */
export const GPU_VENDOR_PCI = { nvidia: '10de', amd: '1002', intel: '8086', apple: '106b' } as const satisfies Record<GpuVendor, keyof typeof PCI_VENDORS>;

/**
 * PCI (sub)classes the probe looks at, by the first 4 hex digits of the 24-bit class code.
 * 03xx display, 0b40 co-processor, 12xx processing accelerators (PCI code and ID assignment spec).
 */
export const PCI_CLASSES = {
  '0300': 'vga',
  '0301': 'xga',
  '0302': '3d',
  '0380': 'display',
  '0b40': 'co-processor',
  '1200': 'processing-accelerator',
  '1201': 'ai-inference-accelerator',
} as const satisfies Record<string, string>;

/** The class kind of a PCI class code (0x030000 or 030000), or undefined when the probe ignores that class. */
export function pciClassKind(classCode: string): string | undefined {
  const c = classCode.trim().toLowerCase().replace(/^0x/, '').padStart(6, '0').slice(0, 4);
  if (c in PCI_CLASSES) return PCI_CLASSES[c as keyof typeof PCI_CLASSES];
  if (c.startsWith('03')) return 'display';
  if (c.startsWith('12')) return 'processing-accelerator';
  return undefined;
}

/**
 * Kernel drivers a GPU or accelerator is bound to. `stack` is what binding means for the
 * user-space stacks; `vfio-pci` means the device is handed to a VM, not usable here.
 */
export const KERNEL_DRIVERS = {
  nvidia: { vendor: 'nvidia', kind: 'gpu', note: 'NVIDIA proprietary/open kernel module' },
  nouveau: { vendor: 'nvidia', kind: 'gpu', note: 'open-source; no CUDA' },
  amdgpu: { vendor: 'amd', kind: 'gpu', note: 'ROCm and Mesa' },
  radeon: { vendor: 'amd', kind: 'gpu', note: 'legacy; no ROCm' },
  hydcu: { vendor: 'amd', kind: 'gpu', note: 'Hygon DCU (ROCm-compatible DTK)' },
  i915: { vendor: 'intel', kind: 'gpu', note: 'Intel graphics' },
  xe: { vendor: 'intel', kind: 'gpu', note: 'Intel Xe graphics' },
  habanalabs: { vendor: null, kind: 'accel', note: 'Intel Gaudi (Habana)' },
  ivpu: { vendor: null, kind: 'accel', note: 'Intel NPU' },
  qaic: { vendor: null, kind: 'accel', note: 'Qualcomm Cloud AI 100' },
  amdxdna: { vendor: null, kind: 'accel', note: 'AMD XDNA NPU' },
  neuron: { vendor: null, kind: 'accel', note: 'AWS Inferentia/Trainium' },
  'vfio-pci': { vendor: null, kind: 'passthrough', note: 'bound to vfio-pci: reserved for a VM, not usable by this OS' },
  'pci-stub': { vendor: null, kind: 'passthrough', note: 'bound to pci-stub: unusable by this OS' },
  'virtio-pci': { vendor: null, kind: 'virtual', note: 'virtio device' },
  bochs: { vendor: null, kind: 'virtual', note: 'QEMU standard VGA' },
  'bochs-drm': { vendor: null, kind: 'virtual', note: 'QEMU standard VGA' },
  cirrus: { vendor: null, kind: 'virtual', note: 'emulated Cirrus VGA' },
  vmwgfx: { vendor: null, kind: 'virtual', note: 'VMware SVGA' },
  hyperv_drm: { vendor: null, kind: 'virtual', note: 'Hyper-V synthetic video' },
  ast: { vendor: null, kind: 'display', note: 'ASPEED BMC display' },
  mgag200: { vendor: null, kind: 'display', note: 'Matrox BMC display' },
} as const satisfies Record<string, { vendor: GpuVendor | null; kind: string; note: string }>;

/**
 * Software (CPU-emulated) device names. Vendor ids lie here: PoCL reports Intel's 0x8086 on an
 * AMD CPU, so classification goes by device type and name, never vendor id.
 */
export const SOFTWARE_DEVICES = [
  { name: 'llvmpipe', pattern: /\bllvmpipe\b/i },
  { name: 'lavapipe', pattern: /\blavapipe\b/i },
  { name: 'softpipe', pattern: /\bsoftpipe\b/i },
  { name: 'SwiftShader', pattern: /swiftshader/i },
  { name: 'PoCL', pattern: /\bpocl\b|^pthread-|^cpu-|portable computing language/i },
  { name: 'Microsoft Basic Render Driver', pattern: /basic render driver|microsoft basic display/i },
  { name: 'WARP', pattern: /\bwarp\b/i },
] as const;

/** The software device a name or driver string matches, or undefined. */
export function softwareDevice(...names: (string | undefined | null)[]): string | undefined {
  for (const n of names) {
    if (!n) continue;
    for (const s of SOFTWARE_DEVICES) if (s.pattern.test(n)) return s.name;
  }
  return undefined;
}

/** Environment variables that hide devices from a stack, and the stack each one acts on. */
export const ENV_MASKS = {
  CUDA_VISIBLE_DEVICES: { stack: 'cuda', capability: 'gpu.cuda' },
  NVIDIA_VISIBLE_DEVICES: { stack: 'nvidia-container', capability: 'gpu.nvidia' },
  ROCR_VISIBLE_DEVICES: { stack: 'rocm', capability: 'gpu.rocm' },
  HIP_VISIBLE_DEVICES: { stack: 'rocm', capability: 'gpu.rocm' },
  OCL_ICD_VENDORS: { stack: 'opencl', capability: 'gpu.opencl' },
} as const;

/** An env mask variable name. */
export type EnvMaskName = keyof typeof ENV_MASKS;

/**
 * cudaError_t values the probe turns into a diagnosis (cuda_runtime_api.h, driver_types.h).
 * 35 means "no driver, or one older than this runtime"; the driver's presence tells which.
 */
export const CUDART_ERRORS = {
  0: 'cudaSuccess',
  3: 'cudaErrorInitializationError',
  34: 'cudaErrorStubLibrary',
  35: 'cudaErrorInsufficientDriver',
  100: 'cudaErrorNoDevice',
  101: 'cudaErrorInvalidDevice',
  221: 'cudaErrorJitCompilerNotFound',
  222: 'cudaErrorUnsupportedPtxVersion',
  802: 'cudaErrorSystemNotReady',
  803: 'cudaErrorSystemDriverMismatch',
  804: 'cudaErrorCompatNotSupportedOnDevice',
  999: 'cudaErrorUnknown',
} as const satisfies Record<number, string>;

/** CUresult values of the driver API that the probe names. */
export const CU_ERRORS = {
  0: 'CUDA_SUCCESS',
  1: 'CUDA_ERROR_INVALID_VALUE',
  2: 'CUDA_ERROR_OUT_OF_MEMORY',
  3: 'CUDA_ERROR_NOT_INITIALIZED',
  4: 'CUDA_ERROR_DEINITIALIZED',
  34: 'CUDA_ERROR_STUB_LIBRARY',
  100: 'CUDA_ERROR_NO_DEVICE',
  101: 'CUDA_ERROR_INVALID_DEVICE',
  200: 'CUDA_ERROR_INVALID_IMAGE',
  209: 'CUDA_ERROR_NO_BINARY_FOR_GPU',
  218: 'CUDA_ERROR_INVALID_PTX',
  221: 'CUDA_ERROR_JIT_COMPILER_NOT_FOUND',
  222: 'CUDA_ERROR_UNSUPPORTED_PTX_VERSION',
  802: 'CUDA_ERROR_SYSTEM_NOT_READY',
  803: 'CUDA_ERROR_SYSTEM_DRIVER_MISMATCH',
  804: 'CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE',
  999: 'CUDA_ERROR_UNKNOWN',
} as const satisfies Record<number, string>;

/** The name of a CUDA error code from one of the tables above, or `error N`. */
export function errorName(table: Record<number, string>, code: number): string {
  return table[code] ?? `error ${code}`;
}

/**
 * Library names the FFI worker tries, in order: standard sonames first (the dynamic loader's
 * search path), then well-known absolute install paths. Never a relative path.
 */
export const LIBRARIES = {
  opencl: ['libOpenCL.so.1', 'libOpenCL.so', '/usr/lib/x86_64-linux-gnu/libOpenCL.so.1', '/usr/lib64/libOpenCL.so.1', '/opt/rocm/lib/libOpenCL.so.1'],
  cuda: ['libcuda.so.1', 'libcuda.so', '/usr/lib/x86_64-linux-gnu/libcuda.so.1', '/usr/lib64/libcuda.so.1', '/usr/local/nvidia/lib64/libcuda.so.1', '/usr/lib/wsl/lib/libcuda.so.1'],
  cudart: [
    'libcudart.so',
    'libcudart.so.13',
    'libcudart.so.12',
    'libcudart.so.11.0',
    '/usr/local/cuda/lib64/libcudart.so',
    '/usr/local/cuda/targets/x86_64-linux/lib/libcudart.so',
    '/usr/local/cuda/targets/sbsa-linux/lib/libcudart.so',
    '/usr/lib/x86_64-linux-gnu/libcudart.so',
  ],
  nvml: ['libnvidia-ml.so.1', '/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1', '/usr/lib64/libnvidia-ml.so.1', '/usr/local/nvidia/lib64/libnvidia-ml.so.1'],
} as const;

/** A runtime stack the FFI worker queries. */
export type Stack = keyof typeof LIBRARIES;

/**
 * Files whose existence says a stack's library may be installed, checked (cheaply, through Host)
 * before the worker is spawned: no library, no worker. Multiarch and lib64 layouts, plus CUDA's
 * usual prefix.
 */
export const LIBRARY_HINTS: Readonly<Record<Stack, readonly string[]>> = {
  opencl: ['/usr/lib/x86_64-linux-gnu/libOpenCL.so.1', '/usr/lib/aarch64-linux-gnu/libOpenCL.so.1', '/usr/lib64/libOpenCL.so.1', '/usr/lib/libOpenCL.so.1', '/opt/rocm/lib/libOpenCL.so.1', '/etc/OpenCL/vendors'],
  cuda: ['/usr/lib/x86_64-linux-gnu/libcuda.so.1', '/usr/lib/aarch64-linux-gnu/libcuda.so.1', '/usr/lib64/libcuda.so.1', '/usr/local/nvidia/lib64/libcuda.so.1', '/usr/lib/wsl/lib/libcuda.so.1'],
  cudart: ['/usr/local/cuda/lib64', '/usr/local/cuda/targets/x86_64-linux/lib', '/usr/local/cuda/targets/sbsa-linux/lib', '/usr/lib/x86_64-linux-gnu/libcudart.so'],
  nvml: ['/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1', '/usr/lib/aarch64-linux-gnu/libnvidia-ml.so.1', '/usr/lib64/libnvidia-ml.so.1', '/usr/local/nvidia/lib64/libnvidia-ml.so.1'],
};

/** OpenCL device types (CL_DEVICE_TYPE_* bits). */
export const CL_DEVICE_TYPES = { 1: 'default', 2: 'cpu', 4: 'gpu', 8: 'accelerator', 16: 'custom' } as const;

/** The OpenCL device type names of a CL_DEVICE_TYPE bit field. */
export function clDeviceType(bits: number): string {
  const names = Object.entries(CL_DEVICE_TYPES)
    .filter(([b]) => (bits & Number(b)) !== 0)
    .map(([, n]) => n);
  return names.filter((n) => n !== 'default').join('+') || names[0] || 'unknown';
}

/** Vulkan physical device types (VkPhysicalDeviceType), as vulkaninfo prints them. */
export const VK_DEVICE_TYPES = {
  PHYSICAL_DEVICE_TYPE_OTHER: 'other',
  PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: 'integrated-gpu',
  PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: 'discrete-gpu',
  PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: 'virtual-gpu',
  PHYSICAL_DEVICE_TYPE_CPU: 'cpu',
} as const;

/** Vendor tools the probe runs when they are installed, with the arguments and a timeout. */
export const TOOLS = {
  nvidiaSmiCsv: {
    file: 'nvidia-smi',
    args: ['--query-gpu=index,name,uuid,pci.bus_id,driver_version,memory.total,compute_cap,mig.mode.current,pci.device_id', '--format=csv'],
  },
  // Drivers before 510 reject compute_cap ("Field \"compute_cap\" is not a valid field to query."): the same query without it.
  nvidiaSmiCsvLegacy: {
    file: 'nvidia-smi',
    args: ['--query-gpu=index,name,uuid,pci.bus_id,driver_version,memory.total,mig.mode.current,pci.device_id', '--format=csv'],
  },
  nvidiaSmiXml: { file: 'nvidia-smi', args: ['-q', '-x'] },
  // --showbus prints each card's `PCI Bus`, the key that merges it onto its PCI device.
  rocmSmi: { file: 'rocm-smi', args: ['--showproductname', '--showdriverversion', '--showmeminfo', 'vram', '--showbus', '--json'] },
  amdSmi: { file: 'amd-smi', args: ['static', '--asic', '--bus', '--vram', '--driver', '--json'] },
  vulkaninfo: { file: 'vulkaninfo', args: ['--summary'] },
  clinfo: { file: 'clinfo', args: ['-l'] },
  systemProfiler: { file: 'system_profiler', args: ['SPDisplaysDataType', '-json'] },
} as const satisfies Record<string, { file: string; args: readonly string[] }>;

/** Timeout of one vendor tool: a hanging tool costs this, not the run. */
export const TOOL_TIMEOUT_MS = 4000;

/** Timeout of the FFI worker in detection (driver initialisation can be slow on big machines). */
export const WORKER_TIMEOUT_MS = 8000;

/** The OpenCL calibration's kernels (metric gpu.opencl.<device>.<kernel>) and their units. */
export const OPENCL_METRICS = [['fma-f32', 'GFLOP/s'], ['bandwidth', 'GB/s'], ['h2d', 'GB/s'], ['d2h', 'GB/s']] as const;
/** The CUDA calibration's kernels (metric gpu.cuda.<device>.<kernel>, or gpu.cuda.<kernel> when no device ran) and their units. */
export const CUDA_METRICS = [['fma-f32', 'GFLOP/s'], ['bandwidth', 'GB/s']] as const;
