/** Windows: nvidia-smi where installed and systeminformation's graphics controllers (WMI). */
import type { Detection, Evidence, Finding, ProbeContext } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { parseNvidiaSmiXml } from './parse-nvidia-smi.js';
import { readMasks } from './env-masks.js';
import { runTool } from './tools.js';
import { derive } from './derive.js';

/** The call key of systeminformation.graphics() in captures. */
export const SI_GRAPHICS_KEY = 'systeminformation.graphics';

/** Windows detection. Never throws. systeminformation is the only OS source here (it took ~660 ms on Linux, so Linux does not use it). */
export async function detectWin32(host: Host, ctx: ProbeContext): Promise<Detection> {
  const ev: Evidence[] = [];
  const findings: Finding[] = [];
  const [smi, controllers] = await Promise.all([
    runTool(host, 'nvidiaSmiXml', parseNvidiaSmiXml, ev, findings, ctx.signal),
    host.call<{ vendor: string; model: string }[]>(SI_GRAPHICS_KEY, async () => {
      const si = (await import('systeminformation')).default;
      const g = await si.graphics();
      return g.controllers.map((c) => ({ vendor: c.vendor ?? '', model: c.model ?? '' }));
    }),
  ]);
  ev.push({ source: 'systeminformation.graphics', ok: controllers !== undefined });
  const d = derive({ nvidiaSmi: smi, controllers: controllers ?? undefined, masks: readMasks((n) => host.env(n)) }, ev, findings);
  return d;
}
