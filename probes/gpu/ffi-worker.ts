/**
 * The gpu probe's FFI worker: a child process that loads vendor libraries through koffi and prints
 * one JSON line per stack (see worker-client.ts for the protocol). A driver that crashes takes
 * only this process down; the parent names the stack from the last `begin` line.
 *
 *   node ffi-worker.js query opencl,cuda,cudart,nvml[,amx]
 *
 * `amx` is the accelerators probe's AMX permission check (probes/accelerators/amx.ts), asked in
 * the same child so that the two probes pay one Node start-up (probes/gpu/shared-worker.ts).
 *   node ffi-worker.js calibrate quick|full
 */
import { writeSync } from 'node:fs';

type Line = { stack: string; begin?: true; result?: unknown; absent?: string; error?: string };

/** Writes one protocol line synchronously, so it survives a crash that follows. */
function emit(l: Line): void {
  writeSync(1, JSON.stringify(l) + '\n');
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

async function query(stacks: string[]): Promise<void> {
  const cl = await import('./worker/opencl.js');
  const cuda = await import('./worker/cuda.js');
  for (const stack of stacks) {
    emit({ stack, begin: true });
    try {
      if (stack === 'opencl') {
        const o = cl.openOpenCL();
        if ('absent' in o) emit({ stack, absent: o.absent });
        else emit({ stack, result: cl.queryOpenCL(o.cl, o.library) });
      } else if (stack === 'cuda' || stack === 'cudart' || stack === 'nvml') {
        const o = cuda.openFirst(cuda.CUDA_LIBRARIES[stack]);
        if ('absent' in o) emit({ stack, absent: o.absent });
        else if (stack === 'cuda') emit({ stack, result: cuda.queryCudaDriver(o.lib, o.library) });
        else if (stack === 'cudart') emit({ stack, result: cuda.queryCudaRuntime(o.lib, o.library) });
        else emit({ stack, result: cuda.queryNvml(o.lib, o.library) });
      } else if (stack === 'amx') emit({ stack, result: (await import('../accelerators/amx.js')).queryAmx() });
      else emit({ stack, error: `unknown stack ${stack}` });
    } catch (e) {
      emit({ stack, error: errText(e) });
    }
  }
}

async function calibrate(level: 'quick' | 'full'): Promise<void> {
  const { measure, skipped } = await import('../../src/calibration.js');
  const cl = await import('./worker/opencl.js');
  const cuda = await import('./worker/cuda.js');
  const opts = { level, probe: 'gpu' } as const;

  emit({ stack: 'opencl', begin: true });
  const o = cl.openOpenCL();
  if ('absent' in o) emit({ stack: 'opencl', absent: o.absent });
  else {
    const q = cl.queryOpenCL(o.cl, o.library);
    const devices: Record<string, unknown>[] = [];
    for (const p of q.platforms) {
      for (const d of p.devices) {
        const slug = `p${p.index}d${d.index}`;
        const base = `gpu.opencl.${slug}`;
        const entry: Record<string, unknown> = { slug, name: d.name, type: d.type, platform: p.name, metrics: {} };
        devices.push(entry);
        let s;
        try {
          s = cl.openSession(o.cl, p.index, d.index);
        } catch (e) {
          entry.error = errText(e);
          continue;
        }
        // Buffers: 64 MiB (quick, past a 32 MiB L3) or 256 MiB (full), within the device's largest allocation.
        const want = level === 'full' ? 256 << 20 : 64 << 20;
        const bufferBytes = Math.max(1 << 20, Math.min(want, Math.floor(d.maxAllocBytes / 4 / 16) * 16 || want));
        const fmaItems = Math.max(1024, d.computeUnits * (d.type === 'gpu' ? 4096 : 256));
        const sizes = { fmaItems, bufferBytes };
        const metrics = entry.metrics as Record<string, unknown>;
        metrics[`${base}.fma-f32`] = await measure(cl.fmaKernel(s, `${base}.fma-f32`, sizes), opts);
        metrics[`${base}.bandwidth`] = await measure(cl.bandwidthKernel(s, `${base}.bandwidth`, sizes), opts);
        if (level === 'quick' && d.type === 'cpu') {
          // A CPU device's "transfers" are copies within the same memory, which cpu.mem-copy
          // measures: at the quick level they are not timed again (0.6 s of the gpu probe's 1.5 s
          // on PoCL here). --calibrate full measures them.
          const why = 'a CPU device: host↔device copies stay in the same memory (cpu.mem-copy); measured at --calibrate full';
          metrics[`${base}.h2d`] = skipped('GB/s', why);
          metrics[`${base}.d2h`] = skipped('GB/s', why);
        } else {
          metrics[`${base}.h2d`] = await measure(cl.transferKernel(s, `${base}.h2d`, sizes, 'h2d'), opts);
          metrics[`${base}.d2h`] = await measure(cl.transferKernel(s, `${base}.d2h`, sizes, 'd2h'), opts);
        }
        s.release();
      }
    }
    emit({ stack: 'opencl', result: { library: o.library, devices } });
  }

  emit({ stack: 'cuda', begin: true });
  const ptx = cuda.ptxEntries(cuda.PTX);
  const lib = cuda.openFirst(cuda.CUDA_LIBRARIES.cuda);
  // The PTX is parsed even without a driver, so the report says what would have been loaded.
  if ('absent' in lib) emit({ stack: 'cuda', result: { absent: lib.absent, ptx, devices: [] } });
  else {
    const q = cuda.queryCudaDriver(lib.lib, lib.library);
    const devices: Record<string, unknown>[] = [];
    for (const d of q.devices) {
      const base = `gpu.cuda.d${d.index}`;
      const entry: Record<string, unknown> = { slug: `d${d.index}`, name: d.name, metrics: {} };
      devices.push(entry);
      let s;
      try {
        s = cuda.openCudaSession(lib.lib, d.index);
      } catch (e) {
        entry.error = errText(e);
        continue;
      }
      const metrics = entry.metrics as Record<string, unknown>;
      metrics[`${base}.fma-f32`] = await measure(cuda.cudaFmaKernel(s, `${base}.fma-f32`, d.smCount), opts);
      metrics[`${base}.bandwidth`] = await measure(cuda.cudaBandwidthKernel(s, `${base}.bandwidth`, level === 'full' ? 512 << 20 : 128 << 20), opts);
      s.release();
    }
    emit({ stack: 'cuda', result: { library: lib.library, initError: q.initError, ptx, devices } });
  }
}

const [mode, arg] = process.argv.slice(2);
try {
  if (mode === 'query') await query((arg ?? 'opencl,cuda,cudart,nvml').split(','));
  else if (mode === 'calibrate') await calibrate(arg === 'full' ? 'full' : 'quick');
  else {
    process.stderr.write(`usage: ffi-worker query STACKS | calibrate quick|full\n`);
    process.exitCode = 2;
  }
} catch (e) {
  process.stderr.write(`ffi-worker: ${errText(e)}\n`);
  process.exitCode = 1;
}
