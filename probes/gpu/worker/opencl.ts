/**
 * OpenCL through the ICD loader (koffi), for the FFI worker only: platform/device enumeration
 * and the calibration kernels (FMA throughput, device memory bandwidth, host↔device transfer).
 * Loaded only inside the worker process.
 */
import { loadKoffi } from '../../../src/koffi.js';
import type { LibraryHandle } from 'koffi';
import type { Kernel } from '../../../src/calibration.js';
import { clDeviceType, LIBRARIES } from '../tables.js';
import { loadFirst } from './libpath.js';

const koffi = loadKoffi();

type Ptr = bigint | null;

/** One OpenCL device as the worker reports it. */
export interface ClDevice {
  platform: number;
  index: number;
  name: string;
  vendor: string;
  vendorId: number;
  /** cpu, gpu, accelerator, custom (CL_DEVICE_TYPE bits) */
  type: string;
  version: string;
  driverVersion: string;
  openclC: string;
  computeUnits: number;
  maxClockMHz: number;
  globalMemBytes: number;
  maxAllocBytes: number;
  localMemBytes: number;
  available: boolean;
  extensions: string[];
}

/** One OpenCL platform. */
export interface ClPlatform {
  index: number;
  name: string;
  vendor: string;
  version: string;
  profile: string;
  extensions: string[];
  devices: ClDevice[];
  /** clGetDeviceIDs error, when it failed (-1 CL_DEVICE_NOT_FOUND is an empty platform) */
  deviceError?: number;
}

/** The OpenCL query result. */
export interface ClQuery {
  library: string;
  platforms: ClPlatform[];
  /** clGetPlatformIDs error (-1001 CL_PLATFORM_NOT_FOUND_KHR: the loader found no ICD) */
  platformError?: number;
}

const P = {
  PLATFORM_PROFILE: 0x0900,
  PLATFORM_VERSION: 0x0901,
  PLATFORM_NAME: 0x0902,
  PLATFORM_VENDOR: 0x0903,
  PLATFORM_EXTENSIONS: 0x0904,
  DEVICE_TYPE: 0x1000,
  DEVICE_VENDOR_ID: 0x1001,
  DEVICE_MAX_COMPUTE_UNITS: 0x1002,
  DEVICE_MAX_CLOCK_FREQUENCY: 0x100c,
  DEVICE_MAX_MEM_ALLOC_SIZE: 0x1010,
  DEVICE_GLOBAL_MEM_SIZE: 0x101f,
  DEVICE_LOCAL_MEM_SIZE: 0x1023,
  DEVICE_AVAILABLE: 0x1027,
  DEVICE_NAME: 0x102b,
  DEVICE_VENDOR: 0x102c,
  DRIVER_VERSION: 0x102d,
  DEVICE_VERSION: 0x102f,
  DEVICE_EXTENSIONS: 0x1030,
  DEVICE_OPENCL_C_VERSION: 0x103d,
  PROGRAM_BUILD_LOG: 0x1183,
} as const;

const CL_DEVICE_TYPE_ALL = 0xffffffff;
const CL_MEM_READ_WRITE = 1;

/** The bound OpenCL entry points. */
function bind(lib: LibraryHandle) {
  return {
    getPlatformIDs: lib.func('int clGetPlatformIDs(uint32_t, void *, _Out_ uint32_t *)'),
    getPlatformInfo: lib.func('int clGetPlatformInfo(void *, uint32_t, size_t, void *, _Out_ size_t *)'),
    getDeviceIDs: lib.func('int clGetDeviceIDs(void *, uint64_t, uint32_t, void *, _Out_ uint32_t *)'),
    getDeviceInfo: lib.func('int clGetDeviceInfo(void *, uint32_t, size_t, void *, _Out_ size_t *)'),
    createContext: lib.func('void *clCreateContext(void *, uint32_t, void *, void *, void *, _Out_ int *)'),
    createQueue: lib.func('void *clCreateCommandQueue(void *, void *, uint64_t, _Out_ int *)'),
    createProgram: lib.func('void *clCreateProgramWithSource(void *, uint32_t, const char **, void *, _Out_ int *)'),
    buildProgram: lib.func('int clBuildProgram(void *, uint32_t, void *, const char *, void *, void *)'),
    getBuildInfo: lib.func('int clGetProgramBuildInfo(void *, void *, uint32_t, size_t, void *, _Out_ size_t *)'),
    createKernel: lib.func('void *clCreateKernel(void *, const char *, _Out_ int *)'),
    createBuffer: lib.func('void *clCreateBuffer(void *, uint64_t, size_t, void *, _Out_ int *)'),
    setKernelArg: lib.func('int clSetKernelArg(void *, uint32_t, size_t, const void *)'),
    enqueueNDRange: lib.func('int clEnqueueNDRangeKernel(void *, void *, uint32_t, void *, void *, void *, uint32_t, void *, void *)'),
    enqueueWrite: lib.func('int clEnqueueWriteBuffer(void *, void *, uint32_t, size_t, size_t, const void *, uint32_t, void *, void *)'),
    enqueueRead: lib.func('int clEnqueueReadBuffer(void *, void *, uint32_t, size_t, size_t, void *, uint32_t, void *, void *)'),
    finish: lib.func('int clFinish(void *)'),
    releaseMem: lib.func('int clReleaseMemObject(void *)'),
    releaseKernel: lib.func('int clReleaseKernel(void *)'),
    releaseProgram: lib.func('int clReleaseProgram(void *)'),
    releaseQueue: lib.func('int clReleaseCommandQueue(void *)'),
    releaseContext: lib.func('int clReleaseContext(void *)'),
  };
}

