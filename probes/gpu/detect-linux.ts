/** Linux: PCI and DRM through sysfs, kernel driver interfaces, vendor tools, and the FFI worker. */
import type { Detection, Evidence, Finding, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { readPciDevices, linkBase } from './pci.js';
import { parseNvidiaSmiCsv, parseNvidiaSmiXml, queryFields } from './parse-nvidia-smi.js';
import { parseAmdSmiJson, parseClinfoList, parseRocmSmiJson, parseVulkaninfoSummary } from './parse-tools.js';
import { readMasks } from './env-masks.js';
import { runTool } from './tools.js';
import { runWorker, type WorkerRun } from './worker-client.js';
import { askSharedWorker, devNodes, GPU_STACKS, librariesPresent, WORKER_URL } from './shared-worker.js';
import { TOOL_TIMEOUT_MS, TOOLS, WORKER_TIMEOUT_MS } from './tables.js';
import { derive, type GpuFacts } from './derive.js';

/** Options for tests: another worker module (a crashing one, say). */
export interface DetectOptions {
  workerUrl?: URL;
}

/** The FFI worker (shared with the accelerators probe's AMX check: shared-worker.ts). */
export { WORKER_URL } from './shared-worker.js';

/** The call key the worker's ExecResult is recorded under. */
export const WORKER_KEY = 'gpu.ffi-worker.query';

const STACKS = GPU_STACKS;

/** DRM nodes and the PCI device behind each. */
async function drmNodes(host: Host): Promise<{ name: string; device: string | null }[] | undefined> {
  const names = await host.readDir('/sys/class/drm');
  if (!names) return undefined;
  const nodes = names.filter((n) => /^(card\d+|renderD\d+)$/.test(n));
  return Promise.all(nodes.map(async (name) => ({ name, device: linkBase(await host.readLink(`/sys/class/drm/${name}/device`)) })));
}

/** `clinfo -l` that lists no platform but printed something printed something else: unreadable, not "no platforms". */
function clinfoOrThrow(text: string): ReturnType<typeof parseClinfoList> {
  const r = parseClinfoList(text);
  if (!r.length && text.trim()) throw new Error(`no "Platform #N:" line in ${JSON.stringify(text.trim().split('\n')[0].slice(0, 80))}`);
  return r;
}

/**
 * Each stack's failure contained to that stack: when the worker crashed or hung, the stacks it did
 * not reach are asked again in a fresh worker of their own, until `allBy` (an OpenCL crash used to
 * hide a working cudart, issue 13 §2). `ok` stays false, so facts.stackErrors names the stack that failed.
 */
async function retryUnreached(host: Host, run: WorkerRun, signal: AbortSignal, allBy: number): Promise<WorkerRun> {
  for (let tries = 1; tries < STACKS.length && !run.ok && !signal.aborted; tries++) {
    const left = STACKS.filter((s) => run.stacks[s]?.status === 'error' && run.stacks[s]?.error?.startsWith('not reached'));
    const ms = allBy - performance.now();
    if (!left.length || ms < 500) break;
    const again = await runWorker(host, `${WORKER_KEY}.retry.${left.join(',')}`, WORKER_URL, ['query', left.join(',')], left, ms, signal);
    if (host.kind === 'replay' && again.detail === 'not in capture') break;
    run = { ok: false, detail: `${run.detail}; again for ${left.join(',')}: ${again.detail}`, stacks: { ...run.stacks, ...again.stacks } };
  }
  return run;
}

/** Linux detection. Never throws: each source that fails is an evidence entry or a finding. */
export async function detectLinux(host: Host, ctx: ProbeContext, opts: DetectOptions = {}): Promise<Detection> {
  const ev: Evidence[] = [];
  const findings: Finding[] = [];
  const signal = ctx.signal;
  // Sub-budgets derive from the probe's deadline, so that a hanging tool still leaves room for the
  // fallbacks and for evidence (a worker's 8 s plus clinfo's 4 s used to exceed the 10 s deadline
  // and lose everything): tools get 40 % of it, clinfo what is left less a margin.
  const t0 = performance.now();
  const budget = Math.max(1000, (ctx.deadline ?? t0 + 10_000) - t0);
  const toolMs = Math.min(TOOL_TIMEOUT_MS, budget * 0.4);
  const tool = <T>(name: Parameters<typeof runTool>[1], parse: (s: string) => T, fallback?: Parameters<typeof runTool<T>>[6], ms = toolMs) =>
    runTool(host, name, parse, ev, findings, signal, fallback, ms);
  const csv = (name: 'nvidiaSmiCsv' | 'nvidiaSmiCsvLegacy') => (s: string) => parseNvidiaSmiCsv(s, queryFields(TOOLS[name].args));

  // The worker starts first (a Node start-up, ~40 ms) and everything else runs beside it.
  const nodesP = devNodes(host);
  const workerP: Promise<WorkerRun | undefined> = (async () => {
    const devs = await nodesP;
    if (!(await librariesPresent(host, devs))) return undefined;
    if (opts.workerUrl) return runWorker(host, WORKER_KEY, opts.workerUrl, ['query', STACKS.join(',')], STACKS, WORKER_TIMEOUT_MS, signal);
    const first = await askSharedWorker(host, WORKER_KEY, STACKS, Math.min(WORKER_TIMEOUT_MS, budget * 0.45));
    return retryUnreached(host, first, signal, t0 + budget * 0.75);
  })();

  const [pci, drm, nodes, nvidiaVersion, smiCsv, smiXml, rocm, amd, vulkan, worker] = await Promise.all([
    readPciDevices(host),
    drmNodes(host),
    nodesP,
    host.readFile('/proc/driver/nvidia/version'),
    tool('nvidiaSmiCsv', csv('nvidiaSmiCsv'), {
      when: /compute_cap.*not a valid field|not a valid field.*compute_cap/is,
      name: 'nvidiaSmiCsvLegacy',
      parse: csv('nvidiaSmiCsvLegacy'),
      why: 'driver older than 510 rejects compute_cap; queried without it',
    }),
    tool('nvidiaSmiXml', parseNvidiaSmiXml),
    tool('rocmSmi', parseRocmSmiJson),
    tool('amdSmi', parseAmdSmiJson),
    tool('vulkaninfo', parseVulkaninfoSummary),
    workerP,
  ]);
  ev.push({ source: '/sys/bus/pci/devices', ok: pci !== undefined, detail: pci ? `${pci.length} display/accelerator devices` : 'not readable' });
  if (drm) ev.push({ source: '/sys/class/drm', ok: true, detail: drm.map((n) => n.name).join(' ') || 'no nodes' });
  if (nvidiaVersion) ev.push({ source: '/proc/driver/nvidia/version', ok: true });
  const accelClass = await host.readDir('/sys/class/accel');

  // clinfo only as a fallback: the worker already asks the ICD loader the same questions.
  const clinfoMs = Math.min(TOOL_TIMEOUT_MS, t0 + budget - 500 - performance.now());
  const clinfo = worker?.stacks.opencl?.status === 'ok' || clinfoMs < 200 ? undefined : await tool('clinfo', clinfoOrThrow, undefined, clinfoMs);

  const facts: GpuFacts = {
    pci: pci ?? null,
    drm: drm ?? null,
    devNodes: nodes,
    accelClass: accelClass ?? [],
    nvidiaDriverVersion: nvidiaVersion ? (/Kernel Module(?: for [\w.]+)?\s+([\d.]+)/.exec(nvidiaVersion)?.[1] ?? null) : null,
    nvidiaSmi: smiXml ?? smiCsv,
    nvidiaSmiCsv: smiCsv,
    amdSmi: rocm ?? amd,
    vulkan,
    clinfo,
    worker,
    masks: readMasks((n) => host.env(n)),
  };
  return derive(facts, ev, findings);
}
