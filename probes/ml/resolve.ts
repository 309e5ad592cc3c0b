/**
 * Finding installed packages the way Node's resolver does, through Host reads only, so that a
 * capture replays the answer: the search paths come from `require.resolve.paths` (recorded as a
 * Host call), the package.json files are Host reads.
 */
import { createRequire } from 'node:module';
import { posix, win32 } from 'node:path';
import type { Host } from '../../src/host/host.js';
import { parseJsonBounded } from '../../src/json-bounded.js';

/** An installed package, as far as its package.json tells. */
export interface InstalledPackage {
  name: string;
  /** absolute directory of the package (kept out of the report: it holds the install path) */
  dir: string;
  version: string | null;
  json: PackageJson;
}

/** The package.json fields the probe reads. */
export interface PackageJson {
  name?: unknown;
  version?: unknown;
  peerDependencies?: Record<string, unknown>;
  binary?: { module_name?: unknown; module_path?: unknown; napi_versions?: unknown };
}

function pathApi(platform: string) {
  return platform === 'win32' ? win32 : posix;
}

/** Node's node_modules search list for a directory: `dir/node_modules`, then each parent's, skipping node_modules dirs themselves. */
export function nodeModulesPaths(dir: string, platform: string): string[] {
  const p = pathApi(platform);
  const out: string[] = [];
  let d = p.resolve(dir);
  for (;;) {
    if (p.basename(d) !== 'node_modules') out.push(p.join(d, 'node_modules'));
    const up = p.dirname(d);
    if (up === d) return out;
    d = up;
  }
}

/**
 * The search paths this module's own require() uses for a bare name; recorded, so replay gives the
 * captured machine's. Undefined when unknown (a capture made before the ml probe existed).
 */
export async function ownSearchPaths(host: Host): Promise<string[] | undefined> {
  const r = await host.call('ml.tfjs.search-paths', async () => createRequire(import.meta.url).resolve.paths('@tensorflow/tfjs') ?? []);
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : undefined;
}

/** The first `<dir>/<name>/package.json` that parses, in search order; undefined when none. */
export async function findPackage(host: Host, name: string, searchPaths: readonly string[]): Promise<InstalledPackage | undefined> {
  const p = pathApi(host.info().platform);
  for (const base of searchPaths) {
    const dir = p.join(base, ...name.split('/'));
    const text = await host.readFile(p.join(dir, 'package.json'));
    if (text === undefined) continue;
    let json: PackageJson;
    try {
      json = parseJsonBounded(text) as PackageJson;
    } catch {
      continue; // Node would fail here too; treat as not installed at this level
    }
    if (!json || typeof json !== 'object') continue;
    return { name, dir, version: typeof json.version === 'string' ? json.version : null, json };
  }
  return undefined;
}
