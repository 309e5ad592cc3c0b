// The finding-code reference (schemas/findings.md): every code the code can emit has an entry with a
// cause and a fix, and the shipped file is what the tables generate today. Codes are collected
// independently of the catalog: from every exported *_FINDINGS table in src/ and probes/, from every
// literal code passed to a finding builder or written as `code: '…'`, and from real reports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FINDING_TABLES, FIX_NOTES, findingCatalog, renderFindingsDoc } from '../../../src/build/finding-catalog.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((n) => {
    const p = join(dir, n);
    return statSync(join(root, p)).isDirectory() ? sources(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}
const files = [...sources('src'), ...sources('probes')].map((f) => ({ file: f, text: readFileSync(join(root, f), 'utf8') }));
const catalog = findingCatalog();
const codes = new Set(catalog.map((e) => e.code));

test('every exported findings table is in the catalog', () => {
  const tables = files.flatMap(({ file, text }) => [...text.matchAll(/export const ([A-Z][A-Z0-9_]*_FINDINGS)\b/g)].map((m) => `${m[1]} (${file})`));
  assert.ok(tables.length >= 9, `found ${tables.length} tables`);
  const missing = tables.filter((t) => !(t.split(' ')[0] in FINDING_TABLES));
  assert.equal(missing, [], 'add the table to FINDING_TABLES in src/build/finding-catalog.ts');
});

test('every literal finding code in the source has an entry', () => {
  const found = new Map<string, string>();
  const patterns = [/\b[a-zA-Z]*[fF]inding\(\s*'([A-Z][A-Z0-9_]+)'/g, /\bcode: '([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g];
  for (const { file, text } of files) for (const re of patterns) for (const m of text.matchAll(re)) found.set(m[1], relative(root, join(root, file)));
  assert.ok(found.size >= 30, `found ${found.size} literal codes`);
  const missing = [...found].filter(([c]) => !codes.has(c)).map(([c, f]) => `${c} (${f})`);
  assert.equal(missing, []);
});

test('every finding code in the real reports (golden replays of captures) has an entry', () => {
  const dir = join(root, 'fixtures/golden');
  const seen = new Set<string>();
  for (const f of readdirSync(dir)) for (const x of JSON.parse(readFileSync(join(dir, f), 'utf8')).findings as { code: string }[]) seen.add(x.code);
  assert.ok(seen.size >= 5);
  assert.equal([...seen].filter((c) => !codes.has(c)), []);
});

test('every entry has a cause and a fix; fix notes only for codes that exist and lack a hint', () => {
  assert.equal(catalog.filter((e) => !e.cause.trim() || !e.fix.trim()).map((e) => e.code), []);
  for (const e of catalog) assert.match(e.code, /^[A-Z][A-Z0-9_]*$/);
  const stale = Object.keys(FIX_NOTES).filter((c) => !codes.has(c));
  assert.equal(stale, [], 'FIX_NOTES for codes no table defines');
  const shadowed = Object.keys(FIX_NOTES).filter((c) => {
    const e = catalog.find((x) => x.code === c)!;
    return e.fix !== FIX_NOTES[c];
  });
  assert.equal(shadowed, [], 'FIX_NOTES for codes whose table has a hint (the hint wins)');
});

test('schemas/findings.md is current (npm run build regenerates it) and has a section per code', () => {
  const shipped = readFileSync(join(root, 'schemas/findings.md'), 'utf8');
  assert.ok(shipped === renderFindingsDoc(), 'schemas/findings.md is stale: run npm run build');
  const sections = [...shipped.matchAll(/^## ([A-Z0-9_]+)$/gm)].map((m) => m[1]).sort();
  assert.equal(sections, [...codes].sort());
});

test.run();
