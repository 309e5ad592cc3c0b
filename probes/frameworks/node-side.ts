/** The Node side of the stack: tfjs backends (from the ml probe) and onnxruntime-node, when installed. */
import { createRequire } from 'node:module';
import { posix, win32 } from 'node:path';
import type { Detection, Evidence } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { parseJsonBounded } from '../../src/json-bounded.js';

/** One tfjs backend as the ml probe rates it. */
export interface TfjsBackend {
  advertised: boolean | null;
  usable: boolean | null;
  effective: boolean | null;
}

/** facts.node */
export interface NodeFrameworks {
  /** capability suffix (cpu, wasm, wasm-simd, tensorflow) → levels; null when the ml probe did not run */
  tfjs: Record<string, TfjsBackend> | null;
  onnxruntimeNode: { installed: boolean; version?: string | null; backends?: string[] | null; error?: string };
}

/** The tfjs backends from the ml probe's capabilities (`ml.tfjs.*`). */
export function tfjsSummary(ml: Detection | undefined): Record<string, TfjsBackend> | null {
  if (!ml) return null;
  const out: Record<string, TfjsBackend> = {};
  for (const [id, c] of Object.entries(ml.capabilities).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!id.startsWith('ml.tfjs.')) continue;
    out[id.slice('ml.tfjs.'.length)] = { advertised: c.advertised, usable: c.usable, effective: c.effective };
  }
  return out;
}

const ORT = 'onnxruntime-node';

/**
 * onnxruntime-node, looked up where hwprobe's own require() would find it (never the current
 * directory). Its backends are listed only when it is installed: loading it costs its native addon.
 */
export async function onnxruntimeNode(host: Host, evidence: Evidence[]): Promise<NodeFrameworks['onnxruntimeNode']> {
  const p = host.info().platform === 'win32' ? win32 : posix;
  const paths = await host.call('frameworks.node-search-paths', async () => createRequire(import.meta.url).resolve.paths(ORT) ?? []);
  for (const base of Array.isArray(paths) ? paths : []) {
    if (typeof base !== 'string') continue;
    const text = await host.readFile(p.join(base, ORT, 'package.json'));
    if (text === undefined) continue;
    let version: string | null = null;
    try {
      const v = (parseJsonBounded(text) as { version?: unknown }).version;
      version = typeof v === 'string' ? v : null;
    } catch {
      /* unreadable package.json: still installed */
    }
    const backends = await host.call('frameworks.onnxruntime-node.backends', async () => {
      const name = ORT; // a variable, so TypeScript does not need the (optional, absent) package's types
      const m = (await import(name)) as { listSupportedBackends?: () => Array<{ name: string }> };
      return typeof m.listSupportedBackends === 'function' ? m.listSupportedBackends().map((b) => b.name).sort() : null;
    });
    evidence.push({ source: ORT, ok: true, detail: `${version ?? '?'} in ${base}${backends ? `: ${backends.join(', ')}` : ''}` });
    return { installed: true, version, backends: backends ?? null };
  }
  evidence.push({ source: ORT, ok: false, detail: 'not installed' });
  return { installed: false };
}