type Cl = ReturnType<typeof bind>;

/** Loads the first OpenCL library that resolves to a trusted absolute path and opens, or returns why none did. */
export function openOpenCL(): { cl: Cl; library: string } | { absent: string } {
  const o = loadFirst(LIBRARIES.opencl, (abs) => bind(koffi.load(abs)));
  return 'absent' in o ? o : { cl: o.lib, library: o.library };
}

function infoBytes(fn: Cl['getDeviceInfo'], obj: Ptr, param: number): Buffer | undefined {
  const size = [0];
  if (fn(obj, param, 0, null, size) !== 0) return undefined;
  const b = Buffer.alloc(Number(size[0]));
  if (fn(obj, param, b.length, b, null) !== 0) return undefined;
  return b;
}

const str = (b: Buffer | undefined) => (b ? b.toString('utf8').replace(/\0+$/, '').trim() : '');
const u32 = (b: Buffer | undefined) => (b && b.length >= 4 ? b.readUInt32LE(0) : 0);
const u64 = (b: Buffer | undefined) => (b && b.length >= 8 ? Number(b.readBigUInt64LE(0)) : 0);

function platformIds(cl: Cl): { ids: BigUint64Array; error?: number } {
  const n = [0];
  const rc = cl.getPlatformIDs(0, null, n);
  if (rc !== 0 || n[0] === 0) return { ids: new BigUint64Array(0), error: rc };
  const ids = new BigUint64Array(n[0]);
  cl.getPlatformIDs(n[0], ids, null);
  return { ids };
}

function deviceIds(cl: Cl, platform: bigint): { ids: BigUint64Array; error?: number } {
  const n = [0];
  const rc = cl.getDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
  if (rc !== 0 || n[0] === 0) return { ids: new BigUint64Array(0), error: rc };
  const ids = new BigUint64Array(n[0]);
  cl.getDeviceIDs(platform, CL_DEVICE_TYPE_ALL, n[0], ids, null);
  return { ids };
}

/** Enumerates platforms and devices. */
export function queryOpenCL(cl: Cl, library: string): ClQuery {
  const { ids, error } = platformIds(cl);
  const platforms: ClPlatform[] = [];
  ids.forEach((p, pi) => {
    const pinfo = (param: number) => str(infoBytes(cl.getPlatformInfo, p, param));
    const { ids: devs, error: deviceError } = deviceIds(cl, p);
    const devices: ClDevice[] = [];
    devs.forEach((d, di) => {
      const q = (param: number) => infoBytes(cl.getDeviceInfo, d, param);
      devices.push({
        platform: pi,
        index: di,
        name: str(q(P.DEVICE_NAME)),
        vendor: str(q(P.DEVICE_VENDOR)),
        vendorId: u32(q(P.DEVICE_VENDOR_ID)),
        type: clDeviceType(u64(q(P.DEVICE_TYPE))),
        version: str(q(P.DEVICE_VERSION)),
        driverVersion: str(q(P.DRIVER_VERSION)),
        openclC: str(q(P.DEVICE_OPENCL_C_VERSION)),
        computeUnits: u32(q(P.DEVICE_MAX_COMPUTE_UNITS)),
        maxClockMHz: u32(q(P.DEVICE_MAX_CLOCK_FREQUENCY)),
        globalMemBytes: u64(q(P.DEVICE_GLOBAL_MEM_SIZE)),
        maxAllocBytes: u64(q(P.DEVICE_MAX_MEM_ALLOC_SIZE)),
        localMemBytes: u64(q(P.DEVICE_LOCAL_MEM_SIZE)),
        available: u32(q(P.DEVICE_AVAILABLE)) !== 0,
        extensions: str(q(P.DEVICE_EXTENSIONS)).split(/\s+/).filter(Boolean).sort(),
      });
    });
    platforms.push({
      index: pi,
      name: pinfo(P.PLATFORM_NAME),
      vendor: pinfo(P.PLATFORM_VENDOR),
      version: pinfo(P.PLATFORM_VERSION),
      profile: pinfo(P.PLATFORM_PROFILE),
      extensions: pinfo(P.PLATFORM_EXTENSIONS).split(/\s+/).filter(Boolean).sort(),
      devices,
      ...(deviceError !== undefined && deviceError !== 0 ? { deviceError } : {}),
    });
  });
  return { library, platforms, ...(error !== undefined && error !== 0 ? { platformError: error } : {}) };
}

