/**
 * CUDA driver API (libcuda), CUDA runtime (libcudart) and NVML (libnvidia-ml) through koffi, plus
 * the PTX calibration kernels. For the FFI worker only.
 */
import { loadKoffi } from '../../../src/koffi.js';
import type { LibraryHandle } from 'koffi';
import type { Kernel } from '../../../src/calibration.js';
import { loadFirst } from './libpath.js';
import { CU_ERRORS, CUDART_ERRORS, errorName, LIBRARIES } from '../tables.js';

const koffi = loadKoffi();

/** Loads the first library of a list that resolves to a trusted absolute path and opens: its handle and name, or the first error. */
export function openFirst(names: readonly string[]): { lib: LibraryHandle; library: string } | { absent: string } {
  return loadFirst(names, (abs) => koffi.load(abs));
}

/** One CUDA device from the driver API. */
export interface CudaDevice {
  index: number;
  name: string;
  computeCapability: string;
  smCount: number;
  clockKHz: number;
  memoryBytes: number;
}

/** The driver API query. `initError` set: cuInit failed and nothing else was asked. */
export interface CudaDriverQuery {
  library: string;
  /** e.g. 12040 for CUDA 12.4 */
  driverVersion: number | null;
  initError?: string;
  deviceCount: number;
  devices: CudaDevice[];
}

const ATTR = { CLOCK_RATE: 13, MULTIPROCESSOR_COUNT: 16, CC_MAJOR: 75, CC_MINOR: 76 } as const;

function cuBind(lib: LibraryHandle) {
  return {
    init: lib.func('int cuInit(unsigned int)'),
    driverGetVersion: lib.func('int cuDriverGetVersion(_Out_ int *)'),
    deviceGetCount: lib.func('int cuDeviceGetCount(_Out_ int *)'),
    deviceGet: lib.func('int cuDeviceGet(_Out_ int *, int)'),
    deviceGetName: lib.func('int cuDeviceGetName(void *, int, int)'),
    deviceGetAttribute: lib.func('int cuDeviceGetAttribute(_Out_ int *, int, int)'),
    deviceTotalMem: lib.func('int cuDeviceTotalMem_v2(_Out_ size_t *, int)'),
    ctxCreate: lib.func('int cuCtxCreate_v2(_Out_ void **, unsigned int, int)'),
    ctxDestroy: lib.func('int cuCtxDestroy_v2(void *)'),
    moduleLoadData: lib.func('int cuModuleLoadData(_Out_ void **, const char *)'),
    moduleGetFunction: lib.func('int cuModuleGetFunction(_Out_ void **, void *, const char *)'),
    moduleUnload: lib.func('int cuModuleUnload(void *)'),
    memAlloc: lib.func('int cuMemAlloc_v2(_Out_ uint64_t *, size_t)'),
    memFree: lib.func('int cuMemFree_v2(uint64_t)'),
    memcpyHtoD: lib.func('int cuMemcpyHtoD_v2(uint64_t, const void *, size_t)'),
    memcpyDtoH: lib.func('int cuMemcpyDtoH_v2(void *, uint64_t, size_t)'),
    launchKernel: lib.func('int cuLaunchKernel(void *, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, void *, void *, void *)'),
    ctxSynchronize: lib.func('int cuCtxSynchronize()'),
  };
}

const cuName = (rc: number) => errorName(CU_ERRORS, rc);

/** Queries the driver API: cuInit, version, devices. */
export function queryCudaDriver(lib: LibraryHandle, library: string): CudaDriverQuery {
  const cu = cuBind(lib);
  const v = [0];
  const driverVersion = cu.driverGetVersion(v) === 0 ? v[0] : null;
  const rc = cu.init(0);
  if (rc !== 0) return { library, driverVersion, initError: cuName(rc), deviceCount: 0, devices: [] };
  const n = [0];
  cu.deviceGetCount(n);
  const devices: CudaDevice[] = [];
  for (let i = 0; i < n[0]; i++) {
    const dev = [0];
    if (cu.deviceGet(dev, i) !== 0) continue;
    const name = Buffer.alloc(256);
    cu.deviceGetName(name, 256, dev[0]);
    const attr = (a: number) => {
      const o = [0];
      return cu.deviceGetAttribute(o, a, dev[0]) === 0 ? o[0] : 0;
    };
    const mem = [0];
    cu.deviceTotalMem(mem, dev[0]);
    devices.push({
      index: i,
      name: name.toString('utf8').replace(/\0.*$/s, ''),
      computeCapability: `${attr(ATTR.CC_MAJOR)}.${attr(ATTR.CC_MINOR)}`,
      smCount: attr(ATTR.MULTIPROCESSOR_COUNT),
      clockKHz: attr(ATTR.CLOCK_RATE),
      memoryBytes: Number(mem[0]),
    });
  }
  return { library, driverVersion, deviceCount: n[0], devices };
}

