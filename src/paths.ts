/** Where the package's own files are, whether running from src/ (tsx) or dist/src/ (compiled). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('hwprobe: cannot find its package root');
    dir = up;
  }
}

/** The package root (holds package.json and schemas/). */
export const PKG_ROOT = findRoot();

/** Absolute path of a file shipped in schemas/. */
export function schemaPath(name: string): string {
  return join(PKG_ROOT, 'schemas', name);
}

/** Reads a JSON file shipped with the package. */
export function readPackageJson<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(join(PKG_ROOT, rel), 'utf8')) as T;
}