/**
 * The calibration kernels. `fma_f32` runs 8 independent chains of float8 FMAs per work-item: enough
 * independent work to hide FMA latency, vectors that CPU devices (PoCL) map onto SIMD registers and
 * GPUs split across lanes. Every lane starts from a different value, so nothing can be scalarised,
 * and `m`, `c` are arguments so the loop cannot be folded. `copy_f4` streams float4s through device
 * memory.
 */
export const CL_SOURCE = `
__kernel void fma_f32(__global float *out, int iters, float m, float c) {
  int i = get_global_id(0);
  float8 lane = (float8)(0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f) * 0.015625f;
  float8 x0 = lane + (float)(i & 255) * 0.001f;
  float8 x1 = x0 + 0.5f, x2 = x0 + 0.25f, x3 = x0 + 0.125f, x4 = x0 + 0.0625f, x5 = x0 + 0.03125f, x6 = x0 + 0.015625f, x7 = x0 + 0.0078125f;
  float8 vm = (float8)(m), vc = (float8)(c);
  for (int k = 0; k < iters; k++) {
    x0 = fma(x0, vm, vc); x1 = fma(x1, vm, vc); x2 = fma(x2, vm, vc); x3 = fma(x3, vm, vc);
    x4 = fma(x4, vm, vc); x5 = fma(x5, vm, vc); x6 = fma(x6, vm, vc); x7 = fma(x7, vm, vc);
  }
  float8 s = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
  out[i] = ((s.s0 + s.s1) + (s.s2 + s.s3)) + ((s.s4 + s.s5) + (s.s6 + s.s7));
}
__kernel void copy_f4(__global const float4 *in, __global float4 *out) {
  int i = get_global_id(0);
  out[i] = in[i];
}
`;

/** FLOPs of one fma_f32 work-item iteration: 8 chains × 8 lanes × 2. */
const FLOPS_PER_ITER = 128;

/** What the fma_f32 kernel must compute for work-item i, in float arithmetic (fma emulated: the product of two floats is exact in a double). */
export function expectedFma(i: number, iters: number, m: number, c: number): number {
  const f = Math.fround;
  const mf = f(m);
  const cf = f(c);
  const offs = [0, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125];
  const lanes: number[] = [];
  for (let l = 0; l < 8; l++) {
    const x0 = f(f(l * 0.015625) + f(f(i & 255) * f(0.001)));
    const chain = offs.map((o, j) => (j === 0 ? x0 : f(x0 + o)));
    for (let k = 0; k < iters; k++) for (let j = 0; j < 8; j++) chain[j] = f(chain[j] * mf + cf);
    const x = chain;
    lanes.push(f(f(f(x[0] + x[1]) + f(x[2] + x[3])) + f(f(x[4] + x[5]) + f(x[6] + x[7]))));
  }
  return f(f(f(lanes[0] + lanes[1]) + f(lanes[2] + lanes[3])) + f(f(lanes[4] + lanes[5]) + f(lanes[6] + lanes[7])));
}

/** An OpenCL context, queue and built program on one device. */
export interface ClSession {
  cl: Cl;
  ctx: bigint;
  queue: bigint;
  program: bigint;
  device: bigint;
  release(): void;
}

