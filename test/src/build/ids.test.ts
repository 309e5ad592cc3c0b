// src/ids.generated.ts (the literal id types) is what the registry generates today.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderIdTypes } from '../../../src/build/id-types.js';
import { findingCatalog } from '../../../src/build/finding-catalog.js';

const file = fileURLToPath(new URL('../../../src/ids.generated.ts', import.meta.url));

test('src/ids.generated.ts is current (npm run build regenerates it)', () => {
  assert.ok(readFileSync(file, 'utf8') === renderIdTypes(), 'src/ids.generated.ts is stale: run npm run build');
});

test('every finding code is a member of FindingCode', () => {
  const text = readFileSync(file, 'utf8');
  const codes = text.slice(text.indexOf('export type FindingCode'));
  for (const e of findingCatalog()) assert.ok(codes.includes(`'${e.code}'`), e.code);
});

test.run();