/** The runtime query: versions and cudaGetDeviceCount's error. */
export interface CudaRuntimeQuery {
  library: string;
  runtimeVersion: number | null;
  /** 0 when no driver is installed */
  driverVersion: number | null;
  deviceCount: number;
  /** cudaGetDeviceCount's return code and its name/description */
  error: number;
  errorName: string;
  errorString: string | null;
}

/** Queries libcudart. */
export function queryCudaRuntime(lib: LibraryHandle, library: string): CudaRuntimeQuery {
  const runtimeGetVersion = lib.func('int cudaRuntimeGetVersion(_Out_ int *)');
  const driverGetVersion = lib.func('int cudaDriverGetVersion(_Out_ int *)');
  const getDeviceCount = lib.func('int cudaGetDeviceCount(_Out_ int *)');
  const getErrorString = lib.func('const char *cudaGetErrorString(int)');
  const rv = [0];
  const dv = [0];
  const n = [0];
  const runtimeVersion = runtimeGetVersion(rv) === 0 ? rv[0] : null;
  const driverVersion = driverGetVersion(dv) === 0 ? dv[0] : null;
  const error = getDeviceCount(n) as number;
  return {
    library,
    runtimeVersion,
    driverVersion,
    deviceCount: error === 0 ? n[0] : 0,
    error,
    errorName: errorName(CUDART_ERRORS, error),
    errorString: (getErrorString(error) as string | null) ?? null,
  };
}

/** The NVML query. */
export interface NvmlQuery {
  library: string;
  initError?: number;
  driverVersion: string | null;
  cudaDriverVersion: number | null;
  devices: { index: number; name: string; memoryTotalBytes: number }[];
}

/** Queries NVML. */
export function queryNvml(lib: LibraryHandle, library: string): NvmlQuery {
  const init = lib.func('int nvmlInit_v2()');
  const shutdown = lib.func('int nvmlShutdown()');
  const sysDriver = lib.func('int nvmlSystemGetDriverVersion(void *, unsigned int)');
  const sysCuda = lib.func('int nvmlSystemGetCudaDriverVersion(_Out_ int *)');
  const count = lib.func('int nvmlDeviceGetCount_v2(_Out_ unsigned int *)');
  const handle = lib.func('int nvmlDeviceGetHandleByIndex_v2(unsigned int, _Out_ void **)');
  const name = lib.func('int nvmlDeviceGetName(void *, void *, unsigned int)');
  const memInfo = lib.func('int nvmlDeviceGetMemoryInfo(void *, void *)');
  const rc = init() as number;
  if (rc !== 0) return { library, initError: rc, driverVersion: null, cudaDriverVersion: null, devices: [] };
  const dv = Buffer.alloc(96);
  sysDriver(dv, 96);
  const cv = [0];
  const n = [0];
  count(n);
  const devices: NvmlQuery['devices'] = [];
  for (let i = 0; i < n[0]; i++) {
    const h = [null];
    if (handle(i, h) !== 0) continue;
    const nb = Buffer.alloc(96);
    name(h[0], nb, 96);
    const mem = new BigUint64Array(3); // nvmlMemory_t: total, free, used
    memInfo(h[0], mem);
    devices.push({ index: i, name: nb.toString('utf8').replace(/\0.*$/s, ''), memoryTotalBytes: Number(mem[0]) });
  }
  const out = {
    library,
    driverVersion: dv.toString('utf8').replace(/\0.*$/s, '') || null,
    cudaDriverVersion: sysCuda(cv) === 0 ? cv[0] : null,
    devices,
  };
  shutdown();
  return out;
}

/** The CUDA C source of the PTX below; test/probes/gpu/ptx.test.ts recompiles it with nvcc, where present, and compares. */
export const CUDA_SOURCE = `extern "C" __global__ void fma_f32(float *out, int iters, float m, float c) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float a = (float)(i & 255) * 0.001f;
  float x0 = a, x1 = a + 0.5f, x2 = a + 0.25f, x3 = a + 0.125f;
  for (int k = 0; k < iters; k++) {
    x0 = fmaf(x0, m, c);
    x1 = fmaf(x1, m, c);
    x2 = fmaf(x2, m, c);
    x3 = fmaf(x3, m, c);
  }
  out[i] = x0 + x1 + x2 + x3;
}

extern "C" __global__ void copy_f32(const float4 *in, float4 *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = in[i];
}
`;

