/** The gpu probe's top-level facts (`report.probes.gpu.facts`), as the public report type shows them. */

/** `report.probes.gpu.facts`. */
export interface GpuReportFacts {
  arch?: string;
  platform?: string;
  /** hardware GPUs seen (software renderers are not counted) */
  hardwareGpuCount?: number;
  gpus?: { vendor: string | null; name: string | null; source: string; [k: string]: unknown }[];
  /** software OpenCL/Vulkan devices (PoCL, llvmpipe…) */
  softwareDevices?: { api: string; name: string; kind: string }[];
  devNodes?: string[];
  masks?: Record<string, unknown>[];
  pci?: Record<string, unknown>[];
  vulkan?: Record<string, unknown>;
  opencl?: Record<string, unknown>;
  cuda?: Record<string, unknown>;
  stacks?: Record<string, unknown>;
  // what derive.ts emits when its source answered
  drm?: Record<string, unknown>[] | null;
  accelClass?: string[];
  nvidiaKernelModule?: Record<string, unknown> | string | null;
  nvidiaSmi?: Record<string, unknown>;
  amdSmi?: Record<string, unknown>;
  clinfo?: Record<string, unknown>[];
  stackErrors?: Record<string, unknown>;
  displays?: Record<string, unknown>[];
}
