/**
 * Build step (run by `prepare` after tsc): compiles each JSON Schema into a CommonJS module of its
 * own ajv standalone validator (dist/validators/<name>.cjs), so a run validates its report without
 * compiling the schema at start-up, and loads only the validator it uses (all three in one module
 * were 230 KB to compile on every run, issue 17). Each module records a hash of its schema's text;
 * schemas.ts ignores it when the schema changed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PKG_ROOT } from '../paths.js';
import { SCHEMA_NAMES, makeAjv, schemaText } from '../schemas.js';

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default as (ajv: unknown, refs: Record<string, string>) => string;

const ajv = makeAjv({ code: { source: true, esm: false } });
const ids: Record<string, string> = {};
for (const name of SCHEMA_NAMES) {
  const schema = JSON.parse(schemaText(name)) as { $id: string };
  ajv.addSchema(schema);
  ids[name] = schema.$id;
}
const dir = join(PKG_ROOT, 'dist', 'validators');
mkdirSync(dir, { recursive: true });
for (const name of SCHEMA_NAMES) {
  const hash = createHash('sha256').update(schemaText(name)).digest('hex');
  const code = `${standaloneCode(ajv, { [name]: ids[name] })}\nmodule.exports.__hash = ${JSON.stringify(hash)};\n`;
  writeFileSync(join(dir, `${name}.cjs`), code);
}