function check(rc: number | number[], what: string): void {
  const code = Array.isArray(rc) ? rc[0] : rc;
  if (code !== 0) throw new Error(`${what} failed with OpenCL error ${code}`);
}

/** Opens a session on device (platform pi, device di) and builds CL_SOURCE. Throws with the build log on failure. */
export function openSession(cl: Cl, pi: number, di: number): ClSession {
  const p = platformIds(cl).ids[pi];
  const d = deviceIds(cl, p).ids[di];
  const err = [0];
  const ctx = cl.createContext(null, 1, BigUint64Array.of(d), null, null, err) as bigint;
  check(err, 'clCreateContext');
  const queue = cl.createQueue(ctx, d, 0, err) as bigint;
  check(err, 'clCreateCommandQueue');
  const program = cl.createProgram(ctx, 1, [CL_SOURCE], null, err) as bigint;
  check(err, 'clCreateProgramWithSource');
  const rc = cl.buildProgram(program, 1, BigUint64Array.of(d), '-cl-mad-enable', null, null);
  if (rc !== 0) {
    const log = str(infoBytesBuild(cl, program, d));
    throw new Error(`clBuildProgram failed with OpenCL error ${rc}: ${log.split('\n').slice(0, 3).join(' ')}`);
  }
  return {
    cl,
    ctx,
    queue,
    program,
    device: d,
    release() {
      cl.releaseProgram(program);
      cl.releaseQueue(queue);
      cl.releaseContext(ctx);
    },
  };
}

function infoBytesBuild(cl: Cl, program: bigint, device: bigint): Buffer | undefined {
  const size = [0];
  if (cl.getBuildInfo(program, device, P.PROGRAM_BUILD_LOG, 0, null, size) !== 0) return undefined;
  const b = Buffer.alloc(Number(size[0]));
  cl.getBuildInfo(program, device, P.PROGRAM_BUILD_LOG, b.length, b, null);
  return b;
}

function buffer(s: ClSession, bytes: number): bigint {
  const err = [0];
  const m = s.cl.createBuffer(s.ctx, CL_MEM_READ_WRITE, bytes, null, err) as bigint;
  check(err, `clCreateBuffer(${bytes})`);
  return m;
}

function kernel(s: ClSession, name: string): bigint {
  const err = [0];
  const k = s.cl.createKernel(s.program, name, err) as bigint;
  check(err, `clCreateKernel(${name})`);
  return k;
}

function launch(s: ClSession, k: bigint, global: number, local: number | null): void {
  check(
    s.cl.enqueueNDRange(s.queue, k, 1, null, BigUint64Array.of(BigInt(global)), local ? BigUint64Array.of(BigInt(local)) : null, 0, null, null),
    'clEnqueueNDRangeKernel',
  );
}

/** Sizes of the kernels' work. */
export interface ClSizes {
  /** fma work-items */
  fmaItems: number;
  /** bytes per buffer for bandwidth and transfer */
  bufferBytes: number;
}

/** The FMA throughput kernel (GFLOP/s), checked against expectedFma on a sample of work-items. */
export function fmaKernel(s: ClSession, id: string, sizes: ClSizes): Kernel<{ k: bigint; out: bigint; iters: number }> {
  const m = 0.9999;
  const c = 0.0001;
  const n = sizes.fmaItems;
  return {
    id,
    unit: 'GFLOP/s',
    scale: 1e9,
    setup() {
      const out = buffer(s, n * 4);
      const k = kernel(s, 'fma_f32');
      check(s.cl.setKernelArg(k, 0, 8, BigUint64Array.of(out)), 'clSetKernelArg');
      check(s.cl.setKernelArg(k, 2, 4, Float32Array.of(m)), 'clSetKernelArg');
      check(s.cl.setKernelArg(k, 3, 4, Float32Array.of(c)), 'clSetKernelArg');
      return { k, out, iters: 256 };
    },
    run(st, iterations) {
      check(s.cl.setKernelArg(st.k, 1, 4, Int32Array.of(st.iters)), 'clSetKernelArg');
      for (let r = 0; r < iterations; r++) launch(s, st.k, n, null);
      check(s.cl.finish(s.queue), 'clFinish');
      return iterations * n * st.iters * FLOPS_PER_ITER;
    },
    check(st) {
      // A separate short launch whose values have not converged to the fixed point c/(1-m).
      const iters = 37;
      check(s.cl.setKernelArg(st.k, 1, 4, Int32Array.of(iters)), 'clSetKernelArg');
      launch(s, st.k, n, null);
      const got = new Float32Array(n);
      check(s.cl.enqueueRead(s.queue, st.out, 1, 0, n * 4, got, 0, null, null), 'clEnqueueReadBuffer');
      for (const i of [0, 1, 7, 255, 256, n - 1]) {
        const want = expectedFma(i, iters, m, c);
        if (!(Math.abs(got[i] - want) <= 1e-4 * Math.abs(want))) return `work-item ${i}: got ${got[i]}, expected ${want}`;
      }
      return null;
    },
    teardown(st) {
      s.cl.releaseKernel(st.k);
      s.cl.releaseMem(st.out);
    },
  };
}

