/** How hwprobe starts one of its own Node worker scripts, from dist/ or under tsx, never via the current directory. */
import { fileURLToPath } from 'node:url';

/** Node arguments that run a worker module: under tsx (a .ts file) the tsx loader is imported by absolute URL. */
export function workerArgv(workerUrl: URL): string[] {
  const file = fileURLToPath(workerUrl);
  if (!file.endsWith('.ts')) return [file];
  // Resolved from this module, never from the current directory.
  return ['--import', import.meta.resolve('tsx'), file];
}

/** The worker module next to a caller: `name.ts` under tsx, `name.js` once built. */
export function siblingWorker(base: string, name: string): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, base);
}
