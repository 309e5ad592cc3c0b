/** macOS: system_profiler's display adapters, with Metal support (gpu.apple, gpu.metal). */
import type { Detection, Evidence, Finding, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { parseSystemProfilerDisplays } from './parse-tools.js';
import { readMasks } from './env-masks.js';
import { runTool } from './tools.js';
import { derive } from './derive.js';

/** macOS detection. Never throws. */
export async function detectDarwin(host: Host, ctx: ProbeContext): Promise<Detection> {
  const ev: Evidence[] = [];
  const findings: Finding[] = [];
  const mac = await runTool(host, 'systemProfiler', parseSystemProfilerDisplays, ev, findings, ctx.signal);
  const d = derive({ mac: mac ?? undefined, masks: readMasks((n) => host.env(n)) }, ev, findings);
  const metal = (mac ?? []).filter((g) => g.metal && !/unsupported/i.test(g.metal));
  d.capabilities['gpu.metal'] = {
    advertised: mac ? metal.length > 0 : null,
    // Metal ships with macOS: a GPU that reports a Metal family is usable by it.
    usable: mac ? metal.length > 0 : null,
    effective: null,
    evidence: metal.map((g) => `${g.name}: ${g.metal}`).sort(),
  };
  return d;
}