/**
 * The CUDA calibration kernels as PTX, so no compiler is needed at run time: the driver JITs it.
 * Generated by `nvcc -ptx -arch=compute_75` (CUDA 13.0) from CUDA_SOURCE above, then the header
 * (`.version 9.0 / .target sm_75`) lowered by hand to `.version 7.0 / .target sm_52` so that any
 * driver since CUDA 11.0 loads it (the body uses nothing newer); `ptxas` accepts it for sm_75–sm_100
 * (test/probes/gpu/ptx.test.ts).
 */
export const PTX = `//
// Generated by NVIDIA NVVM Compiler (CUDA 13.0, V13.0.88); header lowered to PTX ISA 7.0 / sm_52
//

.version 7.0
.target sm_52
.address_size 64

	// .globl	fma_f32

.visible .entry fma_f32(
	.param .u64 fma_f32_param_0,
	.param .u32 fma_f32_param_1,
	.param .f32 fma_f32_param_2,
	.param .f32 fma_f32_param_3
)
{
	.reg .pred 	%p<6>;
	.reg .f32 	%f<72>;
	.reg .b32 	%r<16>;
	.reg .b64 	%rd<5>;


	ld.param.u64 	%rd1, [fma_f32_param_0];
	ld.param.u32 	%r8, [fma_f32_param_1];
	ld.param.f32 	%f33, [fma_f32_param_2];
	ld.param.f32 	%f34, [fma_f32_param_3];
	mov.u32 	%r9, %ntid.x;
	mov.u32 	%r10, %ctaid.x;
	mov.u32 	%r11, %tid.x;
	mad.lo.s32 	%r1, %r10, %r9, %r11;
	and.b32  	%r12, %r1, 255;
	cvt.rn.f32.s32 	%f35, %r12;
	mul.f32 	%f68, %f35, 0f3A83126F;
	add.f32 	%f69, %f68, 0f3F000000;
	add.f32 	%f70, %f68, 0f3E800000;
	add.f32 	%f71, %f68, 0f3E000000;
	setp.lt.s32 	%p1, %r8, 1;
	@%p1 bra 	$L__BB0_6;

	add.s32 	%r13, %r8, -1;
	and.b32  	%r15, %r8, 3;
	setp.lt.u32 	%p2, %r13, 3;
	@%p2 bra 	$L__BB0_4;

	sub.s32 	%r14, %r8, %r15;

$L__BB0_3:
	fma.rn.f32 	%f37, %f68, %f33, %f34;
	fma.rn.f32 	%f38, %f37, %f33, %f34;
	fma.rn.f32 	%f39, %f69, %f33, %f34;
	fma.rn.f32 	%f40, %f39, %f33, %f34;
	fma.rn.f32 	%f41, %f70, %f33, %f34;
	fma.rn.f32 	%f42, %f41, %f33, %f34;
	fma.rn.f32 	%f43, %f71, %f33, %f34;
	fma.rn.f32 	%f44, %f43, %f33, %f34;
	fma.rn.f32 	%f45, %f38, %f33, %f34;
	fma.rn.f32 	%f46, %f40, %f33, %f34;
	fma.rn.f32 	%f47, %f42, %f33, %f34;
	fma.rn.f32 	%f48, %f44, %f33, %f34;
	fma.rn.f32 	%f68, %f45, %f33, %f34;
	fma.rn.f32 	%f69, %f46, %f33, %f34;
	fma.rn.f32 	%f70, %f47, %f33, %f34;
	fma.rn.f32 	%f71, %f48, %f33, %f34;
	add.s32 	%r14, %r14, -4;
	setp.ne.s32 	%p3, %r14, 0;
	@%p3 bra 	$L__BB0_3;

$L__BB0_4:
	setp.eq.s32 	%p4, %r15, 0;
	@%p4 bra 	$L__BB0_6;

$L__BB0_5:
	.pragma "nounroll";
	fma.rn.f32 	%f68, %f68, %f33, %f34;
	fma.rn.f32 	%f69, %f69, %f33, %f34;
	fma.rn.f32 	%f70, %f70, %f33, %f34;
	fma.rn.f32 	%f71, %f71, %f33, %f34;
	add.s32 	%r15, %r15, -1;
	setp.ne.s32 	%p5, %r15, 0;
	@%p5 bra 	$L__BB0_5;

$L__BB0_6:
	add.f32 	%f49, %f68, %f69;
	add.f32 	%f50, %f49, %f70;
	add.f32 	%f51, %f50, %f71;
	cvta.to.global.u64 	%rd2, %rd1;
	mul.wide.s32 	%rd3, %r1, 4;
	add.s64 	%rd4, %rd2, %rd3;
	st.global.f32 	[%rd4], %f51;
	ret;

}
	// .globl	copy_f32
.visible .entry copy_f32(
	.param .u64 copy_f32_param_0,
	.param .u64 copy_f32_param_1,
	.param .u32 copy_f32_param_2
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<14>;
	.reg .b64 	%rd<8>;


	ld.param.u64 	%rd1, [copy_f32_param_0];
	ld.param.u64 	%rd2, [copy_f32_param_1];
	ld.param.u32 	%r2, [copy_f32_param_2];
	mov.u32 	%r3, %ctaid.x;
	mov.u32 	%r4, %ntid.x;
	mov.u32 	%r5, %tid.x;
	mad.lo.s32 	%r1, %r3, %r4, %r5;
	setp.ge.s32 	%p1, %r1, %r2;
	@%p1 bra 	$L__BB1_2;

	cvta.to.global.u64 	%rd3, %rd1;
	cvta.to.global.u64 	%rd4, %rd2;
	mul.wide.s32 	%rd5, %r1, 16;
	add.s64 	%rd6, %rd4, %rd5;
	add.s64 	%rd7, %rd3, %rd5;
	ld.global.v4.u32 	{%r6, %r7, %r8, %r9}, [%rd7];
	st.global.v4.u32 	[%rd6], {%r6, %r7, %r8, %r9};

$L__BB1_2:
	ret;

}
`;

