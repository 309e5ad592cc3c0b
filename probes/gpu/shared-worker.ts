/**
 * One FFI worker per run for the probes that need one (issue 17): the gpu probe's library stacks and
 * the accelerators probe's AMX permission check are answered by one child, so a machine with both
 * pays one Node start-up (~40–60 ms of CPU and ~40 MB) instead of two.
 *
 * Which stacks the child is asked for is decided from cheap facts that both probes see alike: the
 * device nodes and library paths of the gpu stacks (librariesPresent) and the amx_tile flag. So the
 * probe that asks first starts it with every stack either probe will want, and the other reads the
 * same run. `amx` goes first: its syscalls cannot crash, and its line is out before any vendor
 * library is loaded, so a driver that crashes the worker later does not take the AMX answer with it.
 * Each probe records the run under its own call key, as when each had its own child, so captures
 * made before replay unchanged. The shared child has no caller's abort signal (two callers, two
 * deadlines): its own timeout bounds it, and an interrupted run's children are reaped at exit.
 */
import type { ExecResult, Host } from '../../src/host/host.js';
import { readWorker, siblingWorker, workerArgv, type WorkerRun } from './worker-client.js';
import { LIBRARY_HINTS, WORKER_TIMEOUT_MS, type Stack } from './tables.js';

/** The FFI worker module. */
export const WORKER_URL = siblingWorker(import.meta.url, 'ffi-worker');

/** The stacks the gpu probe asks for. */
export const GPU_STACKS: readonly Stack[] = ['opencl', 'cuda', 'cudart', 'nvml'];

/** The AMX check's timeout when it had a worker of its own; the shared child gets the longer of the two. */
const AMX_TIMEOUT_MS = 5000;

/** Device nodes of kernel driver interfaces, from one listing of /dev and its subdirectories. */
export async function devNodes(host: Host): Promise<string[]> {
  const [dev, dri, accel] = await Promise.all([host.readDir('/dev'), host.readDir('/dev/dri'), host.readDir('/dev/accel')]);
  const keep = (dev ?? []).filter((n) => /^(nvidia.*|kfd|neuron\d+|dxg|vfio)$/.test(n)).map((n) => `/dev/${n}`);
  return [...keep, ...(dri ?? []).map((n) => `/dev/dri/${n}`), ...(accel ?? []).map((n) => `/dev/accel/${n}`)].sort();
}

/** Whether any library of a stack seems installed (a cheap check before paying for a worker). */
export async function librariesPresent(host: Host, devs: string[]): Promise<boolean> {
  if (devs.some((d) => d.startsWith('/dev/nvidia') || d === '/dev/kfd')) return true;
  const paths = Object.values(LIBRARY_HINTS).flat();
  const found = await Promise.all(paths.map((p) => host.exists(p)));
  return found.some(Boolean);
}

/** Whether /proc/cpuinfo's flags line lists amx_tile (the accelerators probe's condition for asking). */
export function hasAmxTile(cpuinfo: string | undefined): boolean {
  return (/^flags\s*:\s*(.*)$/m.exec(cpuinfo ?? '')?.[1] ?? '').split(/\s+/).includes('amx_tile');
}

/** The stacks the run's worker answers: `amx` first when the CPU has it, then the gpu stacks when a library is there. */
async function plannedStacks(host: Host): Promise<string[]> {
  const [amx, gpu] = await Promise.all([host.readFile('/proc/cpuinfo').then(hasAmxTile), devNodes(host).then((d) => librariesPresent(host, d))]);
  return [...(amx ? ['amx'] : []), ...(gpu ? GPU_STACKS : [])];
}

const runs = new WeakMap<Host, Promise<ExecResult>>();

/** The run's one worker child: started by the first caller, shared by the rest. `timeoutMs`: the first caller's cut (derived from its probe deadline). */
function sharedRun(host: Host, timeoutMs = Math.max(WORKER_TIMEOUT_MS, AMX_TIMEOUT_MS)): Promise<ExecResult> {
  let p = runs.get(host);
  if (!p) {
    p = plannedStacks(host).then((stacks) =>
      host.exec(process.execPath, [...workerArgv(WORKER_URL), 'query', stacks.join(',')], {
        timeoutMs: Math.round(timeoutMs),
        maxBytes: 1 << 20,
      }),
    );
    runs.set(host, p);
  }
  return p;
}

/** Reads `stacks` from the run's shared worker, recorded (and replayed) under `key`. */
export function askSharedWorker(host: Host, key: string, stacks: readonly string[], timeoutMs?: number): Promise<WorkerRun> {
  return readWorker(host, key, stacks, () => sharedRun(host, timeoutMs));
}
