// src/ reaches probes/ only through the registry (probes/index.ts): adding a probe, a capability or a
// finding code never means editing the engine. Checks every static, dynamic and re-export specifier.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.(tsx?|mjs)$/.test(n) ? [p] : [];
  });
}

/** Module specifiers of a file: `from '…'`, `import('…')`, `import '…'`. */
export function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

test('specifiers are found in every import form (the scanner itself)', () => {
  const text = `import { a } from '../probes/cpu/tables.js';\nexport { b } from "../probes/x.js";\nconst m = await import('../probes/index.js');\nimport '../probes/side.js';\nimport type {\n  C,\n} from '../../probes/gpu/tables.js';`;
  assert.equal(specifiers(text), ['../probes/cpu/tables.js', '../probes/x.js', '../probes/index.js', '../probes/side.js', '../../probes/gpu/tables.js']);
});

test('src/ imports nothing from probes/ except the registry (probes/index.ts)', () => {
  const registry = join(root, 'probes', 'index.js');
  const bad: string[] = [];
  let seen = 0;
  for (const file of sources(join(root, 'src'))) {
    for (const s of specifiers(readFileSync(file, 'utf8'))) {
      if (!s.startsWith('.')) continue;
      const target = resolve(dirname(file), s);
      if (!relative(root, target).startsWith(`probes`)) continue;
      seen++;
      if (target !== registry) bad.push(`${relative(root, file)} → ${s}`);
    }
  }
  assert.ok(seen > 0, 'found no import of the registry at all: the scanner is broken');
  assert.equal(bad, []);
});

test.run();