/** The device memory bandwidth kernel (GB/s of bytes read + written), checked by reading the copy back. */
export function bandwidthKernel(s: ClSession, id: string, sizes: ClSizes): Kernel<{ k: bigint; a: bigint; b: bigint; host: Float32Array }> {
  const bytes = sizes.bufferBytes;
  return {
    id,
    unit: 'GB/s',
    scale: 1e9,
    setup() {
      const a = buffer(s, bytes);
      const b = buffer(s, bytes);
      const host = new Float32Array(bytes / 4);
      for (let i = 0; i < host.length; i++) host[i] = (i % 1000003) * 0.5;
      check(s.cl.enqueueWrite(s.queue, a, 1, 0, bytes, host, 0, null, null), 'clEnqueueWriteBuffer');
      const k = kernel(s, 'copy_f4');
      check(s.cl.setKernelArg(k, 0, 8, BigUint64Array.of(a)), 'clSetKernelArg');
      check(s.cl.setKernelArg(k, 1, 8, BigUint64Array.of(b)), 'clSetKernelArg');
      return { k, a, b, host };
    },
    run(st, iterations) {
      for (let r = 0; r < iterations; r++) launch(s, st.k, bytes / 16, null);
      check(s.cl.finish(s.queue), 'clFinish');
      return iterations * bytes * 2;
    },
    check(st) {
      const got = new Float32Array(bytes / 4);
      check(s.cl.enqueueRead(s.queue, st.b, 1, 0, bytes, got, 0, null, null), 'clEnqueueReadBuffer');
      for (let i = 0; i < got.length; i += 4099) if (got[i] !== st.host[i]) return `element ${i}: got ${got[i]}, expected ${st.host[i]}`;
      return got[got.length - 1] === st.host[got.length - 1] ? null : 'last element differs';
    },
    teardown(st) {
      s.cl.releaseKernel(st.k);
      s.cl.releaseMem(st.a);
      s.cl.releaseMem(st.b);
    },
  };
}

/** Host→device (write) or device→host (read) transfer (GB/s), checked by a round trip. */
export function transferKernel(s: ClSession, id: string, sizes: ClSizes, dir: 'h2d' | 'd2h'): Kernel<{ buf: bigint; host: Uint8Array; back: Uint8Array }> {
  const bytes = sizes.bufferBytes;
  return {
    id,
    unit: 'GB/s',
    scale: 1e9,
    setup() {
      const buf = buffer(s, bytes);
      const host = new Uint8Array(bytes);
      for (let i = 0; i < bytes; i += 4096) host[i] = (i / 4096) & 255;
      const back = new Uint8Array(bytes);
      check(s.cl.enqueueWrite(s.queue, buf, 1, 0, bytes, host, 0, null, null), 'clEnqueueWriteBuffer');
      return { buf, host, back };
    },
    run(st, iterations) {
      for (let r = 0; r < iterations; r++) {
        if (dir === 'h2d') check(s.cl.enqueueWrite(s.queue, st.buf, 1, 0, bytes, st.host, 0, null, null), 'clEnqueueWriteBuffer');
        else check(s.cl.enqueueRead(s.queue, st.buf, 1, 0, bytes, st.back, 0, null, null), 'clEnqueueReadBuffer');
      }
      return iterations * bytes;
    },
    check(st) {
      check(s.cl.enqueueRead(s.queue, st.buf, 1, 0, bytes, st.back, 0, null, null), 'clEnqueueReadBuffer');
      for (let i = 0; i < bytes; i += 4096) if (st.back[i] !== st.host[i]) return `byte ${i}: got ${st.back[i]}, expected ${st.host[i]}`;
      return null;
    },
    teardown(st) {
      s.cl.releaseMem(st.buf);
    },
  };
}
