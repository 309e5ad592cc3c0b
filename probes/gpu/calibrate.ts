/**
 * The gpu probe's calibration: OpenCL kernels on every OpenCL device (hardware or software) and
 * CUDA kernels from embedded PTX through the driver API, all inside the FFI worker (a child
 * process, so a driver fault cannot take the run down), measured there with the harness's
 * `measure` and checked against a reference.
 */
import type { Calibration, Detection, Finding, Metric, ProbeContext } from '../../src/types.js';
import { LEVELS, skipped, wrongResultFinding, plausible } from '../../src/calibration.js';
import { runBounded } from '../../src/host/node-host.js';
import { parseWorkerOutput, workerArgv } from './worker-client.js';
import { WORKER_URL } from './detect-linux.js';
import { finding } from './findings.js';
import { CUDA_METRICS, OPENCL_METRICS } from './tables.js';

/** Options for tests: another worker module. */
export interface CalibrateOptions {
  workerUrl?: URL;
}

interface DeviceResult {
  slug: string;
  name: string;
  type?: string;
  error?: string;
  metrics: Record<string, Metric>;
}


/** Runs the calibration worker and turns its answer into metrics, effective verdicts and findings. */
export async function calibrateGpu(ctx: ProbeContext, d: Detection, opts: CalibrateOptions = {}): Promise<Calibration> {
  const metrics: Record<string, Metric> = {};
  const findings: Finding[] = [];
  const capabilities: Calibration['capabilities'] = {};
  if (ctx.calibrate === 'off') return { metrics };
  if (!d.facts.stacks) {
    metrics['gpu.opencl.fma-f32'] = skipped('GFLOP/s', 'no OpenCL or CUDA library on this machine');
    metrics['gpu.cuda.fma-f32'] = skipped('GFLOP/s', 'no OpenCL or CUDA library on this machine');
    return { metrics };
  }
  const level = ctx.calibrate;
  const argv = [...workerArgv(opts.workerUrl ?? WORKER_URL), 'calibrate', level];
  const r = await runBounded(process.execPath, argv, process.env, { timeoutMs: LEVELS[level].deadlineMs, maxBytes: 1 << 20, signal: ctx.signal });
  const run = parseWorkerOutput(r, ['opencl', 'cuda']);
  if (!run.ok) findings.push(finding('GPU_WORKER_FAILED', { detail: run.detail, stacks: Object.entries(run.stacks).filter(([, a]) => a.status === 'error').map(([s]) => s).join(', ') || 'none' }));

  // OpenCL
  const cl = run.stacks.opencl;
  if (cl.status === 'ok') {
    const devs = (cl.result as { devices: DeviceResult[] }).devices;
    const verified: string[] = [];
    for (const dev of devs) {
      for (const [k, unit] of OPENCL_METRICS) {
        const id = `gpu.opencl.${dev.slug}.${k}`;
        // A worker's metric crossed a process boundary: the harness's plausibility check runs here again.
        const m = plausible(dev.metrics[id] ?? skipped(unit, dev.error ?? 'not measured'), 'rate');
        metrics[id] = m.status === 'ok' ? { ...m, notes: `${dev.name} (${dev.type})` } : m;
        if (m.status === 'wrong') findings.push(wrongResultFinding(id, m.reason, 'gpu.opencl'));
      }
      if (dev.metrics[`gpu.opencl.${dev.slug}.fma-f32`]?.status === 'ok' && dev.metrics[`gpu.opencl.${dev.slug}.bandwidth`]?.status === 'ok') verified.push(dev.name);
    }
    if (!devs.length) metrics['gpu.opencl.fma-f32'] = skipped('GFLOP/s', 'no OpenCL device');
    // A software device (PoCL, rusticl on llvmpipe) verifies software.opencl, never gpu.opencl.
    const sw = new Set(((d.facts.softwareDevices ?? []) as { api: string; name: string }[]).filter((s) => s.api === 'opencl').map((s) => s.name));
    const isSw = (n: string) => sw.has(n);
    const hwDevs = devs.filter((x) => !isSw(x.name));
    const swDevs = devs.filter((x) => isSw(x.name));
    const verdict = (names: string[], n: number) => ({
      effective: names.length ? true : n ? false : null,
      evidence: names.map((x) => `FMA and bandwidth kernels verified on ${x}`),
    });
    capabilities['gpu.opencl'] = verdict(verified.filter((n) => !isSw(n)), hwDevs.length);
    if (swDevs.length) capabilities['software.opencl'] = verdict(verified.filter(isSw), swDevs.length);
  } else {
    metrics['gpu.opencl.fma-f32'] = skipped('GFLOP/s', cl.status === 'absent' ? `no OpenCL library: ${cl.error}` : (cl.error ?? run.detail));
  }

  // CUDA
  const cu = run.stacks.cuda;
  if (cu.status === 'ok') {
    const res = cu.result as { absent?: string; initError?: string; ptx: { version: string; target: string; entries: string[] }; devices: DeviceResult[] };
    const ptx = `PTX ISA ${res.ptx.version} ${res.ptx.target}, entries ${res.ptx.entries.join(', ')}`;
    if (res.absent || res.initError || !res.devices.length) {
      const why = res.absent ? `libcuda.so.1 could not be loaded (no NVIDIA driver): ${res.absent}` : res.initError ? `cuInit failed: ${res.initError}` : 'no CUDA device';
      for (const [k, unit] of CUDA_METRICS) metrics[`gpu.cuda.${k}`] = skipped(unit, `${why}; ${ptx} not loaded`);
    } else {
      const verified: string[] = [];
      for (const dev of res.devices) {
        for (const [k, unit] of CUDA_METRICS) {
          const id = `gpu.cuda.${dev.slug}.${k}`;
          const m = plausible(dev.metrics[id] ?? skipped(unit, dev.error ? `${dev.error} (${ptx})` : 'not measured'), 'rate');
          metrics[id] = m.status === 'ok' ? { ...m, notes: dev.name } : m;
          if (m.status === 'wrong') findings.push(wrongResultFinding(id, m.reason, 'gpu.cuda'));
        }
        if (dev.metrics[`gpu.cuda.${dev.slug}.fma-f32`]?.status === 'ok') verified.push(dev.name);
      }
      capabilities['gpu.cuda'] = { effective: verified.length > 0, evidence: verified.map((n) => `PTX FMA kernel verified on ${n}`) };
    }
  } else {
    for (const [k, unit] of CUDA_METRICS) metrics[`gpu.cuda.${k}`] = skipped(unit, cu.error ?? run.detail);
  }
  return { metrics, findings, capabilities };
}
