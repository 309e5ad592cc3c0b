/**
 * Detection of the `frameworks` probe: what the installed Python numeric stacks (numpy and its BLAS, torch,
 * tensorflow, jax, onnxruntime) and the Node ones will actually use on this machine, and the
 * environment variables that mask or override it.
 */
import type { Detection, Evidence, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { DEFAULT_BUDGET, inspectInterpreters, type InspectBudget } from './interpreters.js';
import { armTier, derive, type HardwareView } from './derive.js';
import { onnxruntimeNode, tfjsSummary } from './node-side.js';
import type { SimdTier } from './tables.js';
import { parseCpuinfo } from '../cpu/parse-cpuinfo.js';
import { x86Levels } from '../cpu/capabilities.js';
import { detectResources } from '../environment/cgroup.js';
import { Trail } from '../environment/util.js';

const NVIDIA_VERSION = '/proc/driver/nvidia/version';

/** The driver version in /proc/driver/nvidia/version ("NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  …"). */
export function parseNvidiaVersion(text: string): string | null {
  return /Kernel Module(?: for \S+)?\s+(\d+(?:\.\d+)+)/.exec(text)?.[1] ?? null;
}

/** The CPU part of the hardware view from /proc/cpuinfo, parsed and levelled by the cpu probe's own functions. */
export function cpuinfoView(text: string, arch: string): Pick<HardwareView, 'family' | 'tier' | 'flags' | 'sources'> {
  const features = new Set(parseCpuinfo(text).features);
  const family = arch === 'x64' ? 'x86' : arch === 'arm64' ? 'arm64' : null;
  const tier: SimdTier | null =
    family === 'x86' ? (x86Levels(features).level ?? (features.has('lm') ? 'x86-64' : null)) : family === 'arm64' ? armTier(features) : null;
  return { family, tier, flags: features.size ? features : null, sources: ['/proc/cpuinfo'] };
}

/** Runs the frameworks detection. `budget` bounds the interpreter runs (tests shorten it). */
export async function detectFrameworks(
  host: Host,
  ctx: Pick<ProbeContext, 'signal' | 'peers' | 'peer'>,
  budget: InspectBudget = DEFAULT_BUDGET,
): Promise<Detection> {
  const evidence: Evidence[] = [];
  const linux = host.info().platform === 'linux';
  // The CPU level and the usable CPU count are read here with the cpu and environment probes' own
  // parsers rather than waited for: the interpreters then start with the other probes, not after them.
  const resourcesP = detectResources(host, new Trail());
  const [interpreters, nvidiaText, onnx, cpuinfo, resources] = await Promise.all([
    // Import runs at once: the CPUs this process may use (cgroup quota, cpuset), at least one.
    inspectInterpreters(host, evidence, ctx.signal, budget, resourcesP.then((r) => Math.max(1, Math.floor(r.usableCpus ?? host.info().availableParallelism)))),
    linux ? host.readFile(NVIDIA_VERSION) : Promise.resolve(undefined),
    onnxruntimeNode(host, evidence),
    linux ? host.readFile('/proc/cpuinfo') : Promise.resolve(undefined),
    resourcesP,
  ]);
  const nvidiaDriver = linux ? (nvidiaText === undefined ? null : parseNvidiaVersion(nvidiaText)) : undefined;
  if (linux) evidence.push({ source: NVIDIA_VERSION, ok: nvidiaText !== undefined, detail: nvidiaDriver ?? 'no NVIDIA driver loaded' });
  const cpu = cpuinfo !== undefined ? cpuinfoView(cpuinfo, host.info().arch) : { family: null, tier: null, flags: null, sources: [] };
  evidence.push({ source: 'CPU level', ok: cpu.tier !== null, detail: cpu.tier ?? (linux ? 'unknown' : `not read on ${host.info().platform}: SIMD limits are not compared with the CPU`) });
  const hw: HardwareView = { ...cpu, usableCpus: resources.usableCpus, nvidiaDriver };
  const d = derive(interpreters, (n) => host.env(n), hw, budget.slowMs);
  // The ml probe is read last, so the interpreters did not wait for it.
  const ml = ctx.peer ? await ctx.peer('ml') : ctx.peers.ml;
  const tfjs = tfjsSummary(ml);
  if (!ml) evidence.push({ source: 'ml probe', ok: false, detail: 'did not run: no tfjs backends to summarise' });
  return {
    status: 'ok',
    facts: {
      frameworks: d.summary,
      python: interpreters,
      env: d.env,
      nvidiaDriver: nvidiaDriver ?? null,
      node: { tfjs, onnxruntimeNode: onnx },
    },
    evidence: evidence.sort((a, b) => (a.source === b.source ? ((a.detail ?? '') < (b.detail ?? '') ? -1 : 1) : a.source < b.source ? -1 : 1)),
    capabilities: Object.fromEntries(Object.entries(d.capabilities).sort(([a], [b]) => (a < b ? -1 : 1))),
    findings: d.findings,
  };
}