/** The entry points PTX declares (a light parse, checked before the driver sees it). */
export function ptxEntries(ptx: string): { version: string | null; target: string | null; entries: string[] } {
  return {
    version: /^\.version\s+(\S+)/m.exec(ptx)?.[1] ?? null,
    target: /^\.target\s+(\S+)/m.exec(ptx)?.[1] ?? null,
    entries: [...ptx.matchAll(/^\.visible \.entry (\w+)\(/gm)].map((m) => m[1]),
  };
}

/** What the fma_f32 PTX kernel computes for thread i (4 chains, float arithmetic). */
export function expectedPtxFma(i: number, iters: number, m: number, c: number): number {
  const f = Math.fround;
  const a0 = f(f(i & 255) * f(0.001));
  const xs = [a0, f(a0 + 0.5), f(a0 + 0.25), f(a0 + 0.125)];
  for (let k = 0; k < iters; k++) for (let j = 0; j < 4; j++) xs[j] = f(xs[j] * f(m) + f(c));
  return f(f(f(xs[0] + xs[1]) + xs[2]) + xs[3]);
}

/** A CUDA context with the PTX module loaded on device 0. */
export interface CudaSession {
  cu: ReturnType<typeof cuBind>;
  ctx: unknown;
  mod: unknown;
  release(): void;
}

function cuCheck(rc: number, what: string): void {
  if (rc !== 0) throw new Error(`${what} failed: ${cuName(rc)}`);
}

/** cuInit, a context on `device`, and cuModuleLoadData(PTX). Throws with the CUDA error name. */
export function openCudaSession(lib: LibraryHandle, device: number): CudaSession {
  const cu = cuBind(lib);
  cuCheck(cu.init(0), 'cuInit');
  const ctx = [null];
  cuCheck(cu.ctxCreate(ctx, 0, device), 'cuCtxCreate');
  const mod = [null];
  cuCheck(cu.moduleLoadData(mod, PTX), 'cuModuleLoadData');
  return {
    cu,
    ctx: ctx[0],
    mod: mod[0],
    release() {
      cu.moduleUnload(mod[0]);
      cu.ctxDestroy(ctx[0]);
    },
  };
}

/** Kernel parameters as cuLaunchKernel wants them: an array of pointers to each argument's bytes. */
function params(values: ArrayBufferView[]): BigUint64Array {
  return BigUint64Array.from(values.map((v) => koffi.address(v)));
}

/** FMA throughput through cuLaunchKernel (GFLOP/s). */
export function cudaFmaKernel(s: CudaSession, id: string, smCount: number): Kernel<{ fn: unknown; out: bigint; n: number }> {
  const m = 0.9999;
  const c = 0.0001;
  const block = 256;
  const n = Math.max(1, smCount) * 2048 * 4;
  const iters = 4096;
  const launch = (st: { fn: unknown; out: bigint }, it: number) => {
    const args = [BigUint64Array.of(st.out), Int32Array.of(it), Float32Array.of(m), Float32Array.of(c)];
    cuCheck(s.cu.launchKernel(st.fn, n / block, 1, 1, block, 1, 1, 0, null, params(args), null), 'cuLaunchKernel');
  };
  return {
    id,
    unit: 'GFLOP/s',
    scale: 1e9,
    setup() {
      const fn = [null];
      cuCheck(s.cu.moduleGetFunction(fn, s.mod, 'fma_f32'), 'cuModuleGetFunction');
      const out = [0n];
      cuCheck(s.cu.memAlloc(out, n * 4), 'cuMemAlloc');
      return { fn: fn[0], out: BigInt(out[0]), n };
    },
    run(st, iterations) {
      for (let r = 0; r < iterations; r++) launch(st, iters);
      cuCheck(s.cu.ctxSynchronize(), 'cuCtxSynchronize');
      return iterations * n * iters * 8;
    },
    check(st) {
      launch(st, 37);
      cuCheck(s.cu.ctxSynchronize(), 'cuCtxSynchronize');
      const got = new Float32Array(n);
      cuCheck(s.cu.memcpyDtoH(got, st.out, n * 4), 'cuMemcpyDtoH');
      for (const i of [0, 1, 255, n - 1]) {
        const want = expectedPtxFma(i, 37, m, c);
        if (!(Math.abs(got[i] - want) <= 1e-4 * Math.abs(want))) return `thread ${i}: got ${got[i]}, expected ${want}`;
      }
      return null;
    },
    teardown(st) {
      s.cu.memFree(st.out);
    },
  };
}

/** Device memory bandwidth through the copy_f32 PTX kernel (GB/s read + written). */
export function cudaBandwidthKernel(s: CudaSession, id: string, bytes: number): Kernel<{ fn: unknown; a: bigint; b: bigint; host: Float32Array }> {
  const n4 = bytes / 16;
  return {
    id,
    unit: 'GB/s',
    scale: 1e9,
    setup() {
      const fn = [null];
      cuCheck(s.cu.moduleGetFunction(fn, s.mod, 'copy_f32'), 'cuModuleGetFunction');
      const a = [0n];
      const b = [0n];
      cuCheck(s.cu.memAlloc(a, bytes), 'cuMemAlloc');
      cuCheck(s.cu.memAlloc(b, bytes), 'cuMemAlloc');
      const host = new Float32Array(bytes / 4);
      for (let i = 0; i < host.length; i++) host[i] = (i % 1000003) * 0.5;
      cuCheck(s.cu.memcpyHtoD(BigInt(a[0]), host, bytes), 'cuMemcpyHtoD');
      return { fn: fn[0], a: BigInt(a[0]), b: BigInt(b[0]), host };
    },
    run(st, iterations) {
      const args = [BigUint64Array.of(st.a), BigUint64Array.of(st.b), Int32Array.of(n4)];
      for (let r = 0; r < iterations; r++) cuCheck(s.cu.launchKernel(st.fn, Math.ceil(n4 / 256), 1, 1, 256, 1, 1, 0, null, params(args), null), 'cuLaunchKernel');
      cuCheck(s.cu.ctxSynchronize(), 'cuCtxSynchronize');
      return iterations * bytes * 2;
    },
    check(st) {
      const got = new Float32Array(bytes / 4);
      cuCheck(s.cu.memcpyDtoH(got, st.b, bytes), 'cuMemcpyDtoH');
      for (let i = 0; i < got.length; i += 4099) if (got[i] !== st.host[i]) return `element ${i}: got ${got[i]}, expected ${st.host[i]}`;
      return null;
    },
    teardown(st) {
      s.cu.memFree(st.a);
      s.cu.memFree(st.b);
    },
  };
}

/** Library lists, re-exported for the worker's entry. */
export const CUDA_LIBRARIES = { cuda: LIBRARIES.cuda, cudart: LIBRARIES.cudart, nvml: LIBRARIES.nvml };
